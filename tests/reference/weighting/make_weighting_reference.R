# Extra R `survey` reference values for survey_kit's weighting module (by-group raking,
# by-group bounded raking calibration, linear GREG, trimWeights). Data: apiclus1 from R's
# survey package (also in /work/shared/reference/apiclus1.csv).
# Run from this folder: Rscript make_weighting_reference.R  -> weighting_reference.json
suppressMessages({library(survey); library(jsonlite)})
data(api)
d <- svydesign(id = ~dnum, weights = ~pw, data = apiclus1)
# population margins per school type (from apipop): sch.wide and awards within stype
pop_sw <- as.data.frame(with(apipop, table(stype, sch.wide)))
pop_aw <- as.data.frame(with(apipop, table(stype, awards)))
cases <- list()
add <- function(name, call, value) cases[[name]] <<- list(call = call, value = value)
se1 <- function(des) { m <- svymean(~api00, des); c(unname(coef(m)), as.numeric(SE(m))) }

# 1. raking per stype group: margins are stype x variable interactions
r <- rake(d, list(~stype + sch.wide, ~stype + awards), list(pop_sw, pop_aw),
          control = list(maxit = 200, epsilon = 1e-12))
add("by_stype_rake", "rake(dclus1_wr, list(~stype+sch.wide, ~stype+awards), list(pop_sw, pop_aw))",
    list(pop_sw = pop_sw, pop_aw = pop_aw, weights = unname(weights(r)),
         mean_api00 = se1(r)[1], se_api00 = se1(r)[2]))

# 2. bounded raking calibration per stype group (same column space as the margins)
cb <- calibrate(d, list(~stype + sch.wide, ~stype + awards), list(pop_sw, pop_aw),
                calfun = "raking", bounds = c(0.4, 3.5), maxit = 500, epsilon = 1e-12)
add("by_stype_calibrate_raking_bounded", "calibrate(dclus1_wr, list(~stype+sch.wide, ~stype+awards), list(pop_sw, pop_aw), calfun='raking', bounds=c(0.4, 3.5))",
    list(bounds = c(0.4, 3.5), weights = unname(weights(cb)), mean_api00 = se1(cb)[1], se_api00 = se1(cb)[2]))

# 3. linear (GREG) calibration without bounds, no groups
pop_totals <- c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, sch.wideYes = 5122)
cl <- calibrate(d, ~stype + sch.wide, pop_totals)
add("clus1_calibrate_linear", "calibrate(dclus1_wr, ~stype+sch.wide, totals)",
    list(weights = unname(weights(cl)), mean_api00 = se1(cl)[1], se_api00 = se1(cl)[2]))

# 4. trimWeights (strict: repeat until no weight is outside; equal spreading) on the raked
#    design of case 1; R keeps the raking record, so the SE still uses the raking residuals
t1 <- trimWeights(r, upper = 60, lower = 20, strict = TRUE)
add("by_stype_rake_trim", "trimWeights(raked, upper=60, lower=20, strict=TRUE)",
    list(upper = 60, lower = 20, weights = unname(weights(t1)), mean_api00 = se1(t1)[1], se_api00 = se1(t1)[2]))

writeLines(toJSON(list(source = paste("R", getRversion(), "survey", as.character(packageVersion("survey"))),
                       cases = cases), auto_unbox = TRUE, digits = NA, pretty = TRUE),
           "weighting_reference.json")
cat("wrote weighting_reference.json with", length(cases), "cases\n")
