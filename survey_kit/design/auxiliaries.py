"""Calibration to totals of numeric columns (auxiliaries such as last year's score or size).

A target row whose ``level`` is empty (NaN, None or ``""``) is the population total of a
numeric column: ``[variable="api99", level=NaN, total=3914069]``.  In the calibration model
it is one column holding the variable's value for the rows of its by group (0 elsewhere),
next to the indicator columns of the categorical margins: the column space of R's
``calibrate(design, ~stype + api99, ...)``.  Without a categorical margin in a group the
model has no intercept (R: ``~api99 - 1``); add a one-level margin (a constant column) to
calibrate the group size as well.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Column of the cells frame holding the by-group code (same name as in targets.py).
GROUP = "__by_group_code__"


def empty_level(levels: pd.Series) -> np.ndarray:
    """True where a target's level is empty: a total of a numeric column.

    Examples
    --------
    >>> empty_level(pd.Series(["a", None, float("nan"), "", 1])).tolist()
    [False, True, True, True, False]
    """
    text = levels.astype(object)
    return (text.isna() | text.map(lambda v: isinstance(v, str) and not v.strip())).to_numpy()


def split_numeric(targets: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The categorical targets and the numeric-total targets (empty level)."""
    if "level" not in targets.columns:
        return targets, targets.iloc[:0]
    empty = empty_level(targets["level"])
    return targets[~empty], targets[empty]


@dataclass(frozen=True)
class NumericMargins:
    """Numeric calibration totals in model form.

    Attributes
    ----------
    X : ndarray
        ``(n, k)``: the variable of each target for the rows of its by group, 0 elsewhere.
    totals : ndarray
        The ``k`` population totals.
    cells : DataFrame
        One row per target: by values, ``variable``, ``level`` (NaN), ``target`` and the
        by-group code.
    names : list of str
        A readable label per target, for messages.
    """

    X: np.ndarray
    totals: np.ndarray
    cells: pd.DataFrame
    names: list[str]


def _describe(row: pd.Series, by: Sequence[str]) -> str:
    where = ", ".join(f"{b}={row[b]!s}" for b in by)
    return (f"group {where}, " if by else "") + f"numeric variable {row['variable']!r}"


def build_numeric(data: pd.DataFrame, targets: pd.DataFrame, by: Sequence[str],
                  group_codes: np.ndarray, columns: dict[str, object]
                  ) -> tuple[NumericMargins, list[str]]:
    """Model columns of numeric totals and every problem found (not numeric, missing
    values in a calibrated group, total not a finite number, a target given twice).

    ``targets`` carry the by values as text, ``variable``, ``total`` and the group code
    (:data:`GROUP`, ``-1``: no such group); ``columns`` maps a variable label to its column.
    """
    problems: list[str] = []
    k = len(targets)
    X = np.zeros((len(data), k))
    totals = pd.to_numeric(targets["total"], errors="coerce").to_numpy(dtype=float)
    groups = targets[GROUP].to_numpy(dtype=np.int64)
    dup = targets.duplicated([*by, "variable"], keep="first").to_numpy()
    for j in range(k):
        row = targets.iloc[j]
        where = _describe(row, by)
        if dup[j]:
            problems.append(f"{where}: total given more than once; keep one row")
        if not np.isfinite(totals[j]):
            problems.append(f"{where}: total {row['total']!r} is not a finite number")
        if groups[j] < 0:
            continue
        column = data[columns[str(row["variable"])]]
        values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
        inside = group_codes == groups[j]
        text = column.notna().to_numpy() & np.isnan(values)
        if (inside & text).any():
            first = column[inside & text].iloc[0]
            problems.append(f"{where}: value {first!r} is not a number; a total of a "
                            "categorical variable needs one target per level")
        elif (inside & np.isnan(values)).any():
            problems.append(f"{where}: {int((inside & np.isnan(values)).sum())} missing "
                            "values; impute them or drop those respondents before calibrating")
        X[:, j] = np.where(inside, np.nan_to_num(values), 0.0)
    cells = targets[[*by, "variable"]].assign(level=np.nan, target=totals,
                                              **{GROUP: groups}).reset_index(drop=True)
    names = [_describe(targets.iloc[j], by) for j in range(k)]
    return NumericMargins(X, totals, cells, names), problems


def empty_model(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """A calibration model without columns (only numeric totals follow): one cell."""
    return np.zeros((1, 0)), np.zeros(n, dtype=np.int64), np.zeros(0), []


def add_numeric(
    numeric: NumericMargins, Xc: np.ndarray, inverse: np.ndarray, totals: np.ndarray,
    names: list[str],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Append the numeric columns to a categorical calibration model (its rows by cell
    ``Xc``; a respondent's row is ``Xc[inverse]``).

    The cells are refined so that rows of one cell share the categorical cell and the
    numeric values (calibration is computed once per cell; exact).

    Examples
    --------
    >>> num = NumericMargins(np.array([[1.0], [2.0], [1.0]]), np.array([9.0]),
    ...                      pd.DataFrame(), ["x"])
    >>> Xc, inv, tot, nm = add_numeric(num, *empty_model(3))
    >>> Xc.tolist(), inv.tolist(), tot.tolist()
    ([[1.0], [2.0]], [0, 1, 0], [9.0])
    """
    key = np.column_stack([inverse.astype(float), numeric.X])
    _, first, cell = np.unique(key, axis=0, return_index=True, return_inverse=True)
    cell = cell.ravel()
    Xc_new = np.hstack([Xc[inverse[first]], numeric.X[first]])
    return (Xc_new, cell.astype(np.int64), np.concatenate([totals, numeric.totals]),
            [*names, *numeric.names])


def achieved(numeric: NumericMargins, weights: np.ndarray) -> pd.DataFrame:
    """The numeric targets with the totals the weights achieve (report rows)."""
    frame = numeric.cells.drop(columns=GROUP).copy()
    frame["achieved"] = numeric.X.T @ np.asarray(weights, dtype=float)
    return frame
