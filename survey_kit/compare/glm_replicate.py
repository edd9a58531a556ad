"""Design-based GLMs on a replicate-weight design (R: ``svyglm`` on a ``svrepdesign``).

The model is fitted with the full-sample weights and refitted with every replicate's
weights (starting from the full-sample coefficients, as R); the covariance of the
coefficients is R's ``svrVar`` of the replicate coefficients.  All replicates are fitted at
once: iteratively reweighted least squares on a ``(replicates, p, p)`` stack of weighted
cross-products (one ``einsum`` and one batched solve per iteration).  Residual degrees of
freedom as R: ``degf(design) + 1 - p``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from survey_kit.compare.formula import model_frame, rebuild
from survey_kit.compare.glm import FAMILIES, GlmResult, _check, _family, _fit
from survey_kit.compare.table import check_level
from survey_kit.errors import EstimationError
from survey_kit.estimate.domain_table import wald_limits
from survey_kit.estimate.replicate import replicate_vcov
from survey_kit.estimate.result import Estimate

if TYPE_CHECKING:
    from survey_kit.design.replicate import ReplicateDesign


@dataclass(frozen=True)
class ReplicateGlmResult(GlmResult):
    """A GLM fitted on a replicate design; ``replicates`` holds the coefficients of every
    replicate fit (``(R, p)``) and ``influence`` is empty."""

    replicates: np.ndarray

    def predicted_margins(self, by: str, level: float | None = None) -> Estimate:
        """Average predicted response with ``by`` set to each level (see
        :meth:`GlmResult.predicted_margins`); its covariance from the margins recomputed with
        every replicate's coefficients and weights."""
        return replicate_margins(self, by, self.level if level is None else level)


def refit(X: np.ndarray, y: np.ndarray, W: np.ndarray, start: np.ndarray, family: str,
          tol: float = 1e-13, max_iter: int = 100) -> np.ndarray:
    """Weighted ML coefficients for every weight column of ``W`` (``(m, R)``), ``(R, p)``.

    Examples
    --------
    >>> X = np.column_stack([np.ones(4), [0.0, 1, 2, 3]])
    >>> refit(X, np.array([1.0, 2, 2, 4]), np.ones((4, 1)), np.zeros(2), "gaussian").round(2)
    array([[0.9, 0.9]])
    """
    fam = _family(family)
    B = np.tile(start, (W.shape[1], 1))
    for _ in range(max_iter):
        eta = X @ B.T  # (m, R)
        mu = fam.link.inverse(eta)
        mu_eta = fam.link.inverse_deriv(eta)
        work = W * mu_eta**2 / fam.variance(mu)
        z = eta + (y[:, None] - mu) / mu_eta
        A = np.einsum("mr,mj,mk->rjk", work, X, X)
        b = np.einsum("mr,mj->rj", work * z, X)
        new = np.linalg.solve(A, b[:, :, None])[:, :, 0]
        done = np.max(np.abs(new - B)) <= tol * (1.0 + np.max(np.abs(new)))
        B = new
        if done:
            return B
    raise EstimationError(f"a replicate fit of the {family} model did not converge in "
                          f"{max_iter} iterations (separation in a replicate?)")


def glm_replicate(design: ReplicateDesign, formula: str, family: str = "gaussian",
                  level: float = 0.95) -> ReplicateGlmResult:
    """See :func:`survey_kit.glm` (R: ``svyglm(formula, repdesign, family=)``)."""
    if family not in FAMILIES:
        raise EstimationError(f"family={family!r}; expected one of {', '.join(FAMILIES)}")
    check_level(level)
    mask = design.domain_mask
    rows = np.ones(len(design), dtype=bool) if mask is None else mask
    frame = model_frame(design.data, rows, formula)
    _check(frame, family, formula)
    weights, rep = design.arrays()
    coef = _fit(frame, weights[frame.rows], family)
    betas = refit(frame.X, frame.y, rep[frame.rows], coef, family)
    vcov = replicate_vcov(betas, coef, design.scale, design.rscales, design.mse)
    df = design.df + 1 - coef.size
    return ReplicateGlmResult(formula, family, frame.terms, coef, vcov, df, level,
                              np.zeros((0, coef.size)), frame, design,  # type: ignore[arg-type]
                              betas)


def replicate_margins(fit: ReplicateGlmResult, by: str, level: float) -> Estimate:
    """See :meth:`ReplicateGlmResult.predicted_margins`."""
    check_level(level)
    design: Any = fit.design
    data = design.data.iloc[fit.frame.rows].reset_index(drop=True)
    if by not in data.columns:
        raise EstimationError(f"predicted_margins: {by!r} is not a column of the design's data")
    levels = np.sort(data[by].dropna().unique())
    fam = _family(fit.family)
    weights, rep = design.arrays()
    w, W = weights[fit.frame.rows], rep[fit.frame.rows]
    margins, thetas = np.empty(levels.size), np.empty((W.shape[1], levels.size))
    for g, value in enumerate(levels):
        X = rebuild(fit.frame, data.assign(**{by: pd.Series([value] * len(data)).astype(
            data[by].dtype)}))
        margins[g] = w @ fam.link.inverse(X @ fit.coef) / w.sum()
        thetas[:, g] = np.einsum("mr,mr->r", W, fam.link.inverse(X @ fit.replicates.T)) \
            / W.sum(axis=0)
    vcov = replicate_vcov(thetas, margins, design.scale, design.rscales, design.mse)
    se = np.sqrt(np.maximum(np.diag(vcov), 0.0))
    low, high = wald_limits(margins, se, design.df, level)
    table = pd.DataFrame({"variable": fit.frame.response, by: levels, "estimate": margins,
                          "se": se, "ci_low": low, "ci_high": high, "df": design.df,
                          "deff": np.nan, "n": fit.n})
    return Estimate("predicted_margin", (fit.frame.response,), (by,), table, vcov, design.df,
                    level)
