# Reference values for survey_kit's ratio, quantile and replicate-weight estimators, from R's
# `survey` package (R 4.2.2, survey 4.1.1; Debian r-base-core, r-cran-survey, r-cran-jsonlite).
#
# Run in this folder:  Rscript make_estimators_reference.R
# Writes estimators_reference.json (every case: the R call, where the case comes from, the values
# at full double precision) and the CSV files the cases use (data sets shipped with `survey`,
# simulated data, and replicate weights R drew at random, so that Python can be tested on the
# *same* replicate weights).  Sources of the cases: README_estimators.md.
suppressMessages({library(survey); library(jsonlite)})
options(survey.lonely.psu = "fail", survey.replicates.mse = FALSE)

data(api)
data(scd)
data(fpc)
full_csv <- function(df, file) {  # 17 significant digits: the exact doubles R uses
  out <- as.data.frame(lapply(df, function(col) {
    if (is.numeric(col)) ifelse(is.na(col), NA, sprintf("%.17g", as.numeric(col))) else col
  }))
  write.csv(out, file, row.names = FALSE, na = "NA")
}
full_csv(apiclus1, "est_apiclus1.csv")  # the api weights are not short decimals (pw 33.846996307373047)
full_csv(apistrat, "est_apistrat.csv")
full_csv(apiclus2, "est_apiclus2.csv")
full_csv(scd, "est_scd.csv")
full_csv(fpc, "est_fpc.csv")

cases <- list()
add <- function(name, source, call, value) {
  cases[[name]] <<- list(source = source, call = call, value = value)
}

# ---- helpers turning R results into plain lists ---------------------------------------------
stat_out <- function(s) {
  v <- as.matrix(vcov(s))
  list(names = names(coef(s)), estimate = unname(coef(s)), se = unname(as.numeric(SE(s))),
       vcov = unname(lapply(seq_len(nrow(v)), function(i) as.numeric(v[i, ]))))
}
ratio_out <- function(r) {
  v <- vcov(r)
  out <- list(names = names(coef(r)), estimate = unname(coef(r)), se = unname(SE(r)))
  if (!any(is.na(v))) out$vcov <- unname(lapply(seq_len(nrow(v)), function(i) as.numeric(v[i, ])))
  out
}
by_out <- function(b, by, covmat = FALSE) {
  keys <- lapply(by, function(k) as.character(b[[k]]))
  names(keys) <- by
  v <- if (covmat) vcov(b) else NULL
  out <- list(keys = keys, estimate = unname(as.numeric(as.matrix(coef(b)))),
              se = unname(as.numeric(as.matrix(SE(b)))))
  if (covmat)
    out$vcov <- unname(lapply(seq_len(nrow(v)), function(i) as.numeric(v[i, ])))
  out
}
quant_out <- function(q) {
  lapply(q, function(m) list(quantile = as.numeric(rownames(m)), estimate = unname(m[, 1]),
                             ci_low = unname(m[, 2]), ci_high = unname(m[, 3]), se = unname(m[, 4])))
}
glm_out <- function(fit) {
  s <- summary(fit)$coefficients
  list(term = rownames(s), estimate = unname(s[, 1]), se = unname(s[, 2]),
       statistic = unname(s[, 3]), p_value = unname(s[, 4]), df = fit$df.residual)
}
rep_info <- function(r) list(scale = r$scale, rscales = unname(r$rscales), mse = isTRUE(r$mse),
                             degf = degf(r), replicates = ncol(r$repweights))
repweights_csv <- function(r, file) {  # the multipliers (combined.weights = FALSE) per row
  w <- as.matrix(r$repweights)
  colnames(w) <- paste0("rw", seq_len(ncol(w)))
  full_csv(as.data.frame(w), file)
}

# ---- designs ------------------------------------------------------------------------------
dclus1 <- svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc)
dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat, fpc = ~fpc)
dstrat_nofpc <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat)
dclus2 <- svydesign(id = ~dnum + snum, weights = ~pw, data = apiclus2)
scddes <- svydesign(data = scd, prob = ~1, id = ~ambulance, strata = ~ESA, nest = TRUE, fpc = rep(5, 6))
scdnofpc <- svydesign(data = scd, prob = ~1, id = ~ambulance, strata = ~ESA, nest = TRUE)
rclus1 <- as.svrepdesign(dclus1)
rstrat <- as.svrepdesign(dstrat)
rclus2 <- suppressWarnings(as.svrepdesign(dclus2))
pop_types <- data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018))
pop_schwide <- data.frame(sch.wide = c("No", "Yes"), Freq = c(1072, 5122))
tight <- list(maxit = 200, epsilon = 1e-13)

# ==== svyratio ================================================================================
src_ratio <- "man/svyratio.Rd example"
scd2brr <- as.svrepdesign(scdnofpc, type = "BRR")
scd2fay <- as.svrepdesign(scdnofpc, type = "Fay", fay.rho = 0.3)
scd2jkn <- as.svrepdesign(scdnofpc, type = "JKn")
scd2jknf <- as.svrepdesign(scddes, type = "JKn")
levy <- 2 * cbind(c(1, 0, 1, 0, 1, 0), c(1, 0, 0, 1, 0, 1), c(0, 1, 1, 0, 0, 1), c(0, 1, 0, 1, 1, 0))
scdrep <- suppressWarnings(svrepdesign(data = scd, type = "BRR", repweights = levy))
scdrep_nc <- suppressWarnings(svrepdesign(data = scd, type = "BRR", repweights = levy, combined.weights = FALSE))
full_csv(as.data.frame(setNames(as.data.frame(levy), paste0("rw", 1:4))), "scd_levy_repweights.csv")
add("ratio_scd_fpc", src_ratio, "svyratio(~alive, ~arrests, design=scddes)  # scddes: fpc=rep(5,6)",
    c(ratio_out(svyratio(~alive, ~arrests, design = scddes)), degf = degf(scddes)))
