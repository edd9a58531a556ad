# R survey 4.1-1's own tests and manual examples (Taylor linearisation side), as reference
# values for survey_kit.  Run from this folder:  Rscript make_engine_reference.R
# (R 4.2, survey 4.1.1, jsonlite).  Writes engine_reference.json (full precision) and the
# data files apiclus2.csv, fpc.csv, mu284.csv, kalton.csv, french.csv; reads ../apistrat.csv
# and ../apiclus1.csv (written by ../make_reference.R from data(api)).
# Every case: `source` (the survey 4.1-1 file it is ported from), `call` (the R code), `value`.
# README.md in this folder lists the cases and what was left out, and why.
suppressMessages({library(survey); library(jsonlite)})
options(survey.lonely.psu = "fail")
cases <- list()
# topic: which Python test file ports the case (designs, weighting, models)
add <- function(name, source, call, value, topic = TOPIC) {
  if (!is.null(cases[[name]])) stop("duplicate case ", name)
  cases[[name]] <<- list(source = source, topic = topic, call = call, value = value)
}
est <- function(s) list(estimate = unname(as.vector(coef(s))), se = unname(as.vector(SE(s))))
est_deff <- function(s) c(est(s), list(deff = unname(as.vector(deff(s)))))
byframe <- function(b, keys) {
  out <- as.list(b[, keys, drop = FALSE])
  for (k in keys) out[[k]] <- as.character(out[[k]])
  c(out, list(estimate = unname(coef(b)), se = unname(SE(b))))
}
glmfit <- function(m) {
  s <- summary(m)$coefficients
  list(term = rownames(s), estimate = unname(s[, 1]), se = unname(s[, 2]),
       statistic = unname(s[, 3]), p_value = unname(s[, 4]), df = m$df.residual)
}
ttest <- function(t, level = 0.95) {
  ci <- if (level == 0.95) t$conf.int else confint(t, level = level)
  list(estimate = unname(t$estimate), statistic = unname(t$statistic),
       df = unname(t$parameter), p_value = t$p.value, ci = unname(as.vector(ci)))
}
contrast <- function(s) list(estimate = unname(coef(s)), se = unname(SE(s)),
                             vcov = unname(as.matrix(vcov(s))))
cipr <- function(p) list(estimate = unname(as.vector(p)), se = sqrt(unname(as.vector(attr(p, "var")))),
                         ci = unname(as.vector(attr(p, "ci"))))
chisq <- function(x) list(statistic = unname(x$statistic), parameter = unname(x$parameter),
                          p_value = x$p.value)
factors <- function(d) {
  for (v in intersect(c("stype", "sch.wide", "comp.imp", "both", "awards", "yr.rnd"), names(d)))
    d[[v]] <- factor(d[[v]])
  d
}

# -- data ------------------------------------------------------------------------------
TOPIC <- "designs"
data(api)
write.csv(apiclus2, "apiclus2.csv", row.names = FALSE)
apistrat <- factors(read.csv("../apistrat.csv"))
apiclus1 <- factors(read.csv("../apiclus1.csv"))
apiclus2 <- factors(read.csv("apiclus2.csv"))
data(fpc); write.csv(fpc, "fpc.csv", row.names = FALSE); fpc <- read.csv("fpc.csv")
data(mu284); write.csv(mu284, "mu284.csv", row.names = FALSE); mu284 <- read.csv("mu284.csv")
pop <- list(
  N = nrow(apipop), enroll = sum(apipop$enroll, na.rm = TRUE),
  enroll_N = sum(!is.na(apipop$enroll)), api99 = sum(apipop$api99),
  stype = as.list(table(apipop$stype)), sch.wide = as.list(table(apipop$sch.wide)),
  comp.imp = as.list(table(apipop$comp.imp)),
  stype_sch.wide = as.list(table(paste(apipop$stype, apipop$sch.wide, sep = "_"))),
  stype_comp.imp = as.list(table(paste(apipop$stype, apipop$comp.imp, sep = "_"))))

dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat, fpc = ~fpc)
dclus1 <- svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc)
dclus2 <- svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = apiclus2)

# -- svydesign / api / fpc / mu284 examples -----------------------------------------------
src <- "man/api.Rd, man/svydesign.Rd (tests/api.R runs example(api))"
add("api_strat_mean", src, "svymean(~api00, dstrat)", est(svymean(~api00, dstrat)))
add("api_strat_total", src, "svytotal(~enroll, dstrat, na.rm=TRUE)",
    est(svytotal(~enroll, dstrat, na.rm = TRUE)))
add("api_clus1_mean", src, "svymean(~api00, dclus1)", est(svymean(~api00, dclus1)))
add("api_clus1_total", src, "svytotal(~enroll, dclus1, na.rm=TRUE)",
    est(svytotal(~enroll, dclus1, na.rm = TRUE)))
add("api_clus2_mean", src, "dclus2 <- svydesign(id=~dnum+snum, fpc=~fpc1+fpc2, data=apiclus2); svymean(~api00, dclus2)",
    c(est(svymean(~api00, dclus2)), list(weights = unname(weights(dclus2)), degf = degf(dclus2))))
add("api_clus2_total", src, "svytotal(~enroll, dclus2, na.rm=TRUE)",
    est(svytotal(~enroll, dclus2, na.rm = TRUE)))
dclus2wr <- svydesign(id = ~dnum + snum, weights = ~pw, data = apiclus2)
add("api_clus2wr_mean", src, "dclus2wr <- svydesign(id=~dnum+snum, weights=~pw, data=apiclus2); svymean(~api00, dclus2wr)",
    est(svymean(~api00, dclus2wr)))
add("api_clus2wr_total", src, "svytotal(~enroll, dclus2wr, na.rm=TRUE)",
    est(svytotal(~enroll, dclus2wr, na.rm = TRUE)))
dclus2wr2 <- svydesign(id = ~dnum, weights = weights(dclus2), data = apiclus2)
add("svydesign_clus2wr2_mean", "man/svydesign.Rd",
    "svymean(~api00, svydesign(id=~dnum, weights=weights(dclus2), data=apiclus2))",
    est(svymean(~api00, dclus2wr2)))
dnest <- svydesign(id = ~dnum, strata = ~stype, weights = ~pw, data = apistrat, nest = TRUE)
add("svydesign_strat_cluster_nest", "man/svydesign.Rd",
    "svymean(~api00, svydesign(id=~dnum, strata=~stype, weights=~pw, data=apistrat, nest=TRUE))",
    est(svymean(~api00, dnest)))

