# Reference values for survey_kit's per-domain degrees of freedom (issue: honest area-level
# inference).  Run from this folder:  Rscript make_domain_df_reference.R
# R 4.2.2, survey 4.1.1, jsonlite.  Data: ../tryghed_sample.csv (synthetic, see ../README.md),
# ../apistrat.csv (the California API sample shipped with survey).
#
# The rule held here: a domain's df is degf(subset(design, domain)) (PSUs minus strata among
# the domain's rows, whether or not they answered the variable), as svyby(..., svyciprop) uses.
# A contrast of domains that share PSUs uses degf of the union of the domains; a contrast of
# parts with separate PSUs uses the Welch-Satterthwaite df (sum v)^2 / sum(v^2 / df) of the
# parts' variances (from svyby(covmat=TRUE) + svycontrast) and degf.  Intervals come from
# confint(svycontrast(...), df = that df); p-values from 2 * pt(-|t|, df).
suppressMessages({library(survey); library(jsonlite)})
cases <- list()
add <- function(name, call, value) cases[[name]] <<- list(call = call, value = value)

d <- read.csv("../tryghed_sample.csv")
des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~design_weight, data = d, nest = TRUE)
dom_df <- function(expr) degf(subset(des, eval(expr, d)))

# 1. means of every stratum x year domain with their own df
b <- svyby(~tryg, ~stratum + year, subset(des, !is.na(tryg)), svymean, covmat = TRUE)
keys <- b[, c("stratum", "year")]
dfs <- mapply(function(s, y) degf(subset(des, stratum == s & year == y)), keys$stratum, keys$year)
ci <- t(mapply(function(s, y, df) {
  confint(svymean(~tryg, subset(des, stratum == s & year == y), na.rm = TRUE), df = df)
}, keys$stratum, keys$year, dfs))
add("stratum_year_means",
    "svyby(~tryg, ~stratum+year, des, svymean, na.rm=TRUE); confint(svymean(~tryg, subset(des, stratum==s & year==y), na.rm=TRUE), df=degf(subset(des, stratum==s & year==y)))",
    list(stratum = keys$stratum, year = keys$year, estimate = unname(coef(b)),
         se = unname(SE(b)), df = unname(dfs), ci_low = unname(ci[, 1]), ci_high = unname(ci[, 2])))

# 2. proportions: svyby(svyciprop) uses each domain's degf itself
for (m in c("logit", "beta")) {
  p <- svyby(~tryg_pos, ~stratum + year, des, svyciprop, method = m, na.rm = TRUE, vartype = "ci")
  add(paste0("stratum_year_prop_", m),
      sprintf("svyby(~tryg_pos, ~stratum+year, des, svyciprop, method='%s', na.rm=TRUE, vartype='ci')", m),
      list(stratum = p$stratum, year = p$year, estimate = as.numeric(p$tryg_pos),
           ci_low = unname(p$ci_l), ci_high = unname(p$ci_u)))
}

# 3. a domain inside one PSU: degf 0, no interval
p0 <- svyciprop(~tryg_pos, subset(des, psu == "h01_p1"), method = "logit", na.rm = TRUE)
add("one_psu_domain", "svyciprop(~tryg_pos, subset(des, psu=='h01_p1'), method='logit')",
    list(df = degf(subset(des, psu == "h01_p1")), estimate = as.numeric(coef(p0)),
         ci = as.numeric(confint(p0))))

# helpers for contrasts of svyby(covmat=TRUE) rows
row_of <- function(bb, s, y) which(bb$stratum == s & bb$year == y)
contrast_rows <- function(bb, L, df) {
  cc <- svycontrast(bb, L)
  est <- as.numeric(coef(cc)); se <- as.numeric(SE(cc))
  ci <- vapply(seq_along(est), function(i) {
    as.numeric(confint(svycontrast(bb, L[i]), df = df[i]))
  }, numeric(2))
  list(estimate = est, se = se, df = as.numeric(df), ci_low = ci[1, ],
       ci_high = ci[2, ], p_value = 2 * pt(-abs(est / se), df))
}
welch <- function(v, df) sum(v)^2 / sum(v^2 / df)

# 4. change within each area (PSUs shared across rounds): the area's degf
areas <- sprintf("h%02d", 1:8)
L <- lapply(areas, function(s) { v <- rep(0, nrow(b)); v[row_of(b, s, 2021)] <- 1
                                 v[row_of(b, s, 2018)] <- -1; v })
names(L) <- areas
df_change <- sapply(areas, function(s) degf(subset(des, stratum == s)))
add("area_change", "svycontrast(svyby(~tryg, ~stratum+year, des, svymean, covmat=TRUE), 2021 - 2018 per area); df = degf(subset(des, stratum == area))",
    c(list(area = areas), contrast_rows(b, L, df_change)))

