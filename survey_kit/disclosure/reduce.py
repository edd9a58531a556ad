"""An exact reduction of the audit's linear programs: merge shown cells that nothing else
tells apart.

Take shown cells ``D_1 .. D_k`` that differ only in one column (the areas of the helhedsplan
group in one round), each covering the same combinations ``J`` of the other columns (gender x
MENAPT x age).  If no other figure (shown or audited) tells the ``D_i`` apart, that is, every
other cell holds, for each combination ``j``, all of ``(D_1, j) .. (D_k, j)`` or none of them,
then the atoms ``(D_i, j)`` can be replaced by one atom per ``j`` holding their total, and the
k equations of the ``D_i`` by one for their union.  This changes no range: any totals
per ``j`` that add up to the ``D_i``'s total can be split back into the ``D_i`` with each
one's count (a transportation problem with equal totals always has a nonnegative solution),
and the same holds separately for the answers 1 (the sums) and 0 (count minus sum), so also
the shares' ranges are unchanged.

In a run this turns the 66 areas x 16 subgroups of the helhedsplan group into 16 atoms plus
those of the hidden areas.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass
class Problem:
    """One component's LP data: shown cells (membership, counts, sums), the cells audited,
    and each atom's code per classification column."""

    shown: np.ndarray
    counts: np.ndarray
    sums: np.ndarray
    targets: np.ndarray
    codes: np.ndarray


def problem(values: pd.DataFrame, shown: np.ndarray, counts: np.ndarray, sums: np.ndarray,
            targets: np.ndarray) -> Problem:
    """A :class:`Problem` from the atoms' values (one column per classification column)."""
    codes = np.column_stack([pd.factorize(values[c])[0] for c in values.columns]) \
        if len(values.columns) else np.zeros((len(values), 0), dtype=np.int64)
    return Problem(shown.astype(bool), counts.astype(float), sums.astype(float),
                   targets.astype(bool), codes.astype(np.int64))


def _classes(codes: np.ndarray, column: int) -> np.ndarray:
    """Per atom, the id of its combination of every other column."""
    other = np.delete(codes, column, axis=1) + 1  # -1 marks a merged column
    if not other.shape[1]:
        return np.zeros(len(codes), dtype=np.int64)
    key = np.zeros(len(codes), dtype=np.int64)
    for c in range(other.shape[1]):
        key = key * (int(other[:, c].max()) + 1) + other[:, c]
    return np.unique(key, return_inverse=True)[1].ravel()


def _family(p: Problem, column: int, classes: np.ndarray) -> list[int]:
    """Shown rows that each hold one value of ``column`` and, for it, the same combinations J
    of the other columns (the largest such group; an atom is one value with one
    combination, so such a row is exactly ``{value} x J``)."""
    values = p.codes[:, column].astype(float)
    shown = p.shown
    low = np.where(shown, values, np.inf).min(axis=1)
    high = np.where(shown, values, -np.inf).max(axis=1)
    single = shown.any(axis=1) & (low == high)
    rows = np.flatnonzero(single)
    signature = np.zeros((len(rows), int(classes.max(initial=-1)) + 1), dtype=bool)
    at_row, at_atom = np.nonzero(shown[rows])
    signature[at_row, classes[at_atom]] = True
    groups: dict[bytes, dict[float, int]] = {}
    for k, r in enumerate(rows):
        groups.setdefault(np.packbits(signature[k]).tobytes(), {}).setdefault(low[r], int(r))
    best = max(groups.values(), key=len, default={})
    return sorted(best.values()) if len(best) >= 2 else []


def _merge(p: Problem, rows: list[int], classes: np.ndarray, column: int) -> Problem | None:
    """The problem with the atoms of ``rows`` merged per class, or None when another cell
    tells the rows apart."""
    union = p.shown[rows].any(axis=0)
    cls = classes[union]
    order = np.unique(cls)
    size = len(rows)
    others = np.vstack([np.delete(p.shown, rows, axis=0), p.targets])
    counts = np.stack([np.bincount(np.searchsorted(order, cls), weights=o[union].astype(float),
                                   minlength=len(order)) for o in others]) \
        if len(others) else np.zeros((0, len(order)))
    if not np.isin(counts, (0, size)).all():
        return None
    if np.isnan(p.sums[rows]).any() and not np.isnan(p.sums[rows]).all():
        return None
    keep = ~union
    merged = counts == size
    shown_rest = np.delete(p.shown, rows, axis=0)
    new_shown = np.vstack([np.hstack([shown_rest[:, keep], merged[: len(shown_rest)]]),
                           np.r_[np.zeros(keep.sum(), dtype=bool),
                                 np.ones(len(order), dtype=bool)][None, :]])
    new_targets = np.hstack([p.targets[:, keep], merged[len(shown_rest):]])
    first = np.flatnonzero(union)[np.unique(cls, return_index=True)[1]]
    new_codes = np.vstack([p.codes[keep], p.codes[first]])
    new_codes[keep.sum():, column] = -1
    return Problem(new_shown, np.r_[np.delete(p.counts, rows), p.counts[rows].sum()],
                   np.r_[np.delete(p.sums, rows), p.sums[rows].sum()], new_targets, new_codes)


def reduce(p: Problem) -> Problem:
    """Merge shown cells that nothing else tells apart, column by column, until none is
    left (see the module docstring)."""
    changed = True
    while changed:
        changed = False
        for column in range(p.codes.shape[1]):
            classes = _classes(p.codes, column)
            rows = _family(p, column, classes)
            merged = _merge(p, rows, classes, column) if rows else None
            if merged is not None:
                p, changed = merged, True
    return p


__all__ = ["Problem", "problem", "reduce"]