src <- "man/fpc.Rd (tests/fpc.R runs example(fpc))"
fpcdes <- list(
  withoutfpc = "svydesign(weights=~weight, ids=~psuid, strata=~stratid, variables=~x, data=fpc, nest=TRUE)",
  withfpc_Nh = "svydesign(weights=~weight, ids=~psuid, strata=~stratid, fpc=~Nh, variables=~x, data=fpc, nest=TRUE)",
  withfpc_prob = "svydesign(prob=~I(1/weight), ids=~psuid, strata=~stratid, fpc=~Nh, variables=~x, data=fpc, nest=TRUE)",
  withfpc_fraction = "svydesign(weights=~weight, ids=~psuid, strata=~stratid, fpc=~I(nh/Nh), variables=~x, data=fpc, nest=TRUE)",
  withfpc_interaction = "svydesign(weights=~weight, ids=~interaction(stratid,psuid), strata=~stratid, fpc=~I(nh/Nh), variables=~x, data=fpc)",
  withfpc_noweights = "svydesign(ids=~psuid, strata=~stratid, fpc=~Nh, variables=~x, data=fpc, nest=TRUE)",
  withfpc_noweights_fraction = "svydesign(ids=~psuid, strata=~stratid, fpc=~I(nh/Nh), variables=~x, data=fpc, nest=TRUE)")
for (nm in names(fpcdes)) {
  d <- eval(parse(text = fpcdes[[nm]]))
  add(paste0("fpc_", nm), src, paste0("svymean(~x, ", fpcdes[[nm]], ")"),
      c(est(svymean(~x, d)), list(weights = unname(weights(d)))))
}

src <- "tests/check.R"
checkdes <- list(
  psu_strata = "svydesign(weights=~weight, ids=~psuid, strata=~stratid, variables=~x, data=fpc, nest=TRUE)",
  rows_strata = "svydesign(weights=~weight, ids=~0, strata=~stratid, variables=~x, data=fpc, nest=TRUE)",
  rows_strata_w1 = "svydesign(weights=1, ids=~0, strata=~stratid, variables=~x, data=fpc, nest=TRUE)",
  rows_strata_now = "svydesign(ids=~0, strata=~stratid, variables=~x, data=fpc, nest=TRUE)",
  rows_strata_prob = "svydesign(ids=~0, strata=~stratid, prob=~I(1/weight), variables=~x, data=fpc, nest=TRUE)",
  psu_strata_now = "svydesign(ids=~psuid, strata=~stratid, variables=~x, data=fpc, nest=TRUE)",
  psu_now = "svydesign(ids=~psuid, variables=~x, data=fpc, nest=TRUE)",
  psu_w = "svydesign(ids=~psuid, weights=~weight, variables=~x, data=fpc, nest=TRUE)",
  twostage_w = "svydesign(ids=~stratid+psuid, weights=~weight, variables=~x, data=fpc)",
  twostage_now = "svydesign(ids=~stratid+psuid, variables=~x, data=fpc)",
  vectors = "svydesign(weights=fpc$weight, ids=fpc$psuid, strata=fpc$stratid, variables=fpc[,'x',drop=FALSE], nest=TRUE)",
  psu_fpc27 = "svydesign(weights=fpc$weight, ids=fpc$psuid, variables=fpc[,4:6], fpc=rep(27,8))",
  vectors_fpc = "svydesign(weights=fpc$weight, ids=fpc$psuid, strata=fpc$stratid, nest=TRUE, variables=fpc[,4:6], fpc=fpc$Nh)")
for (nm in names(checkdes)) {
  d <- suppressWarnings(eval(parse(text = checkdes[[nm]])))
  add(paste0("check_", nm), src, paste0("svymean(~x, ", checkdes[[nm]], ")"),
      est(svymean(~x, d)))
}

src <- "man/mu284.Rd (tests/multistage.R runs example(mu284))"
dmu284 <- svydesign(id = ~id1 + id2, fpc = ~n1 + n2, data = mu284)
ytotal <- svytotal(~y1, dmu284)
add("mu284_total", src, "svytotal(~y1, svydesign(id=~id1+id2, fpc=~n1+n2, data=mu284))",
    c(est(ytotal), list(vcov = unname(as.matrix(vcov(ytotal))), weights = unname(weights(dmu284)))))
add("mu284_mean", "man/mu284.Rd (svymean added)", "svymean(~y1, dmu284)", est(svymean(~y1, dmu284)))

src <- "tests/pps.R (multistage part: fpc as sampling fractions at both stages)"
dclus2pps <- svydesign(id = ~dnum + snum, fpc = ~I(40/fpc1) + I(pmin(1, 5/fpc2)), data = apiclus2)
add("pps_multistage_fraction", src,
    "dclus2pps <- svydesign(id=~dnum+snum, fpc=~I(40/fpc1)+I(pmin(1,5/fpc2)), data=apiclus2); svytotal(~enroll, na.rm=TRUE); svymean(~sch.wide); svytotal(~sch.wide)",
    list(enroll = est(svytotal(~enroll, dclus2pps, na.rm = TRUE)),
         mean_sch.wide = est(svymean(~sch.wide, dclus2pps)),
         total_sch.wide = est(svytotal(~sch.wide, dclus2pps)),
         weights = unname(weights(dclus2pps))))

# -- lonely PSUs and certainty strata ------------------------------------------------------
src <- "tests/lonely.psu.R"
ds <- svydesign(id = ~1, weights = ~pw, strata = ~dnum, data = apiclus1)
for (rule in c("remove", "certainty", "adjust", "average")) {
  options(survey.lonely.psu = rule)
  add(paste0("lonely_", rule), src,
      paste0("options(survey.lonely.psu='", rule, "'); svymean(~api00, svydesign(id=~1, weights=~pw, strata=~dnum, data=apiclus1))"),
      est(svymean(~api00, ds)))
}
apiclus1$fpc413 <- ifelse(apiclus1$dnum == 413, 1, 1000)
dsf <- svydesign(id = ~1, weights = ~pw, strata = ~dnum, data = apiclus1, fpc = ~fpc413)
for (rule in c("fail", "remove", "certainty", "adjust", "average")) {
  options(survey.lonely.psu = rule)
  add(paste0("lonely_fpc_", rule), src,
      paste0("options(survey.lonely.psu='", rule, "'); svymean(~api00, svydesign(id=~1, weights=~pw, strata=~dnum, data=apiclus1, fpc=ifelse(dnum==413, 1, 1000)))"),
      est(svymean(~api00, dsf)))
}
sub413 <- subset(apiclus1, dnum != 413)
ds1 <- svydesign(id = ~1, weights = ~pw, strata = ~dnum, data = sub413)[-31, ]
for (rule in c("fail", "remove", "certainty", "adjust", "average")) {
  options(survey.lonely.psu = rule)
  add(paste0("lonely_subset_", rule), src,
      paste0("options(survey.lonely.psu='", rule, "'); svymean(~api00, svydesign(id=~1, weights=~pw, strata=~dnum, data=subset(apiclus1, dnum!=413))[-31,])"),
      est(svymean(~api00, ds1)))
}
# issue 13: certainty stratum in a cluster design, and "average" in domains
apiclus1$h413 <- ifelse(apiclus1$dnum == 413, "d413", "rest")
apiclus1$N413 <- ifelse(apiclus1$dnum == 413, 1, 757)
options(survey.lonely.psu = "fail")
dcert <- svydesign(id = ~dnum, strata = ~h413, weights = ~pw, fpc = ~N413, data = apiclus1)
add("certainty_stratum_clus1", "issue 13 (apiclus1, district 413 its own stratum taken whole)",
    "svymean(~api00, svydesign(id=~dnum, strata=~h413, weights=~pw, fpc=~N413, data=apiclus1)) with h413 = dnum==413, N413 = 1 there, 757 elsewhere",
    c(est(svymean(~api00, dcert)), list(degf = degf(dcert))))
