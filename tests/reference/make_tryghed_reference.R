# Generates a small, synthetic "tryghedsmåling"-shaped data set and reference values from R's `survey`
# package for survey_kit's tests. Deterministic (set.seed). Run from this folder:
#   Rscript make_tryghed_reference.R
# Writes tryghed_sample.csv and tryghed_reference.json (jsonlite, digits = NA = full precision).
# All designs are built from the CSV as read back by read.csv(), so Python sees exactly the same data.
suppressMessages({library(survey); library(jsonlite)})
options(survey.lonely.psu = "fail")   # R's default; changed only inside the lonely-PSU cases

# ---------------------------------------------------------------------------------------------
# 1. Synthetic data
# ---------------------------------------------------------------------------------------------
set.seed(20240517)
strata_def <- data.frame(
  stratum = c(sprintf("h%02d", 1:8), "a01", "a02", "b01", "b02"),
  group   = c(rep("helhedsplan", 8), rep("almene", 2), rep("befolkning", 2)),
  n_psu   = c(3, 4, 5, 6, 7, 8, 3, 5, 6, 8, 8, 7),
  stringsAsFactors = FALSE)
strata_def$N_psu <- strata_def$n_psu + sample(4:25, nrow(strata_def), replace = TRUE)  # fpc (count)
edu_levels <- c("grundskole", "erhvervsudd", "videregaaende")
qcat_levels <- c("meget_tryg", "tryg", "utryg", "meget_utryg")
age_levels <- c("18-29", "30-49", "50-64", "65+")

rows <- list()
for (s in seq_len(nrow(strata_def))) {
  st <- strata_def[s, ]
  g_eff <- switch(st$group, helhedsplan = -0.08, almene = -0.03, befolkning = 0.05)
  for (j in seq_len(st$n_psu)) {
    psu <- sprintf("%s_p%d", st$stratum, j)
    psu_eff <- rnorm(1, 0, 0.06)
    base_w <- runif(1, 8, 35)
    for (yr in c(2018, 2021)) {
      m <- sample(17:27, 1)
      gender <- sample(c("kvinde", "mand"), m, replace = TRUE, prob = c(0.53, 0.47))
      age <- sample(age_levels, m, replace = TRUE, prob = c(0.2, 0.3, 0.25, 0.25))
      menapt <- runif(m) < switch(st$group, helhedsplan = 0.45, almene = 0.3, befolkning = 0.12)
      edu <- sample(edu_levels, m, replace = TRUE, prob = c(0.3, 0.4, 0.3))
      yr_eff <- if (yr == 2021) (if (st$group == "helhedsplan") 0.04 else 0.01) else 0
      lin <- 0.62 + g_eff + yr_eff + psu_eff + 0.03 * (gender == "mand") - 0.04 * menapt +
        0.02 * (age == "65+") + rnorm(m, 0, 0.15)
      tryg <- round(pmin(1, pmax(0, lin)), 6)
      tillid <- round(pmin(1, pmax(0, 0.55 + 0.5 * (lin - 0.62) + rnorm(m, 0, 0.15))), 6)
      index <- round(pmin(1, pmax(0, (tryg + tillid) / 2 + rnorm(m, 0, 0.05))), 6)
      qc <- cut(lin + rnorm(m, 0, 0.1), c(-Inf, 0.4, 0.55, 0.7, Inf), labels = rev(qcat_levels))
      rows[[length(rows) + 1]] <- data.frame(
        year = yr, group = st$group, stratum = st$stratum, psu = psu, fpc = st$N_psu,
        design_weight = round(base_w * runif(m, 0.7, 1.4), 4),
        gender = gender, age_group = age, menapt = menapt, education = edu,
        tryg = tryg, tillid = tillid, index = index, q_cat = as.character(qc),
        stringsAsFactors = FALSE)
    }
  }
}
d0 <- do.call(rbind, rows)
n <- nrow(d0)
d0$tryg_pos <- as.integer(d0$tryg >= 0.6)
d0$tryg[runif(n) < 0.05] <- NA
d0$tillid[runif(n) < 0.05] <- NA
d0$index[runif(n) < 0.05] <- NA
d0$tryg_pos[is.na(d0$tryg) | runif(n) < 0.02] <- NA
d0 <- cbind(id = seq_len(n), d0)
write.csv(d0, "tryghed_sample.csv", row.names = FALSE)
d <- read.csv("tryghed_sample.csv", stringsAsFactors = FALSE)
stopifnot(is.logical(d$menapt), nrow(d) == n)

