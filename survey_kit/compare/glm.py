"""Design-based generalised linear models (R: ``svyglm``) and predicted margins."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from survey_kit.compare.contrasts import design_degf, design_rows
from survey_kit.compare.formula import ModelFrame, model_frame, rebuild
from survey_kit.compare.table import check_level
from survey_kit.errors import EstimationError
from survey_kit.estimate.distributions import t_ppf, t_sf
from survey_kit.estimate.result import Estimate

if TYPE_CHECKING:
    from survey_kit.design.design import Design
    from survey_kit.design.replicate import ReplicateDesign

#: Family names (R's) and their statsmodels families; all with the canonical link.
FAMILIES = {
    "gaussian": "Gaussian",
    "binomial": "Binomial",
    "quasibinomial": "Binomial",
    "poisson": "Poisson",
    "quasipoisson": "Poisson",
}


def _family(name: str) -> Any:
    """The statsmodels family object (statsmodels is imported only when a GLM is fitted)."""
    from statsmodels.genmod import families

    return getattr(families, FAMILIES[name])()


@dataclass(frozen=True)
class GlmResult:
    """A fitted design-based GLM.

    Attributes
    ----------
    terms, coef, vcov
        Coefficient names (R style), estimates and their design-based (sandwich)
        covariance.
    df
        Residual degrees of freedom as ``svyglm``: design df of the model rows + 1 - number
        of coefficients.
    level
        Confidence level of ``ci_low``/``ci_high``.
    influence
        Influence values of the coefficients, one row per row of the design's data.
    """

    formula: str
    family: str
    terms: tuple[str, ...]
    coef: np.ndarray
    vcov: np.ndarray
    df: int
    level: float
    influence: np.ndarray
    frame: ModelFrame
    design: Design

    @property
    def n(self) -> int:
        """Number of respondents in the model (no missing model variable)."""
        return int(self.frame.rows.size)

    def to_frame(self) -> pd.DataFrame:
        """``term, estimate, se, statistic, p_value, ci_low, ci_high, df`` (R:
        ``summary(svyglm(...))$coefficients`` and ``confint(..., df=df.residual)``)."""
        se = np.sqrt(np.diag(self.vcov))
        stat = self.coef / se
        q = t_ppf(0.5 + self.level / 2, self.df) if self.df > 0 else np.nan
        p = 2 * t_sf(np.abs(stat), self.df) if self.df > 0 else np.full(se.shape, np.nan)
        return pd.DataFrame({"term": list(self.terms), "estimate": self.coef, "se": se,
                             "statistic": stat, "p_value": p, "ci_low": self.coef - q * se,
                             "ci_high": self.coef + q * se, "df": self.df})

    def predicted_margins(self, by: str, level: float | None = None) -> Estimate:
        """Average predicted response with ``by`` set to each of its levels for every model
        respondent, the other covariates as observed (marginal standardisation).

        The SE is the delta method through the variance engine: the influence of the
        weighted mean of the predictions plus the coefficient influence times the gradient,
        so the covariance between both parts is kept (R's ``svypredmeans`` adds the two
        variances instead).  Returns an :class:`Estimate` (one row per level, joint
        ``vcov``) that :func:`linear_contrast` can compare.
        """
        return predicted_margins(self, by, self.level if level is None else level)


def _fit(frame: ModelFrame, weights: np.ndarray, family: str) -> np.ndarray:
    """Weighted maximum-likelihood coefficients (IRLS to a tight tolerance)."""
    from statsmodels.genmod.generalized_linear_model import GLM

    model = GLM(frame.y, frame.X, family=_family(family),
                   var_weights=weights / weights.mean())
    result = model.fit(tol=1e-13, maxiter=200)
    return np.asarray(result.params, dtype=float)


def _influence(
    frame: ModelFrame, weights: np.ndarray, coef: np.ndarray, family: str
) -> np.ndarray:
    """Per model row ``w (y - mu) mu.eta / V(mu) x (Xᵀ W X)⁻¹`` (svyglm's estfun × A⁻¹)."""
    fam = _family(family)
    eta = frame.X @ coef
    mu = fam.link.inverse(eta)
    mu_eta = fam.link.inverse_deriv(eta)
    var = fam.variance(mu)
    working = weights * mu_eta**2 / var
    A = frame.X.T @ (frame.X * working[:, None])
    score = frame.X * (weights * (frame.y - mu) * mu_eta / var)[:, None]
    return np.asarray(np.linalg.solve(A, score.T).T)


def _check(frame: ModelFrame, family: str, formula: str) -> None:
    if np.linalg.matrix_rank(frame.X) < frame.X.shape[1]:
        raise EstimationError(
            f"formula {formula!r}: the model matrix is rank deficient (columns "
            f"{', '.join(frame.terms)}); drop a redundant term or an empty level"
        )
    if family.endswith("binomial") and ((frame.y < 0) | (frame.y > 1)).any():
        raise EstimationError(f"family={family!r} needs a 0/1 response; {frame.response!r} "
                              "has values outside [0, 1]")


def glm(
    design: Design | ReplicateDesign, formula: str, family: str = "gaussian", level: float = 0.95
) -> GlmResult:
    """Design-based GLM as R's ``svyglm(formula, design, family=)``.

    Coefficients maximise the weighted likelihood; the covariance is the sandwich
    ``A⁻¹ Var(ΣU) A⁻¹`` from the coefficients' influence values through the design's
    variance engine (strata, PSUs, fpc, calibration).  Rows with a missing model variable
    are a domain restriction: they are left out of the fit but the full design is kept for
    the variance.  ``binomial`` and ``quasibinomial`` give the same estimates and SEs
    (dispersion does not enter design-based SEs).  Categorical terms use treatment coding
    with the first sorted level as reference; terms carry R's names (``groupbefolkning``).

    Examples
    --------
    R: ``svyglm(y ~ x, svydesign(ids=~1, data=d))``

    >>> import survey_kit as sk
    >>> d = pd.DataFrame({"x": [0.0, 1, 2, 3, 4, 5], "y": [1.0, 3, 2, 5, 4, 6]})
    >>> glm(sk.Design(d), "y ~ x").to_frame()[["term", "estimate"]].round(4)
              term  estimate
    0  (Intercept)    1.2857
    1            x    0.8857
    """
    if hasattr(design, "fit_glm"):  # a ReplicateDesign refits per replicate (svrepglm)
        return design.fit_glm(formula, family, level)  # type: ignore[union-attr,no-any-return]
    if family not in FAMILIES:
        raise EstimationError(f"family={family!r}; expected one of {', '.join(FAMILIES)}")
    check_level(level)
    frame = model_frame(design.data, design_rows(design), formula)
    _check(frame, family, formula)
    weights = design.weights.to_numpy()[frame.rows]
    coef = _fit(frame, weights, family)
    influence = np.zeros((len(design), coef.size))
    influence[frame.rows] = _influence(frame, weights, coef, family)
    vcov = design.influence_vcov(influence)
    used = np.zeros(len(design), dtype=bool)
    used[frame.rows] = True
    df = design_degf(design, used) + 1 - coef.size
    return GlmResult(formula, family, frame.terms, coef, vcov, df, level, influence, frame,
                     design)


def predicted_margins(fit: GlmResult, by: str, level: float) -> Estimate:
    """See :meth:`GlmResult.predicted_margins`."""
    data = fit.design.data.iloc[fit.frame.rows].reset_index(drop=True)
    if by not in data.columns:
        raise EstimationError(f"predicted_margins: {by!r} is not a column of the design's data")
    levels = np.sort(data[by].dropna().unique())
    fam = _family(fit.family)
    w = fit.design.weights.to_numpy()[fit.frame.rows]
    total = w.sum()
    values = np.zeros((len(fit.design), levels.size))
    margins = np.empty(levels.size)
    for g, value in enumerate(levels):
        X = rebuild(fit.frame, data.assign(**{by: pd.Series([value] * len(data)).astype(
            data[by].dtype)}))
        eta = X @ fit.coef
        mu = fam.link.inverse(eta)
        margins[g] = w @ mu / total
        gradient = X.T @ (w * fam.link.inverse_deriv(eta)) / total
        values[fit.frame.rows, g] = w * (mu - margins[g]) / total
        values[:, g] += fit.influence @ gradient
    vcov = fit.design.influence_vcov(values)
    return _margin_estimate(fit, by, levels, margins, vcov, level)


def _margin_estimate(
    fit: GlmResult, by: str, levels: np.ndarray, margins: np.ndarray, vcov: np.ndarray,
    level: float,
) -> Estimate:
    check_level(level)
    df = design_degf(fit.design)
    se = np.sqrt(np.maximum(np.diag(vcov), 0.0))
    q = t_ppf(0.5 + level / 2, df) if df > 0 else np.nan
    table = pd.DataFrame({"variable": fit.frame.response, by: levels, "estimate": margins,
                          "se": se, "ci_low": margins - q * se, "ci_high": margins + q * se,
                          "df": df, "deff": np.nan, "n": fit.n})
    return Estimate("predicted_margin", (fit.frame.response,), (by,), table, vcov, df, level)
