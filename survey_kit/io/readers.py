"""Reading respondent data files as they arrive, with provenance in ``DataFrame.attrs``.

Every failure raises :class:`DataValidationError` with one line naming the file as the user
named it and, where it applies, the row, the column and what was expected.  SPSS files keep
their value labels and user-missing codes.

Row numbers are the rows the user sees when opening the file: for CSV and Excel files the
spreadsheet row (the header is a row, title rows above it count), for SPSS and Parquet files
the case number (row 1 is the first respondent).  ``read_data(..., row_column="source_row")``
adds them as a column.
"""

from __future__ import annotations

import dataclasses
import inspect
import io
import os
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyreadstat

from survey_kit.errors import DataValidationError
from survey_kit.io.archive import DATA_SUFFIXES, file_kind, gunzip, zip_member
from survey_kit.io.convert import (
    NumberStyle,
    blank_to_nan,
    convert_array,
    convert_text,
    parse_number,
    style_for,
    text_array,
    text_series,
)
from survey_kit.io.delimited import DELIMITERS, read_delimited
from survey_kit.io.encoding import decode
from survey_kit.io.header import SCAN_ROWS, find_header
from survey_kit.io.show import show_value

READ_ERRORS: tuple[type[BaseException], ...] = (
    ValueError, OSError, UnicodeDecodeError, zipfile.BadZipFile, KeyError, ImportError,
    pyreadstat.ReadstatError, pyreadstat.PyreadstatError,
)
SUFFIXES = (*DATA_SUFFIXES, ".zip")


@dataclass(frozen=True)
class ReadOptions:
    """Options of :func:`read_data` passed to the format readers."""

    sheet: str | int | None = None
    header_row: int | None = None
    text_columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    """A read table: the data, the file row of each data row and what to record."""

    data: pd.DataFrame
    rows: np.ndarray
    attrs: dict[str, Any]
    style: NumberStyle | None = None
    name: str = ""


def read_data(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    header_row: int | None = None,
    text_columns: Sequence[str] = (),
    numeric_columns: Sequence[str] = (),
    row_column: str | None = None,
) -> pd.DataFrame:
    """Read a data file as it is: no recoding, no dropped respondents.

    Parameters
    ----------
    path
        ``.sav``/``.zsav`` (SPSS, via pyreadstat with ``user_missing=True``), ``.csv``
        (comma, semicolon or tab; UTF-8 with or without BOM, UTF-16 or Windows-1252),
        ``.tsv``, ``.csv.gz``, ``.xlsx``/``.xls``, ``.parquet``, or a ``.zip`` holding one of
        these.
    sheet
        Excel sheet name or number (default: the first sheet).
    header_row
        Spreadsheet row of the column names (CSV and Excel); default: found below any
        title rows, an error when two rows look like headers.
    text_columns
        CSV and Excel columns kept as text (e.g. the respondent id); other columns become
        numbers only when every cell is a number (see :mod:`survey_kit.io.convert`).
        A column with a leading zero (``01``) is always kept as text.
    numeric_columns
        Columns that must be numbers (e.g. the weight): a cell that is not raises an error
        naming its row.
    row_column
        When given, a column of that name holds each row's row number in the file.

    Returns
    -------
    DataFrame
        A fresh 0..n-1 index.  ``attrs["source"]`` is the path and ``attrs["format"]`` the
        file type; text files add ``encoding``, ``delimiter``, ``number_style`` and
        ``header_row``; CSV and Excel files ``blank_rows`` (fully blank rows left out);
        SPSS files ``value_labels`` (column -> {code: label}), ``missing_ranges``
        (column -> user-missing codes/ranges) and ``column_labels``.

    Raises
    ------
    DataValidationError
        Missing, empty or header-only file, unsupported type, undecodable or mixed
        encodings, a header that does not split, an ambiguous header row, duplicate column
        names, unreadable content or a non-number in ``numeric_columns``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "svar.csv").write_text("resp_id;vægt\\n01;1.234,5\\n1;2\\n")
    >>> d = read_data(folder / "svar.csv", row_column="source_row")
    >>> d.to_dict("list")
    {'resp_id': ['01', '1'], 'vægt': [1234.5, 2.0], 'source_row': [2, 3]}
    >>> read_data("no/such/file.csv")
    Traceback (most recent call last):
    ...
    survey_kit.errors.DataValidationError: no/such/file.csv: data file not found
    """
    path = Path(path)
    name = str(path)
    if not path.is_file():
        raise DataValidationError(f"{name}: data file not found")
    kind = file_kind(path.name)
    if kind is None:
        raise DataValidationError(
            f"{name}: unsupported file type {path.suffix.lower() or '(none)'!r} "
            f"(expected one of {', '.join(SUFFIXES)})"
        )
    options = ReadOptions(sheet, header_row, tuple(text_columns))
    table = _read(path.read_bytes(), kind, name, options)
    data = table.data
    _require_numbers(data, table, numeric_columns)
    if row_column is not None:
        data[row_column] = table.rows
    data.attrs.update({"source": name, **table.attrs})
    return data


