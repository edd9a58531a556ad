"""Presentation tables: the banner table of one variable with letters and arrows.

One :class:`SignificanceTable` per variable.  Columns are the banner groups x rounds that have
data (almene boliger may have one round only); each column gets a letter (A, B, ...), the same
on every sheet.  Rows are the total and the subgroup levels of each :class:`Breakdown`.

A cell carries

* the estimate (raw 0-1; the writers scale and format it), base ``n`` and effective base
  ``n_eff`` (from the table when present, otherwise ``n / deff``, Kish);
* **letters**: the columns of the same round this cell is significantly *higher* than, from
  the group contrasts (``difference = a - b``; significance as decided upstream, after the
  multiplicity correction);
* **change**: ``"▲"``/``"▼"`` when the change since the previous round in the same group is
  significantly up/down, from the change contrasts;
* ``suppressed``: shown as "–"; suppressed contrasts never produce letters or arrows.

The tables are built from :class:`~survey_kit.report.inputs.SignificanceInput` only; there is no
arithmetic on the estimates here besides ``n / deff``.
"""

from __future__ import annotations

import math
import string
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from survey_kit.report.inputs import (
    Banner,
    Breakdown,
    SignificanceInput,
    VariableInfo,
    key_text,
)

UP = "▲"
DOWN = "▼"

RowId = tuple[int, tuple[str, ...]] | None
"""A row of a table: None for the total, else (breakdown index, level key)."""


@dataclass(frozen=True)
class BannerColumn:
    """One column of the banner: a group in a round, with its letter."""

    group: str
    group_label: str
    round: str
    letter: str


@dataclass(frozen=True)
class TableRow:
    """One row: the total (``breakdown is None``) or a level of a breakdown."""

    label: str
    heading: str
    breakdown: int | None
    key: tuple[str, ...]

    @property
    def row_id(self) -> RowId:
        """The id used to look the row up in the tidy tables."""
        return None if self.breakdown is None else (self.breakdown, self.key)


@dataclass(frozen=True)
class Cell:
    """One cell; ``present`` is False where the table has no estimate at all."""

    present: bool = False
    estimate: float = math.nan
    ci_low: float = math.nan
    ci_high: float = math.nan
    n: float = math.nan
    n_eff: float = math.nan
    letters: str = ""
    change: str = ""
    suppressed: bool = False


@dataclass(frozen=True)
class SignificanceTable:
    """The banner table of one variable; ``cells[row][column]``."""

    variable: VariableInfo
    columns: tuple[BannerColumn, ...]
    rows: tuple[TableRow, ...]
    cells: tuple[tuple[Cell, ...], ...]

    def to_frame(self) -> pd.DataFrame:
        """Tidy form: one row per cell, numbers NaN where suppressed.

        Columns: ``variable, variable_label, kind, row_heading, row_label, group, group_label,
        round, column_letter, estimate, ci_low, ci_high, n, n_eff, higher_than, change,
        suppressed``.  ``change`` is ``"up"``, ``"down"`` or ``""``.
        """
        records = []
        for r, row in enumerate(self.rows):
            for c, col in enumerate(self.columns):
                cell = self.cells[r][c]
                if not cell.present:
                    continue
                records.append({
                    "variable": self.variable.id, "variable_label": self.variable.label,
                    "kind": self.variable.kind, "row_heading": row.heading,
                    "row_label": row.label, "group": col.group, "group_label": col.group_label,
                    "round": col.round, "column_letter": col.letter,
                    "estimate": cell.estimate, "ci_low": cell.ci_low, "ci_high": cell.ci_high,
                    "n": cell.n, "n_eff": cell.n_eff, "higher_than": cell.letters,
                    "change": {UP: "up", DOWN: "down"}.get(cell.change, ""),
                    "suppressed": cell.suppressed,
                })
        return pd.DataFrame.from_records(records, columns=TIDY_COLUMNS)


TIDY_COLUMNS: list[str] = [
    "variable", "variable_label", "kind", "row_heading", "row_label", "group", "group_label",
    "round", "column_letter", "estimate", "ci_low", "ci_high", "n", "n_eff", "higher_than",
    "change", "suppressed",
]


def row_ids(frame: pd.DataFrame, banner: Banner) -> list[RowId | str]:
    """The row of every record: None (total), (breakdown, key), or "other" (not shown)."""
    cols = [c for c in banner.breakdown_columns if c in frame.columns]
    texts = {c: [key_text(v) for v in frame[c].tolist()] for c in cols}
    out: list[RowId | str] = []
    for i in range(len(frame)):
        present = {c for c in cols if texts[c][i]}
        if not present:
            out.append(None)
            continue
        found: RowId | str = "other"
        for b, brk in enumerate(banner.breakdowns):
            if present == set(brk.column_names):
                found = (b, tuple(texts[c][i] for c in brk.column_names))
                break
        out.append(found)
    return out


