"""Multiple-testing adjustment of p-values over a declared family (R: ``p.adjust``)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests

from survey_kit.errors import EstimationError

#: R ``p.adjust`` method names and the matching ``statsmodels`` ``multipletests`` methods.
ADJUST_METHODS = {
    "holm": "holm",
    "bonferroni": "bonferroni",
    "BH": "fdr_bh",
    "BY": "fdr_by",
    "hochberg": "simes-hochberg",
    "hommel": "hommel",
    "none": None,
}


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
    name = ADJUST_METHODS[check_method(method)]
    values = np.asarray(p, dtype=float).ravel()
    out = np.full(values.shape, np.nan)
    ok = ~np.isnan(values)
    if not ok.any():
        return out
    if name is None:
        out[ok] = values[ok]
        return out
    out[ok] = np.minimum(multipletests(values[ok], method=name)[1], 1.0)
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