# ---------------------------------------------------------------------------------------------
# 2. Designs
# ---------------------------------------------------------------------------------------------
des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~design_weight, data = d, nest = TRUE)
des_fpc <- svydesign(ids = ~psu, strata = ~stratum, weights = ~design_weight, data = d, nest = TRUE, fpc = ~fpc)
# lonely variant: stratum h01 keeps only PSU h01_p1
lonely_drop <- c("h01_p2", "h01_p3")
d_lonely <- d[!(d$psu %in% lonely_drop), ]
des_lonely <- svydesign(ids = ~psu, strata = ~stratum, weights = ~design_weight, data = d_lonely, nest = TRUE)
des_lonely_fpc <- svydesign(ids = ~psu, strata = ~stratum, weights = ~design_weight, data = d_lonely, nest = TRUE, fpc = ~fpc)

cases <- list()
add <- function(name, call, value, design = "des") cases[[name]] <<- list(call = call, design = design, value = value)
mat_rows <- function(m) lapply(seq_len(nrow(m)), function(i) unname(as.numeric(m[i, ])))
stat <- function(m) list(names = names(coef(m)), estimate = unname(as.numeric(coef(m))),
                         se = unname(as.numeric(SE(m))))

# ---------------------------------------------------------------------------------------------
# 3. svymean with deff, with and without fpc
# ---------------------------------------------------------------------------------------------
for (v in c("tryg", "tillid", "index")) {
  for (fp in c(FALSE, TRUE)) {
    dd <- if (fp) des_fpc else des
    f <- as.formula(paste0("~", v))
    m <- svymean(f, dd, na.rm = TRUE, deff = TRUE)
    add(paste0("svymean_", v, if (fp) "_fpc" else ""), sprintf("svymean(~%s, %s, na.rm=TRUE, deff=TRUE)", v, if (fp) "des_fpc" else "des"),
        list(estimate = unname(coef(m)), se = as.numeric(SE(m)), deff = unname(deff(m)),
             var = unname(as.numeric(vcov(m)))), if (fp) "des_fpc" else "des")
  }
}
m2 <- svymean(~tryg + index, des, na.rm = TRUE, deff = TRUE)
add("svymean_tryg_index_listwise", "svymean(~tryg+index, des, na.rm=TRUE, deff=TRUE)  # listwise NA deletion over both",
    c(stat(m2), list(deff = unname(deff(m2)), vcov = mat_rows(vcov(m2)))))

# ---------------------------------------------------------------------------------------------
# 4. svyby group x year with covmat, and contrasts
# ---------------------------------------------------------------------------------------------
# survey 4.1.1 bug: svyby(..., na.rm=TRUE, covmat=TRUE) fails when the formula variables have NAs
# (domain influence rows do not match the domain index). Workaround with identical estimands:
# drop incomplete cases first (svymean's na.rm is listwise over tryg and index anyway).
b_plain <- svyby(~tryg + index, ~group + year, des, svymean, na.rm = TRUE, deff = TRUE)
bug <- try(svyby(~tryg + index, ~group + year, des, svymean, na.rm = TRUE, deff = TRUE, covmat = TRUE), silent = TRUE)
des_cc <- subset(des, !is.na(tryg) & !is.na(index))
b <- svyby(~tryg + index, ~group + year, des_cc, svymean, na.rm = TRUE, deff = TRUE, covmat = TRUE)
stopifnot(isTRUE(all.equal(coef(b), coef(b_plain), tolerance = 1e-13)),
          isTRUE(all.equal(as.numeric(as.matrix(SE(b))), as.numeric(as.matrix(SE(b_plain))), tolerance = 1e-13)),
          isTRUE(all.equal(as.numeric(as.matrix(deff(b))), as.numeric(as.matrix(deff(b_plain))), tolerance = 1e-13)))
