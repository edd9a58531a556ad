"""``fay_herriot``: the area-level Fay-Herriot model, its EBLUP and MSE, as R's ``sae``.

See :mod:`survey_kit.small_area` for the method. This module validates the area table,
builds the model matrix, calls the numerical core (:mod:`survey_kit.small_area.scoring`) and
returns a frozen :class:`FayHerriot` result.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import special

from survey_kit.errors import SmallAreaError
from survey_kit.small_area.formula import ModelMatrix, model_matrix
from survey_kit.small_area.scoring import METHODS, Iteration, fisher_scoring, gls, predict

#: The fixed columns of :meth:`FayHerriot.to_frame`.
FH_COLUMNS = ("area", "direct", "direct_se", "eblup", "rmse", "gamma", "synthetic",
              "mse", "vardir", "in_model")


class ConvergenceWarning(UserWarning):
    """A Fay-Herriot fit did not converge; its estimates are NaN."""


@dataclass(frozen=True)
class FayHerriot:
    """A fitted Fay-Herriot model (R: ``sae::eblupFH`` + ``sae::mseFH``).

    Attributes
    ----------
    method
        ``"REML"``, ``"ML"`` or ``"FH"``.
    formula
        The one-sided covariate formula.
    model_variance
        The estimated variance ``A`` of the area effects, truncated at 0 (sae's ``refvar``).
    model_variance_raw
        The last Fisher-scoring iterate before truncation; negative when the direct estimates
        vary less around the regression than their sampling variances imply.
    beta, beta_se
        Fixed effects and their standard errors, indexed by R's model-matrix names
        (intercept first, then the terms in formula order).
    beta_vcov
        ``(X' V^-1 X)^-1`` at the estimated model variance.
    loglike
        The (unrestricted) normal log-likelihood at the estimates, as sae reports for every
        method.
    iterations, converged
        Fisher-scoring steps and whether the stopping rule was met within ``max_iter``.
    variance_bias
        The first-order bias of the model-variance estimator that the MSE corrects for
        (0 for REML).
    note
        Empty, or one sentence on how the model variance came about when it is 0 (estimated
        negative and truncated, or the iteration left the parameter space; see
        :class:`~survey_kit.small_area.scoring.Iteration`).
    """

    method: str
    formula: str
    model_variance: float
    model_variance_raw: float
    beta: pd.Series
    beta_se: pd.Series
    beta_vcov: pd.DataFrame
    loglike: float
    iterations: int
    converged: bool
    variance_bias: float
    table: pd.DataFrame
    note: str = ""

    @property
    def truncated(self) -> bool:
        """True when the model variance was estimated negative (or the iteration left the
        parameter space) and set to 0."""
        return bool(self.converged and self.model_variance == 0 and self.model_variance_raw != 0)

    @property
    def n_areas(self) -> int:
        """Areas used in the fit (with a direct estimate and a sampling variance)."""
        return int(self.table["in_model"].sum())

    @property
    def aic(self) -> float:
        """``-2 loglike + 2 (p + 1)``, as sae."""
        return float(-2 * self.loglike + 2 * (len(self.beta) + 1))

    @property
    def bic(self) -> float:
        """``-2 loglike + (p + 1) log m``, as sae."""
        return float(-2 * self.loglike + (len(self.beta) + 1) * np.log(self.n_areas))

    def to_frame(self) -> pd.DataFrame:
        """One row per area: ``area, direct, direct_se, eblup, rmse, gamma, synthetic`` plus
        ``mse``, ``vardir`` (the sampling variance used) and ``in_model`` (False for areas
        without a usable direct estimate, which get the synthetic estimate)."""
        return self.table.copy()

    def coefficients(self) -> pd.DataFrame:
        """``term, estimate, se, statistic, p_value`` (normal reference, as sae's ``estcoef``)."""
        z = self.beta / self.beta_se
        return pd.DataFrame({"term": self.beta.index, "estimate": self.beta.to_numpy(),
                             "se": self.beta_se.to_numpy(), "statistic": z.to_numpy(),
                             "p_value": 2 * special.ndtr(-np.abs(z.to_numpy()))})

    def __repr__(self) -> str:
        state = "converged" if self.converged else "NOT CONVERGED"
        return (f"FayHerriot({self.method}, {self.formula!r}, areas={self.n_areas}, "
                f"model_variance={self.model_variance:.6g}, {state} in {self.iterations} "
                f"iterations)\n{self.table.to_string(max_rows=20)}")


def _areas(direct: pd.DataFrame, estimate: str, se: str | None, vardir: str | None,
           area: str) -> pd.DataFrame:
    """The area table indexed by area, with ``direct`` and ``vardir`` (NaN: not usable)."""
    for role, column in (("area", area), ("estimate", estimate),
                         ("vardir" if vardir else "se", vardir or se)):
        if column is None or column not in direct.columns:
            raise SmallAreaError(
                f"fay_herriot: {role}= column {column!r} is not in the data "
                f"(columns: {', '.join(map(str, direct.columns))})")
    dupes = direct[area][direct[area].duplicated()].unique()
    if len(dupes):
        raise SmallAreaError(
            f"fay_herriot: area {dupes[0]!r} appears more than once in column {area!r}; "
            "expected one row per area (select one variable and one round first)")
    table = direct.set_index(area, drop=False)
    source = str(vardir or se)
    y, given = _numeric(table, estimate), _numeric(table, source)
    bad = np.isfinite(given) & (given <= 0)
    if bad.any():
        what = "sampling variance" if vardir else "standard error"
        raise SmallAreaError(
            f"fay_herriot: area {table.index[bad][0]!r} has {what} {given[bad][0]:g} (column "
            f"{source!r}); expected > 0 (smooth zero variances with "
            "survey_kit.small_area.smooth_variances)")
    var = given if vardir else given**2
    return table.assign(_direct=y, _vardir=var)


def _numeric(table: pd.DataFrame, column: str) -> np.ndarray:
    try:
        return pd.to_numeric(table[column], errors="raise").to_numpy(dtype=float)
    except (TypeError, ValueError) as err:
        raise SmallAreaError(f"fay_herriot: column {column!r} is not numeric ({err})") from err


def _check_rank(mm: ModelMatrix, used: np.ndarray, formula: str) -> None:
    """Name the first model-matrix column that is a combination of the ones before it."""
    X = mm.X[used]
    if len(X) <= X.shape[1]:
        raise SmallAreaError(
            f"fay_herriot: {len(X)} areas with a direct estimate and a sampling variance for "
            f"{X.shape[1]} fixed effects and the model variance; expected at least "
            f"{X.shape[1] + 1}")
    for j in range(1, X.shape[1] + 1):
        if np.linalg.matrix_rank(X[:, :j]) < j:
            raise SmallAreaError(
                f"formula {formula!r}: model column {mm.names[j - 1]!r} (covariate "
                f"{mm.columns[j - 1]!r}) is constant or a combination of the columns before "
                "it among the areas with a direct estimate")


def fay_herriot(direct: pd.DataFrame, formula: str, estimate: str = "estimate",
                se: str | None = "se", area: str = "area", method: str = "REML", *,
                vardir: str | None = None, max_iter: int = 100, tol: float = 1e-4,
                nonconvergence: Literal["raise", "warn"] = "raise") -> FayHerriot:
    """Fit the Fay-Herriot area-level model; EBLUP and MSE per area.

    The R equivalent is ``sae::eblupFH(estimate ~ covariates, vardir, method=)`` for the fit
    and EBLUP and ``sae::mseFH`` (same arguments) for the MSE; results agree with sae 1.3 to
    rounding (same starting value, Fisher-scoring steps, stopping rule and truncation at 0).

    Parameters
    ----------
    direct
        One row per area: the direct estimate, its standard error (or sampling variance) and
        the covariates, e.g. ``Design.mean(...).to_frame()`` for one variable merged with
        area covariates.
    formula
        One-sided covariate formula over columns of ``direct`` (``"~ x1 + region"``,
        ``"~ 1"``); see :mod:`survey_kit.small_area.formula`.
    estimate, area
        Columns of the direct estimate and of the area identifier (unique).
    se
        Column of the direct estimate's standard error; the sampling variance is its square.
    method
        ``"REML"`` (default), ``"ML"`` or ``"FH"`` (Fay-Herriot moment estimator).
    vardir
        Column of sampling variances (R's ``vardir``); when given, ``se`` is not used. Prefer
        smoothed variances (:func:`survey_kit.small_area.smooth_variances`) to raw ones
        estimated from few PSUs.
    max_iter, tol
        Fisher-scoring limits (sae's ``MAXITER`` and ``PRECISION``).
    nonconvergence
        ``"raise"`` (default) raises :class:`~survey_kit.errors.SmallAreaError`; ``"warn"``
        warns (:class:`ConvergenceWarning`) and returns a result with ``converged=False`` and
        NaN estimates.

    Returns
    -------
    FayHerriot
        ``to_frame()``: ``area, direct, direct_se, eblup, rmse, gamma, synthetic, mse,
        vardir, in_model``.

    Notes
    -----
    survey_kit's extension (sae has no equivalent): an area whose estimate or sampling
    variance is missing is left out of the fit and gets the synthetic estimate ``x'β`` with
    ``gamma = 0`` and MSE ``A + x' Var(β) x`` (for ML and FH this omits the first-order bias
    correction of ``A`` that the in-sample MSE carries). Its covariates must be present.

    Examples
    --------
    >>> import pandas as pd
    >>> import survey_kit as sk
    >>> areas = pd.DataFrame({
    ...     "area": list("ABCDEFGH"),
    ...     "estimate": [0.72, 0.45, 0.64, 0.52, 0.79, 0.53, 0.63, 0.60],
    ...     "se": [0.05, 0.08, 0.04, 0.10, 0.06, 0.07, 0.05, 0.09],
    ...     "menapt": [0.20, 0.35, 0.10, 0.45, 0.15, 0.30, 0.12, 0.40]})
    >>> fh = sk.fay_herriot(areas, "~ menapt", method="REML")  # sae::eblupFH + sae::mseFH
    >>> round(fh.model_variance, 6), fh.beta.round(4).to_dict()   # R: $fit$refvar, $estcoef
    (0.004215, {'(Intercept)': 0.7491, 'menapt': -0.542})
    >>> fh.to_frame()[["area", "eblup", "rmse", "gamma"]].head(3).round(4)
      area   eblup    rmse   gamma
    0    A  0.6905  0.0489  0.6277
    1    B  0.5160  0.0669  0.3971
    2    C  0.6551  0.0419  0.7248

    The same in R: ``d$v <- d$se^2; eblupFH(estimate ~ menapt, v, data = d)$eblup`` and
    ``sqrt(mseFH(estimate ~ menapt, v, data = d)$mse)``.
    """
    method = method.upper()
    if method not in METHODS:
        raise SmallAreaError(f"fay_herriot: method {method!r}; expected 'REML', 'ML' or 'FH'")
    table = _areas(direct, estimate, se, vardir, area)
    mm = model_matrix(table, formula, row_label="area")
    y, D = table["_direct"].to_numpy(), table["_vardir"].to_numpy()
    used = np.isfinite(y) & np.isfinite(D)
    _check_rank(mm, used, formula)
    it = fisher_scoring(y[used][None], D[used][None], mm.X[used], method, max_iter, tol)
    if not it.converged[0]:
        message = (f"fay_herriot: the {method} Fisher scoring did not converge in "
                   f"{it.iterations[0]} iterations (last model variance "
                   f"{it.variance[0]:g}, tol={tol:g})")
        if nonconvergence == "raise":
            raise SmallAreaError(message)
        warnings.warn(message, ConvergenceWarning, stacklevel=2)
    return _result(table, mm, used, it, method, formula)


def _note(it: Iteration, method: str) -> str:
    """What a reader of the result must know about the model-variance estimate."""
    if it.rescued[0]:
        return (f"the {method} Fisher scoring left the parameter space (model variance at or "
                "below minus the smallest sampling variance) and did not settle; the score at "
                "0 is not positive, so the model variance is 0 and every EBLUP is synthetic")
    if it.converged[0] and it.variance[0] < 0:
        return (f"the {method} estimate of the model variance is negative "
                f"({it.variance[0]:.4g}); it is set to 0 and every EBLUP is synthetic")
    return ""


def _result(table: pd.DataFrame, mm: ModelMatrix, used: np.ndarray, it: Iteration,
            method: str, formula: str) -> FayHerriot:
    y, D = table["_direct"].to_numpy(), table["_vardir"].to_numpy()
    n, p = mm.X.shape
    A, Q, beta, bias, loglike = np.nan, np.full((p, p), np.nan), np.full(p, np.nan), np.nan, np.nan
    eblup, gamma, mse = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    if it.converged[0]:
        A = float(it.estimate[0])
        fit = gls(y[used][None], D[used][None], mm.X[used], np.array([A]))
        pred = predict(D[used][None], mm.X[used], fit, method)
        Q, beta, bias, loglike = fit.Q[0], fit.beta[0], pred.bias[0], pred.loglike[0]
        eblup, gamma = mm.X @ beta, np.zeros(n)
        mse = A + np.einsum("mp,pq,mq->m", mm.X, Q, mm.X)  # areas outside the fit
        eblup[used], gamma[used], mse[used] = pred.eblup[0], pred.gamma[0], pred.mse[0]
    names = list(mm.names)
    frame = pd.DataFrame({
        "area": table.index.to_numpy(), "direct": y, "direct_se": np.sqrt(D), "eblup": eblup,
        "rmse": np.sqrt(mse), "gamma": gamma, "synthetic": mm.X @ beta, "mse": mse,
        "vardir": D, "in_model": used})
    return FayHerriot(method, formula, float(A), float(it.variance[0]),
                      pd.Series(beta, index=names, name="beta"),
                      pd.Series(np.sqrt(np.diag(Q)), index=names, name="beta_se"),
                      pd.DataFrame(Q, index=names, columns=names), float(loglike),
                      int(it.iterations[0]), bool(it.converged[0]), float(bias), frame,
                      _note(it, method))
