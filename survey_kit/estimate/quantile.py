"""Quantiles with Woodruff intervals, as R 4.1's ``svyquantile(..., ci=TRUE)``.

For each variable, domain and probability ``p`` (R's defaults ``qrule="math"``,
``interval.type="mean"``, ``alpha = 1 - level``):

1. ``q = qrule(x, w, p)`` on the domain's rows with a value (:mod:`~survey_kit.estimate.qrules`).
2. The design-based mean of ``x <= q`` in the domain, ``p_hat``, and its SE (Taylor through the
   variance engine, calibration included; or replicate weights).
3. An interval ``[p_lo, p_hi]`` for it: ``"mean"`` ``p_hat -/+ t(df) se``; ``"xlogit"`` and
   ``"asin"`` the same on the logit / arcsine-root scale (delta method) transformed back;
   ``"beta"`` Korn-Graubard limits with the effective sample size.
4. The interval for the quantile is ``[qrule(x, w, p_lo), qrule(x, w, p_hi)]`` (NaN where
   ``p_lo < 0`` or ``p_hi > 1``), and ``se = (upper - lower) / (2 t(df))``.

Replicate designs also offer ``interval_type="quantile"``: the quantile in every replicate,
``svrVar`` of those, ``q -/+ t(df) sqrt(v)``.

``df`` is the domain's (R: ``degf`` of the domain subset with the rows missing the
variable left out, which ``svyquantile(na.rm=TRUE)`` uses for the SE), or the ``df`` given
(``float("inf")``: normal quantiles).  Missing values are a domain restriction per variable
(R's ``na.rm=TRUE`` drops rows incomplete in any of the variables).  The covariance matrix
of the result holds the variances only (NaN elsewhere), as R.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from survey_kit.errors import EstimationError
from survey_kit.estimate.distributions import beta_ppf, t_ppf
from survey_kit.estimate.domain_table import check_level
from survey_kit.estimate.estimators import df_notes
from survey_kit.estimate.qrules import check_qrule, weighted_quantile
from survey_kit.estimate.ratio import taylor_counts
from survey_kit.estimate.replicate import (
    membership,
    ratio_of,
    replicate_sums,
    replicate_vcov,
    variable_matrix,
)
from survey_kit.estimate.replicate_estimators import column_counts
from survey_kit.estimate.result import Estimate

if TYPE_CHECKING:
    from survey_kit.design.design import Design
    from survey_kit.design.replicate import ReplicateDesign

INTERVALS = ("mean", "beta", "xlogit", "asin", "quantile")


def _probabilities(q: float | Sequence[float]) -> np.ndarray:
    probs = np.atleast_1d(np.asarray(q, dtype=float))
    if probs.size == 0 or np.any(~np.isfinite(probs)) or np.any((probs < 0) | (probs > 1)):
        raise EstimationError(f"q={q!r}: quantile probabilities must lie in [0, 1]")
    return probs


def _cdf_se(design: Any, z: np.ndarray, valid: np.ndarray, domain: np.ndarray, D: int,
            replicate: bool) -> tuple[np.ndarray, np.ndarray]:
    """Domain means of the 0/1 columns ``z`` and their SEs, shape ``(columns * D,)``."""
    if replicate:
        w, rep = design.arrays()
        sums = replicate_sums(z, valid, w, rep, domain, D)
        p = ratio_of(sums.S, sums.W)
        cov = replicate_vcov(ratio_of(sums.S_rep, sums.W_rep), p, design.scale,
                             design.rscales, design.mse)
        return p, np.sqrt(np.maximum(np.diag(cov), 0.0))
    w = design.weights.to_numpy()
    member = membership(valid, domain, D)
    W = np.asarray(member.T @ w).ravel()
    S = np.asarray(member.multiply(np.repeat(z, D, axis=1)).tocsr().T @ w).ravel()
    p = ratio_of(S, W)
    cols = np.arange(z.shape[1])[None, :] * D + np.maximum(domain, 0)[:, None]
    inside = valid & (domain >= 0)[:, None]
    values = np.where(inside, w[:, None] * (z - np.nan_to_num(p)[cols])
                      / np.where(W > 0, W, 1.0)[cols], 0.0)
    cov = design.influence_vcov(values, domain, D)
    return p, np.sqrt(np.maximum(np.diag(cov), 0.0))


def _critical(a: float, df: np.ndarray) -> np.ndarray:
    """``qt(a, df)`` (normal for infinite df), NaN for df < 1."""
    ok = df >= 1
    return np.where(ok, t_ppf(a, np.where(ok, df, 1.0)), np.nan)


def _cdf_interval(p: np.ndarray, se: np.ndarray, df: np.ndarray, alpha: float, method: str,
                  n_rows: np.ndarray, degf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """R's ``woodruffCI``: the interval for the CDF value ``p`` (as ``confint(m, df=df)``)."""
    a = (1 - (1 - alpha)) / 2
    lo_q, hi_q = _critical(a, df), _critical(1 - a, df)
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "mean":
            return p + se * lo_q, p + se * hi_q
        if method == "xlogit":
            eta, s = np.log(p / (1 - p)), se / (p * (1 - p))
            return 1 - 1 / (1 + np.exp(eta + s * lo_q)), 1 - 1 / (1 + np.exp(eta + s * hi_q))
        if method == "asin":
            eta, s = np.arcsin(np.sqrt(p)), se / (2 * np.sqrt(p * (1 - p)))
            return np.sin(eta + s * lo_q) ** 2, np.sin(eta + s * hi_q) ** 2
        n_eff = p * (1 - p) / se**2
        n_eff = n_eff * (_critical(alpha / 2, n_rows - 1) / _critical(alpha / 2, degf)) ** 2
        return (beta_ppf(alpha / 2, n_eff * p, n_eff * (1 - p) + 1),
                beta_ppf(1 - alpha / 2, n_eff * p + 1, n_eff * (1 - p)))