add("certainty_stratum_clus1_by", "issue 13", "svyby(~api00, ~stype, dcert, svymean)",
    byframe(svyby(~api00, ~stype, dcert, svymean), "stype"))
options(survey.lonely.psu = "average")
davg <- svydesign(id = ~dnum, strata = ~h413, weights = ~pw, data = apiclus1)
add("average_by_domain", "issue 13 (lonely.psu='average' in domains)",
    "options(survey.lonely.psu='average'); svyby(~api00, ~stype, svydesign(id=~dnum, strata=~h413, weights=~pw, data=apiclus1), svymean)",
    c(byframe(svyby(~api00, ~stype, davg, svymean), "stype"),
      list(whole = est(svymean(~api00, davg)))))
add("average_by_domain_ds", "tests/lonely.psu.R design, svyby added",
    "options(survey.lonely.psu='average'); svyby(~api00, ~stype, svydesign(id=~1, weights=~pw, strata=~dnum, data=apiclus1), svymean)",
    byframe(svyby(~api00, ~stype, ds, svymean), "stype"))
options(survey.lonely.psu = "fail")

# -- multistage: strata per stage, svyglm and svyttest on two stages -----------------------
src <- "issue 13 (two-stage apiclus2 with an fpc at both stages)"
m2 <- svyglm(api00 ~ ell + meals + mobility, design = dclus2)
add("clus2_svyglm", src, "svyglm(api00~ell+meals+mobility, design=dclus2)", glmfit(m2), topic = "models")
add("clus2_svyby", src, "svyby(~api00, ~stype, dclus2, svymean)",
    byframe(svyby(~api00, ~stype, dclus2, svymean), "stype"))
add("clus2_proportion", src, "svyciprop(~I(sch.wide=='Yes'), dclus2, method='logit')", {
  p <- svyciprop(~I(sch.wide == "Yes"), dclus2, method = "logit")
  cipr(p)
})
clus2s <- apiclus2
clus2s$one <- 1
popst <- aggregate(list(N2s = apipop$snum), list(dnum = apipop$dnum, stype = apipop$stype), length)
clus2s <- merge(clus2s, popst, by = c("dnum", "stype"), sort = FALSE)
clus2s <- clus2s[order(clus2s$dnum, clus2s$snum), ]
write.csv(clus2s[, c("dnum", "snum", "stype", "fpc1", "N2s", "api00", "enroll")],
          "apiclus2_strata.csv", row.names = FALSE)
clus2s <- factors(read.csv("apiclus2_strata.csv"))
clus2s$one <- 1
for (rule in c("remove", "certainty", "adjust", "average")) {
  options(survey.lonely.psu = rule)
  d <- svydesign(id = ~dnum + snum, strata = ~one + stype, fpc = ~fpc1 + N2s, data = clus2s)
  add(paste0("clus2_stage2_strata_", rule), "issue 13 (stage-2 strata: school type within district, N from apipop)",
      paste0("options(survey.lonely.psu='", rule, "'); d <- svydesign(id=~dnum+snum, strata=~one+stype, fpc=~fpc1+N2s, data=apiclus2_strata); svymean(~api00, d); svytotal(~enroll, d, na.rm=TRUE)"),
      list(api00 = est(svymean(~api00, d)), enroll = est(svytotal(~enroll, d, na.rm = TRUE)),
           weights = unname(weights(d))))
}
options(survey.lonely.psu = "fail")

# calibration and raking on the two-stage design (residuals enter every stage)
g2 <- calibrate(dclus2, ~stype + api99, c(pop.totals.clus2 <- c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018), api99 = 3914069))
add("clus2_calibrate", src, "calibrate(dclus2, ~stype+api99, c(`(Intercept)`=6194, stypeH=755, stypeM=1018, api99=3914069)); svymean(~api00); svytotal(~enroll, na.rm=TRUE)",
    list(weights = unname(weights(g2)), api00 = est(svymean(~api00, g2)),
         enroll = est(svytotal(~enroll, g2, na.rm = TRUE)),
         by = byframe(svyby(~api00, ~sch.wide, g2, svymean), "sch.wide")))
r2 <- rake(dclus2, list(~stype, ~sch.wide),
           list(data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018)),
                data.frame(sch.wide = c("No", "Yes"), Freq = c(1072, 5122))),
           control = list(maxit = 100, epsilon = 1e-13, verbose = FALSE))
add("clus2_rake", paste(src, "(rake with epsilon=1e-13)"), "rake(dclus2, list(~stype,~sch.wide), list(pop.types, pop.schwide), control=list(maxit=100, epsilon=1e-13)); svymean(~api00); subset comp.imp=='Yes'",
    list(weights = unname(weights(r2)), api00 = est(svymean(~api00, r2)),
         subset = est(svymean(~api00, subset(r2, comp.imp == "Yes")))))
add("clus2_subset", src, "svymean(~api00, subset(dclus2, comp.imp=='Yes')); degf(subset(dclus2, comp.imp=='Yes'))",
    c(est(svymean(~api00, subset(dclus2, comp.imp == "Yes"))),
      list(degf = degf(subset(dclus2, comp.imp == "Yes")))))

# a three-stage stratified sample (synthetic): strata h, PSUs p (N1 per stratum), second-stage
# units s within p (N2 per PSU), third-stage units (rows) within s (N3 per unit)
set.seed(1313)
three <- do.call(rbind, lapply(1:2, function(h) do.call(rbind, lapply(1:4, function(p) {
  n2 <- 2 + (p %% 2)
  do.call(rbind, lapply(1:n2, function(s) {
    n3 <- 2 + ((p + s) %% 3)
    data.frame(h = h, p = p, s = s, N1 = 8 + 2 * h, N2 = 5 + p, N3 = 9 + s + p,
               y = round(rnorm(n3, 10 + h + p / 2, 2), 3), g = sample(c("a", "b"), n3, TRUE))
  }))
}))))
write.csv(three, "threestage.csv", row.names = FALSE)
three <- read.csv("threestage.csv")
d3 <- svydesign(id = ~p + s + I(seq_len(nrow(three))), strata = ~h, fpc = ~N1 + N2 + N3,
                data = three, nest = TRUE)
