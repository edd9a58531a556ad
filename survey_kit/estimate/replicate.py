"""Replicate-weight variance: domain sums by one matrix product, and R's ``svrVar``.

For variables ``V`` and domains ``D`` the domain sums of every replicate come from one sparse
product: an ``(n, V * D)`` matrix holding, for row ``i`` and column ``v * D + d``, the value
of variable ``v`` when row ``i`` is in domain ``d`` with a value of ``v`` (zero otherwise),
multiplied by the ``(n, R)`` replicate weights.  No loop over replicates or respondents.

``replicate_vcov`` is R's ``svrVar``: ``scale * sum_r rscales_r (theta_r - c)(theta_r - c)'``
with ``c`` the mean of the replicates with ``rscales > 0`` (or the full-sample estimate when
``mse=True``).  A replicate in which a statistic is undefined (a domain without weight in that
replicate) is left out for that statistic, as R's ``svrVar`` drops it (R drops it from the
whole matrix in ``svyby(covmat=TRUE)``; the variances agree, a covariance then uses the
replicates where both statistics are defined).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from survey_kit.estimate.domains import check_columns
from survey_kit.estimate.estimators import numeric_column


@dataclass(frozen=True)
class ReplicateSums:
    """Domain sums of the full sample (``(K,)``) and of every replicate (``(R, K)``) for the
    ``K = V * D`` variable x domain columns (variable-major), plus counts for the table."""

    W: np.ndarray
    S: np.ndarray
    W_rep: np.ndarray
    S_rep: np.ndarray
    n: np.ndarray  # respondents with a value and a positive weight
    ss: np.ndarray  # weighted sum of squared deviations from the domain mean
    W2: np.ndarray  # sum of squared weights
    rows: sp.csr_matrix  # (n, K) 0/1 membership of each row in each column


def membership(valid: np.ndarray, domain: np.ndarray, n_domains: int) -> sp.csr_matrix:
    """``(n, V * D)`` 0/1 matrix: row ``i`` in column ``v * D + d`` when it has a value of
    variable ``v`` (``valid[:, v]``) and lies in domain ``d``."""
    n, V = valid.shape
    ok = valid & (domain >= 0)[:, None]
    rows, var = np.nonzero(ok)
    cols = var * n_domains + domain[rows]
    return sp.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(n, V * n_domains))


def variable_matrix(data: pd.DataFrame, variables: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The variables as an ``(n, V)`` float array (0 where missing) and the ``valid`` mask."""
    check_columns(data, variables, "variable")
    y = np.column_stack([numeric_column(data, name) for name in variables])
    valid = ~np.isnan(y)
    return np.where(valid, y, 0.0), valid


def replicate_sums(y: np.ndarray, valid: np.ndarray, weights: np.ndarray, rep: np.ndarray,
                   domain: np.ndarray, n_domains: int) -> ReplicateSums:
    """Full-sample and replicate domain totals of ``y`` and of the weights."""
    member = membership(valid, domain, n_domains)
    V = y.shape[1]
    values = member.multiply(np.repeat(y, n_domains, axis=1)).tocsr() if V else member
    W = np.asarray(member.T @ weights).ravel()
    S = np.asarray(values.T @ weights).ravel()
    W_rep = np.asarray((member.T @ rep).T)
    S_rep = np.asarray((values.T @ rep).T)
    sq = values.multiply(values)
    S2 = np.asarray(sq.T @ weights).ravel()
    W2 = np.asarray(member.T @ weights**2).ravel()
    n = np.asarray(member.T @ (weights > 0).astype(float)).ravel()
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(W > 0, S / W, 0.0)
    ss = np.maximum(S2 - S * mean, 0.0)
    return ReplicateSums(W, S, W_rep, S_rep, n, ss, W2, member)


def replicate_vcov(thetas: np.ndarray, estimate: np.ndarray, scale: float,
                   rscales: np.ndarray, mse: bool) -> np.ndarray:
    """R's ``svrVar`` for replicate estimates ``thetas`` (``(R, K)``), column by column.

    Examples
    --------
    Four BRR replicates (scale 1/4) of one statistic:

    >>> replicate_vcov(np.array([[1.0], [3.0], [2.0], [2.0]]), np.array([2.0]), 0.25,
    ...                np.ones(4), False).tolist()
    [[0.5]]
    """
    thetas = np.asarray(thetas, dtype=float)
    finite = np.isfinite(thetas)
    if mse:
        centre = np.asarray(estimate, dtype=float)
    else:
        use = finite & (rscales > 0)[:, None]
        count = use.sum(axis=0)
        total = np.where(use, thetas, 0.0).sum(axis=0)
        centre = np.divide(total, count, out=np.full(total.shape, np.nan), where=count > 0)
    dev = np.where(finite, thetas - centre, 0.0) * np.sqrt(rscales)[:, None]
    cov = scale * (dev.T @ dev)
    dead = ~finite.any(axis=0)
    cov[dead, :] = np.nan
    cov[:, dead] = np.nan
    return np.asarray(cov)


def ratio_of(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den`` with NaN where undefined."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.asarray(num, dtype=float) / den
    return np.where(np.isfinite(out), out, np.nan)


def srs_variance(sums: ReplicateSums) -> np.ndarray:
    """Variance of a mean under simple random sampling (R's ``deff`` denominator)."""
    n, W = sums.n, sums.W
    with np.errstate(divide="ignore", invalid="ignore"):
        s2 = sums.ss / W * n / (n - 1)
        vsrs = s2 * (W - n) / (W * n)
    return np.where(n <= W, vsrs, np.nan)


def rank_patterns(rep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct directions of the rows of ``rep``: ``(U, pattern per row)``; ``-1`` for a row
    of zeros.  The rank of any set of rows is the rank of their patterns' rows of ``U``.

    Rows are scaled to a largest entry of 1 and rounded to 12 decimals, so that the rows of
    one PSU (multiples of one another) share a pattern despite rounding; directions closer
    than that do not change a rank taken at tolerance ``1e-5``.  Equal rows are found through
    one fixed random projection per row (a sort of ``n`` numbers, not of ``n`` rows).
    """
    top = np.abs(rep).max(axis=1)
    nonzero = top > 0
    scaled = np.round(rep[nonzero] / top[nonzero, None], 12)
    key = scaled @ np.random.default_rng(20240611).standard_normal(rep.shape[1])
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    pattern = np.full(rep.shape[0], -1, dtype=np.int64)
    pattern[nonzero] = inverse.ravel()
    return scaled[first], pattern


def rows_rank(U: np.ndarray, pattern: np.ndarray, rows: np.ndarray) -> int:
    """Rank of the replicate weights of ``rows`` (R: ``qr(weights, tol=1e-5)$rank``): singular
    values above ``1e-5`` times the largest, from the eigenvalues of the smaller Gram matrix."""
    used = np.unique(pattern[rows & (pattern >= 0)])
    if used.size == 0:
        return 0
    block = U[used]
    gram = block @ block.T if block.shape[0] <= block.shape[1] else block.T @ block
    eig = np.linalg.eigvalsh(gram)  # squared singular values, ascending
    return int((eig > 1e-10 * eig[-1]).sum()) if eig.size and eig[-1] > 0 else 0