V <- vcov(b)
add("svyby_group_year_covmat",
    "svyby(~tryg+index, ~group+year, des, svymean, na.rm=TRUE, deff=TRUE, covmat=TRUE); computed on subset(des, !is.na(tryg) & !is.na(index)) because of the survey 4.1.1 na.rm+covmat bug",
    list(group = as.character(b$group), year = b$year,
         tryg = b$tryg, index = b$index, se_tryg = b$se.tryg, se_index = b$se.index,
         deff_tryg = b$DEff.tryg, deff_index = b$DEff.index,
         coef_names = names(coef(b)), coef = unname(coef(b)),
         vcov_names = rownames(V), vcov = mat_rows(V),
         vcov_order = "statistic-major: all domains for tryg (row order above), then all domains for index",
         r_bug_na_rm_covmat_errors = inherits(bug, "try-error")))
c1 <- svycontrast(b, list(
  hp_tryg_2021_minus_2018 = c("helhedsplan.2021:tryg" = 1, "helhedsplan.2018:tryg" = -1),
  hp_index_2021_minus_2018 = c("helhedsplan.2021:index" = 1, "helhedsplan.2018:index" = -1),
  did_tryg_hp_vs_bef = c("helhedsplan.2021:tryg" = 1, "helhedsplan.2018:tryg" = -1,
                         "befolkning.2021:tryg" = -1, "befolkning.2018:tryg" = 1),
  did_index_hp_vs_bef = c("helhedsplan.2021:index" = 1, "helhedsplan.2018:index" = -1,
                          "befolkning.2021:index" = -1, "befolkning.2018:index" = 1)))
add("svycontrast_group_year",
    "svycontrast(b, list(hp 2021-2018; (hp 2021-2018)-(befolkning 2021-2018))) for tryg and index, b = svyby_group_year_covmat",
    c(stat(c1), list(vcov = mat_rows(vcov(c1)))))

# ---------------------------------------------------------------------------------------------
# 5. More domains
# ---------------------------------------------------------------------------------------------
b3 <- svyby(~tryg + index, ~group + year + gender, des, svymean, na.rm = TRUE)
add("svyby_group_year_gender", "svyby(~tryg+index, ~group+year+gender, des, svymean, na.rm=TRUE)",
    list(group = as.character(b3$group), year = b3$year, gender = as.character(b3$gender),
         tryg = b3$tryg, index = b3$index, se_tryg = b3$se.tryg, se_index = b3$se.index))
b4 <- svyby(~tryg + index, ~group + menapt, des, svymean, na.rm = TRUE)
add("svyby_group_menapt", "svyby(~tryg+index, ~group+menapt, des, svymean, na.rm=TRUE)",
    list(group = as.character(b4$group), menapt = b4$menapt,
         tryg = b4$tryg, index = b4$index, se_tryg = b4$se.tryg, se_index = b4$se.index))

# ---------------------------------------------------------------------------------------------
# 6. Totals
# ---------------------------------------------------------------------------------------------
t1 <- svytotal(~tryg_pos, des, na.rm = TRUE, deff = TRUE)
add("svytotal_tryg_pos", "svytotal(~tryg_pos, des, na.rm=TRUE, deff=TRUE)",
    c(stat(t1), list(deff = unname(deff(t1)))))
t1f <- svytotal(~tryg_pos, des_fpc, na.rm = TRUE, deff = TRUE)
add("svytotal_tryg_pos_fpc", "svytotal(~tryg_pos, des_fpc, na.rm=TRUE, deff=TRUE)",
    c(stat(t1f), list(deff = unname(deff(t1f)))), "des_fpc")
tb <- svyby(~tryg_pos, ~group, des, svytotal, na.rm = TRUE)
add("svytotal_tryg_pos_by_group", "svyby(~tryg_pos, ~group, des, svytotal, na.rm=TRUE)",
    list(group = as.character(tb$group), total = tb$tryg_pos, se = tb$se))

# ---------------------------------------------------------------------------------------------
# 7. Proportions with CIs
# ---------------------------------------------------------------------------------------------
hp <- subset(des, group == "helhedsplan")
for (nm in c("des", "hp")) {
  dd <- get(nm)
  pl <- svyciprop(~tryg_pos, dd, method = "logit", na.rm = TRUE)
  pb <- svyciprop(~tryg_pos, dd, method = "beta", na.rm = TRUE)
  add(paste0("svyciprop_tryg_pos_", if (nm == "des") "full" else "helhedsplan"),
      sprintf("svyciprop(~tryg_pos, %s, method='logit'|'beta', na.rm=TRUE)", if (nm == "des") "des" else "subset(des, group=='helhedsplan')"),
      list(estimate = as.numeric(coef(pl)), se = as.numeric(SE(pl)),
           logit_ci = unname(as.numeric(confint(pl))), beta_ci = unname(as.numeric(confint(pb))),
           degf = degf(dd), nrow_design = nrow(dd),
           n_nonmissing = sum(!is.na(dd$variables$tryg_pos))), nm)
}

