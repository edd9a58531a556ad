"""The disclosure audit: what an attacker holding every published figure can know of a hidden
cell, by linear programming, as statistical offices audit a suppression pattern.

For each hidden cell that must be protected and each variable, the attacker's unknowns are
the counts ``c_j >= 0`` of the atoms (:mod:`survey_kit.disclosure.linked`) and, when the
design is unweighted so that count x mean is additive, their sums of answers ``0 <= s_j <=
c_j`` (every answer lies in [0, 1]).  Every shown figure is an equation: the atoms of a shown
domain add up to its published count (and to count x mean).  The **count range** of a hidden
cell is the minimum and maximum of its atoms' total over everything that satisfies those
equations; the **share range** the minimum and maximum of sum / count, a linear-fractional
program solved as a linear one by the Charnes-Cooper transformation (``y = c t, z = s t,
sum_h y = 1``).  A cell is **protected** when its count cannot be pinned below the threshold
(the upper end of the count range reaches it) and its share cannot be pinned to within
``+/- protection_share`` (the share range is at least twice that wide).

The LPs are small: facts differ by variable (item non-response), so each variable is audited
on its own, split into the connected parts of the tables (rounds and groups no table sums
across), with atoms that no published figure tells apart merged into one.  Solved with HiGHS
(``scipy.optimize.linprog``).  The references for the method are tau-ARGUS's audit and R's
``sdcTable`` (``attack()``); the relaxation to real-valued counts is theirs too.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from survey_kit.disclosure.linked import RESPONDENTS, Linked
from survey_kit.disclosure.reduce import problem, reduce

if TYPE_CHECKING:
    from scipy.optimize import OptimizeResult

RANGE_COLUMNS: tuple[str, ...] = (
    "domain", "cell", "variable", "count_low", "count_high", "share_low", "share_high",
    "protected", "problem",
)
"""Columns of :attr:`Audit.ranges`."""

TOLERANCE = 1e-6
"""Slack allowed when comparing an LP bound with the threshold or the protection width."""


@dataclass(frozen=True, eq=False)
class Audit:
    """The result of :func:`audit_cells`.

    Attributes
    ----------
    ranges : pandas.DataFrame
        One row per audited (hidden cell, variable): the count range, the share range (NaN
        when values are not additive), ``protected`` and the ``problem`` when not.
    lp_solved : int
        Number of linear programs solved.
    seconds : float
        Time spent.
    """

    ranges: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(
        RANGE_COLUMNS)))
    lp_solved: int = 0
    seconds: float = 0.0

    @property
    def unprotected(self) -> pd.DataFrame:
        """The audited rows that are not protected."""
        return self.ranges[~self.ranges["protected"].astype(bool)]


@dataclass(frozen=True)
class Target:
    """Audit criteria: the count threshold and the half-width of the share interval."""

    threshold: float
    share: float
    additive: bool


class _Component:
    """One connected part of one variable's tables, reduced for the LPs: shown cells that
    nothing else tells apart are merged (:mod:`survey_kit.disclosure.reduce`), then atoms
    that no figure tells apart; the share LP's fixed blocks are built once."""

    def __init__(self, values: pd.DataFrame, counts: np.ndarray, sums: np.ndarray,
                 membership: np.ndarray, target_rows: np.ndarray) -> None:
        p = reduce(problem(values, membership, counts, sums, target_rows))
        columns = np.unique(np.vstack([p.shown, p.targets]), axis=1)
        self.n_atoms = columns.shape[1]
        self.shown = sparse.csr_matrix(columns[: len(p.shown)].astype(float))
        self.targets = columns[len(p.shown):].astype(float)
        self.counts = p.counts
        self.sums = p.sums
        self._share: tuple[sparse.csr_matrix, sparse.csr_matrix, np.ndarray] | None = None

    def count_range(self, k: int) -> tuple[float, float, int]:
        """(low, high, LPs solved) of the count of target ``k``."""
        out = []
        for sign in (1.0, -1.0):
            res = _linprog()(sign * self.targets[k], A_eq=self.shown, b_eq=self.counts,
                          bounds=(0, None), method="highs")
            out.append(_bound(res, sign))
        return out[0], out[1], 2

    def _share_blocks(self) -> tuple[sparse.csr_matrix, sparse.csr_matrix, np.ndarray]:
        """Variables [y (atoms), z (atoms), t]: shown counts and sums as y, z scaled by t,
        and z <= y."""
        if self._share is None:
            m, a = self.shown.shape[0], self.n_atoms
            keep = ~np.isnan(self.sums)
            zero = sparse.csr_matrix((m, a))
            eq = sparse.vstack([
                sparse.hstack([self.shown, zero, -self.counts[:, None]]),
                sparse.hstack([zero[keep], self.shown[keep], -self.sums[keep][:, None]]),
            ]).tocsr()
            upper = sparse.hstack([-sparse.eye(a), sparse.eye(a),
                                   sparse.csr_matrix((a, 1))]).tocsr()
            self._share = (eq, upper, np.r_[np.zeros(eq.shape[0]), 1.0])
        return self._share

    def share_range(self, k: int) -> tuple[float, float, int]:
        """(low, high, LPs solved) of the share of target ``k`` (Charnes-Cooper)."""
        base, upper, b_eq = self._share_blocks()
        a = self.n_atoms
        eq = sparse.vstack([base, sparse.csr_matrix(np.r_[self.targets[k], np.zeros(a + 1)])
                            ]).tocsr()
        out = []
        for sign in (1.0, -1.0):
            c = np.r_[np.zeros(a), sign * self.targets[k], 0.0]
            res = _linprog()(c, A_ub=upper, b_ub=np.zeros(a), A_eq=eq, b_eq=b_eq,
                          bounds=(0, None), method="highs")
            out.append(_bound(res, sign))
        return out[0], out[1], 2


