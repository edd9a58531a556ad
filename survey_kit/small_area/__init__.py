r"""Small-area estimation: the Fay-Herriot area-level model and stable sampling variances.

Methods note
------------
**The problem.** A direct (design-based) estimate :math:`\hat\theta_i` for a small area i is
unbiased for the area's true value :math:`\theta_i` but imprecise: its sampling variance
:math:`D_i` is large when the area has few respondents. Borrowing strength from the other
areas through a regression on area covariates trades a little bias for much less variance.

**The model** (Fay & Herriot 1979). Two equations, one per source of variation:

* sampling model: :math:`\hat\theta_i = \theta_i + e_i`, :math:`e_i \sim N(0, D_i)`, with
  :math:`D_i` treated as known (in practice: a smoothed estimate, see below);
* linking model: :math:`\theta_i = x_i'\beta + u_i`, :math:`u_i \sim N(0, A)`, with area
  covariates :math:`x_i` (register shares, previous-round estimates, ...) and a model variance
  :math:`A` of the area effects that the regression does not explain.

**Estimating A.** Three estimators, as in R's ``sae::eblupFH``: REML (restricted maximum
likelihood, the default: unbiased to second order), ML, and FH, the Fay-Herriot moment
estimator solving :math:`\sum_i (\hat\theta_i - x_i'\tilde\beta)^2 / (A + D_i) = m - p`
(m areas, p fixed effects). Each is computed by Fisher scoring from the median of the
:math:`D_i`, stopping when the relative change is below :math:`10^{-4}` (at most 100 steps),
exactly as sae does. A negative estimate is set to 0: the direct estimates vary less around
the regression than their sampling variances alone imply, the model finds no area effect, and
every estimate below is the synthetic one. A fit that does not converge says so (an error, or
on request a warning and NaN estimates); an iteration that leaves the parameter space
(:math:`A \le -\min_i D_i`) and does not settle gives :math:`A = 0` when the score at 0 is not
positive, and says so in ``note``.

**The estimator.** Given :math:`\hat A`, :math:`\hat\beta` is the GLS estimate with weights
:math:`1/(\hat A + D_i)` and the empirical best linear unbiased predictor (EBLUP) is

.. math:: \hat\theta_i^{EBLUP} = \gamma_i \hat\theta_i + (1 - \gamma_i) x_i'\hat\beta,
   \qquad \gamma_i = \hat A / (\hat A + D_i),

a weighted average of the direct estimate and the synthetic (regression) estimate
:math:`x_i'\hat\beta`. The shrinkage factor :math:`\gamma_i` is small where the direct
estimate is noisy (large :math:`D_i`) or the model fits well (small :math:`A`).

**Its MSE** (Prasad & Rao 1990; Datta & Lahiri 2000; Datta, Rao & Smith 2005), as
``sae::mseFH``: :math:`\mathrm{mse}_i = g_{1i} + g_{2i} + 2 g_{3i} - b(\hat A)\,(1-\gamma_i)^2`
with :math:`g_{1i} = \gamma_i D_i` (the MSE if A and β were known),
:math:`g_{2i} = (1-\gamma_i)^2 x_i' (X'V^{-1}X)^{-1} x_i` (estimating β),
:math:`g_{3i} = (1-\gamma_i)^2\,\overline{\mathrm{Var}}(\hat A) / (A + D_i)` (estimating A) and
:math:`b` the first-order bias of :math:`\hat A`: 0 for REML,
:math:`-\mathrm{tr}[(X'V^{-1}X)^{-1} X'V^{-2}X] / \sum_i (A + D_i)^{-2}` for ML, and
:math:`2[m \sum_i (A + D_i)^{-2} - (\sum_i (A + D_i)^{-1})^2] / (\sum_i (A + D_i)^{-1})^3` for FH;
:math:`\overline{\mathrm{Var}}(\hat A) = 2 / \sum_i (A + D_i)^{-2}` (REML, ML) or
:math:`2m / (\sum_i (A + D_i)^{-1})^2` (FH). The RMSE is its square root. The MSE
estimator is unbiased to second order; the interval ``eblup ± 1.96 rmse`` has a coverage
error of order 1/m: under the model it covers about 93.6 % with 30 areas, 94.3 % with 50 and
94.8 % with 200 (simulation in tests/small_area), lowest for the areas with the largest
sampling variances.

**Areas without a direct estimate** (survey_kit's extension): they are not used in the fit and
get the synthetic estimate with MSE :math:`\hat A + x_i'(X'V^{-1}X)^{-1}x_i` (for ML and FH
without a correction for the bias of :math:`\hat A`).

**Sampling variances.** The model treats :math:`D_i` as known, but a direct variance from an
area with 3 PSUs rests on 2 degrees of freedom and is itself very uncertain; an area whose
variance comes out small by chance gets too much weight on its direct estimate and too small an
MSE. :func:`smooth_variances` replaces the raw variances by a generalized variance function
(GVF): by default the pooled design effect times the area's element variance over its sample
size; the result says which method it used.

References: Fay & Herriot (1979), JASA 74, 269-277; Prasad & Rao (1990), JASA 85, 163-171;
Datta & Lahiri (2000), Statistica Sinica 10, 613-627; Rao & Molina (2015), *Small Area
Estimation*, 2nd ed., ch. 6; Molina & Marhuenda (2015), R Journal 7(1), 81-98 (``sae``).

Examples
--------
>>> import pandas as pd
>>> from survey_kit.small_area import fay_herriot, smooth_variances
>>> direct = pd.DataFrame({
...     "area": ["a", "b", "c", "d", "e", "f"],
...     "estimate": [0.74, 0.40, 0.62, 0.63, 0.52, 0.47],
...     "se": [0.060, 0.090, 0.050, 0.080, 0.070, 0.040],
...     "df": [2, 4, 9, 3, 5, 8], "deff": [1.4, 2.5, 1.8, 1.2, 2.1, 1.9],
...     "n": [40, 35, 90, 45, 50, 120], "register_share": [0.3, 0.6, 0.1, 0.5, 0.2, 0.55]})
>>> smoothed = smooth_variances(direct)           # pooled design effect (method "deff")
>>> fh = fay_herriot(smoothed, "~ register_share", vardir="var_smoothed")
>>> round(float(smoothed["deff_pooled"].iloc[0]), 4)
1.8806
>>> fh.to_frame()[["area", "direct", "eblup", "rmse", "gamma"]].round(3).head(3)
  area  direct  eblup   rmse  gamma
0    a    0.74  0.677  0.066  0.606
1    b    0.40  0.437  0.075  0.550
2    c    0.62  0.627  0.054  0.740
"""

from survey_kit.small_area.fay_herriot import (
    FH_COLUMNS,
    ConvergenceWarning,
    FayHerriot,
    fay_herriot,
)
from survey_kit.small_area.gvf import GVF_METHODS, smooth_variances

__all__ = [
    "FH_COLUMNS",
    "GVF_METHODS",
    "ConvergenceWarning",
    "FayHerriot",
    "fay_herriot",
    "smooth_variances",
]
