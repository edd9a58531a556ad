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
  (``01`` and ``1`` are different respondents) or a whole number of 16 digits or more.
* ``true``/``false`` columns become booleans.  Blank cells and the usual missing tokens
  (``NA``, ``NaN``, ``NULL``, ``#N/A``, ``.``) are missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

MISSING_TOKENS = frozenset({"", "NA", "N/A", "NaN", "nan", "NULL", "null", "#N/A", "."})
_TOKENS = pa.array(sorted(MISSING_TOKENS), type=pa.string())


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
_KEEP_AS_TEXT = re.compile(r"[+-]?0\d.*|[+-]?\d{16,}")
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


def blank_to_nan(cells: pd.Series) -> pd.Series:
    """Typed cells (Excel) with text stripped and blanks and missing tokens as NaN (object).

    Examples
    --------
    >>> blank_to_nan(pd.Series([" a ", "NA", 3, None])).tolist()
    ['a', nan, 3, nan]
    """
    out = cells.astype(object).where(cells.notna(), np.nan)
    is_text = out.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    out[is_text] = out[is_text].str.strip()
    missing = out.isna().to_numpy(dtype=bool) | out.isin(MISSING_TOKENS).to_numpy(dtype=bool)
    return out.mask(missing, np.nan)


def text_array(values: pd.Series) -> pa.Array:
    """Text cells (every non-missing cell a string) as an Arrow string array: stripped,
    blanks and missing tokens null.  Arrow keeps every later step vectorised."""
    array = pa.array(values, type=pa.string(), from_pandas=True)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    stripped = pc.utf8_trim_whitespace(array)
    missing = pc.fill_null(pc.is_in(stripped, value_set=_TOKENS), True)
    return pc.if_else(missing, pa.scalar(None, pa.string()), stripped)


def convert_text(values: pd.Series, style: NumberStyle) -> pd.Series:
    """A column of cells as numbers, booleans or (stripped) text; typed cells (Excel) that
    are not all text go through :func:`convert_mixed`.

    Examples
    --------
    >>> convert_text(pd.Series(["1.234,5", " 7 ", ""]), DANISH).tolist()
    [1234.5, 7.0, nan]
    >>> convert_text(pd.Series(["1", "01"]), DANISH).tolist()
    ['1', '01']
    >>> convert_text(pd.Series(["3", "4"]), ENGLISH).dtype
    dtype('int64')
    """
    if values.dtype != object and pd.api.types.is_string_dtype(values):
        return convert_array(text_array(values), style, values.index)
    cells = blank_to_nan(values)
    if not all(isinstance(v, str) for v in cells.dropna()):
        return convert_mixed(cells, style)
    return convert_array(text_array(cells), style, values.index)


def convert_array(array: pa.Array, style: NumberStyle, index: pd.Index) -> pd.Series:
    """Arrow text cells (see :func:`text_array`) as numbers, booleans or text."""
    present = pc.drop_null(array)
    if len(present) == 0:
        return pd.Series(np.nan, index=index, dtype=float)
    if _keep_as_text(present):
        return text_series(array, index)
    plain = _plain_numbers(array, present, style, index)
    if plain is not None:
        return plain
    if _all(pc.utf8_lower(present), "true|false"):
        flags = pd.Series(pc.equal(pc.utf8_lower(array), "true").to_pylist(), index=index)
        return flags.where(flags.notna(), np.nan) if flags.isna().any() else flags.astype(bool)
    for candidate, rule in ((style, style.pattern), (_other(style), _other(style).plain)):
        if _all(present, rule.pattern):
            return _arrow_numbers(array, candidate, index)
    return text_series(array, index)


def _plain_numbers(
    array: pa.Array, present: pa.Array, style: NumberStyle, index: pd.Index
) -> pd.Series | None:
    """The common case fast: every cell a plain number (``3``, ``12.5``, ``-1e3``) that
    means the same in ``style`` (in Danish style only whole numbers: ``1.234`` is 1234)."""
    if not _all(present.slice(0, 200), r"[+-]?[0-9.eE+-]+"):  # a failing cast is slow
        return None
    try:
        values = pc.cast(array, pa.float64())
    except pa.ArrowInvalid:
        return None
    if bool(pc.any(pc.is_inf(values)).as_py()):  # "inf" is text here, not a number
        return None
    dotted = bool(pc.any(pc.match_substring(present, ".")).as_py())
    if style is DANISH and dotted:
        return None
    out = pd.Series(values.to_numpy(zero_copy_only=False), index=index)
    if dotted or bool(pc.any(pc.match_substring_regex(present, "[eE]")).as_py()):
        return out
    return _as_int_if_whole(out)


def text_series(array: pa.Array, index: pd.Index) -> pd.Series:
    """Arrow text as an object Series with NaN for missing cells."""
    values = np.asarray(array.to_numpy(zero_copy_only=False), dtype=object)
    values[pd.isna(values)] = np.nan
    return pd.Series(values, index=index, dtype=object)


def _keep_as_text(present: pa.Array) -> bool:
    """A leading zero or a 16-digit whole number in the column (cheap filters first)."""
    zero = pc.or_(pc.starts_with(present, "0"), pc.match_substring_regex(present, "^[+-]0"))
    long = pc.greater_equal(pc.utf8_length(present), 16)
    suspects = pc.filter(present, pc.or_(zero, long))
    return len(suspects) > 0 and _any(suspects, _KEEP_AS_TEXT.pattern)


def _all(array: pa.Array, pattern: str) -> bool:
    return bool(pc.all(pc.match_substring_regex(array, f"^(?:{pattern})$")).as_py())


def _any(array: pa.Array, pattern: str) -> bool:
    return bool(pc.any(pc.match_substring_regex(array, f"^(?:{pattern})$")).as_py())


def _arrow_numbers(array: pa.Array, style: NumberStyle, index: pd.Index) -> pd.Series:
    plain = pc.replace_substring(array, style.thousands, "")
    if style.decimal != ".":
        plain = pc.replace_substring(plain, style.decimal, ".")
    values = pd.Series(pc.cast(plain, pa.float64()).to_numpy(zero_copy_only=False), index=index)
    if _any(pc.drop_null(plain), ".*[.eE].*"):
        return values
    return _as_int_if_whole(values)


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
        numbers = _arrow_numbers(text_array(text), style, text.index)
        out[is_text] = numbers.to_numpy(dtype=float)
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


def _as_int_if_whole(values: pd.Series) -> pd.Series:
    """int64 when every value is present and whole (as pandas reads such a column)."""
    array = values.to_numpy(dtype=float)
    if np.isnan(array).any() or not np.all(np.mod(array, 1) == 0) or np.abs(array).max() > 2**53:
        return values.astype(float)
    return values.astype(np.int64)