add("ratio_scd_nofpc", src_ratio, "svyratio(~alive, ~arrests, design=scdnofpc)",
    c(ratio_out(svyratio(~alive, ~arrests, design = scdnofpc)), degf = degf(scdnofpc)))
add("ratio_scd_brr", "man/svyratio.Rd and man/as.svrepdesign.Rd examples",
    "svyratio(~alive, ~arrests, design=as.svrepdesign(scdnofpc, type='BRR'))",
    c(ratio_out(svyratio(~alive, ~arrests, design = scd2brr)), rep_info(scd2brr)))
add("ratio_scd_levy_brr", src_ratio,
    "svyratio(~alive, ~arrests, design=svrepdesign(data=scd, type='BRR', repweights=levy))  # combined weights, weights 1",
    c(ratio_out(svyratio(~alive, ~arrests, design = scdrep)), rep_info(scdrep)))
add("ratio_scd_levy_brr_noncombined", "man/svrepdesign.Rd example",
    "svyratio(~alive, ~arrests, svrepdesign(data=scd, type='BRR', repweights=levy, combined.weights=FALSE))",
    c(ratio_out(svyratio(~alive, ~arrests, design = scdrep_nc)), rep_info(scdrep_nc)))
add("ratio_scd_fay", "man/as.svrepdesign.Rd example",
    "svyratio(~alive, ~arrests, design=as.svrepdesign(scdnofpc, type='Fay', fay.rho=0.3))",
    c(ratio_out(svyratio(~alive, ~arrests, design = scd2fay)), rep_info(scd2fay)))
add("ratio_scd_jkn", "man/as.svrepdesign.Rd example",
    "svyratio(~alive, ~arrests, design=as.svrepdesign(scdnofpc, type='JKn'))",
    c(ratio_out(svyratio(~alive, ~arrests, design = scd2jkn)), rep_info(scd2jkn)))
add("ratio_scd_jkn_fpc", "man/as.svrepdesign.Rd example",
    "svyratio(~alive, ~arrests, design=as.svrepdesign(scddes, type='JKn'))",
    c(ratio_out(svyratio(~alive, ~arrests, design = scd2jknf)), rep_info(scd2jknf)))
apistrat$api_stu_yes <- apistrat$api.stu * (apistrat$comp.imp == "Yes")
apistrat$comp_yes <- as.numeric(apistrat$comp.imp == "Yes")
dstrat_x <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat, fpc = ~fpc)
r <- svyratio(~api_stu_yes, ~comp_yes, dstrat_x)
m <- svymean(~api.stu, subset(dstrat, comp.imp == "Yes"))
stopifnot(isTRUE(all.equal(as.numeric(SE(r)), as.numeric(SE(m)))))
add("ratio_strat_domain_mean", src_ratio,
    "svyratio(~I(api.stu*(comp.imp=='Yes')), ~as.numeric(comp.imp=='Yes'), dstrat); equals svymean(~api.stu, subset(dstrat, comp.imp=='Yes'))",
    c(ratio_out(r), list(domain_mean = unname(coef(m)), domain_se = unname(as.numeric(SE(m))))))
com <- svyratio(~api.stu, ~enroll, dstrat)
pr <- predict(com, total = 1877350 + 1013824 + 920298)
add("ratio_strat_combined", src_ratio, "svyratio(~api.stu, ~enroll, dstrat); predict(com, total=3811472)",
    c(ratio_out(com), list(degf = degf(dstrat), predict_total = as.numeric(pr$total), predict_se = as.numeric(pr$se))))
rat <- svyratio(~ell + mobility, ~mobility + meals, dclus1, covmat = TRUE)
add("ratio_clus1_covmat", "tests/bycovmat.R", "svyratio(~ell+mobility, ~mobility+meals, dclus1, covmat=TRUE)",
    ratio_out(rat))
rat <- svyratio(~ell + mobility, ~mobility + meals, rclus1, covmat = TRUE)
add("ratio_rclus1_covmat", "tests/bycovmat.R", "svyratio(~ell+mobility, ~mobility+meals, as.svrepdesign(dclus1), covmat=TRUE)",
    ratio_out(rat))
rclus1_mse <- as.svrepdesign(dclus1, mse = TRUE)
rat <- svyratio(~ell + mobility, ~mobility + meals, rclus1_mse, covmat = TRUE)
add("ratio_rclus1_mse_covmat", "tests/bycovmat.R (options(survey.replicates.mse=TRUE))",
    "svyratio(~ell+mobility, ~mobility+meals, as.svrepdesign(dclus1, mse=TRUE), covmat=TRUE)", ratio_out(rat))
b <- svyby(~api00, ~stype, dclus1, svyratio, denominator = ~api99, covmat = TRUE)
add("ratio_by_clus1", "survey_kit: svyby with svyratio (man/svyby.Rd pattern)",
    "svyby(~api00, ~stype, dclus1, svyratio, denominator=~api99, covmat=TRUE)",
    c(by_out(b, "stype", covmat = TRUE), list(degf = sapply(levels(apiclus1$stype), function(s) degf(subset(dclus1, stype == s))))))
b <- svyby(~api00, ~stype, rclus1, svyratio, denominator = ~api99, covmat = TRUE)
add("ratio_by_rclus1", "survey_kit: svyby with svyratio on a replicate design",
    "svyby(~api00, ~stype, as.svrepdesign(dclus1), svyratio, denominator=~api99, covmat=TRUE)",
    c(by_out(b, "stype", covmat = TRUE), list(degf = sapply(levels(apiclus1$stype), function(s) degf(subset(rclus1, stype == s))))))
fpc$xbig <- fpc$x * (fpc$x > 4)
fpc$big <- as.numeric(fpc$x > 4)
dfpc <- svydesign(id = ~psuid, strat = ~stratid, weight = ~weight, data = fpc, nest = TRUE)
r <- svyratio(~xbig, ~big, dfpc)
m <- svymean(~x, subset(dfpc, x > 4))
stopifnot(isTRUE(all.equal(as.numeric(SE(r)), as.numeric(SE(m)))))
add("ratio_fpc_domain", "tests/domain.R",
    "svyratio(~I(x*(x>4)), ~as.numeric(x>4), svydesign(id=~psuid, strat=~stratid, weight=~weight, data=fpc, nest=TRUE))",
    ratio_out(r))