# 5. each area against the almene sector in 2021 (separate PSUs): Welch-Satterthwaite
des_u <- update(des, unit = ifelse(group == "helhedsplan", stratum, group))
both <- svyby(~tryg, ~unit + year, subset(des_u, !is.na(tryg)), svymean, covmat = TRUE)
urow <- function(u, y) which(both$unit == u & both$year == y)
V <- vcov(both)
df_alm <- degf(subset(des, group == "almene" & year == 2021))
L <- list(); dfs <- c()
for (s in areas) {
  v <- rep(0, nrow(both)); v[urow(s, 2021)] <- 1; v[urow("almene", 2021)] <- -1
  L[[s]] <- v
  parts <- c(V[urow(s, 2021), urow(s, 2021)], V[urow("almene", 2021), urow("almene", 2021)])
  dfs <- c(dfs, welch(parts, c(degf(subset(des, stratum == s & year == 2021)), df_alm)))
}
add("area_vs_almene_2021", "svycontrast(svyby(~tryg, ~unit+year, des, svymean, covmat=TRUE), area - almene in 2021); Welch-Satterthwaite df from the two variances and degf(subset())",
    c(list(area = areas), contrast_rows(both, L, dfs)))
# 5b. the same contrasts as an area's page judges them: df = min(Welch-Satterthwaite, the
# area's own degf) (survey_kit.run.areas.with_area_df), p-value and interval from that df
df_area <- sapply(areas, function(s) degf(subset(des, stratum == s & year == 2021)))
add("area_vs_almene_2021_page", "as area_vs_almene_2021 with df = pmin(Welch-Satterthwaite, degf(subset(des, stratum == area & year == 2021)))",
    c(list(area = areas, df_welch = dfs, df_area = unname(df_area)),
      contrast_rows(both, L, pmin(dfs, df_area))))

# 6. relative development of each area against almene: two PSU-separate components
L <- list(); dfs <- c()
for (s in areas) {
  v <- rep(0, nrow(both))
  v[urow(s, 2021)] <- 1; v[urow(s, 2018)] <- -1; v[urow("almene", 2021)] <- -1
  v[urow("almene", 2018)] <- 1
  L[[s]] <- v
  a <- rep(0, nrow(both)); a[urow(s, 2021)] <- 1; a[urow(s, 2018)] <- -1
  c2 <- rep(0, nrow(both)); c2[urow("almene", 2021)] <- 1; c2[urow("almene", 2018)] <- -1
  parts <- c(drop(t(a) %*% V %*% a), drop(t(c2) %*% V %*% c2))
  dfs <- c(dfs, welch(parts, c(degf(subset(des, stratum == s)), degf(subset(des, group == "almene")))))
}
add("area_did_almene", "svycontrast: (area 2021 - 2018) - (almene 2021 - 2018); Welch-Satterthwaite over the area and almene components",
    c(list(area = areas), contrast_rows(both, L, dfs)))

# 7. group pairs within each year: groups have separate PSUs (Welch-Satterthwaite)
bb <- svyby(~tryg, ~group + year, subset(des, !is.na(tryg)), svymean, covmat = TRUE)
Vg <- vcov(bb)
grp <- c("almene", "befolkning", "helhedsplan")
L <- list(); dfs <- c(); lab <- c()
for (yr in c(2018, 2021)) for (p in list(c(2, 1), c(3, 1), c(3, 2))) {
  ia <- which(bb$group == grp[p[1]] & bb$year == yr); ib <- which(bb$group == grp[p[2]] & bb$year == yr)
  v <- rep(0, nrow(bb)); v[ia] <- 1; v[ib] <- -1; L[[length(L) + 1]] <- v
  dfa <- degf(subset(des, group == grp[p[1]] & year == yr))
  dfb <- degf(subset(des, group == grp[p[2]] & year == yr))
  dfs <- c(dfs, welch(c(Vg[ia, ia], Vg[ib, ib]), c(dfa, dfb)))
}
names(L) <- paste0("c", seq_along(L))
add("group_pairs_by_year", "svycontrast(svyby(~tryg, ~group+year, subset(des, !is.na(tryg)), svymean, covmat=TRUE), group pairs within 2018 then 2021); Welch-Satterthwaite df",
    contrast_rows(bb, L, dfs))

# 8. apistrat (each school its own PSU): comp.imp Yes vs No among non-elementary schools
api <- read.csv("../apistrat.csv")
dw <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = api)
sub <- subset(dw, stype != "E")
ab <- svyby(~api00, ~comp.imp, sub, svymean, covmat = TRUE)
Va <- vcov(ab)
dfs <- welch(diag(Va), c(degf(subset(dw, stype != "E" & comp.imp == "No")),
                         degf(subset(dw, stype != "E" & comp.imp == "Yes"))))
add("apistrat_comp_imp", "svycontrast(svyby(~api00, ~comp.imp, subset(dw, stype != 'E'), svymean, covmat=TRUE), Yes - No); Welch-Satterthwaite df",
    contrast_rows(ab, list(yes_no = c(-1, 1)), dfs))

out <- list(source = paste("R", getRversion(), "survey", packageVersion("survey")), cases = cases)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null"),
           "domain_df_reference.json")
