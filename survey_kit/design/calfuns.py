"""Calibration functions (distance measures) for :mod:`survey_kit.design.calibration`.

Each maps the linear predictor ``u = x' eta`` to the adjustment factor ``g = F(u)`` with
``F(0) = 1``; bounds on ``g`` are part of the function (Deville & Särndal 1992; R
``survey::cal.linear``, ``cal.raking``, ``cal.logit``).
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from survey_kit.errors import WeightingError

CALFUNS: tuple[str, ...] = ("linear", "raking", "logit")


def calfun_values(calfun: str, u: np.ndarray, lower: float,
                  upper: float) -> tuple[np.ndarray, np.ndarray]:
    """Adjustment factor ``g = F(u)`` and derivative ``F'(u)`` of a calibration function.

    ``"linear"``: ``g = clip(1 + u, lower, upper)``; ``"raking"``: ``g = clip(exp(u), lower,
    upper)``; ``"logit"``: ``g = L + (U - L) expit(A u + log((1 - L) / (U - 1)))`` with
    ``A = (U - L) / ((U - 1)(1 - L))`` (Deville & Särndal 1992; needs finite ``L < 1 < U``).
    The derivative is zero where the factor is clipped.  For ``"raking"`` the derivative is
    ``exp(u)`` on ``lower - 1 < u < upper - 1`` and zero outside, the Newton Jacobian R's
    ``cal.raking`` uses: a wider window than ``log(lower) < u < log(upper)``, which lets a
    step that overshoots a bound come back (with the exact window the Jacobian loses that
    direction and Newton stalls).  Only the path depends on it, not the solution.

    Examples
    --------
    R: ``survey::cal.raking$Fm1(u, list(lower=0.5, upper=2)) + 1``

    >>> g, d = calfun_values("raking", np.array([0.0, 1.0]), 0.5, 2.0)
    >>> g.tolist(), d.tolist()
    ([1.0, 2.0], [1.0, 0.0])
    >>> calfun_values("raking", np.array([0.8]), 0.5, 2.0)[1].round(4).tolist()
    [2.2255]
    """
    if calfun == "linear":
        raw = 1.0 + u
        inside = (raw > lower) & (raw < upper)
        return np.clip(raw, lower, upper), inside.astype(float)
    if calfun == "raking":
        with np.errstate(over="ignore"):
            raw = np.exp(u)
        inside = (u > lower - 1.0) & (u < upper - 1.0)
        return np.clip(raw, lower, upper), np.where(inside, raw, 0.0)
    a = (upper - lower) / ((upper - 1.0) * (1.0 - lower))
    s = expit(a * u + np.log((1.0 - lower) / (upper - 1.0)))
    return lower + (upper - lower) * s, (upper - lower) * a * s * (1.0 - s)


def check_calfun(calfun: str, lower: float, upper: float) -> None:
    """Raise ``WeightingError`` for an unknown calibration function or unusable bounds.

    Examples
    --------
    >>> check_calfun("logit", 0.5, 2.0)
    """
    if calfun not in CALFUNS:
        raise WeightingError(f"calfun must be one of {CALFUNS}, found {calfun!r}")
    if not lower < upper:
        raise WeightingError(f"bounds must satisfy lower < upper, found ({lower}, {upper})")
    if calfun == "logit" and not (np.isfinite(lower) and np.isfinite(upper)
                                  and lower < 1.0 < upper):
        raise WeightingError(
            "logit calibration needs finite bounds with lower < 1 < upper, "
            f"found ({lower}, {upper})")