apiclus1$api00_yes <- apiclus1$api00 * (apiclus1$comp.imp == "Yes")
apiclus1$comp_yes <- as.numeric(apiclus1$comp.imp == "Yes")
dclus1_x <- svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc)
dclus1r <- rake(dclus1_x, list(~stype, ~sch.wide), list(pop_types, pop_schwide), control = tight)
r <- svyratio(~api00_yes, ~comp_yes, dclus1r)
m <- svymean(~api00, subset(dclus1r, comp.imp == "Yes"))
stopifnot(isTRUE(all.equal(as.numeric(SE(r)), as.numeric(SE(m)))))
add("ratio_raked_domain", "tests/domain.R (raking; rake control tightened to epsilon=1e-13)",
    "svyratio(~I(api00*(comp.imp=='Yes')), ~as.numeric(comp.imp=='Yes'), rake(dclus1, list(~stype,~sch.wide), list(pop.types, pop.schwide)))",
    c(ratio_out(r), list(domain_mean = unname(coef(m)), domain_se = unname(as.numeric(SE(m))))))
pop.totals <- c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018)
dclus1g3 <- calibrate(dclus1_x, ~stype + api99, c(pop.totals, api99 = 3914069))
r <- svyratio(~api00_yes, ~comp_yes, dclus1g3)
add("ratio_calibrated_domain", "tests/domain.R (calibration to stype and the api99 total)",
    "svyratio(~I(api00*(comp.imp=='Yes')), ~as.numeric(comp.imp=='Yes'), calibrate(dclus1, ~stype+api99, c(pop.totals, api99=3914069)))",
    ratio_out(r))
dclus2_1 <- svydesign(id = ~dnum, weights = ~pw, data = apiclus2)
r <- svyratio(~api00, ~enroll, dclus2_1, na.rm = TRUE)
add("ratio_clus2_na", "survey_kit: missing denominators (enroll has 6 NA in apiclus2)",
    "svyratio(~api00, ~enroll, svydesign(id=~dnum, weights=~pw, data=apiclus2), na.rm=TRUE)",
    c(ratio_out(r), list(degf = degf(subset(dclus2_1, !is.na(enroll))), degf_all = degf(dclus2_1))))
b <- svyby(~api00, ~stype, dclus2_1, svyratio, denominator = ~enroll, na.rm = TRUE)
add("ratio_by_clus2_na", "survey_kit: svyby ratio with missing denominators",
    "svyby(~api00, ~stype, svydesign(id=~dnum, weights=~pw, data=apiclus2), svyratio, denominator=~enroll, na.rm=TRUE)",
    c(by_out(b, "stype"), list(degf = sapply(levels(apiclus2$stype), function(s) degf(subset(dclus2_1, stype == s & !is.na(enroll)))),
         degf_all = sapply(levels(apiclus2$stype), function(s) degf(subset(dclus2_1, stype == s))))))
# ==== svyquantile (survey >= 4.1: qrule="math", interval.type="mean", ci=TRUE) ==================
src_q <- "man/svyquantile.Rd example"
q3 <- c(0.25, 0.5, 0.75)
add("quantile_clus1", src_q, "svyquantile(~api00, dclus1, c(.25,.5,.75))",
    c(quant_out(svyquantile(~api00, dclus1, q3)), list(degf = degf(dclus1))))
for (it in c("beta", "xlogit", "asin")) {
  add(paste0("quantile_clus1_", it), if (it == "beta") src_q else "survey_kit: other Woodruff interval types",
      sprintf("svyquantile(~api00, dclus1, c(.25,.5,.75), interval.type='%s')", it),
      quant_out(svyquantile(~api00, dclus1, q3, interval.type = it)))
}
add("quantile_rclus1", src_q, "svyquantile(~api00, as.svrepdesign(dclus1), c(.25,.5,.75))",
    c(quant_out(svyquantile(~api00, rclus1, q3)), rep_info(rclus1)))
add("quantile_rclus1_repquantile", src_q,
    "svyquantile(~api00, as.svrepdesign(dclus1), c(.25,.5,.75), interval.type='quantile')",
    quant_out(suppressWarnings(svyquantile(~api00, rclus1, q3, interval.type = "quantile"))))
set.seed(20240611)
bclus1 <- as.svrepdesign(dclus1, type = "bootstrap", replicates = 100)
repweights_csv(bclus1, "apiclus1_bootstrap100_repweights.csv")
add("quantile_bclus1_repquantile", paste(src_q, "(R's bootstrap replicate weights in apiclus1_bootstrap100_repweights.csv)"),
    "set.seed(20240611); bclus1 <- as.svrepdesign(dclus1, type='bootstrap', replicates=100); svyquantile(~api00, bclus1, c(.25,.5,.75), interval.type='quantile')",
    c(quant_out(svyquantile(~api00, bclus1, q3, interval.type = "quantile")), rep_info(bclus1)))
add("quantile_bclus1_mean", "survey_kit: Woodruff interval on R's bootstrap replicate weights",
    "svyquantile(~api00, bclus1, c(.25,.5,.75))", quant_out(svyquantile(~api00, bclus1, q3)))
