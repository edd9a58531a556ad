"""Trimming extreme weights, keeping each group's total, with optional re-raking.

Weights outside ``[lower, upper]`` are set to the violated limit and the trimmed amount is
given to the weights strictly inside the limits *of the same by group*, so every group's
sum of weights is unchanged; this repeats until no weight is outside (R
``trimWeights(strict = TRUE)``).  Two ways to hand the amount out:

* ``method="proportional"`` (default): each receiving weight is scaled by the same factor,
  so the ratios between untrimmed weights are kept;
* ``method="equal"``: every receiving weight gets the same amount, as R's ``trimWeights``.

Weights already at a limit do not receive (R lets them receive and trims them again in the
next round; the limit is the same fixed point, reached in finitely many rounds here).

The calibration history is left unchanged by trimming, as in R.  With ``rerake=targets``
the trimmed weights are raked again and the trim -> rake cycle repeats until the weights
are within the limits *and* meet the targets, or ``max_rounds`` is exhausted
(``WeightingError``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from survey_kit.design.diagnostics import WeightingReport, build_report
from survey_kit.design.targets import group_codes
from survey_kit.design.weighting import rake_weights
from survey_kit.errors import WeightingError

if TYPE_CHECKING:
    from survey_kit.design.design import Design

METHODS: tuple[str, ...] = ("proportional", "equal")
_SLACK = 1e-9  # relative slack when checking re-raked weights against the limits


def trim_limits(weights: np.ndarray, codes: np.ndarray, lower: float | None,
                upper: float | None, relative: bool | str = False
                ) -> tuple[np.ndarray, np.ndarray]:
    """Per-row lower and upper limits, absolute or relative to the group median or mean.

    ``relative=True`` or ``"median"``: limits times the group's median weight;
    ``"mean"``: times its mean weight (both of the weights before trimming).

    Examples
    --------
    >>> lo, hi = trim_limits(np.array([1.0, 2.0, 9.0]), np.zeros(3, int), None, 2.0, True)
    >>> lo.tolist(), hi.tolist()
    ([-inf, -inf, -inf], [4.0, 4.0, 4.0])
    """
    lo = np.full(len(weights), -np.inf if lower is None else float(lower))
    hi = np.full(len(weights), np.inf if upper is None else float(upper))
    if relative is False:
        return lo, hi
    how = "median" if relative is True else str(relative)
    if how not in ("median", "mean"):
        raise WeightingError(f"relative must be True, 'median' or 'mean', found {relative!r}")
    grouped = pd.Series(weights).groupby(codes)
    centre = (grouped.transform("median") if how == "median"
              else grouped.transform("mean")).to_numpy()
    return lo * centre, hi * centre


def _spread(new: np.ndarray, codes: np.ndarray, excess: np.ndarray, inside: np.ndarray,
            method: str) -> np.ndarray:
    n_groups = len(excess)
    if method == "equal":
        count = np.bincount(codes[inside], minlength=n_groups)
        share = np.divide(excess, count, out=np.zeros(n_groups), where=count > 0)
        return np.where(inside, new + share[codes], new)
    mass = np.bincount(codes[inside], weights=new[inside], minlength=n_groups)
    factor = 1.0 + np.divide(excess, mass, out=np.zeros(n_groups), where=mass > 0)
    return np.where(inside, new * factor[codes], new)


def trim_weights(weights: np.ndarray, codes: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                 method: str = "proportional", redistribute: bool = True) -> tuple[np.ndarray,
                                                                                   int]:
    """Trim weights to ``[lo, hi]`` per row, redistributing within groups until none is out.

    Returns the trimmed weights and the number of rounds.

    Examples
    --------
    R: ``trimWeights(design, upper = 6, strict = TRUE)`` (``method="equal"``)

    >>> w, rounds = trim_weights(np.array([1.0, 2.0, 3.0, 12.0]), np.zeros(4, int),
    ...                          np.full(4, -np.inf), np.full(4, 6.0), "equal")
    >>> w.tolist(), rounds
    ([3.0, 4.0, 5.0, 6.0], 1)
    """
    if method not in METHODS:
        raise WeightingError(f"method must be one of {METHODS}, found {method!r}")
    w = np.asarray(weights, dtype=float).copy()
    n_groups = int(codes.max()) + 1 if len(codes) else 0
    for rounds in range(len(w) + 1):
        outside = (w < lo) | (w > hi)
        if not outside.any():
            return w, rounds
        new = np.clip(w, lo, hi)
        if not redistribute:
            return new, 1
        excess = np.bincount(codes, weights=w - new, minlength=n_groups)
        inside = (new > lo) & (new < hi)
        _check_room(inside, excess, codes, n_groups)
        w = _spread(new, codes, excess, inside, method)
    return w, len(w)


def _check_room(inside: np.ndarray, excess: np.ndarray, codes: np.ndarray,
                n_groups: int) -> None:
    receivers = np.bincount(codes[inside], minlength=n_groups)
    stuck = np.flatnonzero((receivers == 0) & (np.abs(excess) > 0))
    if len(stuck):
        raise WeightingError(
            f"trimming cannot keep the total of by group number {int(stuck[0])}: every weight "
            "is at a limit; widen the limits (the group total must lie between n*lower and "
            "n*upper)")


def _trim_report(new: np.ndarray, base: np.ndarray, codes: np.ndarray, groups: pd.DataFrame,
                 method: str, rounds: int) -> WeightingReport:
    """Report of a trim without re-raking: margins are empty (trimming has no targets)."""
    by = list(groups.columns)
    margins = pd.DataFrame(columns=[*by, "variable", "level", "target", "achieved"])
    return build_report(f"trim:{method}", rounds, new, base, codes, groups, margins, None, 0.0,
                        by)


def trim_design(design: Design, lower: float | None = None, upper: float | None = None,
                relative: bool | str = False, by: str | Sequence[str] | None = None,
                redistribute: bool = True, rerake: pd.DataFrame | None = None,
                max_rounds: int = 20, method: str = "proportional",
                rerake_by: str | Sequence[str] | None = None, tol: float = 1e-10) -> Design:
    """Trim a design's weights (optionally per by group and re-raked); history unchanged.

    Parameters
    ----------
    design : Design
    lower, upper : float, optional
        Limits on the weights (absolute, or multiples of the group median/mean weight).
    relative : bool or {"median", "mean"}
        Interpret the limits relative to each by group's median (True) or mean weight.
    by : str or list of str, optional
        Groups whose totals are kept (and within which relative limits are computed).
    redistribute : bool
        Hand the trimmed amount to the other weights of the group (False: just cap).
    rerake : DataFrame, optional
        Targets to re-rake to after trimming (``rerake_by`` defaults to ``by``).
    max_rounds : int
        Trim -> rake cycles before giving up with ``WeightingError``.
    method : {"proportional", "equal"}
        How the trimmed amount is spread (``"equal"`` is R's ``trimWeights``).
    tol : float
        Raking tolerance of the re-raking.

    Examples
    --------
    R: ``trimWeights(design, upper = 6, strict = TRUE)`` (R spreads equally)

    >>> from survey_kit.design.design import Design
    >>> df = pd.DataFrame({"w": [1.0, 2.0, 3.0, 12.0]})
    >>> trim_design(Design(df, weight="w"), upper=6).weights.tolist()
    [2.0, 4.0, 6.0, 6.0]
    """
    base = design.weights.to_numpy()
    codes, groups = group_codes(design.data, by)
    lo, hi = trim_limits(base, codes, lower, upper, relative)
    if rerake is None:
        new, rounds = trim_weights(base, codes, lo, hi, method, redistribute)
        report = _trim_report(new, base, codes, groups, method, rounds)
        return design._with_weights(new, history=None, weighting=report)
    rb = by if rerake_by is None else rerake_by
    w = base
    for cycle in range(1, max_rounds + 1):
        trimmed, _ = trim_weights(w, codes, lo, hi, method, redistribute)
        result = rake_weights(design.data, trimmed, rerake, by=rb, tol=tol)
        w = result.weights
        if np.all((w >= lo * (1 - _SLACK)) & (w <= hi * (1 + _SLACK))):
            r_codes, r_groups = group_codes(design.data, rb)
            report = build_report(f"trim:{method}+rake", cycle, w, base, r_codes, r_groups,
                                  result.report.margins, None, tol, result.report.by)
            return design._with_weights(w, history=result.history, weighting=report)
    worst = float(np.max(np.maximum(w / hi, lo / w)))
    raise WeightingError(
        f"trimming and re-raking did not settle in {max_rounds} rounds: after raking a weight "
        f"is still {worst:.4g} times its limit; widen the limits, collapse sparse margins or "
        "raise max_rounds")

