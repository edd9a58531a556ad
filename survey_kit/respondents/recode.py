"""Reading item answers as canonical codes: per-round variants, numeric conversion, recodes.

Both validation and scoring go through :func:`segments`: an item is read from one column for
the rows of each survey round that has a variant, and from the column named by its id for all
other rows.  Everything is vectorised over rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from survey_kit.errors import DataValidationError
from survey_kit.spec.model import Item, Questionnaire

YEAR_COLUMN = "year"


@dataclass(frozen=True)
class Segment:
    """Rows of one item read from one column with one recode.

    ``rows`` is a boolean mask over the data rows; ``years`` is empty for the default
    segment (the item id column).
    """

    column: str
    rows: np.ndarray
    recode: tuple[tuple[int, int], ...] = ()
    years: tuple[int, ...] = ()


@dataclass(frozen=True)
class Rounds:
    """The survey round of each row (None without a ``year`` column) and unknown rounds.

    ``variant_years`` is the declared round whose item variants each row uses (the latest
    declared round for a round the spec does not list); ``undeclared`` the rounds in the
    data that the spec does not list but reads that way.
    """

    years: np.ndarray | None
    unknown: np.ndarray
    variant_years: np.ndarray | None = None
    undeclared: tuple[int, ...] = ()


def read_rounds(questionnaire: Questionnaire, data: pd.DataFrame) -> Rounds:
    """Survey round per row.  A round the spec does not list is read as the latest listed
    round (``unknown_rounds: latest``, the default) or flagged unknown (``reject``); a
    missing year is unknown when the spec lists rounds.

    Examples
    --------
    >>> from survey_kit.spec import load_questionnaire
    >>> q = load_questionnaire("tryghed_trivsel")
    >>> r = read_rounds(q, pd.DataFrame({"year": [2018, 2024, None]}))
    >>> r.unknown.tolist(), r.variant_years.tolist()[:2], r.undeclared
    ([False, False, True], [2018.0, 2021.0], (2024,))
    """
    if YEAR_COLUMN not in data.columns:
        return Rounds(None, np.zeros(len(data), dtype=bool))
    years = pd.to_numeric(data[YEAR_COLUMN], errors="coerce").to_numpy(dtype=float)
    if not questionnaire.rounds:
        return Rounds(years, np.zeros(len(data), dtype=bool), years)
    declared = np.isin(years, questionnaire.rounds)
    other = ~declared & ~np.isnan(years)
    if questionnaire.unknown_rounds == "reject":
        return Rounds(years, ~declared, years)
    variant = np.where(other, float(max(questionnaire.rounds)), years)
    undeclared = tuple(int(y) for y in np.unique(years[other]))
    return Rounds(years, np.isnan(years), variant, undeclared)


def segments(item: Item, rounds: Rounds) -> list[Segment]:
    """The column and recode that each row of ``item`` is read from (rows of unknown
    rounds and of rounds where the item was not asked are left out; empty segments are
    dropped)."""
    keep = ~rounds.unknown
    if rounds.years is not None and (item.new_in is not None or item.dropped_in is not None):
        asked = np.array([item.asked_in(y) for y in np.unique(rounds.years)])
        asked_rows = np.isin(rounds.years, np.unique(rounds.years)[asked])
        if len(asked_rows) and not asked_rows.any():
            return []  # not asked in any round of the data: its column is not needed
        keep = keep & asked_rows
    if rounds.years is None or not item.variants:
        return [Segment(item.id, keep)]
    variant_years = rounds.years if rounds.variant_years is None else rounds.variant_years
    out = []
    default = keep.copy()
    for variant in item.variants:
        rows = keep & np.isin(variant_years, variant.years)
        default &= ~rows
        column = variant.column or item.id
        out.append(Segment(column, rows, variant.recode, variant.years))
    out.append(Segment(item.id, default))
    return [seg for seg in out if seg.rows.any()]


def check_columns(questionnaire: Questionnaire, data: pd.DataFrame, rounds: Rounds) -> None:
    """Raise DataValidationError listing every item column the data needs but lacks."""
    needed: list[str] = []
    for item in questionnaire.items:
        for seg in segments(item, rounds):
            if seg.column not in data.columns and seg.column not in needed:
                needed.append(seg.column)
    if needed:
        more = f" and {len(needed) - 10} more" if len(needed) > 10 else ""
        shown = ", ".join(needed[:10]) + more
        raise DataValidationError(
            f"data lacks {len(needed)} item column(s) required by questionnaire "
            f"{questionnaire.name!r}: {shown}"
        )


def to_codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Answers as float codes, and a mask of non-blank values that are not numbers.

    Examples
    --------
    >>> codes, bad = to_codes(pd.Series(["1", " 2 ", "", None, "x"], dtype=object))
    >>> codes.tolist(), bad.tolist()
    ([1.0, 2.0, nan, nan, nan], [False, False, False, False, True])
    """
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values):
        return values.to_numpy(dtype=float, na_value=np.nan), np.zeros(len(values), dtype=bool)
    text = values.astype("string").str.strip()
    text = text.mask(text == "")
    codes = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    not_numeric = text.notna().to_numpy(dtype=bool) & np.isnan(codes)
    return codes, not_numeric


def member(values: np.ndarray, codes: Sequence[float]) -> np.ndarray:
    """``np.isin(values, codes)`` for the handful of codes of a scale: one comparison per
    code instead of a sort of the whole column.

    Examples
    --------
    >>> member(np.array([1.0, 3.0, np.nan, 8.0]), [1, 2, 8]).tolist()
    [True, False, False, True]
    """
    codes = list(codes)
    if len(codes) > 16:
        return np.isin(values, codes)
    out = np.zeros(values.shape, dtype=bool)
    for code in codes:
        out |= values == code
    return out


def apply_recode(codes: np.ndarray, recode: tuple[tuple[int, int], ...]) -> np.ndarray:
    """Map round codes to canonical codes; unlisted codes pass through.

    Examples
    --------
    >>> apply_recode(np.array([1.0, 8.0, np.nan]), ((8, 98),)).tolist()
    [1.0, 98.0, nan]
    """
    out = codes.copy()
    for old, new in recode:
        out[codes == old] = new
    return out


def item_codes(data: pd.DataFrame, item: Item, rounds: Rounds) -> np.ndarray:
    """Canonical codes of ``item`` for every row (NaN: blank, not a number, unknown round)."""
    parts = segments(item, rounds)
    if len(parts) == 1 and parts[0].rows.all():  # one column for every row: no masking
        codes, _ = to_codes(data[parts[0].column])
        return apply_recode(codes, parts[0].recode)
    out = np.full(len(data), np.nan)
    for seg in parts:
        codes, _ = to_codes(data[seg.column])
        out[seg.rows] = apply_recode(codes, seg.recode)[seg.rows]
    return out