for (rule in c("math", "school", "hf8", "shahvaish", "hf1", "hf2", "hf3", "hf4", "hf5", "hf6", "hf7", "hf9")) {
  add(paste0("quantile_clus1_two_", rule),
      if (rule %in% c("math", "school", "hf8")) src_q else "survey_kit: the other qrules of man/svyquantile.Rd",
      sprintf("svyquantile(~api00+ell, dclus1, c(.25,.5,.75), qrule='%s')", rule),
      quant_out(svyquantile(~api00 + ell, dclus1, q3, qrule = rule)))
}
eq <- list()
for (i in 1:9) {
  eq[[paste0("hf", i)]] <- list(svy = unname(coef(svyquantile(~ell, dclus1, c(0.2, 0.5, 0.9), qrule = paste0("hf", i), ci = FALSE))),
                                quantile = unname(quantile(apiclus1$ell, c(0.2, 0.5, 0.9), type = i)))
}
add("quantile_equal_weights_hf", "tests/newquantile.R (dclus1 has equal weights: svyquantile = quantile(type=i))",
    "coef(svyquantile(~ell, dclus1, c(0.2,0.5,0.9), qrule=paste0('hf',i))); quantile(apiclus1$ell, c(0.2,0.5,0.9), type=i)", eq)
qs5 <- c(0.01, 0.1, 0.5, 0.9, 0.99)
for (n in c(1000, 20)) {
  set.seed(42)
  sim <- data.frame(x = exp(rnorm(n)))
  sim$y <- round(sim$x, 1)
  full_csv(sim, sprintf("quantile_sim%d.csv", n))
  ddf <- svydesign(id = ~1, data = sim)
  rdf <- as.svrepdesign(ddf)
  for (v in c("x", "y")) {
    f <- as.formula(paste0("~", v))
    for (dfi in list(NULL, Inf)) {
      tag <- sprintf("quantile_sim%d_%s%s", n, v, if (is.null(dfi)) "" else "_dfinf")
      add(tag, "tests/quantile.R (with the current svyquantile; y = round(x, 1) has ties)",
          sprintf("set.seed(42); x <- exp(rnorm(%d)); svyquantile(~%s, svydesign(id=~1, data=sim), c(0.01,0.1,0.5,0.9,0.99)%s)", n, v,
                  if (is.null(dfi)) "" else ", df=Inf"),
          quant_out(svyquantile(f, ddf, qs5, df = dfi)))
      add(paste0(tag, "_jk1"), "tests/quantile.R (replicate version)",
          sprintf("svyquantile(~%s, as.svrepdesign(svydesign(id=~1, data=sim)), c(0.01,0.1,0.5,0.9,0.99)%s)", v,
                  if (is.null(dfi)) "" else ", df=Inf"),
          quant_out(svyquantile(f, rdf, qs5, df = dfi)))
    }
  }
}
hits <- lapply(c(0.1, 0.3, 0.7, 1.1, 18.925), function(wv) {
  p <- seq(0.05, 0.95, by = 0.05)
  list(weight = wv, p = p,
       math = sapply(p, function(pp) survey:::qrule_math(1:10, rep(wv, 10), pp)),
       school = sapply(p, function(pp) survey:::qrule_school(1:10, rep(wv, 10), pp)))
})
add("quantile_exact_hits", "R/qrule.R: whether C_k = p T exactly (R accumulates cumsum/sum in long double)",
    "survey:::qrule_math(1:10, rep(w, 10), p); survey:::qrule_school(...), w in 0.1, 0.3, 0.7, 1.1, 18.925; p = 0.05, ..., 0.95",
    hits)
by_quant <- function(formula, design, by, levels, quantiles, ...) {
  out <- lapply(levels, function(l) {
    sub <- design[design$variables[[by]] == l, ]
    list(level = l, value = quant_out(svyquantile(formula, sub, quantiles, ...)), degf = degf(sub))
  })
  out
}
b <- svyby(~api99, ~stype, rclus1, svyquantile, quantiles = 0.5)
add("quantile_by_rclus1", "man/svyby.Rd example; per-domain intervals from svyquantile on each domain subset",
    "svyby(~api99, ~stype, as.svrepdesign(dclus1), svyquantile, quantiles=0.5)",
    list(svyby = by_out(b, "stype"), domains = by_quant(~api99, rclus1, "stype", c("E", "H", "M"), 0.5)))
b <- svyby(~api00, ~stype, dclus1, svyquantile, quantiles = c(0.25, 0.5))
add("quantile_by_clus1", "survey_kit: svyby with svyquantile on a Taylor design (per-domain df)",
    "svyby(~api00, ~stype, dclus1, svyquantile, quantiles=c(.25,.5))",
    list(svyby = by_out(b, "stype"), domains = by_quant(~api00, dclus1, "stype", c("E", "H", "M"), c(0.25, 0.5))))
add("quantile_raked", "survey_kit: Woodruff interval on a raked design (calibrated CDF variance)",
    "svyquantile(~api00, rake(dclus1, list(~stype,~sch.wide), list(pop.types, pop.schwide)), c(.25,.5,.75))",
    quant_out(svyquantile(~api00, dclus1r, q3)))
add("quantile_clus2_na", "survey_kit: missing values (enroll has 6 NA in apiclus2)",
    "svyquantile(~enroll, svydesign(id=~dnum, weights=~pw, data=apiclus2), c(.25,.5,.75), na.rm=TRUE)",
    c(quant_out(svyquantile(~enroll, dclus2_1, q3, na.rm = TRUE)), list(degf = degf(subset(dclus2_1, !is.na(enroll))))))
add("quantile_strat_fpc", "survey_kit: stratified design with fpc",
    "svyquantile(~api00+enroll, dstrat, c(.1,.5,.9))",
    quant_out(svyquantile(~api00 + enroll, dstrat, c(0.1, 0.5, 0.9))))
add("quantile_rstrat", "survey_kit: JKn replicate design with fpc",
    "svyquantile(~api00, as.svrepdesign(dstrat), c(.1,.5,.9))",
    quant_out(svyquantile(~api00, rstrat, c(0.1, 0.5, 0.9))))
# ==== replicate-weight designs: as.svrepdesign, svrepdesign, and estimators on them ============
src_as <- "man/as.svrepdesign.Rd example"
add("rep_clus1_jk1", paste(src_as, "and man/api.Rd"), "rclus1 <- as.svrepdesign(dclus1); svymean(~api00, rclus1); svytotal(~enroll, rclus1)",
    list(design = rep_info(rclus1), mean = stat_out(svymean(~api00, rclus1)),
         total = stat_out(svytotal(~enroll, rclus1)),
         mean_deff = unname(diag(as.matrix(attr(svymean(~api00 + api99, rclus1, deff = TRUE), "deff")))),
         mean2 = stat_out(svymean(~api00 + api99, rclus1))))