add("threestage", "issue 13 (three stages, synthetic threestage.csv)",
    "svydesign(id=~p+s+row, strata=~h, fpc=~N1+N2+N3, data=threestage, nest=TRUE); svymean(~y); svytotal(~y); svyby(~y, ~g, svymean)",
    list(weights = unname(weights(d3)), mean = est(svymean(~y, d3)), total = est(svytotal(~y, d3)),
         by = byframe(svyby(~y, ~g, d3, svymean), "g"), degf = degf(d3)))
d3b <- svydesign(id = ~p + s, strata = ~h, fpc = ~N1 + N2, weights = ~I(N1 * N2 * N3), data = three, nest = TRUE)
add("threestage_two_stages", "issue 13 (the same data, the third stage ignored)",
    "svydesign(id=~p+s, strata=~h, fpc=~N1+N2, weights=~I(N1*N2*N3), data=threestage, nest=TRUE); svymean(~y)",
    est(svymean(~y, d3b)))

# -- svyttest ----------------------------------------------------------------------------
TOPIC <- "models"
src <- "man/svyttest.Rd"
tt <- svyttest(enroll ~ comp.imp, dclus2)
add("ttest_clus2", src, "svyttest(enroll~comp.imp, dclus2)", ttest(tt))
add("ttest_clus2_level90", src, "confint(svyttest(enroll~comp.imp, dclus2), level=0.9)", ttest(tt, 0.9))
apiclus2$is_e <- apiclus2$stype == "E"
add("ttest_clus2_logical", src, "svyttest(enroll~I(stype=='E'), dclus2)",
    ttest(svyttest(enroll ~ I(stype == "E"), dclus2)))
apiclus2$gain <- apiclus2$api00 - apiclus2$api99
add("ttest_clus2_onesample", src, "svyttest(I(api00-api99)~0, dclus2)",
    ttest(svyttest(I(api00 - api99) ~ 0, dclus2)))
dclus2_1 <- svydesign(id = ~dnum, weights = ~pw, data = apiclus2)
add("ttest_clus2_onestage_missing_psus", "issue 13 (whole PSUs missing enroll)",
    "svyttest(enroll~comp.imp, svydesign(id=~dnum, weights=~pw, data=apiclus2))",
    ttest(svyttest(enroll ~ comp.imp, dclus2_1)))
add("ttest_strat", "issue 13 brief (apistrat)", "svyttest(enroll~comp.imp, dstrat)",
    ttest(svyttest(enroll ~ comp.imp, dstrat)))

# -- svyby -----------------------------------------------------------------------------
TOPIC <- "designs"
src <- "man/svyby.Rd"
add("svyby_api99_stype", src, "svyby(~api99, ~stype, dclus1, svymean)",
    byframe(svyby(~api99, ~stype, dclus1, svymean), "stype"))
b <- svyby(~api99 + api00, ~stype, dclus1, svymean, deff = TRUE)
add("svyby_two_vars_deff", src, "svyby(~api99+api00, ~stype, dclus1, svymean, deff=TRUE)",
    list(stype = as.character(b$stype), estimate = unname(as.vector(coef(b))),
         se = unname(as.vector(SE(b))), deff = unname(as.vector(as.matrix(deff(b)))),
         order = names(coef(b))))
b <- svyby(~api99 + api00, ~stype + sch.wide, dclus1, svymean)
add("svyby_two_by", src, "svyby(~api99+api00, ~stype+sch.wide, dclus1, svymean)",
    list(stype = as.character(b$stype), sch.wide = as.character(b$sch.wide),
         estimate = unname(as.vector(coef(b))), se = unname(as.vector(SE(b))),
         order = names(coef(b))))
u <- svyby(~api99 + api00, ~stype + sch.wide, dclus1, unwtd.count, keep.var = FALSE)
add("svyby_unwtd_count", src, "svyby(~api99+api00, ~stype+sch.wide, dclus1, unwtd.count, keep.var=FALSE)",
    list(stype = as.character(u$stype), sch.wide = as.character(u$sch.wide), n = unname(u$statistic)))
tots <- svyby(~enroll, ~stype, dclus1, svytotal, covmat = TRUE)
add("svyby_total_covmat", src, "tots <- svyby(~enroll, ~stype, dclus1, svytotal, covmat=TRUE); vcov(tots)",
    c(byframe(tots, "stype"), list(vcov = unname(as.matrix(vcov(tots))))))
add("svyby_contrast_E_over_H", src, "svycontrast(tots, quote(E/H))", contrast(svycontrast(tots, quote(E / H))), topic = "models")
add("svyby_empty_groups", src, "svyby(~api00, ~comp.imp+sch.wide, design=dclus1, svymean)",
    byframe(svyby(~api00, ~comp.imp + sch.wide, design = dclus1, svymean), c("comp.imp", "sch.wide")))
add("svyby_svybys_comp", src, "svybys(~api00, ~comp.imp+sch.wide, design=dclus1, svymean)[[1]]",
    byframe(svyby(~api00, ~comp.imp, dclus1, svymean), "comp.imp"))
add("svyby_svybys_sch", src, "svybys(~api00, ~comp.imp+sch.wide, design=dclus1, svymean)[[2]]",
    byframe(svyby(~api00, ~sch.wide, dclus1, svymean), "sch.wide"))
dstrat_plain <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat, fpc = ~fpc)
add("svyby_se_total", "tests/svyby_se.R", "svyby(~enroll, ~stype, design=dstrat, svytotal, vartype=c('ci','se'))",
    byframe(svyby(~enroll, ~stype, dstrat_plain, svytotal, vartype = c("ci", "se")), "stype"))

# -- svyciprop ---------------------------------------------------------------------------
src <- "man/svyciprop.Rd"
dclus1n <- svydesign(id = ~dnum, fpc = ~fpc, data = apiclus1)
for (m in c("logit", "beta", "mean")) {
  p <- svyciprop(~I(ell == 0), dclus1n, method = m)
  add(paste0("svyciprop_", m), src,
      paste0("svyciprop(~I(ell==0), svydesign(id=~dnum, fpc=~fpc, data=apiclus1), method='", m, "')"),
      cipr(p))
}
p <- svyciprop(~I(ell == 0), dclus1n, method = "logit", df = degf(dclus1n))
add("svyciprop_logit_df", src, "svyciprop(~I(ell==0), dclus1, method='lo', df=degf(dclus1)) [here logit]",
    cipr(p))

# -- svycontrast -------------------------------------------------------------------------
TOPIC <- "models"
src <- "man/svycontrast.Rd"
a <- svytotal(~api00 + enroll + api99, dclus1)
add("contrast_linear", src, "svycontrast(svytotal(~api00+enroll+api99, dclus1), list(avg=c(0.5,0,0.5), diff=c(1,0,-1)))",
    contrast(svycontrast(a, list(avg = c(0.5, 0, 0.5), diff = c(1, 0, -1)))))
