"""Model formulas: patsy design matrices for the model rows, with R-style term names."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from patsy import PatsyError, build_design_matrices, dmatrices

from survey_kit.errors import EstimationError

_TREATMENT = re.compile(r"\[T\.(.*)\]$")
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


def r_name(column: str) -> str:
    """R's name of a patsy column: ``group[T.b]`` -> ``groupb``, ``menapt[T.True]`` ->
    ``menaptTRUE``, ``Intercept`` -> ``(Intercept)``; interactions part by part."""
    if column == "Intercept":
        return "(Intercept)"
    parts = []
    for part in column.split(":"):
        level = ""
        hit = _TREATMENT.search(part)
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
    return ModelFrame(name, values, X.to_numpy(dtype=float),
                      tuple(r_name(str(c)) for c in X.columns), kept, X.design_info)


def rebuild(frame: ModelFrame, data: pd.DataFrame) -> np.ndarray:
    """The model matrix of ``frame``'s formula evaluated on new data (same coding)."""
    (X,) = build_design_matrices([frame.design_info], data, return_type="dataframe")
    return np.asarray(X.to_numpy(dtype=float))
