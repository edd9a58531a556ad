"""Linear contrasts of domain estimates with their joint covariance (R: ``svycontrast``).

The building blocks shared by :func:`compare`, :func:`did` and the subgroup tables: the
design degrees of freedom as R's ``degf``, PSUs with data per domain, the lookup of
domains by their key values, and the evaluation of ``L θ`` and ``L V Lᵀ`` for contrast
rows given as (estimate row, coefficient) terms.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import scipy.sparse as sp

from survey_kit.design.targets import label
from survey_kit.errors import EstimationError
from survey_kit.estimate.result import Estimate
from survey_kit.estimate.variance import VarianceEngine

if TYPE_CHECKING:
    from survey_kit.design.design import Design

#: A contrast term: per contrast row the estimate row it uses (-1: missing) and a coefficient.
Term = tuple[np.ndarray, float]


def design_rows(design: Design) -> np.ndarray:
    """Rows the design holds: the subset rows (all rows without a subset)."""
    mask = design.domain_mask
    return np.ones(len(design), dtype=bool) if mask is None else mask


def design_degf(design: Design, rows: np.ndarray | None = None) -> int:
    """Design degrees of freedom as R's ``degf``: PSUs minus strata among the rows with a
    positive weight (``rows``: default the design's subset).

    Examples
    --------
    >>> import survey_kit as sk
    >>> d = pd.DataFrame({"h": [1, 1, 2, 2, 2], "p": [1, 2, 3, 4, 5], "y": [1.0] * 5})
    >>> design_degf(sk.Design(d, strata="h", psu="p"))  # R: degf(design)
    3
    """
    if rows is None:
        return design.df
    keep = rows & (design.weights.to_numpy() > 0)
    return int(design.engine.domain_df(np.zeros(len(keep), dtype=np.int64), 1, keep)[0])


def domain_index(keys: pd.DataFrame, wanted: pd.DataFrame) -> np.ndarray:
    """Position in ``keys`` of each row of ``wanted`` (matched on its columns), -1 if absent."""
    if len(wanted) == 0:
        return np.zeros(0, dtype=np.int64)
    indexed = keys.assign(_domain=np.arange(len(keys)))
    merged = wanted.reset_index(drop=True).merge(indexed, how="left", on=list(wanted.columns))
    return merged["_domain"].fillna(-1).to_numpy(dtype=np.int64)


def labels(keys: pd.DataFrame) -> np.ndarray:
    """One label per row: the value itself for one column, ``"a / b"`` for several."""
    if keys.shape[1] == 1:
        values = keys.iloc[:, 0].to_numpy(dtype=object)
        # whole-number floats (a round read from SPSS as 2021.0) are shown as integers
        return np.array([int(v) if isinstance(v, float | np.floating) and float(v).is_integer()
                         else v for v in values], dtype=object)
    text = [[label(v) for v in row] for row in keys.to_numpy(dtype=object)]
    return np.array([" / ".join(row) for row in text], dtype=object)


def combine(
    estimate: np.ndarray, vcov: np.ndarray, terms: Sequence[Term]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``L θ`` and ``L V Lᵀ`` for contrast rows built from ``terms``.

    Returns the contrast estimates, their covariance and a mask of the rows that could be
    computed (every term present with a finite estimate); other rows are NaN.
    """
    idx = np.column_stack([rows for rows, _ in terms]).astype(np.int64)
    coef = np.array([c for _, c in terms], dtype=float)
    m, R = idx.shape[0], estimate.shape[0]
    finite = np.isfinite(estimate)
    safe = np.where(idx >= 0, idx, 0)
    valid = (idx >= 0).all(axis=1) & finite[safe].all(axis=1)
    rows = np.repeat(np.arange(m), idx.shape[1])
    entries = (coef[None, :] * valid[:, None]).ravel()
    L = sp.csr_matrix((entries, (rows, safe.ravel())), shape=(m, R))  # duplicates add up
    theta = np.where(finite, estimate, 0.0)
    V = np.nan_to_num(vcov, nan=0.0)
    value = np.where(valid, L @ theta, np.nan)
    cov = np.asarray((L @ (L @ V).T).T) if m else np.zeros((0, 0))
    cov[~valid, :] = np.nan
    cov[:, ~valid] = np.nan
    return value, cov, valid


def linear_contrast(
    estimate: Estimate, L: np.ndarray | Sequence[Sequence[float]]
) -> tuple[np.ndarray, np.ndarray]:
    """Linear combinations ``L θ`` of the rows of an estimate and their covariance
    ``L V Lᵀ`` (R: ``svycontrast(svyby(..., covmat=TRUE), L)``).

    Examples
    --------
    R: ``svycontrast(svyby(~y, ~g, des, svymean, covmat=TRUE), c(-1, 1))``

    >>> import survey_kit as sk
    >>> d = pd.DataFrame({"g": ["a", "a", "b", "b"], "y": [1.0, 3.0, 4.0, 6.0]})
    >>> value, cov = linear_contrast(sk.Design(d).mean("y", by="g"), [[-1.0, 1.0]])
    >>> float(value[0]), round(float(cov[0, 0]), 4)
    (3.0, 1.3333)
    """
    matrix = np.atleast_2d(np.asarray(L, dtype=float))
    theta = estimate.table["estimate"].to_numpy(dtype=float)
    if matrix.shape[1] != theta.shape[0]:
        raise EstimationError(
            f"contrast matrix has {matrix.shape[1]} columns; the estimate has "
            f"{theta.shape[0]} rows (one column per row of to_frame())"
        )
    return matrix @ theta, matrix @ estimate.vcov @ matrix.T


def contrast_notes(
    rows: Sequence[np.ndarray],
    names: Sequence[np.ndarray],
    estimate: Estimate,
    psus: np.ndarray,
    se: np.ndarray,
) -> np.ndarray:
    """Why no test was possible for each contrast row ("" when it was).

    ``rows[k]`` are the estimate rows of term k (-1: the domain has no respondents) and
    ``names[k]`` the domain labels used in the message.
    """
    table = estimate.table
    n = table["n"].to_numpy()
    var = table["variable"].to_numpy(dtype=object)
    psu_flat = psus.ravel()
    notes = np.full(se.shape[0], "", dtype=object)
    for idx, name in zip(reversed(rows), reversed(names), strict=True):
        safe = np.maximum(idx, 0)
        absent = idx < 0
        empty = ~absent & (n[safe] == 0)
        single = ~absent & ~empty & (psu_flat[safe] < 2)
        for mask, text in ((single, "only one PSU with data in {}: no variance estimate"),
                           (empty, "no respondents with a value of {1} in {0}"),
                           (absent, "no respondents in {}")):
            hit = np.flatnonzero(mask)
            notes[hit] = [text.format(name[i], var[safe[i]]) for i in hit]
    silent = (notes == "") & ~(np.isfinite(se) & (se > 0))
    notes[silent] = "standard error is zero or undefined: no test"
    return notes


def _components(presence: Sequence[np.ndarray]) -> np.ndarray:
    """Label the terms of each contrast row by PSU-connected component, ``(m, k)``.

    Terms whose domains share a PSU (directly or through another term) get the same label
    (the smallest term index of the component).
    """
    k = len(presence)
    m = presence[0].shape[1] if k else 0
    label = np.tile(np.arange(k), (m, 1))
    overlap = {(i, j): (presence[i] & presence[j]).any(axis=0)
               for i in range(k) for j in range(i + 1, k)}
    for _ in range(k):
        for (i, j), shared in overlap.items():
            low = np.minimum(label[:, i], label[:, j])
            label[:, i] = np.where(shared, low, label[:, i])
            label[:, j] = np.where(shared, low, label[:, j])
    return label


def contrast_df(
    terms: Sequence[Term], domain_presence: np.ndarray, n_domains: int, vcov: np.ndarray,
    engine: VarianceEngine,
) -> np.ndarray:
    """Degrees of freedom of each contrast row ``sum_t c_t θ[rows_t]``.

    The terms are grouped into components whose domains share PSUs (the same area in two
    rounds; subgroups of one group).  One component: its df is PSUs minus strata among the
    union of its domains (a change within one area uses that area's df).  Several
    components with separate PSUs (an area against the almene sector): the
    Welch-Satterthwaite df ``(Σ v_c)² / Σ (v_c² / df_c)`` from each component's variance
    ``v_c`` and df ``df_c``.  NaN when a component with variance has ``df_c < 1``.

    ``domain_presence`` is the ``(P, D)`` PSU presence of the domains; estimate row ``r``
    belongs to domain ``r % n_domains``.

    Examples
    --------
    Two disjoint one-stratum domains with equal variances and 2 and 8 df:

    >>> eng = VarianceEngine(psu=np.arange(12), psu_stratum=np.repeat([0, 1], [3, 9]),
    ...                      fpc_fraction=np.ones(2))
    >>> pres = np.zeros((12, 2), dtype=bool); pres[:3, 0] = True; pres[3:, 1] = True
    >>> terms = [(np.array([0]), 1.0), (np.array([1]), -1.0)]
    >>> round(float(contrast_df(terms, pres, 2, np.eye(2), eng)[0]), 4)  # 4 / (1/2 + 1/8)
    6.4
    """
    rows = [np.asarray(r, dtype=np.int64) for r, _ in terms]
    coef = np.array([c for _, c in terms], dtype=float)
    m = rows[0].shape[0]
    present = [np.where(r >= 0, r % n_domains, 0) for r in rows]
    pres = [domain_presence[:, d] & (r >= 0)[None, :] for d, r in zip(present, rows,
                                                                        strict=True)]
    label = _components(pres)
    V = np.nan_to_num(vcov, nan=0.0)
    safe = [np.maximum(r, 0) for r in rows]
    num = np.zeros(m)
    den = np.zeros(m)
    bad = np.zeros(m, dtype=bool)
    n_components = np.zeros(m, dtype=np.int64)
    single_df = np.full(m, np.nan)
    for c in range(len(rows)):
        member = label == c  # (m, k)
        if not member.any():
            continue
        union = np.zeros_like(pres[0])
        for t in range(len(rows)):
            union |= pres[t] & member[:, t][None, :]
        df_c = engine.presence_df(union).astype(float)
        v_c = np.zeros(m)
        for s in range(len(rows)):
            for t in range(len(rows)):
                both = member[:, s] & member[:, t] & (rows[s] >= 0) & (rows[t] >= 0)
                v_c += np.where(both, coef[s] * coef[t] * V[safe[s], safe[t]], 0.0)
        has = member.any(axis=1)
        n_components += has
        single_df = np.where(has, df_c, single_df)
        used = has & (v_c > 0)
        bad |= used & ~(df_c >= 1)
        num += np.where(used, v_c, 0.0)
        den += np.where(used & (df_c >= 1), v_c**2 / np.where(df_c >= 1, df_c, 1.0), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        welch = num**2 / den
    out = np.where(n_components > 1, welch, single_df)
    return np.where(bad | ~np.isfinite(out), np.nan, out)
