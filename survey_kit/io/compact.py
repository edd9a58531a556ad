"""Lossless compact storage of answer codes: a national file's item columns in a fraction of
the memory, every value unchanged.

Answer codes are small whole numbers (1-5, missing codes such as 8, 9 or 98), read as
``int64`` (or ``float64`` when a cell is blank).  :func:`compact_codes` stores each such
column in the smallest type that holds every value exactly: ``int8``/``int16`` for whole
numbers, ``float32`` for whole numbers with blanks (every integer up to 2**24 is exact in
float32).  Anything else (fractions, text, large numbers) is left as it is, so the
conversion to float64 codes downstream gives exactly the numbers it gave before.
"""

from __future__ import annotations

from collections.abc import Iterable

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
            smaller = _smallest(values.to_numpy()) if isinstance(values.dtype, np.dtype) \
                else None
            if smaller is not None:
                changed[column] = values.astype(smaller)
    return data.assign(**changed) if changed else data


def _smallest(values: np.ndarray) -> np.dtype | None:
    """The smallest dtype holding every value exactly, or None to keep the column."""
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
    """Return the memory Arrow's allocator keeps for reuse after reading to the system
    (a national Parquet file leaves hundreds of MB of freed buffers in the pool)."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


__all__ = ["as_objects", "compact_codes", "release_unused"]
