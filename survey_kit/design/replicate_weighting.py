"""Raking and calibration of a replicate design: the weighting redone in every replicate.

R: ``rake``, ``postStratify`` and ``calibrate`` on a ``svrepdesign`` adjust the full-sample
weights and each replicate's weights separately to the same population totals, so that the
replicate variance reflects the weighting.  Raking uses the margins built once
(:func:`~survey_kit.design.targets.build_margins`) and iterative proportional fitting per
replicate (:func:`~survey_kit.design.calibration.rake_ipf`), every replicate converged to
``tol`` (R stops all replicates after the sweeps the full sample needed); bounded raking and
calibration solve each replicate with :func:`~survey_kit.design.calibration.calibrate_cells`
on the cells of the margins (the model matrix of every level of every margin: the same
column space as the design's calibration, so the same weights).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from survey_kit.design.calibration import calibrate_cells, joint_cells, rake_ipf
from survey_kit.design.targets import Margins, build_margins
from survey_kit.errors import WeightingError

if TYPE_CHECKING:
    from survey_kit.design.replicate import ReplicateDesign


def _each_replicate(rep: np.ndarray, adjust: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """New replicate weights, column by column; errors name the replicate."""
    out = np.empty_like(rep)
    for r in range(rep.shape[1]):
        try:
            out[:, r] = adjust(rep[:, r])
        except WeightingError as err:
            raise WeightingError(f"replicate {r + 1} of {rep.shape[1]}: {err}") from err
    return out


def _finish(design: ReplicateDesign, weights: np.ndarray, rep: np.ndarray, report: Any,
            kind: str, arguments: dict[str, Any]) -> ReplicateDesign:
    spec = {**design._spec_view(), "steps": (*design.weighting_steps, (kind, arguments))}
    return design._replace(weights=weights, rep=rep, spec=spec, weighting=report)


def rake_replicates(design: ReplicateDesign, targets: pd.DataFrame,
                    by: str | Sequence[str] | None = None,
                    bounds: tuple[float, float] | None = None, max_iter: int = 1000,
                    tol: float = 1e-10) -> ReplicateDesign:
    """See :meth:`ReplicateDesign.rake`.

    Examples
    --------
    R: ``rake(svrepdesign(...), list(~sex), list(pop_sex))``

    >>> import survey_kit as sk
    >>> d = pd.DataFrame({"sex": ["f", "m", "m", "f"], "w": [1.0] * 4,
    ...                   "r1": [2.0, 2, 0, 0], "r2": [0.0, 0, 2, 2]})
    >>> rep = sk.ReplicateDesign(d, weight="w", repweights=["r1", "r2"], type="BRR")
    >>> tg = pd.DataFrame({"variable": "sex", "level": ["f", "m"], "total": [5.0, 5.0]})
    >>> rep.rake(tg).repweights.to_numpy().tolist()
    [[5.0, 0.0], [5.0, 0.0], [0.0, 5.0], [0.0, 5.0]]
    """
    from survey_kit.design.weighting import rake_weights

    arguments = {"targets": targets, "by": by, "bounds": bounds, "max_iter": max_iter,
                 "tol": tol}
    if bounds is not None:
        return _calibrate(design, "rake", arguments, {"calfun": "raking"})
    weights, rep = design.arrays()
    main = rake_weights(design.data, weights, targets, by=by, max_iter=max_iter, tol=tol)
    margins = build_margins(design.data, weights, targets, by)
    names, levels = margins.variables, margins.cell_labels()

    def adjust(base: np.ndarray) -> np.ndarray:
        result = rake_ipf(margins.codes, margins.totals, base, max_iter=max_iter, tol=tol,
                          names=names, levels=levels)
        return base * result.g

    return _finish(design, main.weights, _each_replicate(rep, adjust), main.report, "rake",
                   arguments)


def calibrate_replicates(design: ReplicateDesign, targets: pd.DataFrame,
                         by: str | Sequence[str] | None = None, calfun: str = "linear",
                         bounds: tuple[float, float] | None = None, max_iter: int = 100,
                         tol: float = 1e-10) -> ReplicateDesign:
    """See :meth:`ReplicateDesign.calibrate`."""
    arguments = {"targets": targets, "by": by, "calfun": calfun, "bounds": bounds,
                 "max_iter": max_iter, "tol": tol}
    return _calibrate(design, "calibrate", arguments, {})


def _indicators(margins: Margins) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Joint cell of each row, and per joint cell the indicators of every margin cell
    (all levels: a redundant but equivalent basis, solved by pseudo-inverse) with their
    (harmonised, hence consistent) totals."""
    inverse, cells = joint_cells(margins.codes)
    blocks = []
    for j, totals in enumerate(margins.totals):
        block = np.zeros((cells.shape[0], totals.size))
        hit = cells[:, j] >= 0
        block[np.flatnonzero(hit), cells[hit, j]] = 1.0
        blocks.append(block)
    return inverse, np.hstack(blocks), np.concatenate(margins.totals)


def _calibrate(design: ReplicateDesign, kind: str, arguments: dict[str, Any],
               extra: dict[str, Any]) -> ReplicateDesign:
    from survey_kit.design.weighting import calibrate_weights

    options = {k: v for k, v in arguments.items() if k != "targets"} | extra
    weights, rep = design.arrays()
    main = calibrate_weights(design.data, weights, arguments["targets"], **options)
    margins = build_margins(design.data, weights, arguments["targets"], arguments["by"])
    inverse, X, totals = _indicators(margins)
    bounds = options["bounds"] if options["bounds"] is not None else (-np.inf, np.inf)

    def adjust(base: np.ndarray) -> np.ndarray:
        W = np.bincount(inverse, weights=base, minlength=X.shape[0])
        result = calibrate_cells(X, W, totals, calfun=options["calfun"], bounds=bounds,
                                 max_iter=options["max_iter"], tol=options["tol"])
        return base * result.g[inverse]

    return _finish(design, main.weights, _each_replicate(rep, adjust), main.report, kind,
                   arguments)