add("contrast_linear_named", src, "svycontrast(a, list(avg=c(api00=0.5,api99=0.5), diff=c(api00=1,api99=-1)))",
    contrast(svycontrast(a, list(avg = c(api00 = 0.5, api99 = 0.5), diff = c(api00 = 1, api99 = -1)))))
add("contrast_ratio", src, "svycontrast(a, quote(api00/api99))", contrast(svycontrast(a, quote(api00 / api99))))
apiclus1$api00_3 <- apiclus1$api00^3
apiclus1$api00_2 <- apiclus1$api00^2
dclus1m <- svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc)
moments <- svymean(~I(api00^3) + I(api00^2) + I(api00), dclus1m)
skew <- svycontrast(moments, quote((`I(api00^3)` - 3 * `I(api00^2)` * `I(api00)` + 3 * `I(api00)` * `I(api00)`^2 - `I(api00)`^3) /
                                      (`I(api00^2)` - `I(api00)`^2)^1.5))
add("contrast_skewness", src, "svycontrast(svymean(~I(api00^3)+I(api00^2)+I(api00), dclus1), quote((`I(api00^3)`-3*`I(api00^2)`*`I(api00)`+3*`I(api00)`*`I(api00)`^2-`I(api00)`^3)/(`I(api00^2)`-`I(api00)`^2)^1.5))",
    contrast(skew))
meanlogs <- svymean(~log(api00) + log(api99), dclus1)
add("contrast_geometric", src, "svycontrast(svymean(~log(api00)+log(api99), dclus1), list(api00=quote(exp(`log(api00)`)), api99=quote(exp(`log(api99)`))))",
    contrast(svycontrast(meanlogs, list(api00 = quote(exp(`log(api00)`)), api99 = quote(exp(`log(api99)`))))))
totals <- svyby(~enroll, ~stype, design = dclus1, svytotal, covmat = TRUE)
totals1 <- svycontrast(totals, list(total = c(1, 1, 1)), add = TRUE)
add("contrast_shares", src, "svycontrast(svycontrast(totals, list(total=c(1,1,1)), add=TRUE), list(quote(E/total), quote(H/total), quote(M/total)))",
    contrast(svycontrast(totals1, list(quote(E / total), quote(H / total), quote(M / total)))))
mns <- svyby(~api99 + api00, ~stype, dclus1, svymean, covmat = TRUE)
add("contrast_by_two_vars", "svycontrast on svyby with two variables (names 'E:api99')",
    "svycontrast(svyby(~api99+api00, ~stype, dclus1, svymean, covmat=TRUE), quote(`E:api00`/`E:api99` - `H:api00`/`H:api99`))",
    contrast(svycontrast(mns, quote(`E:api00` / `E:api99` - `H:api00` / `H:api99`))))
rat <- svyratio(~ell + mobility, ~mobility + meals, dclus1, covmat = TRUE)
all3 <- svytotal(~ell + mobility + meals, dclus1)
add("contrast_ratios_bycovmat", "tests/bycovmat.R",
    "svycontrast(svytotal(~ell+mobility+meals, dclus1), list(quote(ell/mobility), quote(mobility/mobility), quote(ell/meals), quote(mobility/meals))) == vcov(svyratio(..., covmat=TRUE))",
    c(contrast(svycontrast(all3, list(quote(ell / mobility), quote(mobility / mobility),
                                      quote(ell / meals), quote(mobility / meals)))),
      list(svyratio_vcov = unname(as.matrix(vcov(rat))))))

# -- calibrate / rake / postStratify / trimWeights ---------------------------------------
TOPIC <- "weighting"
src <- "man/calibrate.Rd"
pop.totals <- c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018)
calcase <- function(name, src, call, d, extra = list()) {
  add(name, src, call, c(list(
    weights = unname(weights(d)),
    api00 = est(svymean(~api00, d)), enroll = est(svytotal(~enroll, d, na.rm = TRUE)),
    stype = est(svytotal(~stype, d))), extra))
}
calcase("calibrate_stype", src, "calibrate(dclus1, ~stype, pop.totals)", calibrate(dclus1, ~stype, pop.totals))
calcase("calibrate_stype_schwide", src, "calibrate(dclus1, ~stype+sch.wide, c(pop.totals, sch.wideYes=5122))",
        calibrate(dclus1, ~stype + sch.wide, c(pop.totals, sch.wideYes = 5122)))
g3 <- calibrate(dclus1, ~stype + api99, c(pop.totals, api99 = 3914069))
calcase("calibrate_stype_api99", src, "calibrate(dclus1, ~stype+api99, c(pop.totals, api99=3914069))", g3,
        list(api99 = est(svytotal(~api99, g3))))
calcase("calibrate_stype_api99_bounded", src, "calibrate(dclus1, ~stype+api99, c(pop.totals, api99=3914069), bounds=c(0.6,1.6))",
        calibrate(dclus1, ~stype + api99, c(pop.totals, api99 = 3914069), bounds = c(0.6, 1.6)))
calcase("calibrate_stype_api99_raking", src, "calibrate(dclus1, ~stype+api99, c(pop.totals, api99=3914069), calfun='raking')",
        calibrate(dclus1, ~stype + api99, c(pop.totals, api99 = 3914069), calfun = "raking"))
calcase("calibrate_stype_api99_logit", src, "calibrate(dclus1, ~stype+api99, c(pop.totals, api99=3914069), calfun=cal.logit, bounds=c(0.5,2.5))",
        calibrate(dclus1, ~stype + api99, c(pop.totals, api99 = 3914069), calfun = cal.logit, bounds = c(0.5, 2.5)))
pop.table <- xtabs(~stype + sch.wide, apipop)
pop.table2 <- xtabs(~stype + comp.imp, apipop)
dclus1r <- rake(dclus1, list(~stype + sch.wide, ~stype + comp.imp), list(pop.table, pop.table2),
                control = list(maxit = 100, epsilon = 1e-13, verbose = FALSE))
gclus1r <- calibrate(dclus1, formula = list(~stype + sch.wide, ~stype + comp.imp),
                     population = list(pop.table, pop.table2), calfun = "raking")
fby <- ~stype:sch.wide + stype:api99 - 1
gby <- calibrate(dclus1, fby, colSums(model.matrix(fby, apipop)))
add("calibrate_by_stype_numeric", "calibrate per school type: sch.wide margins and the api99 total within each type",
    "calibrate(dclus1, ~stype:sch.wide + stype:api99 - 1, colSums(model.matrix(~stype:sch.wide + stype:api99 - 1, apipop)))",
    list(weights = unname(weights(gby)), api00 = est(svymean(~api00, gby)),
         stype_api99 = as.list(tapply(apipop$api99, apipop$stype, sum))))
