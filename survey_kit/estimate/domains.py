"""Domain (subpopulation) coding: one integer code per respondent for a set of ``by`` columns."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from survey_kit.errors import EstimationError
from survey_kit.io.compact import is_compact_text, smallest_exact


def as_list(names: str | Sequence[str] | None) -> list[str]:
    """Normalise a column name, a list of names or None to a list."""
    if names is None:
        return []
    if isinstance(names, str):
        return [names]
    return list(names)


def check_columns(data: pd.DataFrame, names: Sequence[str], role: str) -> None:
    """Raise EstimationError naming the first column that is not in the data."""
    missing = [name for name in names if name not in data.columns]
    if missing:
        raise EstimationError(
            f"{role} column {missing[0]!r} is not in the design's data; "
            f"available columns include {', '.join(map(str, list(data.columns)[:15]))}"
        )


def column_codes(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Sorted factor codes of one column (``-1`` for missing) and its levels."""
    codes, levels = pd.factorize(column, sort=True, use_na_sentinel=True)
    return codes.astype(np.int64), pd.Index(levels)


def compact(codes: np.ndarray) -> np.ndarray:
    """Codes ``>= -1`` in the smallest signed integer type that holds them (a cache of a
    national file's domain codes in int8 instead of int64: an eighth of the memory).

    Examples
    --------
    >>> compact(np.array([-1, 0, 200])).dtype, compact(np.array([0, 5])).dtype
    (dtype('int16'), dtype('int8'))
    """
    smaller = smallest_exact(codes)
    return codes if smaller is None else codes.astype(smaller)


def factorise(
    data: pd.DataFrame,
    by: Sequence[str],
    column_cache: dict[str, tuple[np.ndarray, pd.Index]] | None = None,
) -> tuple[np.ndarray, pd.DataFrame]:
    """Sorted domain codes of ``by`` (``-1`` where a by value is missing) and the domain keys.

    Each column is factorised once (``column_cache`` keeps the codes); a set of columns is
    then combined arithmetically, which orders domains as ``groupby(by, sort=True)`` does.
    The keys have the dtype of their column (a categorical or boolean column's), except that
    a text column stored as a categorical by :func:`survey_kit.io.compact.compact_text` gives
    text keys, as the text column did.
    """
    if not by:
        return np.zeros(len(data), dtype=np.int64), pd.DataFrame(index=range(1))
    check_columns(data, by, "by")
    cache = {} if column_cache is None else column_cache
    parts = []
    for name in by:
        if name not in cache:
            codes, levels = column_codes(data[name])
            cache[name] = (compact(codes), levels)  # int64 arithmetic below all the same
        parts.append(cache[name])
    combined = np.zeros(len(data), dtype=np.int64)
    missing: np.ndarray | None = None  # None: no row lacks a by value (no masking needed)
    for codes, levels in parts:
        lacking = codes < 0
        if lacking.any():
            combined = combined * len(levels) + np.maximum(codes, 0)
            missing = lacking if missing is None else missing | lacking
        else:
            combined = combined * len(levels) + codes
    size = int(np.prod([max(len(levels), 1) for _, levels in parts]))
    known = combined if missing is None else combined[~missing]
    if size <= 50_000_000:
        present = np.flatnonzero(np.bincount(known, minlength=size))
    else:
        present = np.unique(known)
    if size <= 50_000_000:
        remap = np.full(size, -1, dtype=np.int64)
        remap[present] = np.arange(present.shape[0])
        codes = remap[combined]
    else:
        codes = np.searchsorted(present, combined)
    if missing is not None:
        codes = np.where(missing, -1, codes)
    keys = {}
    rest = present
    for name, (_, levels) in zip(reversed(by), reversed(parts), strict=True):
        keys[name] = levels[rest % len(levels)] if len(levels) else levels[:0]
        rest = rest // max(len(levels), 1)
    frame = pd.DataFrame({name: np.asarray(keys[name]) for name in by})
    for name in by:
        dtype = data[name].dtype
        # a text column stored compactly (survey_kit.io.compact) keeps text keys
        if data[name].dtype == bool or (isinstance(dtype, pd.CategoricalDtype)
                                        and not is_compact_text(dtype)):
            frame[name] = frame[name].astype(dtype)
    return codes.astype(np.int64), frame


def restrict(
    codes: np.ndarray, keys: pd.DataFrame, mask: np.ndarray | None
) -> tuple[np.ndarray, pd.DataFrame]:
    """Restrict domain codes to rows in ``mask`` and drop domains left without rows."""
    if mask is None:
        return codes, keys
    codes = np.where(mask, codes, -1)
    present = np.bincount(codes[codes >= 0], minlength=len(keys)) > 0
    if present.all():
        return codes, keys
    remap = np.cumsum(present) - 1
    codes = np.where(codes >= 0, remap[np.maximum(codes, 0)], -1)
    return codes, keys.loc[present].reset_index(drop=True)
