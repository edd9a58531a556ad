"""Means, totals and proportions on a replicate-weight design, all variables and domains at once.

R: ``svyby(~y, ~by, repdesign, svymean | svytotal, covmat=TRUE)`` and ``svyciprop`` (whose
``"logit"`` interval on a replicate design comes from an intercept-only ``svyglm``: the
replicate variance of the replicates' logits, not the delta method).  The
full-sample and replicate domain sums come from one sparse matrix product
(:func:`~survey_kit.estimate.replicate.replicate_sums`); the joint covariance of every
variable x domain estimate from R's ``svrVar``.  Each row's ``df`` is R's ``degf`` of the
domain subset (rank of the replicate weights of the domain's rows minus one), counting the
domain's respondents whether or not they answered the variable (the rule of the Taylor
estimates); missing values are a domain restriction for the estimate itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import scipy.sparse as sp

from survey_kit.errors import EstimationError
from survey_kit.estimate.domain_table import check_level, domain_frame, wald_limits
from survey_kit.estimate.estimators import CI_METHODS, proportion_ci
from survey_kit.estimate.replicate import (
    ReplicateSums,
    ratio_of,
    replicate_sums,
    replicate_vcov,
    srs_variance,
    variable_matrix,
)
from survey_kit.estimate.result import Estimate

if TYPE_CHECKING:
    from survey_kit.design.replicate import ReplicateDesign


def domain_degf(design: ReplicateDesign, domain: np.ndarray, n_domains: int) -> np.ndarray:
    """Per domain, R's ``degf`` of the domain subset: its rows with a positive weight, whether
    or not they answered (the rule of :meth:`VarianceEngine.domain_df`)."""
    positive = design.arrays()[0] > 0
    return np.array([design.degf((domain == d) & positive) for d in range(n_domains)],
                    dtype=float)


def column_counts(design: ReplicateDesign, member: sp.csr_matrix, df: bool = True
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Per column of a membership matrix (rows with a value in a domain): ``degf`` of those
    rows (NaN unless ``df``) and their PSU count."""
    csc = member.tocsc()
    n = member.shape[0]
    dfs = np.full(member.shape[1], np.nan)
    psus = np.zeros(member.shape[1])
    for k in range(member.shape[1]):
        rows = np.zeros(n, dtype=bool)
        rows[csc.indices[csc.indptr[k] : csc.indptr[k + 1]]] = True
        if rows.any():
            dfs[k] = design.degf(rows) if df else np.nan
            psus[k] = design.n_psu(rows)
    return dfs, psus


def _replicates(design: ReplicateDesign, variables: Sequence[str], by: Sequence[str],
                statistic: str) -> tuple[np.ndarray, np.ndarray, ReplicateSums, pd.DataFrame]:
    """Full-sample estimates ``(K,)``, replicate estimates ``(R, K)``, sums and domain keys."""
    if not variables:
        raise EstimationError("no variables given: name at least one column")
    domain, keys = design.domains(by)
    if len(keys) == 0:
        raise EstimationError("the domain is empty: no respondent is in the subset")
    weights, rep = design.arrays()
    y, valid = variable_matrix(design.data, variables)
    sums = replicate_sums(y, valid, weights, rep, domain, len(keys))
    if statistic == "total":
        est, thetas = sums.S.copy(), sums.S_rep
    else:
        est, thetas = ratio_of(sums.S, sums.W), ratio_of(sums.S_rep, sums.W_rep)
    est[sums.n == 0] = np.nan
    return est, thetas, sums, keys


def replicate_means(design: ReplicateDesign, variables: Sequence[str], by: Sequence[str],
                    level: float, statistic: str) -> Estimate:
    """Domain means or totals of ``variables`` over the ``by`` domains."""
    check_level(level)
    est, thetas, sums, keys = _replicates(design, variables, by, statistic)
    srs = srs_variance(sums) * (sums.W**2 if statistic == "total" else 1.0)
    vcov = replicate_vcov(thetas, est, design.scale, design.rscales, design.mse)
    var = np.diag(vcov)
    se = np.where(sums.n == 0, np.nan, np.sqrt(np.maximum(var, 0.0)))
    _, psus = column_counts(design, sums.rows, df=False)
    domain, _ = design.domains(by)
    df = np.tile(domain_degf(design, domain, len(keys)), len(variables))
    low, high = wald_limits(est, se, df, level)
    table = domain_frame(variables, keys, {
        "estimate": est, "se": se, "ci_low": low, "ci_high": high, "df": df,
        "deff": ratio_of(var, srs), "n": sums.n.astype(np.int64),
        "n_eff": ratio_of(sums.W**2, sums.W2), "n_psu": psus.astype(np.int64)})
    return Estimate(statistic, tuple(variables), tuple(keys.columns), table, vcov, design.df,
                    level)


def _logit_limits(design: ReplicateDesign, variables: Sequence[str], by: Sequence[str],
                  df: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """R's ``svyciprop(method="logit")`` on replicates: the intercept-only logistic
    ``svyglm``, whose SE is the replicate variance of the replicates' logits."""
    est, thetas, _, _ = _replicates(design, variables, by, "mean")
    with np.errstate(divide="ignore", invalid="ignore"):
        eta, eta_rep = np.log(est / (1 - est)), np.log(thetas / (1 - thetas))
    se = np.sqrt(np.maximum(np.diag(replicate_vcov(eta_rep, eta, design.scale,
                                                   design.rscales, design.mse)), 0.0))
    low, high = wald_limits(eta, se, df, level)
    return 1 / (1 + np.exp(-low)), 1 / (1 + np.exp(-high))


def replicate_proportions(design: ReplicateDesign, variables: Sequence[str], by: Sequence[str],
                          method: str, level: float) -> Estimate:
    """Proportions of 0/1 variables with ``svyciprop`` intervals and per-domain df."""
    if method not in CI_METHODS:
        raise EstimationError(f"method={method!r} is not a known interval; expected one of "
                              f"{', '.join(CI_METHODS)}")
    for name in variables:
        if name in design.data.columns:
            col = pd.to_numeric(design.data[name], errors="coerce")
            bad = col.notna() & ~col.isin([0, 1])
            if bad.any():
                raise EstimationError(f"proportion() needs a 0/1 variable: column {name!r} has "
                                      f"value {design.data[name][bad].iloc[0]!r} in row "
                                      f"{bad[bad].index[0]!r}")
    result = replicate_means(design, variables, by, level, "mean")
    table = result.table
    domain, keys = design.domains(by)
    rows = np.bincount(domain[domain >= 0], minlength=len(keys)).astype(float)
    p, df = table["estimate"].to_numpy(), table["df"].to_numpy()
    low, high = proportion_ci(p, table["se"].to_numpy(), df, level, method,
                              np.tile(rows, len(variables)))
    if method == "logit":
        inner = (p > 0) & (p < 1)  # at 0 or 1 the beta limits (as proportion_ci)
        logit_low, logit_high = _logit_limits(design, variables, by, df, level)
        low, high = np.where(inner, logit_low, low), np.where(inner, logit_high, high)
    table = table.assign(ci_low=low, ci_high=high)
    return Estimate("proportion", result.variables, result.by, table, result.vcov, result.df,
                    level)