add("calibrate_list_raking", src, "calibrate(dclus1, formula=list(~stype+sch.wide, ~stype+comp.imp), population=list(pop.table, pop.table2), calfun='raking'); svymean(~api00+stype, .)",
    c(est(svymean(~api00 + stype, gclus1r)), list(weights = unname(weights(gclus1r)))))
add("rake_joint_margins", paste(src, "(rake with epsilon=1e-13: the manual's default stops earlier)"),
    "rake(dclus1, list(~stype+sch.wide, ~stype+comp.imp), list(pop.table, pop.table2), control=list(maxit=100, epsilon=1e-13)); svymean(~api00+stype, .)",
    c(est(svymean(~api00 + stype, dclus1r)), list(weights = unname(weights(dclus1r)))))
# the manual's variance=1 (working-model variance proportional to enroll: the ratio
# estimator) has no survey_kit equivalent; the homoskedastic calibration is ported instead
dstratg1 <- calibrate(dstrat, ~enroll - 1, 3811472)
add("calibrate_enroll_no_intercept", paste(src, "(without variance=1)"),
    "svytotal(~api.stu, calibrate(dstrat, ~enroll-1, 3811472))",
    c(est(svytotal(~api.stu, dstratg1)), list(weights = unname(weights(dstratg1)))))

src <- "man/rake.Rd, tests/rakecheck.R"
pop.types <- data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018))
pop.schwide <- data.frame(sch.wide = c("No", "Yes"), Freq = c(1072, 5122))
dr <- rake(dclus1, list(~stype, ~sch.wide), list(pop.types, pop.schwide))
add("rake_stype_schwide", src, "rake(dclus1, list(~stype,~sch.wide), list(pop.types, pop.schwide)); svymean(~api00); svytotal(~enroll)",
    list(weights = unname(weights(dr)), api00 = est(svymean(~api00, dr)),
         enroll = est(svytotal(~enroll, dr)), stype_api00 = est(svymean(~stype + api00, dr))))
dr13 <- rake(dclus1, list(~stype, ~sch.wide), list(pop.types, pop.schwide),
             control = list(maxit = 100, epsilon = 1e-13, verbose = FALSE))
add("rake_stype_schwide_converged", paste(src, "(epsilon=1e-13)"), "rake(..., control=list(maxit=100, epsilon=1e-13))",
    list(weights = unname(weights(dr13)), api00 = est(svymean(~api00, dr13)),
         enroll = est(svytotal(~enroll, dr13))))
dgr <- calibrate(dclus1, ~stype + sch.wide, pop = c(6194, 755, 1018, 5122), calfun = "raking")
add("rake_vs_calibrate_raking", src, "calibrate(dclus1, ~stype+sch.wide, pop=c(6194,755,1018,5122), calfun='raking'); svymean(~stype+api00)",
    c(est(svymean(~stype + api00, dgr)), list(weights = unname(weights(dgr)), enroll = est(svytotal(~enroll, dgr)))))
pop.imp <- data.frame(comp.imp = c("No", "Yes"), Freq = c(1712, 4482))
dr2 <- rake(dclus1, list(~stype + sch.wide, ~comp.imp), list(pop.table, pop.imp),
            control = list(maxit = 100, epsilon = 1e-13, verbose = FALSE))
add("rake_partial_joint", paste(src, "(epsilon=1e-13)"), "rake(dclus1, list(~stype+sch.wide, ~comp.imp), list(pop.table, pop.imp)); svymean(~api00)",
    c(est(svymean(~api00, dr2)), list(weights = unname(weights(dr2)))))
ff1 <- ~stype * sch.wide + comp.imp
poptotals1 <- colSums(model.matrix(ff1, model.frame(ff1, apipop)))
dg2 <- calibrate(dclus1, ff1, poptotals1, calfun = "raking")
add("calibrate_raking_interaction", "tests/rakecheck.R", "calibrate(dclus1, ~stype*sch.wide+comp.imp, poptotals1, calfun='raking'); svymean(~api00)",
    c(est(svymean(~api00, dg2)), list(weights = unname(weights(dg2)))))

src <- "man/postStratify.Rd, man/api.Rd"
dclus1p <- postStratify(dclus1, ~stype, pop.types)
add("poststratify_stype", src, "postStratify(dclus1, ~stype, pop.types); svymean(~api00); svytotal(~enroll, na.rm=TRUE)",
    list(weights = unname(weights(dclus1p)), api00 = est(svymean(~api00, dclus1p)),
         enroll = est(svytotal(~enroll, dclus1p, na.rm = TRUE))))
dps2 <- postStratify(dclus1, ~stype + sch.wide, pop.table)
add("poststratify_joint", "man/rake.Rd (joint post-stratification, Taylor design)",
    "postStratify(dclus1, ~stype+sch.wide, xtabs(~stype+sch.wide, apipop)); svymean(~api00); svytotal(~enroll)",
    list(weights = unname(weights(dps2)), api00 = est(svymean(~api00, dps2)),
         enroll = est(svytotal(~enroll, dps2))))

src <- "man/trimWeights.Rd"
pop.totals4 <- c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, api99 = 3914069)
dclus1g <- calibrate(dclus1, ~stype + api99, pop.totals4)
dtt <- trimWeights(dclus1g, lower = 20, upper = 45, strict = TRUE)
add("trimweights_strict", src, "trimWeights(calibrate(dclus1, ~stype+api99, pop.totals), lower=20, upper=45, strict=TRUE); svymean(~api99+api00+stype)",
    c(est(svymean(~api99 + api00 + stype, dtt)), list(weights = unname(weights(dtt)))))

src <- "tests/kalton.R"
ab <- expand.grid(a = factor(1:4), b = factor(1:3))
kaltonsample <- ab[rep(1:12, c(20, 50, 100, 30, 40, 140, 50, 100, 40, 310, 50, 70)), ]
kaltonpop <- ab[rep(1:12, c(80, 60, 170, 55, 40, 150, 60, 165, 55, 340, 200, 125)), ]
kaltonsample$y <- as.numeric(kaltonsample$a) * 2 + as.numeric(kaltonsample$b)^2 +
  (seq_len(nrow(kaltonsample)) %% 7) / 3
write.csv(kaltonsample, "kalton.csv", row.names = FALSE)
kaltonsample <- read.csv("kalton.csv")
kaltonsample$a <- factor(kaltonsample$a); kaltonsample$b <- factor(kaltonsample$b)
dkalton <- svydesign(id = ~1, data = kaltonsample)
kpop <- list(a = as.list(table(kaltonpop$a)), b = as.list(table(kaltonpop$b)),
             ab = as.list(table(paste(kaltonpop$a, kaltonpop$b, sep = "_"))),
             a_num = sum(as.numeric(kaltonpop$a)), b_num = sum(as.numeric(kaltonpop$b)),
             N = nrow(kaltonpop))