repweights_csv(rclus1, "apiclus1_jk1_repweights.csv")
set.seed(1001)
bclus1b <- as.svrepdesign(dclus1, type = "bootstrap", replicates = 100)
repweights_csv(bclus1b, "apiclus1_bootstrap100b_repweights.csv")
add("rep_clus1_bootstrap", paste(src_as, "(R's replicate weights in apiclus1_bootstrap100b_repweights.csv)"),
    "set.seed(1001); bclus1 <- as.svrepdesign(dclus1, type='bootstrap', replicates=100); svymean(~api00, bclus1); svytotal(~enroll, bclus1)",
    list(design = rep_info(bclus1b), mean = stat_out(svymean(~api00, bclus1b)), total = stat_out(svytotal(~enroll, bclus1b))))
set.seed(1002)
bstrat <- as.svrepdesign(dstrat, type = "bootstrap", replicates = 50)
repweights_csv(bstrat, "apistrat_bootstrap50_repweights.csv")
add("rep_strat_bootstrap_fpc", "survey_kit: bootstrap with fpc (R's weights in apistrat_bootstrap50_repweights.csv)",
    "set.seed(1002); bstrat <- as.svrepdesign(dstrat, type='bootstrap', replicates=50); svymean(~api00+api99, bstrat)",
    list(design = rep_info(bstrat), mean = stat_out(svymean(~api00 + api99, bstrat))))
set.seed(1003)
sbclus1 <- as.svrepdesign(dclus1, type = "subbootstrap", replicates = 50)
repweights_csv(sbclus1, "apiclus1_subbootstrap50_repweights.csv")
add("rep_clus1_subbootstrap", "man/withReplicates.Rd (subbootstrap); R's weights in apiclus1_subbootstrap50_repweights.csv",
    "set.seed(1003); as.svrepdesign(dclus1, type='subbootstrap', replicates=50); svymean(~api00, .)",
    list(design = rep_info(sbclus1), mean = stat_out(svymean(~api00, sbclus1)),
         multipliers_in = sort(unique(as.vector(as.matrix(sbclus1$repweights))))))
rstrat_nofpc <- as.svrepdesign(dstrat_nofpc)
add("rep_strat_jkn", "man/surveysummary.Rd (jkstrat <- as.svrepdesign(dstrat)) and survey_kit",
    "rstrat <- as.svrepdesign(dstrat); svymean(~api00+api99, rstrat); svytotal(~enroll, rstrat); without fpc too",
    list(design = rep_info(rstrat), mean = stat_out(svymean(~api00 + api99, rstrat)), total = stat_out(svytotal(~enroll, rstrat)),
         nofpc_design = rep_info(rstrat_nofpc), nofpc_mean = stat_out(svymean(~api00 + api99, rstrat_nofpc))))
b <- svyby(~api00, ~comp.imp, rstrat, svymean, covmat = TRUE)
add("rep_strat_jkn_by", "survey_kit: svyby on a JKn design", "svyby(~api00, ~comp.imp, rstrat, svymean, covmat=TRUE)",
    c(by_out(b, "comp.imp", covmat = TRUE), list(degf = sapply(c("No", "Yes"), function(s) degf(subset(rstrat, comp.imp == s))))))
brr <- as.svrepdesign(dstrat_nofpc, type = "BRR")
fay <- as.svrepdesign(dstrat_nofpc, type = "Fay", fay.rho = 0.5)
add("rep_strat_brr", "survey_kit: BRR on apistrat (R pairs consecutive units within stratum: 100 half-samples, Hadamard 104 by Paley(103))",
    "svymean(~api00+api99, as.svrepdesign(svydesign(id=~1, strata=~stype, weights=~pw, data=apistrat), type='BRR')); svytotal(~enroll, .)",
    list(design = rep_info(brr), mean = stat_out(svymean(~api00 + api99, brr)), total = stat_out(svytotal(~enroll, brr)),
         ratio = ratio_out(svyratio(~api00, ~api99, brr))))
add("rep_strat_fay", "survey_kit: Fay's method (rho=0.5) on apistrat",
    "svymean(~api00+api99, as.svrepdesign(dstrat_nofpc, type='Fay', fay.rho=0.5))",
    list(design = rep_info(fay), mean = stat_out(svymean(~api00 + api99, fay))))
add("rep_scd_brr_totals", "man/as.svrepdesign.Rd example designs",
    "svytotal(~alive+arrests, scd2brr | scd2fay | scd2jkn | scd2jknf)",
    list(brr = stat_out(svytotal(~alive + arrests, scd2brr)), fay = stat_out(svytotal(~alive + arrests, scd2fay)),
         jkn = stat_out(svytotal(~alive + arrests, scd2jkn)), jknf = stat_out(svytotal(~alive + arrests, scd2jknf))))
had <- lapply(c(2, 4, 7, 11, 12, 19, 28, 36, 40, 47, 60, 63, 100), function(n) {
  H <- survey:::hadamard(n)
  list(n = n, order = nrow(H), bits = paste(as.vector(t(H)), collapse = ""))
})
add("hadamard", "R/surveyrep.R hadamard() and R/paley.R (the orders R constructs; 0/1 form, rows concatenated)",
    "survey:::hadamard(n)", had)
# lonely PSUs (tests/lonely.psu.R): strata = dnum, each school its own PSU; district 413 has one school
ds <- svydesign(id = ~1, weights = ~pw, strata = ~dnum, data = apiclus1)
lonely <- list()
for (rule in c("remove", "certainty", "adjust", "average")) {
  options(survey.lonely.psu = rule)
  rs <- as.svrepdesign(ds)
  lonely[[rule]] <- c(stat_out(svymean(~api00, rs)), rep_info(rs))
}
options(survey.lonely.psu = "fail")
lonely$fail <- inherits(try(as.svrepdesign(ds), silent = TRUE), "try-error")
add("rep_lonely_psu", "tests/lonely.psu.R", "options(survey.lonely.psu=rule); svymean(~api00, as.svrepdesign(svydesign(id=~1, weights=~pw, strata=~dnum, data=apiclus1)))",
    lonely)