# ---------------------------------------------------------------------------------------------
# 8. t-tests
# ---------------------------------------------------------------------------------------------
tt_out <- function(tt) list(difference = unname(tt$estimate), t = unname(tt$statistic), df = unname(tt$parameter),
                            p_value = unname(tt$p.value), conf_int = unname(as.numeric(tt$conf.int)))
add("svyttest_tryg_menapt", "svyttest(tryg ~ menapt, des)", tt_out(svyttest(tryg ~ menapt, des)))
add("svyttest_tryg_menapt_helhedsplan", "svyttest(tryg ~ menapt, subset(des, group=='helhedsplan'))",
    c(tt_out(svyttest(tryg ~ menapt, hp)), list(degf_subset = degf(hp))), "hp")
add("svyttest_tryg_menapt_fpc", "svyttest(tryg ~ menapt, des_fpc)", tt_out(svyttest(tryg ~ menapt, des_fpc)), "des_fpc")

# ---------------------------------------------------------------------------------------------
# 9. Rao-Scott chi-square
# ---------------------------------------------------------------------------------------------
chi_out <- function(chF, chC) list(F = unname(chF$statistic), ndf = unname(chF$parameter[1]), ddf = unname(chF$parameter[2]),
                                   p_F = unname(chF$p.value), chisq_X2 = unname(chC$statistic),
                                   chisq_df = unname(chC$parameter), p_chisq = unname(chC$p.value))
add("svychisq_group_qcat", "svychisq(~group+q_cat, des, statistic='F'|'Chisq')",
    chi_out(svychisq(~group + q_cat, des, statistic = "F"), svychisq(~group + q_cat, des, statistic = "Chisq")))
add("svychisq_group_qcat_fpc", "svychisq(~group+q_cat, des_fpc, statistic='F'|'Chisq')",
    chi_out(svychisq(~group + q_cat, des_fpc, statistic = "F"), svychisq(~group + q_cat, des_fpc, statistic = "Chisq")), "des_fpc")
add("svychisq_gender_qcat_helhedsplan", "svychisq(~gender+q_cat, subset(des, group=='helhedsplan'), statistic='F'|'Chisq')",
    chi_out(svychisq(~gender + q_cat, hp, statistic = "F"), svychisq(~gender + q_cat, hp, statistic = "Chisq")), "hp")
add("svychisq_year_qcat_helhedsplan", "svychisq(~year+q_cat, subset(des, group=='helhedsplan'), statistic='F'|'Chisq')",
    chi_out(svychisq(~year + q_cat, hp, statistic = "F"), svychisq(~year + q_cat, hp, statistic = "Chisq")), "hp")

# ---------------------------------------------------------------------------------------------
# 10. svyglm
# ---------------------------------------------------------------------------------------------
glm_out <- function(g) {
  s <- summary(g)$coefficients
  list(term = rownames(s), estimate = unname(s[, 1]), se = unname(s[, 2]), t = unname(s[, 3]),
       p_value = unname(s[, 4]), df_residual = g$df.residual, vcov = mat_rows(vcov(g)))
}
g1 <- svyglm(index ~ group + gender + age_group + menapt, des, family = gaussian())
add("svyglm_gaussian_index", "svyglm(index ~ group + gender + age_group + menapt, des, family=gaussian())", glm_out(g1))
g1f <- svyglm(index ~ group + gender + age_group + menapt, des_fpc, family = gaussian())
add("svyglm_gaussian_index_fpc", "svyglm(index ~ group + gender + age_group + menapt, des_fpc, family=gaussian())", glm_out(g1f), "des_fpc")
g2 <- svyglm(tryg_pos ~ group + gender + age_group + menapt, des, family = quasibinomial())
add("svyglm_quasibinomial_tryg_pos", "svyglm(tryg_pos ~ group + gender + age_group + menapt, des, family=quasibinomial())", glm_out(g2))
# R's default IRLS stops at |dev - devold|/(|dev| + 0.1) < 1e-8 and the returned working weights are one
# step old, so SEs of the default fit differ ~1e-7 relative from the fully converged fit: record both.
g2t <- svyglm(tryg_pos ~ group + gender + age_group + menapt, des, family = quasibinomial(),
              control = glm.control(epsilon = 1e-14, maxit = 100))
