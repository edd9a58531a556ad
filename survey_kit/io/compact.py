"""Lossless compact storage of answer codes and repeated texts: a national file's columns in
a fraction of the memory, every value unchanged.

Answer codes are small whole numbers (1-5, missing codes such as 8, 9 or 98), read as
``int64`` (or ``float64`` when a cell is blank).  :func:`compact_codes` stores each such
column in the smallest type that holds every value exactly: ``int8``/``int16`` for whole
numbers, ``float32`` for whole numbers with blanks (every integer up to 2**24 is exact in
float32).  Anything else (fractions, text, large numbers) is left as it is, so the
conversion to float64 codes downstream gives exactly the numbers it gave before.

Text columns that repeat their values (group, area, stratum, PSU, gender, the file name)
take 12-27 bytes a row as text; :func:`compact_text` stores them as categoricals, 1-2 bytes
a row, with the same values, missing values and sorted order.  Their categories are Python
strings (:data:`TEXT_CATEGORIES`), which tells them apart from a categorical the user made
(:func:`is_compact_text`): a domain of such a column is keyed by its text in the estimate
tables, as the text column was.
"""

from __future__ import annotations

import ctypes
import functools
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

FLOAT32_EXACT = 2**24
"""Whole numbers up to this size are exact in float32."""


