"""Raking and calibration of a replicate design: the weighting redone in every replicate.

R: ``rake``, ``postStratify`` and ``calibrate`` on a ``svrepdesign`` adjust the full-sample
weights and each replicate's weights separately to the same population totals, so that the
replicate variance reflects the weighting.  Raking uses the margins built once
(:func:`~survey_kit.design.targets.build_margins`) and iterative proportional fitting per
replicate (:func:`~survey_kit.design.calibration.rake_ipf`), every replicate converged to
``tol`` (R stops all replicates after the sweeps the full sample needed); bounded raking and
calibration run :func:`~survey_kit.design.weighting.calibrate_weights` (the array-level core
of ``Design.calibrate``, numeric totals included) on each replicate's rows with a positive
weight: rows a replicate leaves out add nothing and keep weight 0, so this is the same
calibration.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from survey_kit.design.calibration import rake_ipf
from survey_kit.design.targets import build_margins
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


def _calibrate(design: ReplicateDesign, kind: str, arguments: dict[str, Any],
               extra: dict[str, Any]) -> ReplicateDesign:
    from survey_kit.design.weighting import calibrate_weights

    options = {k: v for k, v in arguments.items() if k != "targets"} | extra
    targets = arguments["targets"]
    weights, rep = design.arrays()
    main = calibrate_weights(design.data, weights, targets, **options)

    def adjust(base: np.ndarray) -> np.ndarray:
        # rows a replicate leaves out keep weight 0: calibrate the others (the same solution)
        keep = base > 0
        out = np.zeros_like(base)
        out[keep] = calibrate_weights(design.data.iloc[np.flatnonzero(keep)], base[keep],
                                      targets, **options).weights
        return out

    return _finish(design, main.weights, _each_replicate(rep, adjust), main.report, kind,
                   arguments)