def _linprog() -> Any:
    """``scipy.optimize.linprog``, imported when a first program is solved (0.2 s that a
    run with nothing to audit need not pay)."""
    from scipy.optimize import linprog

    return linprog


def _bound(res: OptimizeResult, sign: float) -> float:
    """The bound an LP result gives (``sign`` -1: a maximum); NaN when it was not solved."""
    if res.status == 3:  # unbounded
        return -np.inf if sign > 0 else np.inf
    if res.status != 0:
        return np.nan
    return float(sign * res.fun)


def _components(linked: Linked, ids: list[int]) -> np.ndarray:
    """Component label of each domain in ``ids`` (domains sharing an atom are connected)."""
    members = sparse.csr_matrix(linked.membership(ids).astype(np.int8))
    n = len(ids)
    graph = sparse.bmat([[None, members], [members.T, None]])
    _, labels = connected_components(graph, directed=False)
    return labels[:n]


def _judge(low: float, high: float, s_low: float, s_high: float, target: Target
           ) -> tuple[bool, str]:
    if np.isnan(low) or np.isnan(high):
        return False, "the audit could not solve its linear program"
    if high < target.threshold - TOLERANCE:
        return False, f"its count can be pinned below {target.threshold:g}"
    if target.additive and not np.isnan(s_low + s_high) and (
            s_high - s_low < 2 * target.share - TOLERANCE):
        return False, f"its share can be pinned to within ±{round(100 * target.share):g} points"
    if target.additive and np.isnan(s_low + s_high):
        return False, "the audit could not solve the share's linear program"
    return True, ""


def _audit_variable(linked: Linked, hidden: np.ndarray, variable: str, targets: list[int],
                    target: Target) -> tuple[list[dict[str, object]], int]:
    facts = linked.facts.get(variable, {})
    shown = sorted(d for d in facts if not hidden[d])
    ids = shown + [t for t in targets if t not in facts or hidden[t]]
    labels = _components(linked, ids)
    label_of = dict(zip(ids, labels, strict=True))
    rows, solved = [], 0
    additive = target.additive and variable != RESPONDENTS
    for label in sorted({label_of[t] for t in targets}):
        part = [d for d in shown if label_of[d] == label]
        goals = [t for t in targets if label_of[t] == label]
        members = linked.membership(part)
        goal_rows = linked.membership(goals)
        atoms = members.any(axis=0) | goal_rows.any(axis=0)
        comp = _Component(linked.atoms[atoms], np.array([facts[d][0] for d in part],
                                                         dtype=float),
                          np.array([facts[d][0] * facts[d][1] for d in part], dtype=float),
                          members[:, atoms], goal_rows[:, atoms])
        for k, goal in enumerate(goals):
            low, high, used = comp.count_range(k)
            s_low = s_high = np.nan
            if additive:
                s_low, s_high, more = comp.share_range(k)
                used += more
            solved += used
            ok, problem = _judge(low, high, s_low, s_high,
                                 Target(target.threshold, target.share, additive))
            rows.append({"domain": goal, "cell": linked.domains[goal].label,
                         "variable": variable, "count_low": low, "count_high": high,
                         "share_low": s_low, "share_high": s_high, "protected": ok,
                         "problem": problem})
    return rows, solved


def audit_cells(linked: Linked, hidden: np.ndarray, cells: Iterable[tuple[int, str]],
                target: Target) -> Audit:
    """Audit hidden cells against every shown figure (see the module docstring).

    Parameters
    ----------
    linked : Linked
        The published tables.
    hidden : numpy.ndarray
        Per domain, whether it is hidden.
    cells : iterable of (domain id, variable)
        The hidden cells to audit (e.g. every cell below the threshold, per variable).
    target : Target
        Threshold, share half-width and whether values are additive (unweighted design).

    Examples
    --------
    >>> from survey_kit.disclosure.linked import Published, Side, link, universe
    >>> est = pd.DataFrame({"variable": "v", "gender": [None, "f", "m"], "n": [30, 4, 26],
    ...                     "estimate": [0.5, 1.0, 11 / 26]})
    >>> linked = link([Published("est", est, (Side(est[["gender"]], "n", "estimate"),))],
    ...               universe({"gender": ["f", "m"]}))
    >>> hidden = np.array([False, True, False])  # f hidden, m shown: f = total - m
    >>> out = audit_cells(linked, hidden, [(1, "v")], Target(10, 0.1, additive=True)).ranges
    >>> cols = ["count_low", "count_high", "share_low", "share_high", "protected"]
    >>> out[cols].round(6).to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    [{'count_low': 4.0, 'count_high': 4.0, 'share_low': 1.0, 'share_high': 1.0,
      'protected': False}]
    """
    start = time.perf_counter()
    by_variable: dict[str, list[int]] = {}
    for domain, variable in cells:
        by_variable.setdefault(variable, []).append(domain)
    rows: list[dict[str, object]] = []
    solved = 0
    for variable in sorted(by_variable):
        found, used = _audit_variable(linked, hidden, variable,
                                      sorted(set(by_variable[variable])), target)
        rows += found
        solved += used
    frame = pd.DataFrame(rows, columns=list(RANGE_COLUMNS))
    frame["protected"] = frame["protected"].astype(bool)
    return Audit(frame, solved, time.perf_counter() - start)


__all__ = ["RANGE_COLUMNS", "Audit", "Target", "audit_cells"]