def _limit(x: np.ndarray, w: np.ndarray, p: float, qrule: str, upper: bool) -> float:
    if not np.isfinite(p) or (p > 1 if upper else p < 0):
        return float("nan")
    return weighted_quantile(x, w, p, qrule)


def _replicate_interval(design: ReplicateDesign, x: np.ndarray, rows: np.ndarray, p: float,
                        qhat: float, qrule: str, crit: float) -> tuple[float, float]:
    """R's ``repCI``: the quantile in every replicate, ``svrVar``, ``q -/+ t sqrt(v)``."""
    rep = design.arrays()[1][rows]
    reps = np.array([weighted_quantile(x, rep[:, r], p, qrule) for r in range(rep.shape[1])])
    v = replicate_vcov(reps[:, None], np.array([qhat]), design.scale, design.rscales,
                       design.mse)[0, 0]
    return qhat - np.sqrt(v) * crit, qhat + np.sqrt(v) * crit


def design_quantiles(design: Design | ReplicateDesign, variables: Sequence[str],
                     q: float | Sequence[float], by: Sequence[str], level: float,
                     qrule: str = "math", interval_type: str = "mean",
                     df: float | None = None) -> Estimate:
    """See :meth:`Design.quantile` and :meth:`ReplicateDesign.quantile`.

    Examples
    --------
    R: ``svyquantile(~y, svydesign(ids=~1, data=d), 0.5)``

    >>> import survey_kit as sk
    >>> d = pd.DataFrame({"y": [float(v) for v in range(1, 21)]})
    >>> sk.Design(d).quantile("y", 0.5).to_frame()[["quantile", "estimate", "ci_low",
    ...                                             "ci_high"]].values.tolist()
    [[0.5, 10.0, 6.0, 15.0]]
    """
    check_level(level)
    check_qrule(qrule)
    replicate = hasattr(design, "arrays")
    if interval_type not in INTERVALS or (interval_type == "quantile" and not replicate):
        raise EstimationError(f"interval_type={interval_type!r}; expected one of "
                              f"{', '.join(INTERVALS[:4])}" + (", quantile" if replicate else
                                                               " ('quantile' needs replicates)"))
    if not variables:
        raise EstimationError("no variables given: name at least one column")
    probs = _probabilities(q)
    domain, keys = design.domains(by)
    if len(keys) == 0:
        raise EstimationError("the domain is empty: no respondent is in the subset")
    x, valid = variable_matrix(design.data, variables)
    parts = _Parts(design, x, valid, domain, len(keys), probs, replicate)
    alpha = float(round(1 - level, 12))
    degf = parts.degf()
    dfs = degf if df is None else np.full(degf.shape, float(df))
    est, low, high = parts.intervals(qrule, interval_type, alpha, dfs, degf)
    crit = _critical(1 - alpha / 2, dfs)[:, :, None]
    se = (high - low) / (2 * crit)
    return _estimate(variables, keys, probs, est, se, low, high, dfs, parts.counts(), level,
                     design.df)


