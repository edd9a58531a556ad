# Fay-Herriot reference values for survey_kit's small_area module, from R's sae 1.3
# (Molina & Marhuenda: eblupFH, mseFH). sae is not in Debian: build it from its CRAN source
# (cran/sae on GitHub, tag 1.3) with `R CMD INSTALL sae` after `apt-get install -y r-cran-lme4`.
# Run from this folder: Rscript make_fh_reference.R   (writes fh_reference.json)
#
# Each case holds its data (one row per area, column-wise), the R formula, the survey_kit
# formula (one-sided) and, per method (REML, ML, FH): refvar, the named beta with beta_se,
# loglike, iterations, convergence, eblup and mse per area (data row order).
suppressMessages({library(sae); library(jsonlite)})
set.seed(20240611)

fit_case <- function(data, formula, max_iter = 100) {
  out <- list()
  for (meth in c("REML", "ML", "FH")) {
    r <- eblupFH(formula, vardir, method = meth, MAXITER = max_iter, data = data)
    res <- list(convergence = r$fit$convergence, iterations = r$fit$iterations)
    if (r$fit$convergence) {
      m <- mseFH(formula, vardir, method = meth, MAXITER = max_iter, data = data)
      res <- c(res, list(refvar = r$fit$refvar, beta_names = I(rownames(r$fit$estcoef)),
                         beta = I(unname(r$fit$estcoef$beta)),
                         beta_se = I(unname(r$fit$estcoef$std.error)),
                         loglike = r$fit$goodness[["loglike"]], eblup = I(unname(r$eblup[, 1])),
                         mse = I(unname(m$mse))))
    }
    out[[meth]] <- res
  }
  out
}

case <- function(data, formula, py_formula, what, max_iter = 100) {
  list(what = what, r_formula = deparse(formula), formula = py_formula, max_iter = max_iter,
       data = as.list(data), methods = fit_case(data, formula, max_iter))
}

cases <- list()

# 1. several covariates, a character factor (3 levels) and a logical, terms interleaved
m <- 40
d1 <- data.frame(area = sprintf("A%02d", 1:m), x1 = rnorm(m), x2 = runif(m),
                 region = sample(c("vest", "nord", "syd"), m, replace = TRUE),
                 flag = runif(m) < 0.4, stringsAsFactors = FALSE)
d1$vardir <- runif(m, 0.002, 0.02)
eff <- c(nord = 0, syd = 0.15, vest = -0.1)
d1$y <- 0.5 + 0.3 * d1$x1 - 0.2 * d1$x2 + eff[d1$region] + 0.1 * d1$flag +
  rnorm(m, 0, sqrt(0.01)) + rnorm(m, 0, sqrt(d1$vardir))
cases$covariates_factor <- case(d1, y ~ x1 + region + x2 + flag, "~ x1 + region + x2 + flag",
                                "numeric, character factor and logical covariates, interleaved")

# 2. the same data without intercept: the first factor gets one column per level
cases$no_intercept <- case(d1, y ~ 0 + region + x1, "~ 0 + region + x1",
                           "no intercept: full dummy coding of the first factor")

# 3. intercept only
m <- 25
d3 <- data.frame(area = sprintf("B%02d", 1:m), vardir = runif(m, 0.5, 2))
d3$y <- 3 + rnorm(m, 0, 1) + rnorm(m, 0, sqrt(d3$vardir))
cases$intercept_only <- case(d3, y ~ 1, "~ 1", "intercept-only model")

# 4. direct estimates less dispersed than their sampling variances allow: every method's
#    estimate of the model variance is negative and truncated to 0 (EBLUP = synthetic)
m <- 30
d4 <- data.frame(area = sprintf("C%02d", 1:m), x = rnorm(m), vardir = runif(m, 0.8, 1.2))
d4$y <- 1 + 0.5 * d4$x + 0.6 * rnorm(m, 0, sqrt(d4$vardir))
cases$negative_variance <- case(d4, y ~ x, "~ x",
                                "model variance estimated negative by REML, ML and FH")

# 5. sampling variances spanning two orders of magnitude (0.001 to 0.1)
m <- 50
d5 <- data.frame(area = sprintf("D%02d", 1:m), x1 = rnorm(m), x2 = rnorm(m),
                 vardir = exp(runif(m, log(0.001), log(0.1))))
d5$y <- 2 - 0.4 * d5$x1 + 0.25 * d5$x2 + rnorm(m, 0, sqrt(0.02)) + rnorm(m, 0, sqrt(d5$vardir))
cases$unequal_variances <- case(d5, y ~ x1 + x2, "~ x1 + x2",
                                "sampling variances from 0.001 to 0.1")

# 6. the milk data (sae's own example) stopped after 2 Fisher-scoring iterations: not converged
data(milk)
milk$vardir <- milk$SD^2
milk$area <- milk$SmallArea
milk$y <- milk$yi
cases$milk_two_iterations <- case(milk[, c("area", "y", "vardir", "MajorArea")],
                                  y ~ as.factor(MajorArea), "~ as.factor(MajorArea)",
                                  "MAXITER = 2: sae reports convergence FALSE", max_iter = 2)

# 7. as 4 but even less dispersed: every method truncates to 0 after many Fisher-scoring
#    iterations (a hard test that the iteration follows sae's path step by step)
m <- 30
d7 <- data.frame(area = sprintf("E%02d", 1:m), x = rnorm(m), vardir = runif(m, 0.8, 1.2))
d7$y <- 1 + 0.5 * d7$x + 0.35 * rnorm(m, 0, sqrt(d7$vardir))
cases$slow_convergence <- case(d7, y ~ x, "~ x", "truncated to 0 after many iterations")

# 8. strongly under-dispersed: sae's Fisher scoring wanders below -min(vardir), where the
#    model has no covariance matrix, and stops unconverged for all three methods. survey_kit
#    reports a model variance of 0 here (the score at 0 is negative); at A = 0 the fit is the
#    weighted least squares fit with weights 1/vardir, stored from lm() as an independent check
set.seed(33)
m <- 30
d8 <- data.frame(area = sprintf("F%02d", 1:m), x = rnorm(m), vardir = runif(m, 0.8, 1.2))
d8$y <- 1 + 0.5 * d8$x + 0.35 * rnorm(m, 0, sqrt(d8$vardir))
cases$sae_not_converged <- case(d8, y ~ x, "~ x", "sae does not converge (iterates below -min D)")
wls <- lm(y ~ x, weights = 1 / vardir, data = d8)
cases$sae_not_converged$at_zero <- list(
  beta = I(unname(coef(wls))),
  beta_se = I(unname(summary(wls)$coefficients[, 2] / summary(wls)$sigma)),
  loglike = sum(dnorm(d8$y, fitted(wls), sqrt(d8$vardir), log = TRUE)))

out <- list(generated_by = "make_fh_reference.R", R = R.version.string,
            sae = as.character(packageVersion("sae")), cases = cases)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "fh_reference.json")