def compact_codes(data: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """``data`` with the listed numeric code columns in the smallest exact type.

    Parameters
    ----------
    data
        The respondent table (not modified).
    columns
        Item columns; names not in ``data`` are skipped.

    Returns
    -------
    DataFrame
        The same values; integer columns as ``int8``/``int16``/``int32`` where they fit,
        float columns holding only whole numbers (and blanks) within +-2**24 as
        ``float32``.

    Examples
    --------
    >>> d = pd.DataFrame({"q1": [1, 5, 9], "q2": [1.0, np.nan, 3.0], "q3": [0.5, 1, 2],
    ...                   "id": [10**6, 2, 3]})
    >>> compact_codes(d, ["q1", "q2", "q3", "nope"]).dtypes.astype(str).tolist()
    ['int8', 'float32', 'float64', 'int64']
    """
    changed = {}
    for column in dict.fromkeys(columns):
        if column in data.columns:
            values = data[column]
            smaller = smallest_exact(values.to_numpy()) if isinstance(values.dtype, np.dtype) \
                else None
            if smaller is not None:
                changed[column] = values.astype(smaller)
    return data.assign(**changed) if changed else data


def smallest_exact(values: np.ndarray) -> np.dtype | None:
    """The smallest dtype holding every value exactly (``int8``/``int16``/``int32`` for
    integers, ``float32`` for whole numbers with blanks), or None to keep the values as
    they are.

    Examples
    --------
    >>> smallest_exact(np.array([-1, 0, 200])), smallest_exact(np.array([0.5]))
    (dtype('int16'), None)
    """
    if values.size == 0:
        return None
    if values.dtype.kind in "iu" and values.dtype.itemsize > 1:
        low, high = int(values.min()), int(values.max())
        for kind in (np.int8, np.int16, np.int32):
            info = np.iinfo(kind)
            if info.min <= low and high <= info.max:
                return None if np.dtype(kind).itemsize >= values.dtype.itemsize \
                    else np.dtype(kind)
        return None
    if values.dtype == np.float64:
        known = values[~np.isnan(values)]
        if known.size and (np.abs(known).max() > FLOAT32_EXACT
                           or not np.array_equal(known, np.trunc(known))):
            return None
        return np.dtype(np.float32)
    return None


def as_objects(values: pd.Series) -> pd.Series:
    """``values.astype(object)``, with one Python object per distinct text instead of one
    per row (a national file's area column: 8 bytes a row instead of ~60); other dtypes
    are converted as they are.

    Examples
    --------
    >>> s = pd.Series(["a", "b", None, "a"], dtype="string")
    >>> out = as_objects(s)
    >>> out.tolist() == s.astype(object).tolist(), out.dtype, out.iloc[0] is out.iloc[3]
    (True, dtype('O'), True)
    """
    if not isinstance(values.dtype, pd.StringDtype):
        return values.astype(object)
    codes, uniques = pd.factorize(values)
    table = np.asarray(uniques.astype(object), dtype=object)
    out = table[np.maximum(codes, 0)] if len(table) else np.empty(len(values), dtype=object)
    lacking = codes < 0
    if lacking.any():
        out[lacking] = values[lacking].astype(object).to_numpy()
    return pd.Series(out, index=values.index, name=values.name, dtype=object)


def release_unused() -> None:
    """Return the memory that allocators keep for reuse to the system: Arrow's pool (a
    national Parquet file leaves hundreds of MB of freed buffers in it) and, with glibc, the
    free pages of the C heap (``malloc_trim``: the arrays a step freed, 100-150 MB at a
    million respondents, would otherwise stay resident, and be copied into every forked
    worker's share)."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None where there is none (macOS, musl, Windows)."""
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim  # type: ignore[no-any-return]
    except (OSError, AttributeError):
        return None


TEXT_CATEGORIES = pd.StringDtype("python", na_value=np.nan)
"""The dtype of the categories of a :func:`compact_text` column (Python strings)."""

MAX_TEXT_SHARE = 0.5
"""A text column is stored as a categorical when it has at most this many distinct values
per row (an id column, with one per row, stays text)."""


def compact_text(data: pd.DataFrame, skip: Iterable[object] = ()) -> pd.DataFrame:
    """``data`` with each text column that repeats its values stored as a categorical.

    Parameters
    ----------
    data
        The respondent table (not modified).
    skip
        Columns left as they are (the respondent id).

    Returns
    -------
    DataFrame
        The same values and missing values; a text column (pandas ``str``, or Python
        strings as a CSV file is read) with at most :data:`MAX_TEXT_SHARE` distinct values
        per row as a categorical whose categories are its distinct texts, sorted
        (:func:`text_categorical`).

    Examples
    --------
    >>> d = pd.DataFrame({"group": ["b", "a", None, "b"], "id": ["1", "2", "3", "4"]})
    >>> out = compact_text(d)
    >>> out["group"].tolist(), is_compact_text(out["group"].dtype), out["id"].dtype
    (['b', 'a', nan, 'b'], True, <StringDtype(na_value=nan)>)
    """
    kept = set(skip)
    changed = {}
    for column in data.columns:
        if column not in kept:
            values = compact_text_column(data[column])
            if values is not data[column]:
                changed[column] = values
    if not changed:
        return data
    out = data.copy(deep=False)
    for column, values in changed.items():
        out[column] = values
    return out


def text_categorical(codes: np.ndarray, uniques: pd.Index, like: pd.Series) -> pd.Series:
    """A :func:`compact_text` column from sorted factor codes (``-1``: missing) and the
    distinct texts, with the index and name of ``like``."""
    categories = pd.Index(np.asarray(uniques, dtype=object), dtype=TEXT_CATEGORIES)
    return pd.Series(pd.Categorical.from_codes(codes, categories=categories),
                     index=like.index, name=like.name)


def compact_text_column(values: pd.Series) -> pd.Series:
    """One column as :func:`compact_text` stores it, also from Python objects (e.g. a
    reporting-unit column built from two text columns); a column holding anything but
    text and missing values, or almost no repeats, is returned as it is.

    Examples
    --------
    >>> s = pd.Series(["area 2", "almene", None, "area 2"], dtype=object)
    >>> out = compact_text_column(s)
    >>> out.tolist(), is_compact_text(out.dtype)
    (['area 2', 'almene', nan, 'area 2'], True)
    >>> compact_text_column(pd.Series([1, "a"], dtype=object)).dtype
    dtype('O')
    """
    if not (isinstance(values.dtype, pd.StringDtype)
            or (values.dtype == object and pd.api.types.infer_dtype(values) == "string")):
        return values
    codes, uniques = pd.factorize(values, sort=True)
    if len(uniques) > MAX_TEXT_SHARE * len(values):
        return values
    return text_categorical(codes, uniques, values)


def is_compact_text(dtype: object) -> bool:
    """Whether ``dtype`` is that of a :func:`compact_text` column (a categorical of Python
    strings), not a categorical the user made."""
    return (isinstance(dtype, pd.CategoricalDtype) and not dtype.ordered
            and dtype.categories.dtype == TEXT_CATEGORIES)


__all__ = ["as_objects", "compact_codes", "compact_text", "compact_text_column",
           "is_compact_text", "release_unused", "smallest_exact", "text_categorical"]
