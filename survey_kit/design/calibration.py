"""Raking (iterative proportional fitting) and calibration of weights: pure numpy.

Two algorithms, both run on a *collapsed* table: rows that share the same combination of
margin cells (raking) or the same row of the model matrix (calibration) always receive the
same adjustment factor, so the work is done once per distinct combination and mapped back to
the rows with one gather.  This is exact, not an approximation.

* :func:`rake_ipf` -- iterative proportional fitting, as R ``survey::rake``.  Convergence:
  after a full sweep over the margins, ``max |achieved - target| / target < tol`` over every
  level of every margin (``target = 0`` levels use the absolute difference).
* :func:`calibrate_cells` / :func:`calibrate_g` -- Newton iterations on the Lagrange
  multipliers, as R ``survey:::grake`` (used by ``calibrate``), with the calibration
  functions ``"linear"``, ``"raking"`` and ``"logit"``.  Bounds on the adjustment factor
  ``g = new / old`` are enforced through the calibration function (the factor is clipped
  to the bounds inside every iteration), so a returned ``g`` always lies within them.
  Convergence: ``|misfit| / (1 + |total|) < tol`` for every column; non-finite factors
  trigger step halving (as R), and, beyond R, a step that increases the relative misfit is
  halved (backtracking): the solution is unique, so this changes only the path, and it
  converges where R's plain Newton oscillates (e.g. logit with a target near a bound).

Failure to converge raises :class:`~survey_kit.errors.WeightingError` naming the margin
(and level) with the largest relative misfit; weights are never returned as if fine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from survey_kit.design.calfuns import calfun_values, check_calfun
from survey_kit.errors import WeightingError

# as grake: rescale the weights first when every total / sample-total ratio exceeds this
_RESCALE_THRESHOLD = 20.0


@dataclass(frozen=True)
class RakingResult:
    """Outcome of :func:`rake_ipf`.

    Attributes
    ----------
    g : ndarray
        Adjustment factor per row (new weight / base weight).
    iterations : int
        Number of full sweeps over the margins.
    max_misfit : float
        Largest relative misfit after the last sweep (below ``tol``).
    margin_weights : tuple of ndarray
        Per margin, the row weights right after that margin was adjusted in the last sweep
        (R keeps these as ``attr(margin, "weights")`` for the variance).
    """

    g: np.ndarray
    iterations: int
    max_misfit: float
    margin_weights: tuple[np.ndarray, ...]


@dataclass(frozen=True)
class CalibrationResult:
    """Outcome of :func:`calibrate_g` / :func:`calibrate_cells`.

    Attributes
    ----------
    g : ndarray
        Adjustment factor per row (or per cell for :func:`calibrate_cells`).
    iterations : int
        Newton iterations used.
    max_misfit : float
        Largest ``|misfit| / (1 + |total|)`` at the solution (below ``tol``).
    """

    g: np.ndarray
    iterations: int
    max_misfit: float


def joint_cells(codes: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Factorise the joint cell of several integer code vectors.

    Parameters
    ----------
    codes : sequence of int ndarray
        One vector per margin, equal lengths, codes ``0..q-1`` or ``-1`` (row not in margin).

    Returns
    -------
    inverse : ndarray
        Index of each row's joint cell, ``0..m-1``.
    cells : ndarray
        ``m x k`` matrix: the margin codes of each joint cell.

    Examples
    --------
    >>> inv, cells = joint_cells([np.array([0, 1, 0, 1]), np.array([2, 2, 2, -1])])
    >>> inv.tolist(), cells.tolist()
    ([0, 2, 0, 1], [[0, 2], [1, -1], [1, 2]])
    """
    shifted = [np.asarray(c, dtype=np.int64) + 1 for c in codes]
    radix = np.array([int(c.max()) + 1 if len(c) else 1 for c in shifted], dtype=np.int64)
    size = float(np.prod(radix.astype(float)))
    if size > 2.0**40:
        uniq, inverse = np.unique(np.column_stack(shifted), axis=0, return_inverse=True)
        return inverse.ravel(), uniq - 1
    multipliers = np.concatenate([np.cumprod(radix[::-1])[::-1][1:], [1]])
    key = shifted[0] * multipliers[0]
    for c, m in zip(shifted[1:], multipliers[1:], strict=True):
        key += c * m
    if size <= max(4.0 * len(key), 2.0**20):
        present = np.bincount(key, minlength=int(size)) > 0
        cell_keys = np.flatnonzero(present)
        inverse = (np.cumsum(present) - 1)[key]
    else:
        cell_keys, inverse = np.unique(key, return_inverse=True)
    cells = (cell_keys[:, None] // multipliers[None, :]) % radix[None, :]
    return inverse.ravel(), cells - 1


def _misfit_name(names: Sequence[str] | None, j: int, level: int | None = None,
                 levels: Sequence[Sequence[str]] | None = None) -> str:
    label = names[j] if names is not None else f"margin {j}"
    if level is None:
        return label
    lev = levels[j][level] if levels is not None else str(level)
    return f"{label}, level {lev!r}"


def _margin_totals(cell_w: np.ndarray, cells: np.ndarray, j: int, size: int) -> np.ndarray:
    col = cells[:, j]
    mask = col >= 0
    return np.bincount(col[mask], weights=cell_w[mask], minlength=size)


def _relative_misfit(achieved: np.ndarray, target: np.ndarray) -> np.ndarray:
    diff = np.abs(achieved - target)
    return np.where(target > 0, diff / np.where(target > 0, target, 1.0), diff)


def rake_ipf(codes: Sequence[np.ndarray], targets: Sequence[np.ndarray], weights: np.ndarray,
             *, max_iter: int = 1000, tol: float = 1e-10, names: Sequence[str] | None = None,
             levels: Sequence[Sequence[str]] | None = None) -> RakingResult:
    """Rake weights to margin totals by iterative proportional fitting (as R ``rake``).

    Parameters
    ----------
    codes : sequence of int ndarray
        Per margin, the cell code of each row (``0..q-1``; ``-1``: row not in this margin).
    targets : sequence of ndarray
        Per margin, the target total of each cell code (length ``q``).
    weights : ndarray
        Base weights (positive).
    max_iter : int
        Maximum number of sweeps.
    tol : float
        Convergence when ``max |achieved - target| / target < tol`` after a sweep.
    names, levels : optional
        Margin names and level labels, used in error messages.

    Returns
    -------
    RakingResult

    Raises
    ------
    WeightingError
        A target level has no weight in the sample, or no convergence in ``max_iter`` sweeps
        (names the margin and level with the largest misfit).

    Examples
    --------
    R: ``rake(design, list(~a, ~b), list(pop_a, pop_b))``

    >>> a, b = np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])
    >>> res = rake_ipf([a, b], [np.array([3.0, 5.0]), np.array([4.0, 4.0])], np.ones(4))
    >>> np.round(res.g, 6).tolist()
    [1.5, 1.5, 2.5, 2.5]
    """
    inverse, cells = joint_cells(codes)
    base = np.bincount(inverse, weights=weights)
    targets = [np.asarray(t, dtype=float) for t in targets]
    _check_reachable(base, cells, targets, names, levels)
    factor = np.ones(len(base))
    snapshots: list[np.ndarray] = []
    worst = (np.inf, 0, 0)
    for sweep in range(1, max_iter + 1):
        snapshots = []
        for j, target in enumerate(targets):
            achieved = _margin_totals(base * factor, cells, j, len(target))
            ratio = np.divide(target, achieved, out=np.ones_like(target), where=achieved > 0)
            col = cells[:, j]
            mask = col >= 0
            factor[mask] *= ratio[col[mask]]
            snapshots.append(factor.copy())
        worst = _worst_misfit(base * factor, cells, targets)
        if worst[0] < tol:
            margin_weights = tuple(weights * s[inverse] for s in snapshots)
            return RakingResult(factor[inverse], sweep, worst[0], margin_weights)
    where = _misfit_name(names, worst[1], worst[2], levels)
    raise WeightingError(
        f"raking did not converge in {max_iter} sweeps: largest relative misfit "
        f"{worst[0]:.3g} (tolerance {tol:g}) at margin {where}; check that the margins are "
        "consistent, collapse sparse levels, or raise max_iter")


def _check_reachable(base: np.ndarray, cells: np.ndarray, targets: Sequence[np.ndarray],
                     names: Sequence[str] | None,
                     levels: Sequence[Sequence[str]] | None) -> None:
    for j, target in enumerate(targets):
        sample = _margin_totals(base, cells, j, len(target))
        bad = np.flatnonzero((sample <= 0) & (target > 0))
        if len(bad):
            where = _misfit_name(names, j, int(bad[0]), levels)
            raise WeightingError(
                f"margin {where} has target {target[bad[0]]:g} but no sample weight: "
                "collapse levels or drop the target")


def _worst_misfit(cell_w: np.ndarray, cells: np.ndarray,
                  targets: Sequence[np.ndarray]) -> tuple[float, int, int]:
    worst = (-1.0, 0, 0)
    for j, target in enumerate(targets):
        rel = _relative_misfit(_margin_totals(cell_w, cells, j, len(target)), target)
        k = int(np.argmax(rel))
        if rel[k] > worst[0]:
            worst = (float(rel[k]), j, k)
    return worst


def _pinv_solve(T: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    u, s, vt = np.linalg.svd(T)
    keep = s > 256 * np.finfo(float).eps * (s[0] if len(s) else 0.0)
    inv_s = np.where(keep, 1.0 / np.where(keep, s, 1.0), 0.0)
    return vt.T @ (inv_s * (u.T @ rhs))


def _evaluate(X: np.ndarray, eta: np.ndarray, calfun: str, lower: float,
              upper: float) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(over="ignore", invalid="ignore"):
        return calfun_values(calfun, X @ eta, lower, upper)


def _backtrack(X: np.ndarray, W: np.ndarray, totals: np.ndarray, eta: np.ndarray,
               step: np.ndarray, g: np.ndarray, old: np.ndarray, new: np.ndarray,
               fun: tuple[str, float, float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Halve a Newton step that increases the relative misfit (up to 30 times).

    A safeguard R's ``grake`` lacks: it only changes the path, never the solution, and a
    step is kept as R takes it when no shorter step does better.
    """
    scale = 1.0 + np.abs(totals)
    target = np.linalg.norm(old / scale)
    if not np.linalg.norm(new / scale) > target:
        return eta, g, new
    base = eta - step
    for k in range(1, 31):
        trial = base + step / 2.0**k
        g_trial, _ = _evaluate(X, trial, *fun)
        misfit = totals - X.T @ (W * g_trial)
        if np.all(np.isfinite(g_trial)) and np.linalg.norm(misfit / scale) < target:
            return trial, g_trial, misfit
    return eta, g, new


def _newton(X: np.ndarray, W: np.ndarray, totals: np.ndarray, calfun: str, lower: float,
            upper: float, max_iter: int, tol: float) -> tuple[np.ndarray, int, np.ndarray]:
    eta = np.zeros(X.shape[1])
    g, deriv = _evaluate(X, eta, calfun, lower, upper)
    scale = 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = totals / (X.T @ W)
    if not (np.isfinite(lower) or np.isfinite(upper)) and np.min(ratios) > _RESCALE_THRESHOLD:
        scale = float(np.mean(ratios))
        W = W * scale
    misfit = totals - X.T @ (W * g)
    iteration = 1
    while True:
        step = _pinv_solve(X.T @ (X * (W * deriv)[:, None]), misfit)
        eta = eta + step
        g, deriv = _evaluate(X, eta, calfun, lower, upper)
        while iteration < max_iter and not (np.all(np.isfinite(g)) and np.all(np.isfinite(deriv))):
            iteration += 1
            step = step / 2.0
            eta = eta - step
            g, deriv = _evaluate(X, eta, calfun, lower, upper)
        misfit_new = totals - X.T @ (W * g)
        eta, g, misfit = _backtrack(X, W, totals, eta, step, g, misfit, misfit_new,
                                    (calfun, lower, upper))
        g, deriv = _evaluate(X, eta, calfun, lower, upper)
        if np.all(np.abs(misfit) / (1.0 + np.abs(totals)) < tol):
            return g * scale, iteration, misfit
        iteration += 1
        if iteration > max_iter:
            return g * scale, -iteration, misfit


def calibrate_cells(X: np.ndarray, W: np.ndarray, totals: np.ndarray, *,
                    calfun: str = "linear", bounds: tuple[float, float] = (-np.inf, np.inf),
                    max_iter: int = 50, tol: float = 1e-7,
                    names: Sequence[str] | None = None) -> CalibrationResult:
    """Calibrate collapsed cells: Newton on the Lagrange multipliers, as R ``grake``.

    Parameters
    ----------
    X : ndarray
        ``m x q`` model matrix, one row per distinct cell (or per row, uncollapsed).
    W : ndarray
        Sum of base weights in each cell.
    totals : ndarray
        Population totals of the ``q`` columns.
    calfun : {"linear", "raking", "logit"}
        Calibration function (R ``cal.linear``, ``cal.raking``, ``cal.logit``).
    bounds : (float, float)
        Bounds on the adjustment factor ``g``, enforced inside the calibration function.
    max_iter, tol : int, float
        Iteration limit; convergence when ``|misfit| / (1 + |total|) < tol`` for all columns.
    names : optional
        Column names for error messages.

    Returns
    -------
    CalibrationResult
        ``g`` per cell.

    Raises
    ------
    WeightingError
        No convergence (names the column with the largest relative misfit).

    Examples
    --------
    R: ``calibrate(design, ~x, c(`(Intercept)` = 10, x = 4))``

    >>> X = np.array([[1.0, 0.0], [1.0, 1.0]])
    >>> res = calibrate_cells(X, np.array([3.0, 2.0]), np.array([10.0, 4.0]))
    >>> res.g.tolist()
    [2.0, 2.0]
    """
    lower, upper = float(bounds[0]), float(bounds[1])
    check_calfun(calfun, lower, upper)
    X = np.asarray(X, dtype=float)
    totals = np.asarray(totals, dtype=float)
    g, iterations, misfit = _newton(X, np.asarray(W, dtype=float), totals, calfun, lower, upper,
                                    max_iter, tol)
    rel = np.abs(misfit) / (1.0 + np.abs(totals))
    if iterations < 0 or not np.all(np.isfinite(g)):
        j = int(np.nanargmax(np.where(np.isfinite(rel), rel, np.inf)))
        label = names[j] if names is not None else f"column {j}"
        raise WeightingError(
            f"calibration ({calfun}, bounds {lower:g}-{upper:g}) failed to converge in "
            f"{max_iter} iterations: largest relative misfit {rel[j]:.3g} (tolerance {tol:g}) "
            f"at {label}; the targets cannot be met within the bounds: widen the bounds, "
            "collapse levels or drop that target")
    return CalibrationResult(g, iterations, float(np.max(rel)))


def calibrate_g(X: np.ndarray, weights: np.ndarray, totals: np.ndarray, *,
                calfun: str = "linear", bounds: tuple[float, float] = (-np.inf, np.inf),
                max_iter: int = 50, tol: float = 1e-7,
                names: Sequence[str] | None = None) -> CalibrationResult:
    """Calibration factors per row, computed once per distinct row of ``X`` (exact).

    Same arguments as :func:`calibrate_cells` with ``X`` the ``n x q`` model matrix and
    ``weights`` the base weight of each row.

    Examples
    --------
    R: ``calibrate(design, ~x, totals, calfun="raking", bounds=c(0.5, 3))``

    >>> X = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 0.0]])
    >>> res = calibrate_g(X, np.ones(3), np.array([6.0, 3.0]), calfun="raking",
    ...                   bounds=(0.5, 3.0))
    >>> np.round(res.g, 8).tolist()
    [1.5, 3.0, 1.5]
    """
    uniq, inverse = np.unique(np.asarray(X, dtype=float), axis=0, return_inverse=True)
    inverse = inverse.ravel()
    W = np.bincount(inverse, weights=np.asarray(weights, dtype=float), minlength=len(uniq))
    res = calibrate_cells(uniq, W, totals, calfun=calfun, bounds=bounds, max_iter=max_iter,
                          tol=tol, names=names)
    return CalibrationResult(res.g[inverse], res.iterations, res.max_misfit)
