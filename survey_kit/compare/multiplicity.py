"""Multiple-testing adjustment of p-values over a declared family (R: ``p.adjust``)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from survey_kit.errors import EstimationError

#: R ``p.adjust`` method names (the same adjustments as statsmodels' ``multipletests``
#: ``holm``, ``bonferroni``, ``fdr_bh``, ``fdr_by``, ``simes-hochberg``, ``hommel``; computed
#: here because ``multipletests`` runs a garbage collection on every call).
ADJUST_METHODS = ("holm", "bonferroni", "BH", "BY", "hochberg", "hommel", "none")


def _step_down(p: np.ndarray) -> np.ndarray:
    """Holm: running maximum of ``(n - i) p_(i)`` over ascending p-values."""
    order = np.argsort(p, kind="stable")
    n = p.size
    adjusted = np.maximum.accumulate((n - np.arange(n)) * p[order])
    out = np.empty(n)
    out[order] = adjusted
    return out


def _step_up(p: np.ndarray, factor: np.ndarray) -> np.ndarray:
    """Running minimum of ``factor_i p_(i)`` from the largest p-value down (i = n..1)."""
    order = np.argsort(-p, kind="stable")
    adjusted = np.minimum.accumulate(factor * p[order])
    out = np.empty(p.size)
    out[order] = adjusted
    return out


def _hommel(p: np.ndarray) -> np.ndarray:
    """Hommel's adjustment (Wright 1992): for each subset size m, the Simes-type bound."""
    n = p.size
    order = np.argsort(p, kind="stable")
    s = p[order]
    ranks = np.arange(1, n + 1)
    bound = np.full(n, np.min(n * s / ranks))
    adjusted = bound.copy()
    for m in range(n - 1, 1, -1):
        head = n - m + 1  # the first n - m + 1 sorted p-values
        tail_min = np.min(m * s[head:] / np.arange(2, m + 1))
        bound[:head] = np.minimum(m * s[:head], tail_min)
        bound[head:] = bound[head - 1]
        adjusted = np.maximum(adjusted, bound)
    out = np.empty(n)
    out[order] = np.maximum(adjusted, s)
    return out


def _adjust(p: np.ndarray, method: str) -> np.ndarray:
    n = p.size
    if method == "holm":
        return _step_down(p)
    if method == "bonferroni":
        return n * p
    if method == "hommel":
        return _hommel(p)
    ranks = np.arange(n, 0, -1)  # rank of each p-value in descending order
    if method == "hochberg":
        return _step_up(p, (n + 1 - ranks).astype(float))
    factor = n / ranks
    if method == "BY":
        factor = factor * np.sum(1.0 / np.arange(1, n + 1))
    return _step_up(p, factor)


def check_method(method: str) -> str:
    """Return ``method`` or raise EstimationError listing the known names."""
    if method not in ADJUST_METHODS:
        raise EstimationError(
            f"adjust={method!r} is not a p.adjust method; expected one of "
            f"{', '.join(ADJUST_METHODS)}"
        )
    return method


def p_adjust(p: Sequence[float] | np.ndarray, method: str = "holm") -> np.ndarray:
    """Adjusted p-values over one family, as R's ``p.adjust(p, method)``.

    Missing p-values (NaN) are left out of the family (R: ``p.adjust(p, n = sum(!is.na(p)))``)
    and stay NaN.

    Parameters
    ----------
    p
        The p-values of one family of tests.
    method
        ``"holm"``, ``"bonferroni"``, ``"BH"``, ``"BY"``, ``"hochberg"``, ``"hommel"`` or
        ``"none"``.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values, capped at 1, in the order of ``p``.

    Examples
    --------
    R: ``p.adjust(c(0.01, 0.04, NA, 0.03), "holm")``

    >>> p_adjust([0.01, 0.04, float("nan"), 0.03], "holm").round(4)
    array([0.03, 0.06,  nan, 0.06])
    """
    check_method(method)
    values = np.asarray(p, dtype=float).ravel()
    out = np.full(values.shape, np.nan)
    ok = ~np.isnan(values)
    if not ok.any():
        return out
    out[ok] = values[ok] if method == "none" else np.minimum(_adjust(values[ok], method), 1.0)
    return out


def adjust_by_family(
    table: pd.DataFrame, method: str, family: str | Sequence[str] | None
) -> np.ndarray:
    """``p_adjust`` of ``table["p_value"]`` within the groups named by ``family``.

    ``family=None`` adjusts over the whole table; ``"variable"`` (or any column name, or a
    list of them) adjusts separately within each combination of those columns.
    """
    p = table["p_value"].to_numpy(dtype=float)
    if family is None or len(table) == 0:
        return p_adjust(p, method)
    columns = [family] if isinstance(family, str) else list(family)
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise EstimationError(
            f"family column {missing[0]!r} is not a column of the contrast table; "
            f"expected one of {', '.join(map(str, table.columns))}"
        )
    groups = table.groupby(columns, sort=False, dropna=False).ngroup().to_numpy()
    out = np.full(p.shape, np.nan)
    for g in np.unique(groups):
        rows = groups == g
        out[rows] = p_adjust(p[rows], method)
    return out
