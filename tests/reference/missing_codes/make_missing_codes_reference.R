# Reference for survey_kit's blank_missing_codes + chisq: a categorical item whose missing
# codes (98 "ved ikke", 99 refusal) must not be answer categories.
#
#   cd tests/reference/missing_codes && Rscript make_missing_codes_reference.R
#
# Reads ../tryghed_sample.csv (synthetic, see ../README.md), derives the item `q_code`
# deterministically (q_cat as codes 1-4; 98 where tryg is NA; 99 where id %% 17 == 0) and
# writes missing_codes_reference.json: svychisq(~group + q, statistic = "F"/"Chisq") with the
# missing codes set to NA (what survey_kit must match) and kept as categories (the old count).
suppressPackageStartupMessages({library(survey); library(jsonlite)})
d <- read.csv("../tryghed_sample.csv", stringsAsFactors = FALSE)
codes <- c(meget_tryg = 1, tryg = 2, utryg = 3, meget_utryg = 4)
d$q_code <- unname(codes[d$q_cat])
d$q_code[is.na(d$tryg)] <- 98
d$q_code[d$id %% 17 == 0] <- 99
d$q_na <- ifelse(d$q_code >= 98, NA, d$q_code)
des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~design_weight, data = d, nest = TRUE)
out <- function(f, c) list(statistic = unname(f$statistic), ndf = unname(f$parameter[1]),
                           ddf = unname(f$parameter[2]), p_value = unname(f$p.value),
                           chisq_statistic = unname(c$statistic), chisq_p_value = unname(c$p.value))
ref <- list(
  source = paste("R", getRversion(), "survey", packageVersion("survey")),
  n_missing_codes = sum(d$q_code >= 98),
  missing_as_na = out(svychisq(~group + q_na, des, statistic = "F"),
                      svychisq(~group + q_na, des, statistic = "Chisq")),
  missing_as_category = out(svychisq(~group + q_code, des, statistic = "F"),
                            svychisq(~group + q_code, des, statistic = "Chisq"))
)
writeLines(toJSON(ref, auto_unbox = TRUE, digits = NA, pretty = TRUE),
           "missing_codes_reference.json")