def _read(raw: bytes, kind: str, name: str, options: ReadOptions) -> Table:
    """Dispatch by file kind; library errors become one-line DataValidationErrors."""
    if kind == ".zip":
        member = zip_member(raw, name)
        return _read(member.raw, member.kind, member.name, options)
    if kind.endswith(".gz"):
        return _read(gunzip(raw, name), kind[:-3], name, options)
    try:
        table = _READERS[kind](raw, name, options)
    except DataValidationError:
        raise
    except READ_ERRORS as exc:
        detail = " ".join(str(exc).split()) or type(exc).__name__
        raise DataValidationError(f"{name}: cannot read {kind} file: {detail}") from exc
    if len(table.data) == 0:
        raise DataValidationError(f"{name}: {_no_rows(table)}")
    return dataclasses.replace(table, name=name)


def _no_rows(table: Table) -> str:
    header = table.attrs.get("header_row")
    if header is not None:
        return f"no data rows below the header (row {header}); expected one row per respondent"
    return "no respondents (0 cases); expected one row per respondent"


def _read_text(raw: bytes, name: str, options: ReadOptions) -> Table:
    decoded = decode(raw, name)
    text = read_delimited(decoded.text, name, options.header_row)
    cells = text.cells.set_axis(_column_names(text.header, name), axis=1)
    rows = text.header_row + 1 + np.arange(len(cells))
    sample = pd.concat([cells[c].head(SCAN_ROWS * 4) for c in cells.columns], ignore_index=True)
    style = style_for(text.delimiter, sample)
    table = _finish(cells, rows, style, options, typed=False)
    attrs = {"format": "csv", "encoding": decoded.encoding,
             "delimiter": DELIMITERS[text.delimiter], "number_style": style.name,
             "header_row": text.header_row, **table.attrs}
    return Table(table.data, table.rows, attrs, style)


def _read_excel(raw: bytes, name: str, options: ReadOptions) -> Table:
    sheet = 0 if options.sheet is None else options.sheet
    grid = pd.read_excel(io.BytesIO(raw), sheet_name=sheet, header=None, dtype=object)
    if grid.empty:
        raise DataValidationError(f"{name}: empty sheet (expected a header row and data rows)")
    top = grid.head(SCAN_ROWS).astype(object).where(grid.head(SCAN_ROWS).notna(), None)
    start = (options.header_row - 1 if options.header_row is not None
             else find_header(top.to_numpy().tolist(), name))
    header = ["" if pd.isna(c) else str(c).strip() for c in grid.iloc[start]]
    cells = grid.iloc[start + 1:].set_axis(_column_names(header, name), axis=1)
    rows = cells.index.to_numpy(dtype=np.int64) + 1  # the grid keeps leading blank rows
    texts = pd.concat([cells[c].head(SCAN_ROWS * 4) for c in cells.columns])
    style = style_for(None, texts[texts.map(lambda v: isinstance(v, str))])
    table = _finish(cells.reset_index(drop=True), rows, style, options, typed=True)
    attrs = {"format": "xlsx" if not name.lower().endswith(".xls") else "xls",
             "header_row": start + 1, "number_style": style.name, **table.attrs}
    return Table(table.data, table.rows, attrs, style)


def _column_names(header: list[str], name: str) -> list[str]:
    """Header names; a blank name becomes ``Unnamed: k`` (as pandas); duplicates refused."""
    names = [h if h else f"Unnamed: {k}" for k, h in enumerate(header)]
    seen: set[str] = set()
    for number, column in enumerate(names, start=1):
        if column in seen:
            raise DataValidationError(
                f"{name}: column {number}: duplicate column name {show_value(column)}"
            )
        seen.add(column)
    return names


