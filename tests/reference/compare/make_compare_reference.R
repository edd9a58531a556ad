# Reference values for survey_kit.compare that tests/reference/*.json does not hold.
# Run from this folder:  Rscript make_compare_reference.R   (R 4.2, survey 4.1.1, jsonlite)
# Writes compare_reference.json (full precision). Data: ../apistrat.csv, ../tryghed_sample.csv.
suppressMessages({library(survey); library(jsonlite)})
cases <- list()
add <- function(name, call, value) cases[[name]] <<- list(call = call, value = value)

# 1. apistrat logistic regression fitted to convergence (R's default glm.control stops at a
#    relative deviance change of 1e-8, which leaves ~1e-5 relative error in the SEs).
api <- read.csv("../apistrat.csv")
design_wr <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = api)
m <- svyglm(I(sch.wide == "Yes") ~ stype + api99, design_wr, family = quasibinomial(),
            control = glm.control(epsilon = 1e-14, maxit = 100))
s <- summary(m)$coefficients
add("apistrat_logit_converged",
    "svyglm(I(sch.wide=='Yes') ~ stype + api99, design_wr, family=quasibinomial(), control=glm.control(epsilon=1e-14, maxit=100))",
    list(term = rownames(s), estimate = unname(s[, 1]), se = unname(s[, 2]),
         t = unname(s[, 3]), p_value = unname(s[, 4]), df_residual = m$df.residual))

# 2. all pairs of groups within each year (tryg), from svyby(covmat=TRUE) + svycontrast.
d <- read.csv("../tryghed_sample.csv")
des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~design_weight, data = d, nest = TRUE)
b <- svyby(~tryg, ~group + year, subset(des, !is.na(tryg)), svymean, covmat = TRUE)
# coef order: almene.2018, befolkning.2018, helhedsplan.2018, almene.2021, ...
pairs <- list(c(2, 1), c(3, 1), c(3, 2))
L <- list()
for (yr in 0:1) for (p in pairs) {
  v <- rep(0, 6); v[3 * yr + p[1]] <- 1; v[3 * yr + p[2]] <- -1
  L[[length(L) + 1]] <- v
}
names(L) <- paste0("c", seq_along(L))
cc <- svycontrast(b, L)
add("group_pairs_by_year",
    "svycontrast(svyby(~tryg, ~group+year, subset(des, !is.na(tryg)), svymean, covmat=TRUE), all group pairs (later level minus earlier) within 2018 then 2021)",
    list(estimate = unname(coef(cc)), se = unname(SE(cc)), degf = degf(des)))

# 3. p.adjust with missing p-values (NA left out of the family).
p <- c(0.01, NA, 0.04, 0.03, NA, 0.2, 0.001)
add("p_adjust_na", "p.adjust(p, method) with NA",
    c(list(p = p), sapply(c("holm", "bonferroni", "BH", "BY", "hochberg", "hommel"),
                          function(mm) p.adjust(p, mm), simplify = FALSE)))

# 4. svyttest on a subset with one-sided group coding, and svychisq Chisq on apistrat.
tt <- svyttest(api00 ~ comp.imp, subset(design_wr, stype != "E"))
add("apistrat_ttest_subset", "svyttest(api00 ~ comp.imp, subset(design_wr, stype != 'E'))",
    list(difference = unname(tt$estimate), t = unname(tt$statistic), df = unname(tt$parameter),
         p_value = tt$p.value))
ch <- svychisq(~sch.wide + stype, design_wr, statistic = "Chisq")
add("apistrat_chisq_first_order", "svychisq(~sch.wide+stype, design_wr, statistic='Chisq')",
    list(X2 = unname(ch$statistic), df = unname(ch$parameter), p_value = ch$p.value))

out <- list(source = paste("R", getRversion(), "survey", packageVersion("survey")), cases = cases)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null"),
           "compare_reference.json")
