"""Trimming extreme weights, keeping each group's total, with optional re-raking.

Weights outside ``[lower, upper]`` are set to the violated limit and the trimmed amount is
given to the weights strictly inside the limits *of the same by group*, so every group's
sum of weights is unchanged; this repeats until no weight is outside (R
``trimWeights(strict = TRUE)``).  Two ways to hand the amount out:

* ``method="proportional"`` (default): each receiving weight is scaled by the same factor,
  so the ratios between untrimmed weights are kept;
* ``method="equal"``: every receiving weight gets the same amount, as R's ``trimWeights``.

Each round follows R: the weights not outside the limits in that round receive, including
weights sitting exactly at a limit, which a later round trims again; the rounds stop when no
weight is outside by more than ``LIMIT_RTOL`` relative (R stops at exact equality, which
floating point reaches a few rounds later; the weights differ by less than ``LIMIT_RTOL``).

The calibration history is left unchanged by trimming, as in R.  With ``rerake=targets``
the trimmed weights are raked again and the trim -> rake cycle repeats until the weights
are within the limits *and* meet the targets, or ``max_rounds`` is exhausted
(``WeightingError``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from survey_kit.design.diagnostics import WeightingReport, build_report
from survey_kit.design.targets import group_codes
from survey_kit.design.weighting import WeightingResult, rake_weights
from survey_kit.errors import WeightingError

METHODS: tuple[str, ...] = ("proportional", "equal")
#: Relative amount by which a weight may exceed a limit when trimming stops.
LIMIT_RTOL = 1e-13
MAX_TRIM_ROUNDS = 100_000


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
                 method: str = "proportional", redistribute: bool = True,
                 group_names: Sequence[str] | None = None) -> tuple[np.ndarray, int]:
    """Trim weights to ``[lo, hi]`` per row, redistributing within groups until none is out.

    Returns the trimmed weights and the number of rounds.  When every weight of a group is
    outside in a round (R would divide by zero and lose the total), the weights that can
    move in the needed direction receive instead (e.g. those just raised to ``lo``).

    Examples
    --------
    R: ``trimWeights(design, upper = 6, strict = TRUE)`` (``method="equal"``)

    >>> w, rounds = trim_weights(np.array([1.0, 2.0, 3.0, 12.0]), np.zeros(4, int),
    ...                          np.full(4, -np.inf), np.full(4, 6.0), "equal")
    >>> w.tolist(), rounds
    ([3.0, 4.0, 5.0, 6.0], 1)
    >>> w, rounds = trim_weights(np.array([1.0, 7.0, 12.0]), np.zeros(3, int),
    ...                          np.full(3, -np.inf), np.full(3, 8.0), "equal")
    >>> w.round(10).tolist()
    [4.0, 8.0, 8.0]
    """
    if method not in METHODS:
        raise WeightingError(f"method must be one of {METHODS}, found {method!r}")
    w = np.asarray(weights, dtype=float).copy()
    n_groups = int(codes.max()) + 1 if len(codes) else 0
    with np.errstate(invalid="ignore"):
        lo_tol = lo - LIMIT_RTOL * np.abs(lo)
        hi_tol = hi + LIMIT_RTOL * np.abs(hi)
    if redistribute:
        _check_feasible(w, codes, lo, hi, n_groups, group_names)
    for rounds in range(MAX_TRIM_ROUNDS):
        outside = (w < lo_tol) | (w > hi_tol)
        if not outside.any():
            return w, rounds
        new = np.clip(w, lo, hi)
        if not redistribute:
            return new, 1
        excess = np.bincount(codes, weights=w - new, minlength=n_groups)
        receivers = _receivers(~outside, new, lo, hi, excess, codes, n_groups, group_names)
        w = _spread(new, codes, excess, receivers, method)
    raise WeightingError(f"trimming did not settle in {MAX_TRIM_ROUNDS} rounds; widen the limits")


def _check_feasible(w: np.ndarray, codes: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                    n_groups: int, group_names: Sequence[str] | None) -> None:
    total = np.bincount(codes, weights=w, minlength=n_groups)
    low = np.bincount(codes, weights=np.maximum(lo, 0.0), minlength=n_groups)
    high = np.bincount(codes, weights=hi, minlength=n_groups)
    bad = np.flatnonzero((total < low * (1 - 1e-12)) | (total > high * (1 + 1e-12)))
    if len(bad):
        g = bad[0]
        name = group_names[g] if group_names is not None else f"number {g}"
        raise WeightingError(
            f"trimming cannot keep the total of by group {name}: its weights add to "
            f"{total[g]:.6g}, outside what the limits allow ({low[g]:.6g} to {high[g]:.6g}); "
            "widen the limits")


def _receivers(inside: np.ndarray, new: np.ndarray, lo: np.ndarray, hi: np.ndarray,
               excess: np.ndarray, codes: np.ndarray, n_groups: int,
               group_names: Sequence[str] | None) -> np.ndarray:
    count = np.bincount(codes[inside], minlength=n_groups)
    empty = (count == 0) & (excess != 0)
    if not empty.any():
        return inside
    direction = np.sign(excess)[codes]
    movable = np.where(direction > 0, new < hi, new > lo)
    receivers = np.where(empty[codes], movable, inside)
    stuck = np.flatnonzero(empty & (np.bincount(codes[receivers], minlength=n_groups) == 0))
    if len(stuck):
        name = group_names[stuck[0]] if group_names is not None else f"number {stuck[0]}"
        raise WeightingError(
            f"trimming cannot keep the total of by group {name}: every weight is at a limit; "
            "widen the limits (the group total must lie between n*lower and n*upper)")
    return receivers


def _names(groups: pd.DataFrame) -> list[str]:
    return [", ".join(f"{c}={row[c]}" for c in groups.columns) or "(all rows)"
            for _, row in groups.iterrows()]


def _trim_report(new: np.ndarray, base: np.ndarray, codes: np.ndarray, groups: pd.DataFrame,
                 method: str, rounds: int) -> WeightingReport:
    """Report of a trim without re-raking: margins are empty (trimming has no targets)."""
    by = list(groups.columns)
    margins = pd.DataFrame(columns=[*by, "variable", "level", "target", "achieved"])
    return build_report(f"trim:{method}", rounds, new, base, codes, groups, margins, None, 0.0,
                        by)


def trim_result(data: pd.DataFrame, weights: np.ndarray, lower: float | None = None,
                upper: float | None = None, relative: bool | str = False,
                by: str | Sequence[str] | None = None, redistribute: bool = True,
                rerake: pd.DataFrame | None = None, max_rounds: int = 20,
                method: str = "proportional", rerake_by: str | Sequence[str] | None = None,
                tol: float = 1e-10, limit_rtol: float = 1e-6) -> WeightingResult:
    """Trim weights (optionally per by group and re-raked): the array-level core of
    ``Design.trim``.  Without ``rerake`` the result has no history (the design keeps its own).

    Parameters
    ----------
    data : DataFrame
        The respondent table (for the ``by`` groups and the re-raking margins).
    weights : ndarray
        The weights to trim, one per row of ``data``.
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
    limit_rtol : float
        With ``rerake``: the cycle stops when every re-raked weight is within the limits up
        to this relative amount (trim and rake alternate, so the limits are approached, not
        hit exactly; the margins are always met to ``tol``).

    Examples
    --------
    R: ``trimWeights(design, upper = 6, strict = TRUE)`` (R spreads equally)

    >>> df = pd.DataFrame({"w": [1.0, 2.0, 3.0, 12.0]})
    >>> trim_result(df, df["w"].to_numpy(), upper=6).weights.tolist()
    [2.0, 4.0, 6.0, 6.0]
    """
    base = np.asarray(weights, dtype=float)
    codes, groups = group_codes(data, by)
    lo, hi = trim_limits(base, codes, lower, upper, relative)
    if rerake is None:
        new, rounds = trim_weights(base, codes, lo, hi, method, redistribute, _names(groups))
        report = _trim_report(new, base, codes, groups, method, rounds)
        return WeightingResult(new, None, report)
    rb = by if rerake_by is None else rerake_by
    w = base
    for cycle in range(1, max_rounds + 1):
        trimmed, _ = trim_weights(w, codes, lo, hi, method, redistribute, _names(groups))
        result = rake_weights(data, trimmed, rerake, by=rb, tol=tol)
        w = result.weights
        if np.all((w >= lo - limit_rtol * np.abs(lo)) & (w <= hi + limit_rtol * np.abs(hi))):
            r_codes, r_groups = group_codes(data, rb)
            report = build_report(f"trim:{method}+rake", cycle, w, base, r_codes, r_groups,
                                  result.report.margins, None, tol, result.report.by)
            return WeightingResult(w, result.history, report)
    with np.errstate(divide="ignore", invalid="ignore"):
        over = np.where(np.isfinite(hi) & (hi != 0), (w - hi) / np.abs(hi), -np.inf)
        under = np.where(np.isfinite(lo) & (lo != 0), (lo - w) / np.abs(lo), -np.inf)
    worst = float(np.max(np.maximum(over, under)))
    raise WeightingError(
        f"trimming and re-raking did not settle in {max_rounds} rounds: after raking a weight "
        f"is still {100 * worst:.3g} % beyond its limit (allowed {100 * limit_rtol:g} %); "
        "widen the limits, collapse sparse margins, raise max_rounds, or use bounded raking "
        "(rake(bounds=...)) instead")