jointpop <- colSums(model.matrix(~a * b, kaltonpop))
marginalpop <- colSums(model.matrix(~a + b, kaltonpop))
gregpop <- colSums(model.matrix(~as.numeric(a) + as.numeric(b), kaltonpop))
kal <- function(d) list(weights = unname(weights(d)), y = est(svymean(~y, d)))
add("kalton_poststratify", src, "postStratify(dkalton, ~a+b, xtabs(~a+b, kaltonpop))",
    kal(postStratify(dkalton, ~a + b, xtabs(~a + b, kaltonpop))))
add("kalton_rake_epsilon", paste(src, "(R's epsilon=1e-4 stops before convergence)"),
    "rake(dkalton, list(~a,~b), list(xtabs(~a,kaltonpop), xtabs(~b,kaltonpop)), control=list(epsilon=0.0001))",
    kal(rake(dkalton, list(~a, ~b), list(xtabs(~a, kaltonpop), xtabs(~b, kaltonpop)), control = list(epsilon = 0.0001))))
add("kalton_rake_converged", paste(src, "(epsilon=1e-13)"),
    "rake(dkalton, list(~a,~b), list(xtabs(~a,kaltonpop), xtabs(~b,kaltonpop)), control=list(maxit=200, epsilon=1e-13))",
    kal(rake(dkalton, list(~a, ~b), list(xtabs(~a, kaltonpop), xtabs(~b, kaltonpop)), control = list(maxit = 200, epsilon = 1e-13))))
add("kalton_calibrate_joint", src, "calibrate(dkalton, ~a*b, jointpop)", kal(calibrate(dkalton, ~a * b, jointpop)))
add("kalton_calibrate_raking", src, "calibrate(dkalton, ~a+b, marginalpop, calfun='raking')",
    kal(calibrate(dkalton, ~a + b, marginalpop, calfun = "raking")))
add("kalton_calibrate_linear", src, "calibrate(dkalton, ~a+b, marginalpop)", kal(calibrate(dkalton, ~a + b, marginalpop)))
add("kalton_calibrate_truncated", src, "calibrate(dkalton, ~a+b, marginalpop, bounds=c(0.5,2.2))",
    kal(calibrate(dkalton, ~a + b, marginalpop, bounds = c(0.5, 2.2))))
add("kalton_calibrate_logit", src, "calibrate(dkalton, ~a+b, marginalpop, bounds=c(0.5,2.2), calfun='logit')",
    kal(calibrate(dkalton, ~a + b, marginalpop, bounds = c(0.5, 2.2), calfun = "logit")))
add("kalton_calibrate_greg_numeric", src, "calibrate(dkalton, ~as.numeric(a)+as.numeric(b), gregpop)",
    kal(calibrate(dkalton, ~as.numeric(a) + as.numeric(b), gregpop)))

src <- "tests/badcal.R"
badcal <- data.frame(x = c(1, 1, 1, 1, 2, 2, 2, 2, 2, 2), w = rep(10, 10))
desb <- svydesign(ids = ~1, weights = ~w, data = badcal)
bc <- calibrate(desb, ~factor(x), c(10000, 5000))
br <- calibrate(desb, ~factor(x), c(10000, 5000), calfun = "raking")
add("badcal_linear", src, "svytotal(~factor(x), calibrate(des, ~factor(x), c(10000, 5000)))",
    c(est(svytotal(~factor(x), bc)), list(weights = unname(weights(bc)))))
add("badcal_raking", src, "svytotal(~factor(x), calibrate(des, ~factor(x), c(10000, 5000), calfun='raking'))",
    c(est(svytotal(~factor(x), br)), list(weights = unname(weights(br)))))

src <- "tests/caleg.R"
popc <- colSums(cbind(1, apipop$enroll), na.rm = TRUE)
cg <- calibrate(dclus1, ~enroll, popc)
cgb <- calibrate(dclus1, ~enroll, popc, bounds = c(.6, 1.5))
add("caleg_enroll", src, "calibrate(dclus1, ~enroll, colSums(cbind(1, apipop$enroll), na.rm=TRUE))",
    list(weights = unname(weights(cg)), api_stu = est(svytotal(~api.stu, cg)), population = unname(popc)))
add("caleg_enroll_bounded", src, "calibrate(dclus1, ~enroll, pop, bounds=c(.6,1.5))",
    list(weights = unname(weights(cgb)), api_stu = est(svytotal(~api.stu, cgb))))
total.enroll <- sum(apipop$enroll, na.rm = TRUE)
set.seed(17)
dat <- data.frame(y = rep(0:1, each = 100), x = rnorm(200) + 2 * rep(0:1, each = 100),
                  z = rbinom(200, 1, .2), fpc = rep(c(100, 10000), each = 100))
dat$w <- ifelse(dat$y, dat$z, 1 - dat$z)
write.csv(dat, "french.csv", row.names = FALSE)
dat <- read.csv("french.csv")
popw <- data.frame(w = c("0", "1"), Freq = c(2000, 8000))
desf <- svydesign(id = ~1, fpc = ~fpc, data = dat, strata = ~y)
dps <- postStratify(desf, ~w, popw)
dcal <- calibrate(desf, ~factor(w), pop = c(10000, 8000))
add("caleg_poststrat_vs_calibrate", src, "SE(svymean(~x, calibrate(des, ~factor(w), pop=c(10000,8000)))) == SE(svymean(~x, postStratify(des, ~w, popw)))",
    list(calibrate = est(svymean(~x, dcal)), poststratify = est(svymean(~x, dps))))
dps$variables$z[1] <- NA
add("caleg_glm_missing", paste(src, "(fitted to convergence: glm's default epsilon 1e-8 leaves ~1e-7 relative error)"),
    "dps$variables$z[1] <- NA; svyglm(y~z+x, design=dps, family=quasibinomial, control=glm.control(epsilon=1e-14, maxit=100))",
    glmfit(svyglm(y ~ z + x, design = dps, family = quasibinomial,
                  control = glm.control(epsilon = 1e-14, maxit = 100))))
npop <- sum(!is.na(apipop$enroll))
b <- svytotal(~api.stu, calibrate(dstrat, ~enroll, pop = c(npop, total.enroll)))
add("regpredict_calibrate", "tests/regpredict.R, man/svyglm.Rd",
    "svytotal(~api.stu, calibrate(dstrat, ~enroll, pop=c(npop, sum(apipop$enroll, na.rm=TRUE))))",
    c(est(b), list(npop = npop)))

# -- domains (tests/domain.R) -------------------------------------------------------------
TOPIC <- "designs"
src <- "tests/domain.R"
dfpc <- svydesign(id = ~psuid, strat = ~stratid, weight = ~weight, data = fpc, nest = TRUE)
add("domain_subset_mean", src, "svymean(~x, subset(dfpc, x>4))", est(svymean(~x, subset(dfpc, x > 4))))
fpc$big <- fpc$x > 4
add("domain_svyby", src, "svyby(~x, ~I(x>4), design=dfpc, svymean)",
    byframe(svyby(~x, ~big, design = svydesign(id = ~psuid, strat = ~stratid, weight = ~weight, data = fpc, nest = TRUE), svymean), "big"))