def _finish(
    cells: pd.DataFrame, rows: np.ndarray, style: NumberStyle, options: ReadOptions,
    typed: bool,
) -> Table:
    """Drop fully blank rows and unnamed blank columns; convert each column deliberately.

    Text cells (CSV) go through Arrow string arrays; ``typed`` cells (Excel) stay objects."""
    if not typed:
        arrays = {c: text_array(cells[c]) for c in cells.columns}
        blank = np.logical_and.reduce(
            [a.is_null().to_numpy(zero_copy_only=False) for a in arrays.values()])
        keep = pa.array(~blank)
        columns = {c: a.filter(keep) for c, a in arrays.items()}
        present = {c: a.null_count < len(a) for c, a in columns.items()}
    else:
        frame = pd.DataFrame({c: blank_to_nan(cells[c]) for c in cells.columns})
        blank = frame.isna().all(axis=1).to_numpy()
        columns = {c: frame.loc[~blank, c].reset_index(drop=True) for c in frame.columns}
        present = {c: bool(v.notna().any()) for c, v in columns.items()}
    rows = rows[~blank]
    index = pd.RangeIndex(len(rows))
    kept = [c for c in columns if present[c] or not str(c).startswith("Unnamed: ")]
    as_text = set(options.text_columns)
    converted = {c: _convert(columns[c], c in as_text, style, index) for c in kept}
    data = pd.DataFrame(converted, index=index, columns=kept)
    return Table(data, rows, {"blank_rows": int(blank.sum())}, style)


def _convert(values: pa.Array | pd.Series, as_text: bool, style: NumberStyle,
             index: pd.Index) -> pd.Series:
    if isinstance(values, pa.Array):
        return text_series(values, index) if as_text else convert_array(values, style, index)
    return _as_text(values) if as_text else convert_text(values, style)


def _as_text(cells: pd.Series) -> pd.Series:
    """Cells as text (whole numbers without ``.0``); blanks stay NaN."""
    return cells.map(_text, na_action="ignore")


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value if isinstance(value, str) else str(value)


def _read_sav(raw: bytes, name: str, options: ReadOptions) -> Table:
    handle, tmp_name = tempfile.mkstemp(suffix=".sav")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(raw)
        data, meta = pyreadstat.read_sav(tmp_name, user_missing=True)
    finally:
        os.remove(tmp_name)
    attrs = {
        "format": "sav",
        "value_labels": dict(meta.variable_value_labels),
        "missing_ranges": dict(meta.missing_ranges),
        "column_labels": {n: lab for n, lab in meta.column_names_to_labels.items() if lab},
    }
    return Table(data, np.arange(1, len(data) + 1), attrs)


_LEAN_PARQUET = ({"to_pandas_kwargs": {"self_destruct": True, "split_blocks": True}}
                 if "to_pandas_kwargs" in inspect.signature(pd.read_parquet).parameters
                 else {})
"""pandas >= 3: each Arrow column is freed as it is converted (the peak while reading a
national file is one copy of the data, not two)."""


def _read_parquet(raw: bytes, name: str, options: ReadOptions) -> Table:
    data = pd.read_parquet(io.BytesIO(raw), **_LEAN_PARQUET)  # type: ignore[arg-type]
    return Table(data.reset_index(drop=True), np.arange(1, len(data) + 1), {"format": "parquet"})


def _require_numbers(data: pd.DataFrame, table: Table, columns: Sequence[str]) -> None:
    """Every listed column present must be numeric; else name the first cell that is not."""
    for column in columns:
        if column in data.columns and not pd.api.types.is_numeric_dtype(data[column]):
            data[column] = _numbers_or_error(data[column], table)


def _numbers_or_error(values: pd.Series, table: Table) -> pd.Series:
    """The cells as floats, or an error naming the first cell that is not a number."""
    style = table.style
    out = np.full(len(values), np.nan)
    for position, value in enumerate(values):
        number = _number(value, style)
        if number is None:
            expected = f"a number ({style.name})" if style is not None else "a number"
            raise DataValidationError(
                f"{table.name}: row {int(table.rows[position])}, column {values.name!r}: expected "
                f"{expected}, found {show_value(value)}"
            )
        out[position] = number
    return pd.Series(out, index=values.index, name=values.name)


def _number(value: object, style: NumberStyle | None) -> float | None:
    if isinstance(value, bool):
        return None
    if value is None or isinstance(value, int | float | np.number):
        return float(value) if value is not None else np.nan
    if isinstance(value, str) and style is not None:
        return parse_number(value, style)
    return None


_READERS = {
    ".sav": _read_sav,
    ".zsav": _read_sav,
    ".csv": _read_text,
    ".tsv": _read_text,
    ".xlsx": _read_excel,
    ".xls": _read_excel,
    ".parquet": _read_parquet,
}