add("svyglm_quasibinomial_tryg_pos_converged",
    "svyglm(tryg_pos ~ group + gender + age_group + menapt, des, family=quasibinomial(), control=glm.control(epsilon=1e-14, maxit=100))",
    c(glm_out(g2t), list(iter = g2t$iter, iter_default_fit = g2$iter)))

# ---------------------------------------------------------------------------------------------
# 11. Lonely PSU (stratum h01 has one PSU in des_lonely)
# ---------------------------------------------------------------------------------------------
lon <- list(dropped_psus = lonely_drop, lonely_stratum = "h01", nrow = nrow(d_lonely), degf = degf(des_lonely))
for (rule in c("remove", "adjust", "certainty", "average")) {
  options(survey.lonely.psu = rule)
  m <- svymean(~tryg, des_lonely, na.rm = TRUE)
  mf <- svymean(~tryg, des_lonely_fpc, na.rm = TRUE)
  tt <- svytotal(~tryg_pos, des_lonely, na.rm = TRUE)
  lon[[rule]] <- list(mean = unname(coef(m)), se = as.numeric(SE(m)), se_fpc = as.numeric(SE(mf)),
                      total_tryg_pos = unname(coef(tt)), se_total_tryg_pos = as.numeric(SE(tt)))
}
options(survey.lonely.psu = "fail")
fl <- try(svymean(~tryg, des_lonely, na.rm = TRUE), silent = TRUE)
lon$fail_errors <- inherits(fl, "try-error")
lon$fail_message <- if (inherits(fl, "try-error")) trimws(conditionMessage(attr(fl, "condition"))) else ""
add("lonely_psu_svymean_tryg",
    "options(survey.lonely.psu=rule); svymean(~tryg, des_lonely[_fpc], na.rm=TRUE); svytotal(~tryg_pos, des_lonely, na.rm=TRUE); des_lonely = des without PSUs h01_p2, h01_p3",
    lon, "des_lonely")

# ---------------------------------------------------------------------------------------------
# 12. Raking per year x group (interaction margins) and calibration
# ---------------------------------------------------------------------------------------------
d$yg <- paste(d$year, d$group, sep = ".")
des_yg <- svydesign(ids = ~psu, strata = ~stratum, weights = ~design_weight, data = d, nest = TRUE)
cells <- unique(d[, c("year", "group")])
cells <- cells[order(cells$year, cells$group), ]
mk_margin <- function(var, levels) {
  out <- list()
  for (k in seq_len(nrow(cells))) {
    sel <- d$year == cells$year[k] & d$group == cells$group[k]
    w <- d$design_weight[sel]
    Ncell <- round(sum(w) * (1 + 0.05 * k / nrow(cells)))
    share <- sapply(levels, function(l) sum(w[d[[var]][sel] == l]) / sum(w))
    share <- share * exp(runif(length(share), -0.15, 0.15)); share <- share / sum(share)
    cnt <- round(Ncell * share); cnt[length(cnt)] <- Ncell - sum(cnt[-length(cnt)])
    out[[k]] <- data.frame(year = cells$year[k], group = cells$group[k], lvl = levels, Freq = cnt, stringsAsFactors = FALSE)
  }
  out <- do.call(rbind, out); names(out)[3] <- var; rownames(out) <- NULL; out
}
set.seed(99)
pop_gender <- mk_margin("gender", c("kvinde", "mand"))
pop_age <- mk_margin("age_group", age_levels)
pop_menapt <- mk_margin("menapt", c(FALSE, TRUE))
pop_menapt$menapt <- as.logical(pop_menapt$menapt)
ctrl <- list(maxit = 100, epsilon = 1e-10)
rk <- rake(des_yg, list(~year + group + gender, ~year + group + age_group, ~year + group + menapt),
           list(pop_gender, pop_age, pop_menapt), control = ctrl)
