"""Raking and calibration of design weights to register margins, per by group.

``rake_weights`` rakes by iterative proportional fitting (R ``rake``) or, with ``bounds``, by
bounded raking calibration (R ``calibrate(calfun="raking", bounds=)``), which R shows to
reach the same weights as ``rake`` when the bounds do not bind.  ``calibrate_weights`` offers
linear (GREG), raking and logit calibration with optional bounds.  Both check the targets
up front (:mod:`survey_kit.design.targets`), compute on the collapsed table of cells
(:mod:`survey_kit.design.calibration`) and return a :class:`WeightingResult`: the new
weights, the calibration history the variance engine needs and a :class:`WeightingReport`.
They work on arrays and know nothing of :class:`~survey_kit.design.design.Design`, which
applies the result (``Design.rake``, ``Design.calibrate``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from survey_kit.design.auxiliaries import achieved as numeric_achieved
from survey_kit.design.auxiliaries import add_numeric, empty_model
from survey_kit.design.calibration import calibrate_cells, joint_cells, rake_ipf
from survey_kit.design.diagnostics import WeightingReport, build_report
from survey_kit.design.targets import GROUP, Margins, build_margins
from survey_kit.errors import WeightingError
from survey_kit.estimate.variance import GregHistory, RakingHistory

__all__ = ["WeightingReport", "WeightingResult", "calibrate_weights", "rake_weights"]


@dataclass(frozen=True)
class WeightingResult:
    """New weights, the calibration record for the variance engine, and the report.

    ``history`` is None for a step that adds no calibration (trimming without re-raking keeps
    the design's history, as R does).  ``Design`` applies a result to give a new design.
    """

    weights: np.ndarray
    history: RakingHistory | GregHistory | None
    report: WeightingReport


def _margin_table(margins: Margins, weights: np.ndarray) -> pd.DataFrame:
    frames = []
    for codes, cells in zip(margins.codes, margins.cells, strict=True):
        ok = codes >= 0
        achieved = np.bincount(codes[ok], weights=weights[ok], minlength=len(cells))
        frame = cells.drop(columns=GROUP).copy()
        frame["achieved"] = achieved
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _check_bounds(bounds: tuple[float, float] | None) -> tuple[float, float] | None:
    if bounds is None:
        return None
    lower, upper = (float(b) for b in bounds)
    if not (lower <= 1.0 <= upper and lower < upper):
        raise WeightingError(f"bounds on new/base weight must satisfy lower <= 1 <= upper, "
                             f"found ({lower}, {upper})")
    return lower, upper


def rake_weights(data: pd.DataFrame, weights: np.ndarray, targets: pd.DataFrame,
                 by: str | Sequence[str] | None = None,
                 bounds: tuple[float, float] | None = None, max_iter: int = 1000,
                 tol: float = 1e-10) -> WeightingResult:
    """Rake base weights to margins per by group (the array-level core of ``Design.rake``).

    Without ``bounds``: iterative proportional fitting until every margin is within ``tol``
    relative of its target.  With ``bounds=(lo, hi)``: bounded raking calibration, every
    new/base ratio within ``[lo, hi]``.

    Examples
    --------
    R: ``rake(svydesign(~1, weights=~w, data=df), list(~sex), list(pop_sex))``

    >>> df = pd.DataFrame({"sex": ["f", "m", "m"]})
    >>> tg = pd.DataFrame({"variable": "sex", "level": ["f", "m"], "total": [5.0, 5.0]})
    >>> rake_weights(df, np.ones(3), tg).weights.tolist()
    [5.0, 2.5, 2.5]
    """
    if bounds is not None:
        return calibrate_weights(data, weights, targets, by=by, calfun="raking", bounds=bounds,
                                 max_iter=max_iter, tol=tol)
    base = np.asarray(weights, dtype=float)
    margins = build_margins(data, base, targets, by)
    result = rake_ipf(margins.codes, margins.totals, base, max_iter=max_iter, tol=tol,
                      names=margins.variables, levels=margins.cell_labels())
    new = base * result.g
    history = RakingHistory(margins.codes, result.margin_weights)
    report = build_report("rake", result.iterations, new, base, margins.group_codes,
                          margins.groups, _margin_table(margins, new), None, tol, margins.by)
    return WeightingResult(new, history, report)


def _columns(margins: Margins) -> list[np.ndarray]:
    """Per variable, the model-matrix column of each cell code (-1: column dropped).

    The first variable of each by group keeps every level (it plays the intercept); the
    other variables drop their first level in that group, as R's treatment contrasts do.
    Cells no row belongs to (target 0, no respondents) are dropped.
    """
    seen_groups: set[int] = set()
    out, next_col = [], 0
    for codes, cells in zip(margins.codes, margins.cells, strict=True):
        used = np.bincount(codes[codes >= 0], minlength=len(cells)) > 0
        cols = np.full(len(cells), -1, dtype=np.int64)
        first_level: set[int] = set()
        for k, g in enumerate(cells[GROUP].to_numpy()):
            if not used[k]:
                continue
            if g in seen_groups and g not in first_level:
                first_level.add(g)
                continue
            cols[k], next_col = next_col, next_col + 1
        seen_groups.update(int(g) for g in cells[GROUP].to_numpy() if g >= 0)
        out.append(cols)
    return out


def _model_matrices(margins: Margins, columns: list[np.ndarray]
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """The model matrix by calibration cell (its rows ``Xc``; a respondent's row is
    ``Xc[inverse]``), the totals and the names of its columns."""
    inverse, cells = joint_cells(margins.codes)
    q = 1 + max(int(c.max()) for c in columns)
    Xc = np.zeros((len(cells), q))
    totals = np.zeros(q)
    names = [""] * q
    labels = margins.cell_labels()
    for j, colmap in enumerate(columns):
        code = cells[:, j]
        col = np.where(code >= 0, colmap[np.maximum(code, 0)], -1)
        Xc[np.flatnonzero(col >= 0), col[col >= 0]] = 1.0
        kept = np.flatnonzero(colmap >= 0)
        totals[colmap[kept]] = margins.totals[j][kept]
        for k in kept:
            names[colmap[k]] = labels[j][k]
    return Xc, inverse, totals, names


def calibrate_weights(data: pd.DataFrame, weights: np.ndarray, targets: pd.DataFrame,
                      by: str | Sequence[str] | None = None, calfun: str = "linear",
                      bounds: tuple[float, float] | None = None, max_iter: int = 100,
                      tol: float = 1e-10) -> WeightingResult:
    """Calibrate base weights to margins per by group (array-level core of ``calibrate``).

    The model matrix has one indicator column per (by group, variable, level), minus one
    level per extra variable in each group (same column space as R's ``~a + b``), and one
    column per total of a numeric variable (a target with an empty level: R's ``~a + x``).

    Examples
    --------
    R: ``calibrate(design, ~sex, c(`(Intercept)`=10, sexm=5))``

    >>> df = pd.DataFrame({"sex": ["f", "m", "m"]})
    >>> tg = pd.DataFrame({"variable": "sex", "level": ["f", "m"], "total": [5.0, 5.0]})
    >>> calibrate_weights(df, np.ones(3), tg).weights.round(10).tolist()
    [5.0, 2.5, 2.5]
    """
    limits = _check_bounds(bounds)
    base = np.asarray(weights, dtype=float)
    margins = build_margins(data, base, targets, by, numeric=True)
    if margins.codes:
        Xc, inverse, totals, names = _model_matrices(margins, _columns(margins))
    else:
        Xc, inverse, totals, names = empty_model(len(base))
    if margins.numeric is not None:  # totals of numeric columns (empty level)
        Xc, inverse, totals, names = add_numeric(margins.numeric, Xc, inverse, totals, names)
    W = np.bincount(inverse, weights=base, minlength=Xc.shape[0])
    res = calibrate_cells(Xc, W, totals, calfun=calfun,
                          bounds=limits if limits is not None else (-np.inf, np.inf),
                          max_iter=max_iter, tol=tol, names=names)
    g = res.g[inverse]
    new = base * g
    history = GregHistory.from_cells(Xc, inverse, base, g)  # the model matrix is Xc[inverse]
    table = pd.concat([_margin_table(margins, new) if margins.codes else None,
                       None if margins.numeric is None else numeric_achieved(margins.numeric, new)],
                      ignore_index=True)
    report = build_report(f"calibrate:{calfun}", res.iterations, new, base,
                          margins.group_codes, margins.groups, table, limits, tol, margins.by)
    return WeightingResult(new, history, report)
