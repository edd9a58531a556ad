"""Model formulas: patsy design matrices for the model rows, with R-style term names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from patsy import ModelDesc, PatsyError, build_design_matrices, dmatrices

from survey_kit.errors import EstimationError

_LEVEL = re.compile(r"\[(?:T\.)?([^\[\]]*)\]$")
_WRAPPED = re.compile(r"^(?:C|Q)\((['\"]?)([^,'\"]+)\1.*\)")


@dataclass(frozen=True)
class ModelFrame:
    """The model rows of a formula: response, model matrix and their positions in the data."""

    response: str
    y: np.ndarray
    X: np.ndarray
    terms: tuple[str, ...]
    rows: np.ndarray  # positions (in the design's data) of the model rows
    design_info: object  # patsy DesignInfo of X, to rebuild X for new data
    order: np.ndarray | None = None  # patsy's columns in R's term order (None: as patsy)


def r_name(column: str) -> str:
    """R's name of a patsy column: ``group[T.b]`` -> ``groupb``, ``menapt[T.True]`` ->
    ``menaptTRUE``, ``stype[E]`` (no intercept) -> ``stypeE``, ``Q('comp.imp')[Yes]`` ->
    ``comp.impYes``, ``Intercept`` -> ``(Intercept)``; interactions part by part.

    Examples
    --------
    >>> [r_name(c) for c in ["Intercept", "stype[E]", "Q('comp.imp')[T.Yes]", "x:g[T.b]"]]
    ['(Intercept)', 'stypeE', 'comp.impYes', 'x:gb']
    """
    if column == "Intercept":
        return "(Intercept)"
    parts = []
    for part in column.split(":"):
        level = ""
        hit = _LEVEL.search(part)
        if hit:
            level = {"True": "TRUE", "False": "FALSE"}.get(hit.group(1), hit.group(1))
            part = part[: hit.start()]
        wrapped = _WRAPPED.match(part)
        parts.append((wrapped.group(2) if wrapped else part) + level)
    return ":".join(parts)


def _response(y: pd.DataFrame) -> tuple[str, np.ndarray]:
    """The response column; a two-level categorical response gives its second level as 1."""
    if y.shape[1] == 1:
        return str(y.columns[0]), y.iloc[:, 0].to_numpy(dtype=float)
    if y.shape[1] == 2:
        name = str(y.columns[1])
        return name[: name.rfind("[")], y.iloc[:, 1].to_numpy(dtype=float)
    raise EstimationError(
        f"the response has {y.shape[1]} categories ({', '.join(map(str, y.columns))}); "
        "a GLM needs a numeric or two-level response"
    )


def model_frame(data: pd.DataFrame, rows: np.ndarray, formula: str) -> ModelFrame:
    """Design matrices of ``formula`` on the given rows; rows with a missing value in any
    model variable are dropped (a domain restriction).  Categorical terms use treatment
    coding with the first sorted level as reference (R's default)."""
    positions = np.flatnonzero(rows)
    subset = data.iloc[positions].reset_index(drop=True)
    try:
        y, X = dmatrices(formula, subset, NA_action="drop", return_type="dataframe")
    except PatsyError as err:
        raise EstimationError(f"formula {formula!r} cannot be used: {err}") from err
    if len(X) == 0:
        raise EstimationError(f"formula {formula!r}: no respondent has every model variable")
    name, values = _response(y)
    kept = positions[X.index.to_numpy(dtype=np.int64)]
    order = r_order(formula, X.design_info)
    columns = [r_name(str(c)) for c in np.asarray(X.columns)[order]]
    return ModelFrame(name, values, X.to_numpy(dtype=float)[:, order], tuple(columns), kept,
                      X.design_info, order)


def r_order(formula: str, info: Any) -> np.ndarray:
    """Column order of a patsy matrix that puts the terms as R's ``model.matrix`` does.

    Patsy groups terms by their numeric factors (so a factor can jump ahead of a numeric
    variable written before it); R keeps the formula order within each interaction order:
    the intercept, then main effects as written, then two-way interactions, and so on.

    Examples
    --------
    >>> from patsy import dmatrix
    >>> d = pd.DataFrame({"x": [1.0, 2, 3, 4], "g": ["a", "b", "a", "b"]})
    >>> info = dmatrix("x + g", d).design_info
    >>> info.column_names
    ['Intercept', 'g[T.b]', 'x']
    >>> [info.column_names[i] for i in r_order("x + g", info)]
    ['Intercept', 'x', 'g[T.b]']
    """
    written = ModelDesc.from_formula(formula).rhs_termlist
    rank = {term: k for k, term in enumerate(written)}
    slices = info.term_slices
    terms = sorted(slices, key=lambda t: (len(t.factors), rank.get(t, len(rank))))
    return np.concatenate([np.arange(slices[t].start, slices[t].stop) for t in terms]
                          ).astype(np.int64) if terms else np.zeros(0, dtype=np.int64)


def rebuild(frame: ModelFrame, data: pd.DataFrame) -> np.ndarray:
    """The model matrix of ``frame``'s formula evaluated on new data (same coding)."""
    (X,) = build_design_matrices([frame.design_info], data, return_type="dataframe")
    values = np.asarray(X.to_numpy(dtype=float))
    return values if frame.order is None else values[:, frame.order]
