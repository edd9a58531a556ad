"""Turning text cells into numbers deliberately, column by column.

CSV files are read as text first; a column becomes numeric only when every non-blank cell
is a number in the file's number style, so nothing is guessed cell by cell:

* Danish style (semicolon files): decimal comma, ``.`` as thousands separator
  (``1.234,5`` is 1234.5); English style (comma files): decimal point, ``,`` as thousands
  separator (``"1,234.5"``).  Tab-separated files and Excel text cells take the style that
  their unambiguous numbers show (``2,5`` or ``2.25``), English when nothing tells.
* A column whose cells fail the file's style but are all plain decimals of the other style
  (``1.5`` in a semicolon file) is read in that style.
* A column is kept as text when a number would lose what the text says: a leading zero
  (``01`` and ``1`` are different respondents) or 16 digits or more.
* ``true``/``false`` columns become booleans.  Blank cells and the usual missing tokens
  (``NA``, ``NaN``, ``NULL``, ``#N/A``, ``.``) are missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

MISSING_TOKENS = frozenset({"", "NA", "N/A", "NaN", "nan", "NULL", "null", "#N/A", "."})


@dataclass(frozen=True)
class NumberStyle:
    """How numbers are written: decimal mark, thousands separator and their patterns."""

    name: str
    decimal: str
    thousands: str
    pattern: re.Pattern[str]
    plain: re.Pattern[str]


ENGLISH = NumberStyle(
    "English style: 1,234.5", ".", ",",
    re.compile(r"[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"),
    re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"),
)
DANISH = NumberStyle(
    "Danish style: 1.234,5", ",", ".",
    re.compile(r"[+-]?(?:(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d*)?|,\d+)"),
    re.compile(r"[+-]?(?:\d+(?:,\d*)?|,\d+)"),
)
_KEEP_AS_TEXT = re.compile(r"[+-]?0\d.*|.*\d{16}.*")
_DANISH_SIGN = re.compile(r"[+-]?\d+,(?:\d{1,2}|\d{4,})")
_ENGLISH_SIGN = re.compile(r"[+-]?\d+\.(?:\d{1,2}|\d{4,})")


def style_for(delimiter: str | None, cells: pd.Series | None = None) -> NumberStyle:
    """The number style of a file: by its delimiter, else by what its numbers show.

    Examples
    --------
    >>> style_for(";").name, style_for(",").name
    ('Danish style: 1.234,5', 'English style: 1,234.5')
    >>> style_for("\\t", pd.Series(["2,5", "x", "3,25"])).name
    'Danish style: 1.234,5'
    """
    if delimiter == ";":
        return DANISH
    if delimiter == "," or cells is None:
        return ENGLISH
    text = cells.astype(str)
    danish = int(text.str.fullmatch(_DANISH_SIGN).sum())
    english = int(text.str.fullmatch(_ENGLISH_SIGN).sum())
    return DANISH if danish > english else ENGLISH


def blank_to_nan(text: pd.Series) -> pd.Series:
    """Stripped text cells, with blanks and missing tokens as NaN (object dtype)."""
    stripped = text.astype(object).where(text.notna(), None)
    is_text = stripped.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    out = stripped.copy()
    out[is_text] = stripped[is_text].str.strip()
    missing = out.isna().to_numpy(dtype=bool) | out.isin(MISSING_TOKENS).to_numpy(dtype=bool)
    return out.mask(missing, np.nan)


def convert_text(text: pd.Series, style: NumberStyle) -> pd.Series:
    """A column of text cells as numbers, booleans or (stripped) text.

    Examples
    --------
    >>> convert_text(pd.Series(["1.234,5", " 7 ", ""]), DANISH).tolist()
    [1234.5, 7.0, nan]
    >>> convert_text(pd.Series(["1", "01"]), DANISH).tolist()
    ['1', '01']
    >>> convert_text(pd.Series(["3", "4"]), ENGLISH).dtype
    dtype('int64')
    """
    cells = blank_to_nan(text)
    present = cells.dropna()
    if present.empty:
        return pd.Series(np.nan, index=text.index, dtype=float)
    if not all(isinstance(v, str) for v in present):
        return convert_mixed(cells, style)
    if present.str.fullmatch(_KEEP_AS_TEXT).any():
        return cells
    lower = present.str.lower()
    if lower.isin(("true", "false")).all():
        return cells.map(lambda v: v if not isinstance(v, str) else v.lower() == "true")
    for candidate, rule in ((style, style.pattern), (_other(style), _other(style).plain)):
        if present.str.fullmatch(rule).all():
            return _numbers(cells, present, candidate)
    return cells


def convert_mixed(cells: pd.Series, style: NumberStyle) -> pd.Series:
    """A column of typed cells (Excel): numbers stay numbers, number-text is converted
    when every text cell is a number; otherwise the column is kept as it is."""
    present = cells.dropna()
    is_text = present.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    is_number = present.map(
        lambda v: isinstance(v, int | float | np.number) and not isinstance(v, bool | np.bool_)
    ).to_numpy(dtype=bool)
    if not (is_text | is_number).all():
        return cells
    text = present[is_text]
    if is_text.any() and (text.str.fullmatch(_KEEP_AS_TEXT).any()
                          or not text.str.fullmatch(style.pattern).all()):
        return cells
    out = pd.to_numeric(present.where(~is_text, np.nan), errors="coerce").astype(float)
    if is_text.any():
        out[is_text] = _numbers(text, text, style).to_numpy(dtype=float)
    return _as_int_if_whole(out.reindex(cells.index))


def parse_number(text: str, style: NumberStyle) -> float | None:
    """One number in ``style`` (or plain in the other style), or None.

    Examples
    --------
    >>> parse_number("1.234,5", DANISH), parse_number("1,234.5", DANISH)
    (1234.5, None)
    """
    text = text.strip()
    for candidate, rule in ((style, style.pattern), (_other(style), _other(style).plain)):
        if rule.fullmatch(text):
            plain = text.replace(candidate.thousands, "").replace(candidate.decimal, ".")
            return float(plain)
    return None


def _other(style: NumberStyle) -> NumberStyle:
    return ENGLISH if style is DANISH else DANISH


def _numbers(cells: pd.Series, present: pd.Series, style: NumberStyle) -> pd.Series:
    plain = present.str.replace(style.thousands, "", regex=False)
    if style.decimal != ".":
        plain = plain.str.replace(style.decimal, ".", regex=False)
    values = pd.to_numeric(plain).astype(float).reindex(cells.index)
    if plain.str.contains(r"[.eE]", regex=True).any():
        return values
    return _as_int_if_whole(values)


def _as_int_if_whole(values: pd.Series) -> pd.Series:
    """int64 when every value is present and whole (as pandas reads such a column)."""
    array = values.to_numpy(dtype=float)
    if np.isnan(array).any() or not np.all(np.mod(array, 1) == 0) or np.abs(array).max() > 2**53:
        return values.astype(float)
    return values.astype(np.int64)
