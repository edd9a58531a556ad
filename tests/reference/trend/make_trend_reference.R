# Reference values for survey_kit.compare.trend: linear trend across three rounds.
# Run from this folder:  Rscript make_trend_reference.R   (R 4.2.2, survey 4.1.1, jsonlite)
# Writes trend_sample.csv (synthetic: 2 groups, 6 strata, every PSU observed in every round,
# 30 missing answers) and trend_reference.json.
suppressMessages({library(survey); library(jsonlite)})
set.seed(20261130)
strata <- data.frame(stratum = sprintf("s%d", 1:6), group = rep(c("focus", "other"), each = 3),
                     npsu = c(3, 4, 5, 6, 6, 8))
psu <- do.call(rbind, lapply(seq_len(nrow(strata)), function(i)
  data.frame(stratum = strata$stratum[i], group = strata$group[i],
             psu = sprintf("%s_p%d", strata$stratum[i], seq_len(strata$npsu[i])),
             effect = rnorm(strata$npsu[i], 0, 0.05))))
rows <- list()
for (yr in c(2018, 2021, 2024)) for (j in seq_len(nrow(psu))) {
  n <- sample(8:20, 1)
  slope <- ifelse(psu$group[j] == "focus", 0.01, 0.0)
  y <- pmin(pmax(0.55 + psu$effect[j] + slope * (yr - 2018) + rnorm(n, 0, 0.18), 0), 1)
  rows[[length(rows) + 1]] <- data.frame(year = yr, group = psu$group[j], stratum = psu$stratum[j],
                                         psu = psu$psu[j], w = runif(n, 20, 60), y = y)
}
d <- do.call(rbind, rows)
d$y[sample(nrow(d), 30)] <- NA
write.csv(d, "trend_sample.csv", row.names = FALSE)
des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~w, data = d, nest = TRUE)
b <- svyby(~y, ~year + group, subset(des, !is.na(y)), svymean, covmat = TRUE)
# rows: 2018.focus, 2021.focus, 2024.focus, 2018.other, ...
tt <- c(2018, 2021, 2024); cw <- (tt - mean(tt)) / sum((tt - mean(tt))^2)
cases <- list()
for (g in c("focus", "other")) {
  v <- rep(0, nrow(b)); v[b$group == g] <- cw[match(b$year[b$group == g], tt)]
  cc <- svycontrast(b, list(slope = v))
  df <- degf(subset(des, group == g))
  est <- as.numeric(coef(cc)); se <- as.numeric(SE(cc))
  cases[[g]] <- list(call = sprintf("svycontrast(svyby(~y, ~year+group, des, svymean, covmat=TRUE), slope weights for group %s); df = degf(subset(des, group == '%s'))", g, g),
                     value = list(slope = est, se = se, df = df,
                                  ci = as.numeric(confint(cc, df = df)),
                                  p_value = 2 * pt(-abs(est / se), df)))
}
out <- list(source = paste("R", getRversion(), "survey", packageVersion("survey")), cases = cases)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "trend_reference.json")