apiclus1$fpc_lonely <- ifelse(apiclus1$dnum == 413, 1, 1000)
dsf <- svydesign(id = ~1, weights = ~pw, strata = ~dnum, data = apiclus1, fpc = ~fpc_lonely)
lonely <- list()
for (rule in c("fail", "remove", "certainty", "adjust", "average")) {
  options(survey.lonely.psu = rule)
  rs <- as.svrepdesign(dsf)
  lonely[[rule]] <- c(stat_out(svymean(~api00, rs)), rep_info(rs))
}
rs <- as.svrepdesign(dsf)  # still under survey.lonely.psu = "average", as in tests/lonely.psu.R
lonely$total <- stat_out(svytotal(~api00, rs))
lonely$total_413_se <- unname(as.numeric(SE(svytotal(~api00, subset(rs, dnum == 413)))))
options(survey.lonely.psu = "fail")
add("rep_lonely_psu_fpc", "tests/lonely.psu.R (fpc: district 413 taken whole)",
    "fpc <- ifelse(dnum==413, 1, 1000); options(survey.lonely.psu=rule); svymean(~api00, as.svrepdesign(svydesign(id=~1, weights=~pw, strata=~dnum, fpc=fpc, data=apiclus1))); total: svytotal(~api00, rs) under 'average', and SE of the total in subset(rs, dnum==413)",
    lonely)
add("rep_clus1_mse", "tests/bycovmat.R (options(survey.replicates.mse=TRUE))",
    "svyby(~api00+api99, ~comp.imp+sch.wide, as.svrepdesign(dclus1, mse=TRUE), svymean, covmat=TRUE)",
    list(design = rep_info(rclus1_mse),
         by = by_out(svyby(~api00 + api99, ~comp.imp + sch.wide, design = rclus1_mse, svymean, covmat = TRUE), c("comp.imp", "sch.wide"), covmat = TRUE),
         mean = stat_out(svymean(~api00, rclus1_mse))))
add("rep_clus1_by_covmat", "tests/bycovmat.R", "svyby(~api00+api99, ~comp.imp+sch.wide, rclus1, svymean, covmat=TRUE)",
    by_out(svyby(~api00 + api99, ~comp.imp + sch.wide, design = rclus1, svymean, covmat = TRUE), c("comp.imp", "sch.wide"), covmat = TRUE))
# svrepdesign with weights delivered with the data (tests/DBIcheck.R; its api.db holds rclus1's weights)
jk <- cbind(apiclus1, as.data.frame(setNames(as.data.frame(as.matrix(rclus1$repweights)), paste0("wt", 1:15))))
db_rclus1 <- svrepdesign(weights = ~pw, repweights = "wt[1-9]+", type = "JK1", scale = (1 - 15 / 757) * 14 / 15,
                         data = jk, combined.weights = FALSE)
jkc <- jk
for (i in 1:15) jkc[[paste0("wt", i)]] <- jkc[[paste0("wt", i)]] * jkc$pw
comb <- svrepdesign(weights = ~pw, repweights = "wt[1-9]+", type = "JK1", scale = (1 - 15 / 757) * 14 / 15, data = jkc)
comb_guess <- suppressWarnings(svrepdesign(weights = ~pw, repweights = "wt[1-9]+", type = "JK1", data = jkc))
add("rep_svrepdesign_jk1", "tests/DBIcheck.R (replicate weights supplied with the data; apiclus1_jk1_repweights.csv)",
    "svrepdesign(weights=~pw, repweights='wt[1-9]+', type='JK1', scale=(1-15/757)*14/15, data=apiclus1+rclus1 weights, combined.weights=FALSE|TRUE)",
    list(noncombined = stat_out(svymean(~api00 + api99, db_rclus1)),
         noncombined_subset = stat_out(svymean(~api00, subset(db_rclus1, comp.imp == "Yes"))),
         subset_degf = degf(subset(db_rclus1, comp.imp == "Yes")),
         combined = stat_out(svymean(~api00 + api99, comb)), combined_design = rep_info(comb),
         guessed_scale = stat_out(svymean(~api00, comb_guess)), guessed_design = rep_info(comb_guess)))
jkn_rs <- svrepdesign(weights = ~pw, repweights = as.matrix(rstrat$repweights), type = "JKn", combined.weights = FALSE,
                      data = apistrat, rscales = rstrat$rscales)
jkn_guess <- suppressWarnings(svrepdesign(weights = ~pw, repweights = as.matrix(rstrat_nofpc$repweights), type = "JKn",
                                          combined.weights = FALSE, data = apistrat))
add("rep_svrepdesign_jkn", "survey_kit: svrepdesign type JKn with rscales given / guessed from the weights",
    "svrepdesign(weights=~pw, repweights=<as.svrepdesign(dstrat) weights>, type='JKn', rscales=..., combined.weights=FALSE); rscales guessed without fpc",
    list(given = stat_out(svymean(~api00, jkn_rs)), guessed = stat_out(svymean(~api00, jkn_guess)),
         guessed_design = rep_info(jkn_guess)))
bt <- cbind(apiclus1, as.data.frame(setNames(as.data.frame(as.matrix(bclus1b$repweights)), paste0("rw", 1:100))))
bt_rep <- svrepdesign(weights = ~pw, repweights = "rw[0-9]+", type = "bootstrap", data = bt, combined.weights = FALSE)
bt_mse <- svrepdesign(weights = ~pw, repweights = "rw[0-9]+", type = "bootstrap", data = bt, combined.weights = FALSE, mse = TRUE)
add("rep_svrepdesign_bootstrap", "survey_kit: svrepdesign type bootstrap (default scale 1/(R-1)) on R's bootstrap weights",
    "svrepdesign(weights=~pw, repweights='rw[0-9]+', type='bootstrap', data=apiclus1+bclus1 weights, combined.weights=FALSE, mse=FALSE|TRUE)",
    list(design = rep_info(bt_rep), mean = stat_out(svymean(~api00 + api99, bt_rep)),
         mse_design = rep_info(bt_mse), mse_mean = stat_out(svymean(~api00 + api99, bt_mse))))
