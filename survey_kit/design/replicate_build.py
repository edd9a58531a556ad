"""``Design.replicate``: replicate weights for a design (R ``as.svrepdesign``), weighting redone.

The replicate multipliers (:mod:`survey_kit.design.repweights`) apply to the first-stage PSUs
of the design.  What is re-applied for a raked or calibrated design:

* the starting weights are the design's weights before its first raking or calibration
  (its ``weight`` column, or the weights its fpc implies);
* every :meth:`Design.rake` and :meth:`Design.calibrate` call that led to the current weights
  is repeated, in order and with the same arguments (targets, ``by``, bounds, calibration
  function, tolerance), on the full-sample weights and on each replicate's weights
  (R: ``rake``/``calibrate`` applied to ``as.svrepdesign`` of the unweighted design);
* a design whose weights were trimmed (:meth:`Design.trim`) is refused: trimming is not
  redone in the replicates (R 4.1's ``trimWeights`` for replicate designs does not trim the
  replicates consistently either); build the replicate design, then rake or calibrate it.

A subset design keeps its subset.  Multistage designs use their first stage (as R, which
drops the later stages' fpc).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from survey_kit.design.replicate import ReplicateDesign
from survey_kit.design.repweights import PsuLayout, replicate_factors
from survey_kit.errors import DesignError

if TYPE_CHECKING:
    from survey_kit.design.design import Design


def psu_layout(design: Design) -> PsuLayout:
    """The first-stage PSUs of a design: stratum, fpc fraction, first row, stratum labels."""
    engine = design.engine
    n, P = len(design), engine.n_psu
    psu = engine.psu
    first_row = np.full(P, n, dtype=np.int64)
    np.minimum.at(first_row, psu, np.arange(n, dtype=np.int64))
    strata = design.columns.get("strata")
    if isinstance(strata, list | tuple):  # strata per stage: the first stage's
        strata = strata[0] if strata else None
    rows = first_row[np.unique(engine.psu_stratum, return_index=True)[1]]
    labels = (np.asarray([str(v) for v in design.data[strata].to_numpy()[rows]], dtype=object)
              if strata is not None else np.array(["1"], dtype=object))
    return PsuLayout(engine.psu_stratum, np.asarray(engine.fpc_fraction, dtype=float),
                     first_row, labels, strata is not None, engine.lonely_psu)


def _steps(design: Design) -> tuple[tuple[str, dict[str, Any]], ...]:
    steps = design.weighting_steps
    if any(kind == "trim" for kind, _ in steps):
        raise DesignError("replicate(): the design's weights were trimmed, and trimming is not "
                          "redone in replicates; call replicate() on the design before trim(), "
                          "then rake() or calibrate() the replicate design")
    if design.engine.history and not steps:
        raise DesignError("replicate(): the weights were calibrated outside Design.rake() / "
                          "Design.calibrate(), so the weighting cannot be redone in replicates")
    return steps


def replicate_design(design: Design, type: str = "auto", replicates: int = 50, seed: int = 0,
                     rho: float | None = None, mse: bool = False) -> ReplicateDesign:
    """See :meth:`Design.replicate`.

    Examples
    --------
    R: ``svymean(~y, as.svrepdesign(svydesign(id=~psu, weights=~w, data=d)))`` (JK1)

    >>> import pandas as pd
    >>> from survey_kit.design.design import Design
    >>> d = pd.DataFrame({"psu": [1, 1, 2, 3], "w": [1.0] * 4, "y": [1.0, 3.0, 4.0, 6.0]})
    >>> rep = Design(d, weight="w", psu="psu").replicate("JK1")
    >>> rep.mean("y").to_frame()[["estimate", "se", "df"]].round(4).values.tolist()
    [[3.5, 1.3878, 2.0]]
    """
    steps = _steps(design)
    layout = psu_layout(design)
    made = replicate_factors(layout, type, replicates=replicates, seed=seed, rho=rho)
    base = design.unweighted() if steps else design.weights.to_numpy()
    psu = design.engine.psu
    spec = {"type": made.type, "scale": made.scale, "rscales": made.rscales, "mse": bool(mse),
            "rho": made.rho, "psu": psu, "steps": ()}
    rep = ReplicateDesign.from_arrays(design.data, base, base[:, None] * made.factors[psu], spec)
    for kind, arguments in steps:
        rep = rep.rake(**arguments) if kind == "rake" else rep.calibrate(**arguments)
    mask = design.domain_mask
    return rep if mask is None else rep.subset(mask)