# number of raking sweeps actually used (smallest maxit giving identical weights)
sweeps <- NA
for (k in 1:100) {
  rk_k <- suppressWarnings(rake(des_yg, list(~year + group + gender, ~year + group + age_group, ~year + group + menapt),
                                list(pop_gender, pop_age, pop_menapt), control = list(maxit = k, epsilon = 1e-10)))
  if (identical(weights(rk_k), weights(rk))) { sweeps <- k; break }
}
rb <- svyby(~tryg, ~group + year, rk, svymean, na.rm = TRUE)
rm1 <- svymean(~tryg, rk, na.rm = TRUE)
rm2 <- svymean(~index, rk, na.rm = TRUE)
add("rake_year_group",
    "rake(des, list(~year+group+gender, ~year+group+age_group, ~year+group+menapt), list(pop_gender, pop_age, pop_menapt), control=list(maxit=100, epsilon=1e-10))",
    list(margins = list(gender = pop_gender, age_group = pop_age, menapt = pop_menapt),
         epsilon_absolute = 1e-10 * sum(d$design_weight), sweeps_until_converged = sweeps,
         weights = unname(weights(rk)),
         svymean_tryg = list(estimate = unname(coef(rm1)), se = as.numeric(SE(rm1))),
         svymean_index = list(estimate = unname(coef(rm2)), se = as.numeric(SE(rm2))),
         svyby_tryg = list(group = as.character(rb$group), year = rb$year, estimate = rb$tryg, se = rb$se)),
    "des")

# calibrate with the same margins as a model formula
yg_levels <- sort(unique(d$yg))
d$yg <- factor(d$yg, levels = yg_levels)
d$gender <- factor(d$gender, levels = c("kvinde", "mand"))
d$age_group <- factor(d$age_group, levels = age_levels)
des_cal <- svydesign(ids = ~psu, strata = ~stratum, weights = ~design_weight, data = d, nest = TRUE)
cal_formula <- ~yg + yg:gender + yg:age_group + yg:menapt
mm_names <- colnames(model.matrix(cal_formula, d))
margin_totals <- function(pop, var, levs) {
  pop$yg <- factor(paste(pop$year, pop$group, sep = "."), levels = yg_levels)
  pop[[var]] <- factor(pop[[var]], levels = levs)
  mm <- model.matrix(as.formula(paste0("~yg + yg:", var)), pop)
  colSums(mm * pop$Freq)
}
tg <- margin_totals(pop_gender, "gender", c("kvinde", "mand"))
ta <- margin_totals(pop_age, "age_group", age_levels)
tmn <- margin_totals(pop_menapt, "menapt", c(FALSE, TRUE))
names(tmn) <- sub("menaptTRUE", "menaptTRUE", names(tmn))
all_t <- c(tg, ta[!names(ta) %in% names(tg)], tmn[!names(tmn) %in% c(names(tg), names(ta))])
stopifnot(all(mm_names %in% names(all_t)))
stopifnot(isTRUE(all.equal(unname(ta[names(tg)[1:6]]), unname(tg[1:6]))))
cal_totals <- all_t[mm_names]
cal_out <- function(cd) {
  m <- svymean(~tryg, cd, na.rm = TRUE); mi <- svymean(~index, cd, na.rm = TRUE)
  cb <- svyby(~tryg, ~group + year, cd, svymean, na.rm = TRUE)
  list(weights = unname(weights(cd)), g = unname(weights(cd) / d$design_weight),
       svymean_tryg = list(estimate = unname(coef(m)), se = as.numeric(SE(m))),
       svymean_index = list(estimate = unname(coef(mi)), se = as.numeric(SE(mi))),
       svyby_tryg = list(group = as.character(cb$group), year = cb$year, estimate = cb$tryg, se = cb$se))
}
cal_rb <- calibrate(des_cal, cal_formula, cal_totals, calfun = "raking", bounds = c(0.5, 2), maxit = 500, epsilon = 1e-12)
cal_lin <- calibrate(des_cal, cal_formula, cal_totals, calfun = "linear")
cal_lb <- calibrate(des_cal, cal_formula, cal_totals, calfun = "linear", bounds = c(0.5, 2), maxit = 500, epsilon = 1e-12)
cal_r <- calibrate(des_cal, cal_formula, cal_totals, calfun = "raking", maxit = 500, epsilon = 1e-12)
add("calibrate_setup", "cal_formula = ~yg + yg:gender + yg:age_group + yg:menapt (yg = paste(year, group, sep='.'), factor levels sorted; gender, age_group factors in the listed level order); totals from the raking margins",
    list(formula = "~yg + yg:gender + yg:age_group + yg:menapt", yg_levels = yg_levels,
         totals_names = names(cal_totals), totals = unname(cal_totals)))