# estimators on replicate designs (man/svyby.Rd, svyciprop.Rd, svycontrast.Rd, svyglm.Rd examples)
b <- svyby(~api99, ~stype, rclus1, svymean, covmat = TRUE)
add("rep_by_mean", "man/svyby.Rd example", "svyby(~api99, ~stype, rclus1, svymean, covmat=TRUE)",
    c(by_out(b, "stype", covmat = TRUE), list(degf = sapply(c("E", "H", "M"), function(s) degf(subset(rclus1, stype == s))))))
b <- svyby(~enroll, ~stype, rclus1, svytotal, deff = TRUE, covmat = TRUE)
add("rep_by_total_deff", "man/svyby.Rd example", "svyby(~enroll, ~stype, rclus1, svytotal, deff=TRUE, covmat=TRUE)",
    c(by_out(b, "stype", covmat = TRUE), list(deff = unname(b$DEff.enroll))))
b <- svyby(~api99 + api00, ~stype + sch.wide, rclus1, svymean, covmat = TRUE)
add("rep_by_two", "man/svyby.Rd example", "svyby(~api99+api00, ~stype+sch.wide, rclus1, svymean, covmat=TRUE)",
    by_out(b, c("stype", "sch.wide"), covmat = TRUE))
apiclus1$emer0 <- as.numeric(apiclus1$emer == 0)
rclus1_x <- as.svrepdesign(svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc))
cip <- list()
for (meth in c("logit", "beta")) {
  p <- svyciprop(~I(emer == 0), rclus1_x, method = meth)
  cip[[meth]] <- list(estimate = as.numeric(coef(p)), se = as.numeric(sqrt(vcov(p))), ci = unname(as.numeric(confint(p))))
}
tight_logit_ci <- function(design) {  # svyciprop's logit interval with the replicate fits converged
  m <- svyglm(emer0 ~ 1, design, family = quasibinomial(), control = glm.control(epsilon = 1e-14, maxit = 100))
  unname(as.numeric(expit(confint(m, 1, level = 0.95, method = "Wald", ddf = degf(design)))))
}
expit <- function(x) 1 - 1 / (1 + exp(x))
cip$logit$ci_converged <- tight_logit_ci(rclus1_x)
add("rep_ciprop", "man/svyciprop.Rd example; ci_converged: the same logistic svyglm with glm.control(epsilon=1e-14)",
    "svyciprop(~I(emer==0), rclus1, method='logit'|'beta')", cip)
cip <- lapply(c("E", "H", "M"), function(s) {
  sub <- subset(rclus1_x, stype == s)
  p <- svyciprop(~I(emer == 0), sub, method = "logit")
  list(stype = s, estimate = as.numeric(coef(p)), se = as.numeric(sqrt(vcov(p))), ci = unname(as.numeric(confint(p))),
       ci_converged = tight_logit_ci(sub), degf = degf(sub))
})
add("rep_ciprop_by", "survey_kit: svyby(~I(emer==0), ~stype, rclus1, svyciprop) per domain",
    "svyciprop(~I(emer==0), subset(rclus1, stype==s), method='logit')", cip)
apiclus1$log_api00 <- log(apiclus1$api00)
apiclus1$log_api99 <- log(apiclus1$api99)
rclus1_l <- as.svrepdesign(svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc))
meanlogs <- svymean(~log_api00 + log_api99, rclus1_l)
con <- svycontrast(meanlogs, c(log_api00 = 1, log_api99 = -1))
add("rep_contrast", "man/svycontrast.Rd example", "svycontrast(svymean(~log(api00)+log(api99), rclus1), c(1,-1))",
    list(means = stat_out(meanlogs), contrast = unname(coef(con)), se = unname(as.numeric(SE(con)))))
mns <- svyby(~api99, ~stype, rclus1, svymean, covmat = TRUE)
cons <- svycontrast(mns, list(HmE = c(-1, 1, 0), MmE = c(-1, 0, 1), MmH = c(0, -1, 1)))
tt <- coef(cons) / SE(cons)
add("rep_compare", "man/svyby.Rd (svycontrast of svyby covmat); p-values with t(degf(rclus1))",
    "svycontrast(svyby(~api99, ~stype, rclus1, svymean, covmat=TRUE), list(H-E, M-E, M-H)); 2*pt(-|t|, degf(rclus1))",
    list(difference = unname(coef(cons)), se = unname(as.numeric(SE(cons))), df = degf(rclus1),
         p_value = unname(2 * pt(-abs(tt), degf(rclus1)))))
add("rep_glm_strat", "man/svyglm.Rd example", "summary(svyglm(api00~ell+meals+mobility, design=as.svrepdesign(dstrat)))",
    glm_out(svyglm(api00 ~ ell + meals + mobility, design = rstrat)))
add("rep_glm_clus2", "man/svyglm.Rd example", "summary(svyglm(api00~ell+meals+mobility, design=as.svrepdesign(dclus2)))",
    glm_out(svyglm(api00 ~ ell + meals + mobility, design = rclus2)))
apiclus1$yes <- as.numeric(apiclus1$sch.wide == "Yes")
rclus1_y <- as.svrepdesign(svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc))
add("rep_glm_logit", "survey_kit: logistic svyglm on a JK1 design (glm.control tightened)",
    "svyglm(I(sch.wide=='Yes') ~ ell + meals + stype, rclus1, family=quasibinomial(), control=glm.control(epsilon=1e-14, maxit=100))",
    glm_out(svyglm(yes ~ ell + meals + stype, design = rclus1_y, family = quasibinomial(),
                   control = glm.control(epsilon = 1e-14, maxit = 100))))