class _Parts:
    """The arrays of one quantile call: values, validity, domains and point estimates."""

    def __init__(self, design: Any, x: np.ndarray, valid: np.ndarray, domain: np.ndarray,
                 D: int, probs: np.ndarray, replicate: bool) -> None:
        self.design, self.x, self.valid, self.domain = design, x, valid, domain
        self.D, self.probs, self.replicate = D, probs, replicate
        self.w = design.arrays()[0] if replicate else design.weights.to_numpy()
        self.member = membership(valid, domain, D)

    def rows(self, v: int, d: int) -> np.ndarray:
        return self.valid[:, v] & (self.domain == d)

    def degf(self) -> np.ndarray:
        """Per (variable, domain): the domain's degrees of freedom."""
        if self.replicate:
            df, _ = column_counts(self.design, self.member)
        else:
            df, _ = taylor_counts(self.design, self.member)
        return df.reshape(self.valid.shape[1], self.D)

    def counts(self) -> np.ndarray:
        return np.asarray(self.member.T @ (self.w > 0).astype(float)).reshape(-1, self.D)

    def intervals(self, qrule: str, method: str, alpha: float, df: np.ndarray,
                  degf: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        V, D, Q = self.valid.shape[1], self.D, self.probs.size
        est = np.full((V, D, Q), np.nan)
        for v in range(V):
            for d in range(D):
                rows = self.rows(v, d)
                for k, p in enumerate(self.probs):
                    est[v, d, k] = weighted_quantile(self.x[rows, v], self.w[rows], p, qrule)
        low, high = np.full_like(est, np.nan), np.full_like(est, np.nan)
        if method == "quantile":
            crit = _critical(1 - alpha / 2, df)
            for v, d, k in np.ndindex(V, D, Q):
                rows = self.rows(v, d)
                low[v, d, k], high[v, d, k] = _replicate_interval(
                    self.design, self.x[rows, v], rows, float(self.probs[k]),
                    float(est[v, d, k]), qrule, float(crit[v, d]))
            return est, low, high
        p_lo, p_hi = self._cdf_limits(est, method, alpha, df, degf)
        for v, d, k in np.ndindex(V, D, Q):
            rows = self.rows(v, d)
            xs, ws = self.x[rows, v], self.w[rows]
            low[v, d, k] = _limit(xs, ws, float(p_lo[v, d, k]), qrule, upper=False)
            high[v, d, k] = _limit(xs, ws, float(p_hi[v, d, k]), qrule, upper=True)
        return est, low, high

    def _cdf_limits(self, est: np.ndarray, method: str, alpha: float, df: np.ndarray,
                    degf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        V, D, Q = est.shape
        cols = np.arange(V * Q) // Q  # indicator column (v, k) -> variable v
        qhat = est.transpose(0, 2, 1).reshape(V * Q, D)  # (v, k) x d
        dom = np.maximum(self.domain, 0)
        z = (self.x[:, cols] <= qhat[:, dom].T).astype(float)
        valid = self.valid[:, cols]
        p, se = _cdf_se(self.design, z, valid, self.domain, D, self.replicate)
        rows = np.bincount(dom[self.domain >= 0], minlength=D).astype(float)
        shape = (V, Q, D)
        lo, hi = _cdf_interval(p.reshape(shape), se.reshape(shape), df[:, None, :], alpha,
                               method, np.broadcast_to(rows, shape), degf[:, None, :])
        return lo.transpose(0, 2, 1), hi.transpose(0, 2, 1)


def _estimate(variables: Sequence[str], keys: pd.DataFrame, probs: np.ndarray,
              est: np.ndarray, se: np.ndarray, low: np.ndarray, high: np.ndarray,
              df: np.ndarray, n: np.ndarray, level: float, design_df: int) -> Estimate:
    V, D, Q = est.shape
    table = pd.DataFrame({"variable": np.repeat(np.asarray(variables, dtype=object), D * Q)})
    for col in keys.columns:
        table[col] = np.tile(np.repeat(keys[col].to_numpy(), Q), V)
    table["quantile"] = np.tile(probs, V * D)
    table["estimate"] = est.ravel()
    table["se"] = se.ravel()
    table["ci_low"] = low.ravel()
    table["ci_high"] = high.ravel()
    table["df"] = np.repeat(df.ravel(), Q)
    table["n"] = np.repeat(n.ravel(), Q).astype(np.int64)
    table["note"] = df_notes(table["df"].to_numpy())
    vcov = np.full((table.shape[0], table.shape[0]), np.nan)
    np.fill_diagonal(vcov, table["se"].to_numpy() ** 2)
    return Estimate("quantile", tuple(variables), tuple(keys.columns), table, vcov, design_df,
                    level)
