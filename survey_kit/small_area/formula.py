"""Area-level model matrices from a one-sided formula, with R's column names and order.

A small formula language for one row per area: ``"~ x1 + region + flag"``; ``"~ 1"`` for the
intercept alone; ``"- 1"`` or ``"0 +"`` drops the intercept. A term is a column name or a
column wrapped in ``C()``, ``factor()`` or ``as.factor()`` (always categorical). Numeric
columns enter as they are; boolean, string and pandas categorical columns are factors coded as
R's ``model.matrix`` codes them (treatment contrasts, first level as reference; without an
intercept the first factor gets one column per level). Interactions are not supported: build
the product column first.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"x": [0.5, 1.0, 2.0], "g": ["b", "a", "b"], "f": [True, False, True]})
>>> mm = model_matrix(df, "~ x + g + f")
>>> mm.names
('(Intercept)', 'x', 'gb', 'fTRUE')
>>> mm.X.tolist()
[[1.0, 0.5, 1.0, 1.0], [1.0, 1.0, 0.0, 0.0], [1.0, 2.0, 1.0, 1.0]]
>>> model_matrix(df, "~ 0 + g + x").names
('ga', 'gb', 'x')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from survey_kit.errors import SmallAreaError

_WRAPPER = re.compile(r"^(C|factor|as\.factor)\(\s*([^()]+?)\s*\)$")
_NAME = re.compile(r"^[A-Za-z_.][A-Za-z0-9_.]*$")


@dataclass(frozen=True)
class ModelMatrix:
    """A model matrix with R's column names (``(Intercept)``, ``x``, ``regionsyd``, ...)."""

    X: np.ndarray
    names: tuple[str, ...]
    columns: tuple[str, ...]  # the data column behind each model-matrix column


@dataclass(frozen=True)
class _Term:
    label: str  # as written, e.g. "as.factor(MajorArea)"
    column: str
    categorical: bool


def parse_formula(formula: str) -> tuple[bool, list[_Term]]:
    """The intercept flag and the terms of a one-sided formula, in formula order."""
    text = formula.strip()
    if not text.startswith("~"):
        raise SmallAreaError(
            f"formula {formula!r}: expected a one-sided formula such as '~ x1 + x2' "
            "(the direct estimate is the estimate= column)")
    intercept, terms, seen = True, list[_Term](), set[str]()
    for sign, token in _split(text[1:], formula):
        if token in ("0", "1"):
            intercept = (token == "1") == (sign == "+")
            continue
        if sign == "-":
            terms = [t for t in terms if t.label != token]
            seen.discard(token)
            continue
        term = _term(token, formula)
        if term.label not in seen:
            seen.add(term.label)
            terms.append(term)
    return intercept, terms


def _split(body: str, formula: str) -> list[tuple[str, str]]:
    """``"x + C(g) - 1"`` -> ``[("+", "x"), ("+", "C(g)"), ("-", "1")]``."""
    parts, depth, sign, start = [], 0, "+", 0
    for i, char in enumerate(body + "+"):
        depth += (char == "(") - (char == ")")
        if char in "+-" and depth == 0:
            token = body[start:i].strip()
            if token:
                parts.append((sign, token))
            elif i < len(body) and start > 0:
                raise SmallAreaError(f"formula {formula!r}: empty term before {char!r}")
            sign, start = char, i + 1
    if not parts:
        raise SmallAreaError(f"formula {formula!r}: no terms; use '~ 1' for the intercept alone")
    return parts


def _term(token: str, formula: str) -> _Term:
    wrapped = _WRAPPER.match(token)
    if wrapped:
        return _Term(token, wrapped.group(2), True)
    name = token.strip("`")
    if not _NAME.match(name) and token == name:
        raise SmallAreaError(
            f"formula {formula!r}: term {token!r} is not supported; expected a column name or "
            "C(column), factor(column), as.factor(column) (build interactions and transforms "
            "as columns first)")
    return _Term(name, name, False)


def _level_label(level: Any) -> str:
    if isinstance(level, bool | np.bool_):
        return "TRUE" if level else "FALSE"
    if isinstance(level, float | np.floating) and float(level).is_integer():
        return str(int(level))
    return str(level)


def _levels(values: pd.Series) -> list[Any]:
    """The factor levels present in the data, in R's order."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        present = set(values.dropna())
        return [c for c in values.cat.categories if c in present]
    return sorted(values.dropna().unique().tolist())


def _is_categorical(values: pd.Series) -> bool:
    return not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)


def model_matrix(data: pd.DataFrame, formula: str, row_label: str = "row") -> ModelMatrix:
    """The model matrix of a one-sided ``formula`` on every row of ``data``.

    Raises :class:`~survey_kit.errors.SmallAreaError` naming the column when a covariate is
    not in ``data`` or has a missing value (and the rows, by index, called ``row_label``), or
    a term is not supported.
    """
    intercept, terms = parse_formula(formula)
    blocks: list[np.ndarray] = [np.ones((len(data), 1))] if intercept else []
    names: list[str] = ["(Intercept)"] if intercept else []
    columns: list[str] = ["(Intercept)"] if intercept else []
    full_coding = not intercept
    for term in terms:
        values = _column(data, term, formula, row_label)
        if term.categorical or _is_categorical(values):
            levels = _levels(values)
            if len(levels) < 2:
                raise SmallAreaError(
                    f"covariate column {term.column!r} has {len(levels)} level(s) "
                    f"({', '.join(map(_level_label, levels))}); a factor needs at least two")
            kept = levels if full_coding else levels[1:]
            full_coding = False
            block = np.column_stack([(values == lev).to_numpy(dtype=float) for lev in kept]
                                    ) if kept else np.empty((len(data), 0))
            names += [term.label + _level_label(lev) for lev in kept]
        else:
            block = values.to_numpy(dtype=float)[:, None]
            names.append(term.label)
        blocks.append(block)
        columns += [term.column] * block.shape[1]
    if not names:
        raise SmallAreaError(f"formula {formula!r}: the model has no columns")
    return ModelMatrix(np.hstack(blocks), tuple(names), tuple(columns))


def _column(data: pd.DataFrame, term: _Term, formula: str, row_label: str) -> pd.Series:
    if term.column not in data.columns:
        raise SmallAreaError(
            f"formula {formula!r}: covariate column {term.column!r} is not in the data "
            f"(columns: {', '.join(map(str, data.columns))})")
    values = data[term.column]
    missing = values.isna().to_numpy()
    if missing.any():
        rows = ", ".join(map(str, data.index[missing][:5]))
        raise SmallAreaError(
            f"covariate column {term.column!r} has a missing value in {row_label} {rows}; "
            "every area needs every covariate")
    return values