add("rep_glm_logit_boot", "survey_kit: logistic svyglm on R's bootstrap weights",
    "svyglm(yes ~ ell + meals, bclus1 (seed 1001), family=quasibinomial(), control=glm.control(epsilon=1e-14, maxit=100))",
    glm_out(svyglm(I(sch.wide == "Yes") ~ ell + meals, design = bclus1b, family = quasibinomial(),
                   control = glm.control(epsilon = 1e-14, maxit = 100))))
# weighting redone in every replicate (man/rake.Rd, postStratify.Rd, calibrate.Rd examples)
rclus1r <- rake(rclus1, list(~stype, ~sch.wide), list(pop_types, pop_schwide), control = tight)
add("rep_rake", "man/rake.Rd example (control tightened to epsilon=1e-13)",
    "rclus1r <- rake(rclus1, list(~stype,~sch.wide), list(pop.types, pop.schwide)); svymean(~api00, rclus1r); svytotal(~enroll, rclus1r)",
    list(mean = stat_out(svymean(~api00, rclus1r)), total = stat_out(svytotal(~enroll, rclus1r)),
         by = by_out(svyby(~api00, ~comp.imp, rclus1r, svymean, covmat = TRUE), "comp.imp", covmat = TRUE), design = rep_info(rclus1r)))
rclus1p <- postStratify(rclus1, ~stype, pop_types)
add("rep_poststratify", "man/postStratify.Rd and man/api.Rd examples",
    "rclus1p <- postStratify(rclus1, ~stype, pop.types); svymean(~api00, rclus1p); svytotal(~enroll, rclus1p)",
    list(mean = stat_out(svymean(~api00, rclus1p)), total = stat_out(svytotal(~enroll, rclus1p))))
rclus1g3 <- calibrate(rclus1, ~stype + api99, c(pop.totals, api99 = 3914069))
add("rep_calibrate_numeric", "man/calibrate.Rd example",
    "rclus1g3 <- calibrate(rclus1, ~stype+api99, c(pop.totals, api99=3914069)); svymean(~api00); svytotal(~enroll); svytotal(~stype)",
    list(mean = stat_out(svymean(~api00, rclus1g3)), total = stat_out(svytotal(~enroll, rclus1g3)),
         stype = stat_out(svytotal(~stype, rclus1g3))))
cal_tot <- c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, sch.wideYes = 5122)
cal <- list()
for (cf in c("linear", "raking", "logit")) {
  bnds <- if (cf == "linear") c(-Inf, Inf) else c(0.5, 2.2)
  rc <- calibrate(rclus1, ~stype + sch.wide, cal_tot, calfun = cf, bounds = bnds, epsilon = 1e-13, maxit = 500)
  cal[[cf]] <- list(bounds = bnds, mean = stat_out(svymean(~api00, rc)), total = stat_out(svytotal(~enroll, rc)))
}
add("rep_calibrate", "survey_kit: calibrate on a replicate design (man/calibrate.Rd pattern, categorical margins)",
    "calibrate(rclus1, ~stype+sch.wide, c(6194, 755, 1018, 5122), calfun=cf, bounds=c(0.5,2.2) [not for linear], epsilon=1e-13)",
    cal)
rstratr <- rake(rstrat, list(~sch.wide), list(pop_schwide), control = tight)
add("rep_rake_jkn", "survey_kit: raking a JKn design with fpc", "svymean(~api00, rake(as.svrepdesign(dstrat), list(~sch.wide), list(pop.schwide)))",
    list(mean = stat_out(svymean(~api00, rstratr))))
add("rep_clus2", "survey_kit: apiclus2, first-stage JK1 (as.svrepdesign uses the first stage only)",
    "rclus2 <- as.svrepdesign(svydesign(id=~dnum+snum, weights=~pw, data=apiclus2)); svymean(~api00); svyby(~api00, ~stype, rclus2, svymean, covmat=TRUE); svytotal(~enroll, na.rm=TRUE)",
    list(design = rep_info(rclus2), mean = stat_out(svymean(~api00, rclus2)),
         by = by_out(svyby(~api00, ~stype, rclus2, svymean, covmat = TRUE), "stype", covmat = TRUE),
         total_na = stat_out(svytotal(~enroll, rclus2, na.rm = TRUE)),
         total_na_degf = degf(subset(rclus2, !is.na(enroll))), degf = degf(rclus2)))

dclus2f <- svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = apiclus2)
rclus2f <- suppressWarnings(as.svrepdesign(dclus2f))
add("rep_clus2_twostage_fpc", "man/svyrecvar.Rd design dclus2 (two stages with fpc); as.svrepdesign keeps the first stage's fpc and the weights of both stages",
    "rclus2 <- as.svrepdesign(svydesign(id=~dnum+snum, fpc=~fpc1+fpc2, data=apiclus2)); svymean(~api00); svyratio(~api00, ~api99)",
    list(design = rep_info(rclus2f), mean = stat_out(svymean(~api00, rclus2f)),
         ratio = ratio_out(svyratio(~api00, ~api99, rclus2f))))
exact <- function(x) {  # doubles as 17 significant digits (jsonlite stops at 15)
  if (is.list(x)) return(lapply(x, exact))
  if (is.double(x)) {
    txt <- ifelse(is.na(x), "null", ifelse(is.infinite(x), ifelse(x > 0, "1e999", "-1e999"),
                                           sprintf("%.17g", x)))
    return(structure(if (length(x) == 1) txt else paste0("[", paste(txt, collapse = ","), "]"),
                     class = "json"))
  }
  x
}
writeLines(toJSON(list(source = paste("R", getRversion(), "survey", as.character(packageVersion("survey"))),
                       cases = exact(cases)),
                  auto_unbox = TRUE, json_verbatim = TRUE, pretty = TRUE, na = "null"),
           "estimators_reference.json")
cat("wrote estimators_reference.json with", length(cases), "cases\n")