add("domain_svyglm", src, "svyglm(x~I(x>4)+0, design=dfpc)", glmfit(svyglm(x ~ I(x > 4) + 0, design = dfpc)), topic = "models")
add("domain_strat_subset", src, "svymean(~enroll, subset(dstrat, comp.imp=='Yes'))",
    est(svymean(~enroll, subset(dstrat, comp.imp == "Yes"))))
add("domain_strat_glm", src, "svyglm(enroll~comp.imp-1, dstrat)", glmfit(svyglm(enroll ~ comp.imp - 1, dstrat)), topic = "models")
dclus1g3 <- calibrate(dclus1, ~stype + api99, c(pop.totals, api99 = 3914069))
add("domain_calibrated_subset", src, "svymean(~api00, subset(dclus1g3, comp.imp=='Yes'))",
    est(svymean(~api00, subset(dclus1g3, comp.imp == "Yes"))), topic = "weighting")
add("domain_calibrated_glm", src, "svyglm(api00~comp.imp-1, dclus1g3)", glmfit(svyglm(api00 ~ comp.imp - 1, dclus1g3)), topic = "weighting")
# epsilon=1e-13: R's default (1, an absolute change in the weights) stops ~1e-5 short
dclus1r1 <- rake(dclus1, list(~stype, ~sch.wide), list(pop.types, pop.schwide),
                 control = list(maxit = 100, epsilon = 1e-13, verbose = FALSE))
add("domain_raked_subset", src, "svymean(~api00, subset(dclus1r, comp.imp=='Yes')) with rake(..., control=list(maxit=100, epsilon=1e-13))",
    est(svymean(~api00, subset(dclus1r1, comp.imp == "Yes"))), topic = "weighting")
add("domain_raked_glm", src, "svyglm(api00~comp.imp-1, dclus1r)", glmfit(svyglm(api00 ~ comp.imp - 1, dclus1r1)), topic = "weighting")

# -- svyglm ------------------------------------------------------------------------------
TOPIC <- "models"
src <- "man/svyglm.Rd"
add("svyglm_strat", src, "svyglm(api00~ell+meals+mobility, design=dstrat)",
    glmfit(svyglm(api00 ~ ell + meals + mobility, design = dstrat)))
dclus2w <- svydesign(id = ~dnum + snum, weights = ~pw, data = apiclus2)
add("svyglm_clus2wr", src, "svyglm(api00~ell+meals+mobility, design=svydesign(id=~dnum+snum, weights=~pw, data=apiclus2))",
    glmfit(svyglm(api00 ~ ell + meals + mobility, design = dclus2w)))
add("svyglm_quasibinomial", src, "svyglm(sch.wide~ell+meals+mobility, design=dstrat, family=quasibinomial())",
    glmfit(svyglm(sch.wide ~ ell + meals + mobility, design = dstrat, family = quasibinomial(),
                  control = glm.control(epsilon = 1e-14, maxit = 100))))
add("svyglm_defftest", "tests/defftest.R", "svyglm(api99~enroll+api.stu, design=dclus1)",
    glmfit(svyglm(api99 ~ enroll + api.stu, design = dclus1)))
add("svyglm_scoping", "tests/scoping.R", "svyglm(acs.46~stype, design=dstrat)",
    glmfit(svyglm(acs.46 ~ stype, design = dstrat)))
add("svyglm_stype_minus1", "issue 13 (term names)", "svyglm(api00~stype-1, design=dstrat)",
    glmfit(svyglm(api00 ~ stype - 1, design = dstrat)))
add("svyglm_order", "issue 13 (term order)", "svyglm(api00~ell+stype+meals, design=dstrat)",
    glmfit(svyglm(api00 ~ ell + stype + meals, design = dstrat)))
add("svyglm_interaction", "issue 13 (term order)", "svyglm(api00~ell*stype+meals, design=dstrat)",
    glmfit(svyglm(api00 ~ ell * stype + meals, design = dstrat)))

# -- svychisq ----------------------------------------------------------------------------
src <- "man/svychisq.Rd"
add("svychisq_F", src, "svychisq(~sch.wide+stype, dclus1)", chisq(svychisq(~sch.wide + stype, dclus1)))
add("svychisq_Chisq", src, "svychisq(~sch.wide+stype, dclus1, statistic='Chisq')",
    chisq(svychisq(~sch.wide + stype, dclus1, statistic = "Chisq")))
add("svychisq_adjWald", src, "svychisq(~sch.wide+stype, dclus1, statistic='adjWald')",
    chisq(svychisq(~sch.wide + stype, dclus1, statistic = "adjWald")))
add("svychisq_Wald", src, "svychisq(~sch.wide+stype, dclus1, statistic='Wald')",
    chisq(svychisq(~sch.wide + stype, dclus1, statistic = "Wald")))
add("svychisq_clus2_F", "issue 13 (two-stage)", "svychisq(~sch.wide+stype, dclus2)",
    chisq(svychisq(~sch.wide + stype, dclus2)))

# -- design effects (tests/deff.R) --------------------------------------------------------
TOPIC <- "designs"
src <- "tests/deff.R"
kigyo <- data.frame(obs = 1:10, uriage = c(15, 143, 21, 51, 337, 50, 274, 145, 15, 86),
                    srs.w = 100, pps.w = c(20, 200, 11, 25, 550, 30, 250, 100, 10, 55))
des.srs <- svydesign(ids = ~1, weights = ~srs.w, data = kigyo)
des.pps <- svydesign(ids = ~1, weights = ~pps.w, data = kigyo)
add("deff_srs_mean", src, "svymean(~uriage, des.srs, deff=TRUE)", est_deff(svymean(~uriage, des.srs, deff = TRUE)))
add("deff_srs_total", src, "svytotal(~uriage, des.srs, deff=TRUE)", est_deff(svytotal(~uriage, des.srs, deff = TRUE)))
add("deff_pps_mean", src, "svymean(~uriage, des.pps, deff=TRUE)", est_deff(svymean(~uriage, des.pps, deff = TRUE)))
add("deff_pps_total", src, "svytotal(~uriage, des.pps, deff=TRUE)", est_deff(svytotal(~uriage, des.pps, deff = TRUE)))
add("deff_clus1", "man/surveysummary.Rd", "svymean(~api00, dclus1, deff=TRUE); svytotal(~enroll, dclus1, deff=TRUE)",
    list(mean = est_deff(svymean(~api00, dclus1, deff = TRUE)),
         total = est_deff(svytotal(~enroll, dclus1, deff = TRUE))))

out <- list(source = paste("R", getRversion(), "survey", packageVersion("survey")),
            population = pop, kalton_population = kpop, cases = cases)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null"),
           "engine_reference.json")
cat(length(cases), "cases\n")
