"""Weighted quantile rules of R ``survey`` 4.1 (``qrule=`` of ``svyquantile``).

Rows with weight zero are dropped first.  With the values sorted (ties in data order) and
``C_k`` the cumulative weight, ``T`` the total: the *lower* point is the last ``k`` with
``C_k <= p T`` (the first point if none), the *upper* point the next one.

* ``"math"`` (= ``"hf1"``): the lower value when ``C_k = p T`` exactly, else the upper one;
  the inverse of the weighted CDF.
* ``"school"`` (= ``"hf2"``): as ``"math"`` but the midpoint of the two values at an exact hit.
* ``"hf3"``: weights of tied values summed first; at an exact hit the lower value if its
  rank is even.
* ``"hf4"``: linear between the lower and upper value by the weight shares.
* ``"hf5"`` .. ``"hf9"``: linear interpolation of the values at the plotting positions of
  Hyndman and Fan's types 5-9 written with weights (as R defines them).
* ``"shahvaish"``: Shah and Vaish's rule, step interpolation at positions
  ``(S_k + 1/2 - w_k / 2) / (n + 1)``, ``S`` the cumulative weights scaled to mean 1.

Cumulative sums are accumulated in extended precision and rounded to double, as R's
``cumsum``/``sum``, so that exact hits (``C_k = p T``) are decided as in R.

One deliberate difference from R 4.1: for ``p`` below the first cumulative weight share
(``p T < C_1``, e.g. the 1 % quantile of fewer than 100 equal weights) R's ``qs`` takes the
*first* point as lower bound and the rules answer with the *second* smallest value
(``"hf4"`` extrapolates below the smallest); survey_kit answers with the smallest value, as
the inverse of the weighted CDF and R's own ``quantile(type=1..4)`` do.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from survey_kit.errors import EstimationError


def _cumsum(w: np.ndarray) -> np.ndarray:
    """R's ``cumsum``: accumulated in long double, each partial sum rounded to double."""
    return np.cumsum(w.astype(np.longdouble)).astype(float)


def _total(w: np.ndarray) -> float:
    """R's ``sum``: sequential long double accumulation, rounded to double."""
    return float(np.cumsum(w.astype(np.longdouble))[-1])


def _mean(w: np.ndarray) -> float:
    """R's ``mean``: long double sum / n, then one refinement pass."""
    ld = w.astype(np.longdouble)
    s = np.cumsum(ld)[-1] / ld.size
    if np.isfinite(s):
        s = s + np.cumsum(ld - s)[-1] / ld.size
    return float(s)


def _bounds(x: np.ndarray, w: np.ndarray, p: float) -> tuple[float, float, int, float, float]:
    """R's ``qs``: lower and upper value, lower rank (1-based), ``wlow``, ``wup``; rank 0 when
    ``p`` is below the first cumulative weight share (R then answers with the second value,
    see the module docstring)."""
    order = np.argsort(x, kind="stable")
    xs = x[order]
    cumw = _cumsum(w[order])
    total = _total(w)
    hits = np.flatnonzero(cumw <= p * total)
    if not hits.size:
        return float(xs[0]), float(xs[0]), 0, 0.0, 0.0
    pos = int(hits[-1])
    nxt = pos if pos == xs.size - 1 else pos + 1
    return (float(xs[pos]), float(xs[nxt]), pos + 1, p - cumw[pos] / total,
            cumw[nxt] / total - p)


def _math(x: np.ndarray, w: np.ndarray, p: float) -> float:
    low, up, _, wlow, _ = _bounds(x, w, p)
    return low if wlow == 0 else up


def _school(x: np.ndarray, w: np.ndarray, p: float) -> float:
    low, up, _, wlow, _ = _bounds(x, w, p)
    return (low + up) / 2 if wlow == 0 else up


def _hf3(x: np.ndarray, w: np.ndarray, p: float) -> float:
    values, inverse = np.unique(x, return_inverse=True)
    summed = np.bincount(inverse.ravel(), weights=w, minlength=values.size)
    low, up, rank, wlow, _ = _bounds(values, summed, p)
    return low if wlow == 0 and rank % 2 == 0 else up