def banner_columns(data: SignificanceInput) -> tuple[BannerColumn, ...]:
    """Columns with data anywhere in the estimates, lettered A, B, ... in banner order."""
    b = data.banner
    est = data.estimates
    have = set(zip(est[b.group_column].map(key_text), est[b.round_column].map(key_text),
                   strict=True))
    pairs = [(g, lab, r) for g, lab in b.groups for r in b.round_keys if (g, r) in have]
    letters = string.ascii_uppercase
    return tuple(
        BannerColumn(g, lab, r, letters[i] if i < 26 else f"A{letters[i - 26]}")
        for i, (g, lab, r) in enumerate(pairs)
    )


def table_rows(banner: Banner, ids: Sequence[RowId | str]) -> tuple[TableRow, ...]:
    """The total row and every breakdown level, declared levels first, then observed ones."""
    rows = [TableRow(banner.total_label, "", None, ())]
    for b, brk in enumerate(banner.breakdowns):
        declared = list(brk.level_keys())
        seen = sorted({rid[1] for rid in ids if isinstance(rid, tuple) and rid[0] == b})
        known = {k for k, _ in declared}
        levels = declared + [(k, " × ".join(k)) for k in seen if k not in known]
        rows.extend(TableRow(label, brk.heading, b, key) for key, label in levels
                    if key in seen)
    return tuple(rows)


def _or_empty(frame: pd.DataFrame | None) -> pd.DataFrame:
    return pd.DataFrame() if frame is None else frame


def _marks(
    data: SignificanceInput, columns: tuple[BannerColumn, ...]
) -> dict[tuple[str, str, str, RowId], set[str]]:
    """Letters and arrows per (variable, group, round, row)."""
    b = data.banner
    letter = {(c.group, c.round): c.letter for c in columns}
    marks: dict[tuple[str, str, str, RowId], set[str]] = {}
    gc = _or_empty(data.group_contrasts)
    for rec, rid in zip(gc.to_dict("records"), row_ids(gc, b), strict=True):
        diff = float(rec["difference"])
        if (isinstance(rid, str) or rec["suppressed"] or not bool(rec["significant"])
                or np.isnan(diff)):
            continue
        rnd = key_text(rec[b.round_column])
        hi, lo = key_text(rec["group_a"]), key_text(rec["group_b"])
        if diff < 0:
            hi, lo = lo, hi
        if (lo, rnd) in letter:
            marks.setdefault((str(rec["variable"]), hi, rnd, rid), set()).add(letter[lo, rnd])
    order = b.round_keys
    cc = _or_empty(data.change_contrasts)
    for rec, rid in zip(cc.to_dict("records"), row_ids(cc, b), strict=True):
        diff = float(rec["difference"])
        if (isinstance(rid, str) or rec["suppressed"] or not bool(rec["significant"])
                or np.isnan(diff)):
            continue
        a, z = key_text(rec["group_a"]), key_text(rec["group_b"])
        if a not in order or z not in order or abs(order.index(a) - order.index(z)) != 1:
            continue
        later = a if order.index(a) > order.index(z) else z
        up = diff > 0 if later == a else diff < 0
        key = (str(rec["variable"]), key_text(rec[b.group_column]), later, rid)
        marks.setdefault(key, set()).add(UP if up else DOWN)
    return marks


def _cell(rec: dict[str, object] | None, marks: set[str]) -> Cell:
    if rec is None:
        return Cell()
    suppressed = bool(rec["suppressed"])
    n = float(rec["n"])  # type: ignore[arg-type]
    n_eff = float(rec.get("n_eff", math.nan))  # type: ignore[arg-type]
    deff = float(rec["deff"])  # type: ignore[arg-type]
    if math.isnan(n_eff) and deff > 0:
        n_eff = n / deff
    letters = "".join(sorted(m for m in marks if m not in (UP, DOWN)))
    change = next((m for m in (UP, DOWN) if m in marks), "")
    if suppressed:
        return Cell(present=True, suppressed=True)
    return Cell(True, float(rec["estimate"]), float(rec["ci_low"]),  # type: ignore[arg-type]
                float(rec["ci_high"]), n, n_eff, letters, change, False)  # type: ignore[arg-type]


