"""Lines of linked tables and the complementary suppression that keeps each one closed.

A **line** is a published total together with the published cells that split it along one
column: the women and the men of a group in a round, the areas of the helhedsplan group, the
four gender x MENAPT cells of the youth survey's "Alle".  The cells of a line are disjoint and
add up to the total (in counts, and for an unweighted design in count x mean), so a line
with exactly one hidden cell gives it away as total - sum(shown cells).  When a column has
respondents with the value missing, the line is *open*: its cells add up to less than the
total, by a remainder that no table shows.

:func:`close_lines` hides cells until no line has exactly one hidden cell: the shown cell of
the line with the smallest count (a total only when the line has no shown cell left), and
again, since a cell hidden for one line can expose another.  This is the first, cheap pass;
the audit (:mod:`survey_kit.disclosure.audit`) then checks what the lines cannot see
(combinations of several lines, nonnegativity, shares) and asks for more where needed.
The R equivalent is the line pass of ``sdcTable::protectTable(method = "SIMPLEHEURISTIC")``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from survey_kit.disclosure.linked import Linked


@dataclass(frozen=True)
class Line:
    """A total (``parent``, a domain id) and the cells (domain ids) that split it along
    ``column`` (columns joined by " x "); ``closed`` when they add up to the whole total."""

    parent: int
    column: str
    cells: tuple[int, ...]
    closed: bool


def find_lines(linked: Linked) -> list[Line]:
    """Every line of the linked tables (see the module docstring).

    A domain published under conditions C lies in the line of the domain published under C
    without some of its columns, split along those columns (one column: the women and the
    men; two: the four gender x MENAPT cells of a total).  Lines whose cells overlap or
    reach outside the total (not a split) are left out.
    """
    index = {cond: i for i, d in enumerate(linked.domains) for cond in d.conditions}
    found: dict[tuple[int, str], set[int]] = {}
    for i, domain in enumerate(linked.domains):
        for cond in domain.conditions:
            columns = [c for c, _ in cond]
            for size in range(1, len(columns) + 1):
                for split in itertools.combinations(columns, size):
                    parent = index.get(tuple(p for p in cond if p[0] not in split))
                    if parent is not None and parent != i:
                        found.setdefault((parent, " x ".join(split)), set()).add(i)
    lines = []
    for (parent, column), cells in sorted(found.items()):
        ordered = tuple(sorted(cells))
        members = linked.membership(ordered)
        total = linked.domains[parent].atoms
        covered = members.sum(axis=0)
        if covered.max(initial=0) > 1 or (covered.astype(bool) & ~total).any():
            continue
        lines.append(Line(parent, column, ordered, bool((covered.astype(bool) == total).all())))
    return lines


def close_lines(lines: list[Line], hidden: np.ndarray, size: np.ndarray,
                hide: Callable[[int, Line, int], None]) -> None:
    """Hide cells until no line has exactly one hidden cell (see the module docstring).

    Parameters
    ----------
    lines : list of Line
    hidden : numpy.ndarray
        Per domain, whether it is hidden; updated through ``hide``.
    size : numpy.ndarray
        Per domain, the count used to choose the smallest cell (NaN: never chosen unless
        nothing else is left).
    hide : callable
        ``hide(domain, line, protected)`` hides a domain, chosen in ``line`` to protect the
        domain ``protected``.
    """
    changed = True
    while changed:
        changed = False
        for line in lines:
            members = (line.parent, *line.cells)
            hidden_now = [d for d in members if hidden[d]]
            if len(hidden_now) != 1:
                continue
            target = smallest_shown(line.cells, hidden, size)
            if target < 0:
                target = line.parent
            hide(target, line, hidden_now[0])
            changed = True


def smallest_shown(cells: tuple[int, ...] | list[int], hidden: np.ndarray, size: np.ndarray
                   ) -> int:
    """The shown cell with the smallest size (ties: the first), -1 when none is shown."""
    shown = [d for d in cells if not hidden[d]]
    if not shown:
        return -1
    return min(shown, key=lambda d: (np.inf if np.isnan(size[d]) else size[d], d))


__all__ = ["Line", "close_lines", "find_lines", "smallest_shown"]