def _hf4(x: np.ndarray, w: np.ndarray, p: float) -> float:
    low, up, rank, wlow, wup = _bounds(x, w, p)
    if rank == 0:
        return low
    gamma = wlow / (wup + wlow)
    return low * (1 - gamma) + up * gamma


def approx(positions: np.ndarray, values: np.ndarray, p: float, constant: bool = False) -> float:
    """R's ``approx(positions, values, p, rule=2, ties=mean)`` (linear, or ``method=
    "constant", f=0``)."""
    order = np.argsort(positions, kind="stable")
    xs, ys = positions[order], values[order]
    uniq = np.unique(xs)
    if uniq.size < xs.size:  # tied positions: the mean of their values
        inverse = np.searchsorted(uniq, xs)
        ys = np.bincount(inverse, weights=ys) / np.bincount(inverse)
        xs = uniq
    if p < xs[0]:
        return float(ys[0])
    if p > xs[-1]:
        return float(ys[-1])
    i = int(np.searchsorted(xs, p, side="right")) - 1
    if xs[i] == p or i == xs.size - 1:
        return float(ys[i])
    if constant:
        return float(ys[i])
    return float(ys[i] + (ys[i + 1] - ys[i]) * ((p - xs[i]) / (xs[i + 1] - xs[i])))


def _continuous(kind: str) -> Callable[[np.ndarray, np.ndarray, float], float]:
    def rule(x: np.ndarray, w: np.ndarray, p: float) -> float:
        order = np.argsort(x, kind="stable")
        xs, ws = x[order], w[order]
        cumw = _cumsum(ws)
        before = np.concatenate(([0.0], cumw[:-1]))
        n = xs.size
        if kind == "hf5":
            pk = (cumw - ws / 2) / cumw[-1]
        elif kind == "hf6":
            pk = cumw / (cumw[-1] + ws[-1])
        elif kind == "hf7":
            pk = before / cumw[n - 2] if n > 1 else np.zeros(1)
        elif kind == "hf8":
            pk = (before * 1 / 3 + cumw * 2 / 3) / (cumw[-1] + ws[-1] / 3)  # as R
        elif kind == "hf9":
            pk = (before * 3 / 8 + cumw * 5 / 8) / (cumw[-1] + ws[-1] / 4)
        else:  # shahvaish
            S = _cumsum(ws / _mean(ws))
            return approx((S + 0.5 - ws / 2) / (n + 1), xs, p, constant=True)
        return approx(pk, xs, p)

    return rule


QRULES: dict[str, Callable[[np.ndarray, np.ndarray, float], float]] = {
    "math": _math, "hf1": _math, "school": _school, "hf2": _school, "hf3": _hf3,
    "hf4": _hf4, **{k: _continuous(k) for k in ("hf5", "hf6", "hf7", "hf8", "hf9",
                                                "shahvaish")},
}


def check_qrule(qrule: str) -> Callable[[np.ndarray, np.ndarray, float], float]:
    """The rule function, or EstimationError listing the known rules."""
    if qrule not in QRULES:
        raise EstimationError(f"qrule={qrule!r} is not a known quantile rule; expected one of "
                              f"{', '.join(QRULES)}")
    return QRULES[qrule]


def weighted_quantile(x: np.ndarray, w: np.ndarray, p: float, qrule: str = "math") -> float:
    """The ``p`` quantile of values ``x`` with weights ``w`` under ``qrule`` (R's
    ``qrule_<name>(x, w, p)``); zero weights are dropped, NaN when nothing is left.

    Examples
    --------
    >>> x, w = np.array([3.0, 1.0, 2.0, 4.0]), np.ones(4)
    >>> weighted_quantile(x, w, 0.5), weighted_quantile(x, w, 0.5, "school")
    (2.0, 2.5)
    """
    rule = check_qrule(qrule)
    keep = w != 0
    if not keep.any():
        return float("nan")
    return rule(np.asarray(x, dtype=float)[keep], np.asarray(w, dtype=float)[keep], float(p))
