"""Reading rake and calibration targets: a long table ``[*by, variable, level, total]``
with checks.  A row with an empty ``level`` is the population total of a numeric column
(calibration, R's ``calibrate(design, ~x, ...)``); the other rows are counts per level."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from survey_kit.errors import DataValidationError
from survey_kit.io.readers import read_data

MARGIN_COLUMNS = ("variable", "level", "total")
_ROW = "__source_row__"


def read_margins(
    path: str | Path, by: Sequence[str] | None = None, check_totals: bool = True
) -> pd.DataFrame:
    """Read and check register margins (rake or calibration targets).

    Parameters
    ----------
    path
        A file in any format :func:`read_data` reads, with columns ``variable``, ``level``,
        ``total`` and the grouping columns.  A row with an empty ``level`` is the total of
        the numeric column ``variable`` (e.g. the summed income of the population); such
        rows need :meth:`Design.calibrate` and are left out of ``check_totals``.
    by
        Grouping columns (e.g. ``["year", "group"]``); default: every other column.
    check_totals
        Require that, within each group, every variable's totals add up to the same
        population size (raking cannot meet inconsistent margins).

    Returns
    -------
    DataFrame
        Columns ``[*by, "variable", "level", "total"]``; ``total`` is float; ``level`` is
        NaN for a numeric total.

    Raises
    ------
    DataValidationError
        Naming the file and the line/row, column, group or variable at fault.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "margins.csv"
    >>> _ = path.write_text("variable,level,total\\nsex,f,60\\nsex,m,40\\nincome,,3.5e6\\n")
    >>> m = read_margins(path)
    >>> m["level"].tolist(), m["total"].tolist()
    (['f', 'm', nan], [60.0, 40.0, 3500000.0])
    """
    path = Path(path)
    data = read_data(path, row_column=_ROW)
    rows = data.pop(_ROW).to_numpy()
    missing = [c for c in MARGIN_COLUMNS if c not in data.columns]
    if missing:
        raise DataValidationError(
            f"{path}: margins lack column(s) {', '.join(missing)} "
            f"(expected columns [*by, variable, level, total], found {', '.join(data.columns)})"
        )
    groups = _by_columns(path, data, by)
    data = data[[*groups, *MARGIN_COLUMNS]].copy()
    where = _Places(path, rows, str(data.attrs.get("format", path.suffix.lstrip("."))))
    _check_cells(where, data, groups)
    if check_totals:
        _check_consistent(path, data, groups)
    data.attrs["source"] = str(path)
    return data


def _by_columns(path: Path, data: pd.DataFrame, by: Sequence[str] | None) -> list[str]:
    others = [str(c) for c in data.columns if c not in MARGIN_COLUMNS]
    if by is None:
        return others
    absent = [c for c in by if c not in data.columns]
    if absent:
        raise DataValidationError(f"{path}: by column(s) {', '.join(absent)} not found")
    extra = [c for c in others if c not in by]
    if extra:
        raise DataValidationError(
            f"{path}: unexpected column(s) {', '.join(extra)} (by is {', '.join(by) or 'empty'})"
        )
    return list(by)


@dataclass(frozen=True)
class _Places:
    """Where the rows of a margins file are (kept out of ``DataFrame.attrs``, which pandas
    deep-copies on every operation)."""

    path: Path
    rows: np.ndarray
    format: str

    def __call__(self, position: int) -> str:
        """'<file>, line N' for CSV, else '<file>, row N': the row as the file shows it
        (header and title rows counted; the case number for SPSS and Parquet)."""
        number = int(self.rows[position])
        if self.format == "csv":
            return f"{self.path}, line {number}"
        return f"{self.path}, row {number}"


def _check_cells(place: _Places, data: pd.DataFrame, groups: list[str]) -> None:
    total = pd.to_numeric(data["total"], errors="coerce")
    bad = (total.isna() | (total < 0) | np.isinf(total)).to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataValidationError(
            f"{place(i)}: column 'total': expected a number >= 0, "
            f"found {_show(data['total'].iloc[i])}"
        )
    data["total"] = total.astype(float)
    for column in [*groups, "variable"]:
        blank = _blank(data[column])
        if blank.any():
            i = int(np.flatnonzero(blank)[0])
            raise DataValidationError(f"{place(i)}: column {column!r} is blank")
    numeric = _blank(data["level"])
    data.loc[numeric, "level"] = np.nan
    keys = [data[c] for c in [*groups, "variable"]]
    empty = pd.Series(numeric, index=data.index)
    mixed = (empty.groupby(keys, sort=False).transform("any")
             & (~empty).groupby(keys, sort=False).transform("any")).to_numpy(dtype=bool)
    if mixed.any():
        i = int(np.flatnonzero(mixed & numeric)[0])
        raise DataValidationError(
            f"{place(i)}: variable {data['variable'].iloc[i]!r} has both levels "
            "and a total with an empty level (a numeric total); give one or the other")
    dup = data.duplicated([*groups, "variable", "level"], keep=False).to_numpy()
    if dup.any():
        first, second = np.flatnonzero(dup)[:2]
        raise DataValidationError(
            f"{place(int(second))}: duplicate margin "
            f"{data['variable'].iloc[second]}={_show(data['level'].iloc[second])} "
            f"(also at {place(int(first))})"
        )


def _blank(values: pd.Series) -> np.ndarray:
    return (values.isna() | (values.astype(str).str.strip() == "")).to_numpy(dtype=bool)


def _show(value: object) -> str:
    """repr of a cell value, without numpy's type wrapper."""
    return repr(value.item() if isinstance(value, np.generic) else value)


def _check_consistent(path: Path, data: pd.DataFrame, groups: list[str]) -> None:
    data = data[data["level"].notna()]  # numeric totals are not population counts
    sums = data.groupby([*groups, "variable"], sort=False)["total"].sum().reset_index()
    keys = groups if groups else None
    grouped = sums.groupby(keys, sort=False)["total"] if keys else [((), sums["total"])]
    for key, totals in grouped:
        low, high = float(totals.min()), float(totals.max())
        if high - low > 1e-6 * max(abs(high), 1.0):
            where = _group_text(groups, key)
            lo_var = sums["variable"].at[totals.idxmin()]
            hi_var = sums["variable"].at[totals.idxmax()]
            raise DataValidationError(
                f"{path}: margins disagree{where}: variable {lo_var!r} sums to {low:g} but "
                f"{hi_var!r} to {high:g} (every variable must add up to the same population)"
            )


def _group_text(groups: list[str], key: object) -> str:
    if not groups:
        return ""
    values = key if isinstance(key, tuple) else (key,)
    return " in group " + ", ".join(f"{g}={v}" for g, v in zip(groups, values, strict=True))
