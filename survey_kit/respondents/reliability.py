"""Internal consistency per dimension: Cronbach's alpha and item-rest correlations.

Both come from one (optionally weighted) covariance matrix of the 0-1 item scores, using
the rows where every item of the dimension is answered (listwise deletion).  Unweighted
alpha equals ``pingouin.cronbach_alpha(..., nan_policy="listwise")`` and R's
``psych::alpha``; with weights, each respondent counts in proportion to its weight.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeAlias

import numpy as np
import pandas as pd

from survey_kit.errors import DataValidationError
from survey_kit.respondents.scoring import item_score_matrix
from survey_kit.spec.model import Dimension, Questionnaire

Weights: TypeAlias = str | pd.Series | np.ndarray | Sequence[float] | None
TABLE_COLUMNS = ("dimension", "n", "alpha", "item", "item_rest_r")


def cronbach_alpha(data: pd.DataFrame, dimension: Dimension | Sequence[str],
                   weights: Weights = None) -> float:
    """Cronbach's alpha of one dimension.

    Parameters
    ----------
    data
        Raw item columns (they are scored 0-1 first; ``<item>_score`` columns are used
        when present), or, with a list of column names, numeric item scores.
    dimension
        A :class:`Dimension` of the questionnaire, or the names of the item columns.
    weights
        None, a column name of ``data`` or weights aligned with its rows.

    Returns
    -------
    float
        Alpha; NaN with fewer than two items or two complete rows.

    Examples
    --------
    >>> items = pd.DataFrame({"a": [1, 2, 3, 4], "b": [2, 2, 3, 5], "c": [1, 3, 3, 4]})
    >>> round(cronbach_alpha(items, ["a", "b", "c"]), 4)   # pingouin.cronbach_alpha: 0.9474
    0.9474
    """
    return _alpha(_covariance(*_complete_rows(data, dimension, weights)))


def _alpha(cov: np.ndarray) -> float:
    k = cov.shape[0]
    if k < 2 or np.isnan(cov).any():
        return float("nan")
    return float(k / (k - 1) * (1.0 - np.trace(cov) / cov.sum()))


def item_rest_correlations(data: pd.DataFrame, dimension: Dimension | Sequence[str],
                           weights: Weights = None) -> pd.Series:
    """Correlation of each item with the sum of the other items of the dimension.

    Examples
    --------
    >>> items = pd.DataFrame({"a": [1, 2, 3, 4], "b": [2, 2, 3, 5], "c": [1, 3, 3, 4]})
    >>> item_rest_correlations(items, ["a", "b", "c"]).round(3).tolist()
    [0.981, 0.849, 0.851]
    """
    matrix, w, names = _complete_rows(data, dimension, weights)
    return _item_rest(_covariance(matrix, w, names), names)


def _item_rest(cov: np.ndarray, names: list[str]) -> pd.Series:
    row_sums = cov.sum(axis=1)
    diag = np.diag(cov)
    rest_var = cov.sum() - 2.0 * row_sums + diag
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (row_sums - diag) / np.sqrt(diag * rest_var)
    if len(names) < 2:
        r = np.full(len(names), np.nan)
    return pd.Series(r, index=pd.Index(names, name="item"), name="item_rest_r")


def reliability_table(questionnaire: Questionnaire, data: pd.DataFrame,
                      weights: Weights = None) -> pd.DataFrame:
    """Alpha and item-rest correlations for every dimension, one row per scored item.

    Returns
    -------
    DataFrame
        Columns ``dimension, n, alpha, item, item_rest_r``; ``n`` is the number of
        complete rows used for the dimension.

    Examples
    --------
    >>> from survey_kit.spec import load_questionnaire
    >>> q = load_questionnaire("livsmestring")
    >>> raw = pd.DataFrame({i.id: [1, 2, 3, 2] for i in q.items})
    >>> table = reliability_table(q, raw)
    >>> list(table.columns), table["dimension"].nunique()
    (['dimension', 'n', 'alpha', 'item', 'item_rest_r'], 6)
    """
    parts = [_dimension_rows(data, dim, weights) for dim in questionnaire.dimensions]
    return pd.concat(parts, ignore_index=True)[list(TABLE_COLUMNS)]


def _dimension_rows(data: pd.DataFrame, dim: Dimension, weights: Weights) -> pd.DataFrame:
    """The rows of :func:`reliability_table` for one dimension (its item scores are freed
    before the next dimension's are read)."""
    matrix, w, names = _complete_rows(data, dim, weights)  # once per dimension
    cov = _covariance(matrix, w, names)
    r = _item_rest(cov, names)
    return pd.DataFrame({
        "dimension": dim.id, "n": matrix.shape[0], "alpha": _alpha(cov),
        "item": r.index.to_numpy(), "item_rest_r": r.to_numpy(),
    })


def _covariance(matrix: np.ndarray, w: np.ndarray, names: list[str]) -> np.ndarray:
    """Weighted covariance (divisor: sum of weights) of the complete rows.  ``matrix`` is
    :func:`_complete_rows`' own array and is centred in place (the same numbers as a
    centred copy, without a third array of a national file's size)."""
    if matrix.shape[0] < 2:
        return np.full((len(names), len(names)), np.nan)
    w = w / w.sum()
    matrix -= w @ matrix
    return (matrix * w[:, None]).T @ matrix


def _complete_rows(data: pd.DataFrame, dimension: Dimension | Sequence[str],
                   weights: Weights) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Item scores (a C-ordered array of their own) and weights of the rows with every
    item answered."""
    built = False
    if isinstance(dimension, Dimension):
        names = [item.id for item in dimension.scored_items]
        given = [f"{name}_score" for name in names]
        if all(column in data.columns for column in given):
            matrix = data[given].to_numpy(dtype=float)
        else:
            matrix, built = item_score_matrix(data, dimension.items), True
    else:
        names = list(dimension)
        missing = [name for name in names if name not in data.columns]
        if missing:
            raise DataValidationError(f"data lacks item column(s): {', '.join(missing)}")
        matrix = data[names].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    w = _weights(data, weights)
    keep = ~np.isnan(matrix).any(axis=1) & ~np.isnan(w)
    if built and keep.all():  # already what matrix[keep] would copy: C-ordered, our own
        return matrix, w, names
    return matrix[keep], w[keep], names


def _weights(data: pd.DataFrame, weights: Weights) -> np.ndarray:
    if weights is None:
        return np.ones(len(data))
    if isinstance(weights, str):
        if weights not in data.columns:
            raise DataValidationError(f"weight column {weights!r} not found in the data")
        weights = data[weights]
    w = pd.to_numeric(pd.Series(np.asarray(weights)), errors="coerce").to_numpy(dtype=float)
    if len(w) != len(data):
        raise DataValidationError(f"expected {len(data)} weights, found {len(w)}")
    if (w < 0).any() or np.isinf(w).any():
        raise DataValidationError("weights must be finite and not negative")
    return w