def build_significance_tables(data: SignificanceInput) -> tuple[SignificanceTable, ...]:
    """Build one :class:`SignificanceTable` per variable of ``data`` that has estimates.

    Parameters
    ----------
    data : SignificanceInput
        Suppressed estimates and contrasts with the banner layout.

    Returns
    -------
    tuple of SignificanceTable
        In the order of ``data.variables``.
    """
    b = data.banner
    est = data.estimates
    columns = banner_columns(data)
    ids = row_ids(est, b)
    marks = _marks(data, columns)
    lookup: dict[tuple[str, str, str, RowId], dict[str, object]] = {}
    for rec, rid in zip(est.to_dict("records"), ids, strict=True):
        if not isinstance(rid, str):
            key = (str(rec["variable"]), key_text(rec[b.group_column]),
                   key_text(rec[b.round_column]), rid)
            lookup[key] = {str(k): v for k, v in rec.items()}
    tables = []
    for var in data.variables:
        var_ids = [rid for rid, v in zip(ids, est["variable"].astype(str), strict=True)
                   if v == var.id]
        if not var_ids:
            continue
        rows = table_rows(b, var_ids)
        cells = tuple(
            tuple(
                _cell(lookup.get((var.id, c.group, c.round, row.row_id)),
                      marks.get((var.id, c.group, c.round, row.row_id), set()))
                for c in columns
            )
            for row in rows
        )
        tables.append(SignificanceTable(var, columns, rows, cells))
    return tuple(tables)


def tidy_tables(data: SignificanceInput) -> pd.DataFrame:
    """All significance tables of ``data`` stacked in tidy form (see ``to_frame``)."""
    frames = [t.to_frame() for t in build_significance_tables(data)]
    if not frames:
        return pd.DataFrame(columns=TIDY_COLUMNS)
    return pd.concat(frames, ignore_index=True)


def family_sizes(data: SignificanceInput, which: str) -> dict[str, dict[str, int]]:
    """The sizes of the multiplicity families of the letters (``which="group"``) or the arrows
    (``"change"``), when the contrasts carry a ``family_size`` column: per variable, the size
    of each row block's family (the total, each breakdown: one family per variable and
    breakdown, over every round, group and level of it).  Empty without the column: the
    number of tests cannot be told from tables after disclosure control.

    Examples
    --------
    >>> from survey_kit.report.inputs import VariableInfo
    >>> est = pd.DataFrame({"variable": "x", "group": "a", "year": 2021, "estimate": 0.5,
    ...                     "se": 0.1, "ci_low": 0.3, "ci_high": 0.7, "df": 9, "deff": 1.0,
    ...                     "n": 50, "suppressed": False}, index=[0])
    >>> con = pd.DataFrame({"variable": "x", "year": [2018, 2021, 2024], "group_a": "a",
    ...                     "group_b": "b", "difference": 0.1, "ci_low": 0.0, "ci_high": 0.2,
    ...                     "p_value": 0.04, "p_adjusted": 0.1, "adjust_method": "holm",
    ...                     "significant": False, "suppressed": False, "family_size": 3})
    >>> data = SignificanceInput(est, (VariableInfo("x", "X"),), group_contrasts=con)
    >>> family_sizes(data, "group")
    {'x': {'I alt': 3}}
    """
    frame = _or_empty(data.group_contrasts if which == "group" else data.change_contrasts)
    b = data.banner
    out: dict[str, dict[str, int]] = {}
    if frame.empty or "family_size" not in frame.columns:
        return out
    sizes = pd.to_numeric(frame["family_size"], errors="coerce").tolist()
    for variable, rid, size in zip(frame["variable"].astype(str), row_ids(frame, b), sizes,
                                   strict=True):
        if isinstance(rid, str) or math.isnan(size):
            continue
        block = b.total_label if rid is None else b.breakdowns[rid[0]].heading
        out.setdefault(variable, {})[block] = int(size)
    return out


def adjust_methods(data: SignificanceInput) -> tuple[str, ...]:
    """The multiplicity corrections named in the contrasts, in order of appearance."""
    methods: list[str] = []
    for frame in (data.group_contrasts, data.change_contrasts):
        if frame is not None and "adjust_method" in frame.columns:
            methods.extend(key_text(m) for m in frame["adjust_method"] if key_text(m))
    return tuple(dict.fromkeys(methods))


__all__ = [
    "DOWN",
    "TIDY_COLUMNS",
    "UP",
    "BannerColumn",
    "Breakdown",
    "Cell",
    "SignificanceTable",
    "TableRow",
    "adjust_methods",
    "build_significance_tables",
    "family_sizes",
    "tidy_tables",
]
