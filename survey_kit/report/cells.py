"""Looking up what a suppressed table shows: one cell's value and interval, or a contrast.

Every summary and chart reads its figures through here, so a suppressed cell is turned into
NaNs in one place and a missing one into ``None``.  Keys are compared as text
(:func:`~survey_kit.report.inputs.key_text`), so ``2021``, ``2021.0`` and ``"2021"`` name the
same round.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from survey_kit.report.inputs import key_text

CellValue = tuple[float, float, float]
"""(estimate, ci_low, ci_high) of a shown cell on 0-1."""

NAN3: CellValue = (math.nan, math.nan, math.nan)
"""What a suppressed cell shows: no estimate and no interval."""


class ShownCells:
    """The cells of a suppressed estimates table keyed by ``columns`` (first row wins).

    Parameters
    ----------
    frame : pandas.DataFrame
        A table after suppression: ``estimate, ci_low, ci_high, suppressed`` and the key
        columns.
    columns : sequence of str
        The columns that identify a cell in the lookups.

    Examples
    --------
    >>> t = pd.DataFrame({"variable": ["a", "a"], "year": [2018.0, 2021.0],
    ...                   "estimate": [0.5, 0.6], "ci_low": [0.4, 0.5], "ci_high": [0.6, 0.7],
    ...                   "suppressed": [False, True]})
    >>> cells = ShownCells(t, ("variable", "year"))
    >>> cells.get(variable="a", year="2018"), cells.get(variable="a", year="2021")
    ((0.5, 0.4, 0.6), (nan, nan, nan))
    >>> cells.get(variable="b", year="2018") is None
    True
    """

    def __init__(self, frame: pd.DataFrame, columns: Sequence[str]) -> None:
        self.columns = tuple(columns)
        position = {c: i for i, c in reversed(list(enumerate(frame.columns)))}
        at = [position[c] for c in (*self.columns, "suppressed", "estimate", "ci_low", "ci_high")]
        keys, (hidden, est, low, high) = at[:-4], at[-4:]
        self._rows: dict[tuple[str, ...], tuple[bool, float, float, float]] = {}
        for row in frame.to_numpy(dtype=object).tolist():  # plain Python values
            self._rows.setdefault(tuple(key_text(row[i]) for i in keys),
                                  (bool(row[hidden]), row[est], row[low], row[high]))

    def key(self, key: tuple[str, ...]) -> CellValue | None:
        """The cell with this key (texts in the order of ``columns``): its values, NaNs when
        suppressed, None when the table has no such cell."""
        rec = self._rows.get(key)
        if rec is None:
            return None
        if bool(rec[0]):
            return NAN3
        return float(rec[1]), float(rec[2]), float(rec[3])

    def get(self, **keys: str) -> CellValue | None:
        """The cell with these key texts (one per column), as :meth:`key`."""
        return self.key(tuple(keys[c] for c in self.columns))


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of ``frame`` as dicts of Python values keyed by the column names as text: the
    rows of ``frame.to_dict("records")``, read as one array of Python objects (much faster on
    the small tables of a page).

    Examples
    --------
    >>> records(pd.DataFrame({"variable": ["a", "b"], 2021: [0.5, float("nan")]}))
    [{'variable': 'a', '2021': 0.5}, {'variable': 'b', '2021': nan}]
    """
    names = [str(c) for c in frame.columns]
    return [dict(zip(names, row, strict=True)) for row in frame.to_numpy(dtype=object).tolist()]


def contrast_value(frame: pd.DataFrame, variable: str, a: str, b: str
                   ) -> tuple[float, bool] | None:
    """(difference a - b, significant) from a suppressed contrasts table, whichever way round
    the table has the pair; (NaN, False) when suppressed; None when absent.

    Examples
    --------
    >>> c = pd.DataFrame({"variable": ["a"], "group_a": ["x"], "group_b": ["y"],
    ...                   "difference": [0.1], "significant": [True], "suppressed": [False]})
    >>> contrast_value(c, "a", "y", "x")
    (-0.1, True)
    """
    for rec in frame[frame["variable"].map(key_text) == variable].to_dict("records"):
        pair = (key_text(rec["group_a"]), key_text(rec["group_b"]))
        if pair in ((a, b), (b, a)):
            if bool(rec["suppressed"]):
                return math.nan, False
            sign = 1.0 if pair == (a, b) else -1.0
            return sign * float(rec["difference"]), bool(rec["significant"])
    return None


__all__ = ["NAN3", "CellValue", "ShownCells", "contrast_value", "records"]