add("calibrate_raking_bounded", "calibrate(des, cal_formula, cal_totals, calfun='raking', bounds=c(0.5,2), maxit=500, epsilon=1e-12)", cal_out(cal_rb))
add("calibrate_raking_unbounded", "calibrate(des, cal_formula, cal_totals, calfun='raking', maxit=500, epsilon=1e-12)", cal_out(cal_r))
add("calibrate_linear", "calibrate(des, cal_formula, cal_totals, calfun='linear')  # unbounded -> regcalibrate, one step", cal_out(cal_lin))
add("calibrate_linear_bounded", "calibrate(des, cal_formula, cal_totals, calfun='linear', bounds=c(0.5,2), maxit=500, epsilon=1e-12)", cal_out(cal_lb))
# bounds that bind (c(0.5, 2) above does not bind for these data: g ranges over about 0.79-1.31)
for (cf in c("raking", "linear", "logit")) {
  cd <- calibrate(des_cal, cal_formula, cal_totals, calfun = cf, bounds = c(0.82, 1.25), maxit = 500, epsilon = 1e-12)
  add(paste0("calibrate_", cf, "_bounded_binding"),
      sprintf("calibrate(des, cal_formula, cal_totals, calfun='%s', bounds=c(0.82,1.25), maxit=500, epsilon=1e-12)", cf),
      c(list(bounds = c(0.82, 1.25), n_at_bounds = sum(abs(weights(cd) / d$design_weight - 0.82) < 1e-12 |
                                                          abs(weights(cd) / d$design_weight - 1.25) < 1e-12)), cal_out(cd)))
}
inf <- try(calibrate(des_cal, cal_formula, cal_totals, calfun = "raking", bounds = c(0.9, 1.15), maxit = 500, epsilon = 1e-12), silent = TRUE)
add("calibrate_raking_infeasible", "calibrate(des, cal_formula, cal_totals, calfun='raking', bounds=c(0.9,1.15), maxit=500, epsilon=1e-12) -> warning 'Failed to converge' then error 'Calibration failed'",
    list(bounds = c(0.9, 1.15), fails = inherits(inf, "try-error"),
         message = if (inherits(inf, "try-error")) trimws(conditionMessage(attr(inf, "condition"))) else ""))

# ---------------------------------------------------------------------------------------------
# 13. p.adjust
# ---------------------------------------------------------------------------------------------
pv <- c(0.04, 0.001, 0.99, 0.01, 0.2, 0.04, 0.999, 0.01, 0.03, 0.95, 0.5, 0.02)
pa <- list(p = pv)
for (meth in c("holm", "bonferroni", "BH", "BY", "hochberg", "hommel")) pa[[meth]] <- p.adjust(pv, meth)
add("p_adjust", "p.adjust(p, method) for holm, bonferroni, BH, BY, hochberg, hommel", pa, "none")

# ---------------------------------------------------------------------------------------------
meta <- list(source = paste("R", getRversion(), "survey", as.character(packageVersion("survey"))),
             data = "tryghed_sample.csv (rows in file order; weights vectors are in this order)",
             designs = list(
               des = "svydesign(ids=~psu, strata=~stratum, weights=~design_weight, data=d, nest=TRUE)",
               des_fpc = "same with fpc=~fpc (fpc = number of PSUs in the stratum population)",
               hp = "subset(des, group=='helhedsplan')",
               des_lonely = "des built from d without PSUs h01_p2 and h01_p3 (stratum h01 has one PSU); des_lonely_fpc with fpc=~fpc"),
             factor_levels = list(group = c("almene", "befolkning", "helhedsplan"), gender = c("kvinde", "mand"),
                                  age_group = age_levels, menapt = c(FALSE, TRUE), q_cat = sort(qcat_levels),
                                  year = c(2018, 2021),
                                  note = "character columns become factors with alphabetically sorted levels (R default); svyby rows are ordered by interaction(by1, by2, ...) with the first by-variable varying fastest"))
writeLines(toJSON(c(meta, list(cases = cases)), auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null"),
           "tryghed_reference.json")
cat("wrote tryghed_reference.json with", length(cases), "cases;", nrow(d), "rows\n")
