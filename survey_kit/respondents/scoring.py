"""Scoring valid respondent rows: indicators, 0-1 item scores, dimension scores, index.

Item scores: linear min-max over the valid codes of an ordinal or numeric scale, turned so
that 1 is the most favourable answer (after reverse coding); missing codes ("ved ikke",
refusal) count as not answered.  A dimension score is the mean of the answered item scores
when at least ``min_items`` are answered; the index is the mean of the dimension scores when
at least ``index.min_dimensions`` are present.  Nominal items get only an indicator.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from survey_kit.errors import DataValidationError
from survey_kit.respondents.recode import Rounds, check_columns, item_codes, member, read_rounds
from survey_kit.spec.model import Item, Questionnaire


def score(
    questionnaire: Questionnaire, data: pd.DataFrame, item_scores: bool = False,
    indicator_dtype: type[np.floating] = np.float64,
) -> pd.DataFrame:
    """Add indicator, dimension and index columns to validated data.

    Parameters
    ----------
    questionnaire
        The spec the data was validated against.
    data
        Valid rows (``report.valid``); the columns are kept as they are.
    item_scores
        Also add ``<item>_score`` columns (0-1, favourable = 1).
    indicator_dtype
        Type of the ``<item>_pos`` columns; ``np.float32`` holds their 1.0, 0.0 and NaN
        exactly in half the memory (the annual run at national scale uses it).

    Returns
    -------
    DataFrame
        ``data`` plus ``<item>_pos`` (1.0 / 0.0 / NaN) for every item with positive
        codes, one column per dimension id, and ``index``.  Existing columns with those
        names are replaced.

    Raises
    ------
    DataValidationError
        The data holds a value that validation would reject (score ``report.valid``).

    Examples
    --------
    >>> from survey_kit.spec import load_questionnaire
    >>> q = load_questionnaire("tryghed_trivsel")
    >>> raw = pd.DataFrame({i.id: [i.codes[0]] for i in q.items})
    >>> raw["ot1_tryg_omraade"] = 3          # Hverken tryg eller utryg: 0.5
    >>> scored = score(q, raw)
    >>> scored[["ot1_tryg_omraade_pos", "oplevet_tryghed"]].round(3).iloc[0].tolist()
    [0.0, 0.625]
    """
    rounds = read_rounds(questionnaire, data)
    check_columns(questionnaire, data, rounds)
    _refuse_unknown_rounds(data, rounds)
    indicators: dict[str, np.ndarray] = {}
    scores: dict[str, np.ndarray] = {}
    dimensions: dict[str, np.ndarray] = {}
    for dim in questionnaire.dimensions:
        matrix = []
        for item in dim.items:
            codes = _answers(data, item, rounds)
            if item.indicator:
                indicators[item.indicator] = _indicator(codes, item).astype(
                    indicator_dtype, copy=False)
            if item.scored:
                matrix.append(_item_score(codes, item))
                if item_scores:  # else each dimension's item scores are freed after it
                    scores[f"{item.id}_score"] = matrix[-1]
        dimensions[dim.id] = _mean_if(matrix, dim.min_items)
    index = _mean_if(list(dimensions.values()), questionnaire.index.min_dimensions)
    added = {**indicators, **(scores if item_scores else {}), **dimensions, "index": index}
    kept = data.drop(columns=[c for c in added if c in data.columns])
    # copy=False: the new columns as they are (no second, consolidated copy of them)
    return pd.concat([kept, pd.DataFrame(added, index=data.index, copy=False)], axis=1)


def item_score_columns(data: pd.DataFrame, items: tuple[Item, ...]) -> pd.DataFrame:
    """0-1 scores of scored ``items`` (favourable = 1), one column per item id.

    A ``year`` column selects the per-round variants; rows of other years read the item
    id column.  Values that are not codes raise DataValidationError.
    """
    rounds = _item_rounds(data)
    scored = [item for item in items if item.scored]
    columns = {item.id: _item_score(_answers(data, item, rounds), item) for item in scored}
    return pd.DataFrame(columns, index=data.index)


def item_score_matrix(data: pd.DataFrame, items: tuple[Item, ...]) -> np.ndarray:
    """The scores of :func:`item_score_columns` as one C-ordered ``(rows, scored items)``
    float array, filled an item at a time (no frame, no second copy).

    Examples
    --------
    >>> from survey_kit.spec import load_questionnaire
    >>> dim = load_questionnaire("tryghed_trivsel").dimensions[0]
    >>> raw = pd.DataFrame({i.id: [i.codes[0], i.codes[-1]] for i in dim.items})
    >>> m = item_score_matrix(raw, dim.items)
    >>> m.shape == (2, len(dim.scored_items)), m.flags.c_contiguous
    (True, True)
    >>> bool((m == item_score_columns(raw, dim.items).to_numpy()).all())
    True
    """
    rounds = _item_rounds(data)
    scored = [item for item in items if item.scored]
    matrix = np.empty((len(data), len(scored)))
    for j, item in enumerate(scored):
        matrix[:, j] = _item_score(_answers(data, item, rounds), item)
    return matrix


def _item_rounds(data: pd.DataFrame) -> Rounds:
    """The rounds of ``data`` as the item readers take them (all known)."""
    years = None
    if "year" in data.columns:
        years = pd.to_numeric(data["year"], errors="coerce").to_numpy(dtype=float)
    return Rounds(years, np.zeros(len(data), dtype=bool))


def _refuse_unknown_rounds(data: pd.DataFrame, rounds: Rounds) -> None:
    if rounds.unknown.any():
        row = data.index[np.flatnonzero(rounds.unknown)[0]]
        raise DataValidationError(
            f"row {row}: unknown survey round in column 'year'; score report.valid, "
            "the rows that passed validate()"
        )


def _answers(data: pd.DataFrame, item: Item, rounds: Rounds) -> np.ndarray:
    """Canonical codes with missing codes set to NaN; refuses values that are not codes."""
    codes = item_codes(data, item, rounds)
    scale = item.scale
    invalid = ~np.isnan(codes) & ~member(codes, [*scale.codes, *scale.missing_codes])
    if invalid.any():
        first = np.flatnonzero(invalid)[0]
        raise DataValidationError(
            f"column {item.id!r}: {int(invalid.sum())} value(s) are not codes of scale "
            f"{scale.id!r} (first in row {data.index[first]}: {codes[first]:g}); score "
            "report.valid, the rows that passed validate()"
        )
    codes[member(codes, scale.missing_codes)] = np.nan
    return codes


def _indicator(codes: np.ndarray, item: Item) -> np.ndarray:
    """1.0 for a positive code, 0.0 for another valid code, NaN when not answered."""
    return np.where(np.isnan(codes), np.nan, member(codes, item.positive).astype(float))


def _item_score(codes: np.ndarray, item: Item) -> np.ndarray:
    """Linear 0-1 score over the valid codes, 1 = most favourable."""
    scale = item.scale
    rising = (codes - scale.low) / (scale.high - scale.low)
    return rising if item.high_is_good else 1.0 - rising


def _mean_if(columns: list[np.ndarray], minimum: int) -> np.ndarray:
    """Row means over non-missing cells; NaN when fewer than ``minimum`` are present.

    Examples
    --------
    >>> _mean_if([np.array([1.0, np.nan]), np.array([np.nan, np.nan]),
    ...           np.array([0.5, 1.0])], 2).tolist()
    [0.75, nan]
    """
    count = np.zeros(len(columns[0]))
    total = np.zeros(len(columns[0]))
    for column in columns:
        present = ~np.isnan(column)
        count += present
        total += np.where(present, column, 0.0)
    return np.where(count >= minimum, total / np.maximum(count, 1), np.nan)
