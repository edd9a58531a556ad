"""Domain (subpopulation) coding: one integer code per respondent for a set of ``by`` columns."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from survey_kit.errors import EstimationError


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


def factorise(data: pd.DataFrame, by: Sequence[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Sorted domain codes of ``by`` (``-1`` where a by value is missing) and the domain keys."""
    if not by:
        return np.zeros(len(data), dtype=np.int64), pd.DataFrame(index=range(1))
    check_columns(data, by, "by")
    grouped = data.groupby(list(by), sort=True, observed=True, dropna=True)
    codes = grouped.ngroup().to_numpy(dtype=np.int64)
    valid = codes >= 0
    _, first = np.unique(codes[valid], return_index=True)
    rows = np.flatnonzero(valid)[first]
    keys = data[list(by)].iloc[rows].reset_index(drop=True)
    return codes, keys


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
