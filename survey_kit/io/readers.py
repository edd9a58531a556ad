"""Reading respondent data files verbatim, with provenance in ``DataFrame.attrs``.

Every failure raises :class:`DataValidationError` naming the file (and the line when the
underlying reader reports it).  SPSS files keep their value labels and user-missing codes.
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyreadstat

from survey_kit.errors import DataValidationError

READ_ERRORS: tuple[type[BaseException], ...] = (
    ValueError, OSError, UnicodeDecodeError, zipfile.BadZipFile, KeyError,
    pyreadstat.ReadstatError, pyreadstat.PyreadstatError,
)
SUFFIXES = (".sav", ".zsav", ".csv", ".xlsx", ".xls", ".parquet")


def read_data(path: str | Path, *, sheet: str | int | None = None) -> pd.DataFrame:
    """Read a data file as it is: no recoding, no dropped rows.

    Parameters
    ----------
    path
        ``.sav``/``.zsav`` (SPSS, via pyreadstat with ``user_missing=True``), ``.csv``
        (comma, or semicolon with decimal comma; UTF-8 or Windows-1252), ``.xlsx``/``.xls``
        or ``.parquet``.
    sheet
        Excel sheet name or number (default: the first sheet).

    Returns
    -------
    DataFrame
        ``attrs["source"]`` is the path and ``attrs["format"]`` the file type; SPSS files
        also give ``attrs["value_labels"]`` (column -> {code: label}),
        ``attrs["missing_ranges"]`` (column -> user-missing codes/ranges) and
        ``attrs["column_labels"]``.

    Raises
    ------
    DataValidationError
        Missing file, unsupported type, unreadable content or duplicate column names.

    Examples
    --------
    >>> read_data("no/such/file.csv")
    Traceback (most recent call last):
    ...
    survey_kit.errors.DataValidationError: no/such/file.csv: data file not found
    """
    path = Path(path)
    if not path.is_file():
        raise DataValidationError(f"{path}: data file not found")
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise DataValidationError(
            f"{path}: unsupported file type {suffix or '(none)'!r} "
            f"(expected one of {', '.join(SUFFIXES)})"
        )
    try:
        data = _READERS[suffix](path, sheet)
    except DataValidationError:
        raise
    except READ_ERRORS as exc:
        detail = " ".join(str(exc).split()) or type(exc).__name__
        raise DataValidationError(f"{path}: cannot read {suffix} file: {detail}") from exc
    data.attrs["source"] = str(path)
    data.attrs["format"] = suffix.lstrip(".")
    return data


def _read_sav(path: Path, sheet: str | int | None) -> pd.DataFrame:
    data, meta = pyreadstat.read_sav(str(path), user_missing=True)
    data.attrs["value_labels"] = dict(meta.variable_value_labels)
    data.attrs["missing_ranges"] = dict(meta.missing_ranges)
    data.attrs["column_labels"] = {
        name: label for name, label in meta.column_names_to_labels.items() if label
    }
    return data


def _read_csv(path: Path, sheet: str | int | None) -> pd.DataFrame:
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        header_line = handle.readline()
    if not header_line.strip():
        raise DataValidationError(f"{path}: empty file (expected a header line)")
    danish = header_line.count(";") > header_line.count(",")
    sep = ";" if danish else ","
    header = next(csv.reader([header_line], delimiter=sep))
    _check_header(path, [h.strip() for h in header])
    decimal = "," if danish else "."
    try:
        return pd.read_csv(path, sep=sep, decimal=decimal, encoding="utf-8-sig",
                           skipinitialspace=True)
    except UnicodeDecodeError:  # Danish Windows exports
        return pd.read_csv(path, sep=sep, decimal=decimal, encoding="cp1252",
                           skipinitialspace=True)


def _check_header(path: Path, names: list[str]) -> None:
    seen: set[str] = set()
    for number, name in enumerate(names, start=1):
        if name in seen:
            raise DataValidationError(f"{path}: column {number}: duplicate column name {name!r}")
        seen.add(name)


def _read_excel(path: Path, sheet: str | int | None) -> pd.DataFrame:
    data = pd.read_excel(path, sheet_name=0 if sheet is None else sheet)
    _check_header(path, [str(c) for c in data.columns])
    return data


def _read_parquet(path: Path, sheet: str | int | None) -> pd.DataFrame:
    return pd.read_parquet(path)


_READERS: dict[str, Callable[[Path, str | int | None], pd.DataFrame]] = {
    ".sav": _read_sav,
    ".zsav": _read_sav,
    ".csv": _read_csv,
    ".xlsx": _read_excel,
    ".xls": _read_excel,
    ".parquet": _read_parquet,
}
