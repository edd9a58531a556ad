"""Disclosure control over everything a run publishes, in one call: :func:`protect`.

1. **Link** every published table (:mod:`survey_kit.disclosure.linked`): each row rests on
   domains of one atom universe, so the same respondents are the same cell in every file.
2. **Primary suppression** (:mod:`survey_kit.disclosure.pattern`): a domain is hidden when,
   for any variable, fewer than ``min_n`` (but some) respondents answered, or when no table
   states its count.  A domain is hidden for every variable at once.
3. **Complementary suppression**: lines are closed (:mod:`survey_kit.disclosure.lines`),
   then the audit (:mod:`survey_kit.disclosure.audit`) computes, for every primary cell and
   variable, the range of its count and share that every shown figure allows; where a cell
   is not protected, the smallest shown cell of one of its lines is hidden too, lines are
   closed again and the cell is audited again, until every cell is protected or nothing is
   left to hide.  Hiding a cell only widens the other cells' ranges, so a protected cell
   stays protected.
4. **Publish**: every row that rests on a hidden domain has its numbers blanked, in every
   table.  The log names the hidden cells and why, never their counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from survey_kit.disclosure.audit import RANGE_COLUMNS, Audit, Target, audit_cells
from survey_kit.disclosure.lines import Line, close_lines, find_lines, smallest_shown
from survey_kit.disclosure.linked import Published, link
from survey_kit.disclosure.pattern import COMPLEMENTARY, Pattern, apply_pattern, hide_primary
from survey_kit.disclosure.suppression import SuppressionRule
from survey_kit.errors import DisclosureError

LOG_COLUMNS: tuple[str, ...] = (
    "cell", "reason", "detail", "tables", "audited", "count_high_min", "share_width_min",
    "protected",
)
"""Columns of :attr:`Protection.log`: one row per hidden cell.  The audit columns give the
narrowest range over its audited variables (the upper end of the count range, the width of
the share range): what every reader can work out, never the cell's count."""

MAX_ROUNDS = 25
"""Rounds of audit and extra complementary suppression before giving up."""


@dataclass(frozen=True, eq=False)
class Protection:
    """What :func:`protect` returns: the tables as they may be published, and why.

    Attributes
    ----------
    tables : dict of str to pandas.DataFrame
        Each table by name, with ``suppressed`` (bool) added and every hidden number blank.
    log : pandas.DataFrame
        One row per hidden cell (:data:`LOG_COLUMNS`).
    audit : Audit
        The final audit of every primary cell and variable.
    rows : pandas.DataFrame
        Per table: ``table, rows, hidden`` and ``hidden_<reason>`` counts.
    """

    tables: dict[str, pd.DataFrame]
    log: pd.DataFrame
    audit: Audit
    rows: pd.DataFrame = field(default_factory=pd.DataFrame)

    def check(self) -> None:
        """Raise :class:`~survey_kit.errors.DisclosureError` naming the first unprotected
        cell, if any."""
        bad = self.audit.unprotected
        if len(bad):
            first = bad.iloc[0]
            raise DisclosureError(
                f"disclosure audit: hidden cell '{first['cell']}' ({first['variable']}) is "
                f"not protected: {first['problem']} ({len(bad)} unprotected cell(s) in all); "
                "nothing was published")

    def summary(self) -> dict[str, Any]:
        """The disclosure record of the manifest: hidden cells by reason, per table, and the
        audit (cells audited, narrowest ranges, linear programs solved).  Deterministic: the
        time the audit took is :attr:`Audit.seconds` (a run writes it to its timings)."""
        ranges = self.audit.ranges
        high = pd.to_numeric(ranges["count_high"], errors="coerce").replace(np.inf, np.nan)
        width = pd.to_numeric(ranges["share_high"] - ranges["share_low"], errors="coerce")
        return {
            "cells_hidden": len(self.log),
            "cells_by_reason": {str(k): int(v) for k, v in
                                self.log["reason"].value_counts().sort_index().items()},
            "tables": {str(r.pop("table")): {k: int(v) for k, v in r.items()}
                       for r in self.rows.to_dict("records")},
            "audit": {
                "cells_audited": len(ranges),
                "unprotected": len(self.audit.unprotected),
                "count_high_min": None if high.dropna().empty else float(high.min()),
                "share_width_min": None if width.dropna().empty else round(float(width.min()),
                                                                          6),
                "linear_programs": self.audit.lp_solved,
            },
        }


def _extra_complement(domain: int, lines: list[Line], pattern: Pattern, size: np.ndarray
                      ) -> bool:
    """Hide the smallest shown cell of a line of ``domain`` (a total only when no cell is
    left); False when everything in its lines is hidden already."""
    mine = [ln for ln in lines if domain in ln.cells or domain == ln.parent]
    target = smallest_shown(sorted({c for ln in mine for c in ln.cells}), pattern.hidden, size)
    if target < 0:
        target = smallest_shown(sorted({ln.parent for ln in mine}), pattern.hidden, size)
    if target < 0:
        return False
    pattern.hide(target, COMPLEMENTARY,
                 f"chosen by the audit to protect {pattern.linked.domains[domain].label}")
    return True


def _audit_loop(pattern: Pattern, lines: list[Line], pending: list[tuple[int, str]],
                target: Target, complementary: bool) -> Audit:
    """Audit; where a cell is unprotected, hide one more cell of its lines; repeat."""
    size = pattern.sizes()
    done: dict[tuple[int, str], dict[str, Any]] = {}
    solved, seconds = 0, 0.0
    for _ in range(MAX_ROUNDS):
        result = audit_cells(pattern.linked, pattern.hidden, pending, target)
        solved, seconds = solved + result.lp_solved, seconds + result.seconds
        for rec in result.ranges.to_dict("records"):
            done[(int(rec["domain"]), str(rec["variable"]))] = rec
        bad = result.unprotected
        if bad.empty or not complementary:
            break
        added = [_extra_complement(d, lines, pattern, size)
                 for d in sorted({int(x) for x in bad["domain"]})]
        if not any(added):
            break
        close_lines(lines, pattern.hidden, size, pattern.line_hide)
        pending = [(int(d), str(v)) for d, v in zip(bad["domain"], bad["variable"],
                                                    strict=True)]
    ranges = pd.DataFrame(list(done.values()), columns=list(RANGE_COLUMNS))
    ranges["protected"] = ranges["protected"].astype(bool)
    return Audit(ranges.sort_values(["cell", "variable"], ignore_index=True), solved, seconds)


def _log(pattern: Pattern, tables: Sequence[Published], audit: Audit) -> pd.DataFrame:
    where: dict[int, list[str]] = {}
    for table in tables:
        for refs in pattern.linked.refs[table.name]:
            for d in np.unique(refs[refs >= 0]):
                if pattern.hidden[d] and table.name not in where.setdefault(int(d), []):
                    where[int(d)].append(table.name)
    ranges = audit.ranges.assign(width=audit.ranges["share_high"] - audit.ranges["share_low"])
    groups = {int(d): part for d, part in ranges.groupby("domain")}
    rows = []
    for d in np.flatnonzero(pattern.hidden):
        part = groups.get(int(d), ranges.iloc[:0])
        rows.append({"cell": pattern.linked.domains[d].label, "reason": pattern.reason[d],
                     "detail": pattern.detail[d], "tables": "; ".join(where.get(int(d), [])),
                     "audited": len(part),
                     "count_high_min": part["count_high"].min() if len(part) else np.nan,
                     "share_width_min": part["width"].min() if len(part) else np.nan,
                     "protected": bool(part["protected"].all())})
    return pd.DataFrame(rows, columns=list(LOG_COLUMNS))


def _publish(tables: Sequence[Published], pattern: Pattern
             ) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    published, rows = {}, []
    for table in tables:
        frame, reasons = apply_pattern(table, pattern)
        published[table.name] = frame
        hidden = reasons[reasons != ""]
        counts = pd.Series(hidden, dtype=object).value_counts().sort_index()
        rows.append({"table": table.name, "rows": len(frame), "hidden": len(hidden),
                     **{f"hidden_{k}": int(v) for k, v in counts.items()}})
    return published, pd.DataFrame(rows).fillna(0)


def protect(tables: Sequence[Published], atoms: pd.DataFrame, rule: SuppressionRule, *,
            additive: bool = False, complementary: bool = True) -> Protection:
    """Protect every published table together (see the module docstring).

    Parameters
    ----------
    tables : sequence of Published
        Everything a run publishes, with the domains each row rests on.
    atoms : pandas.DataFrame
        The atom universe (:func:`~survey_kit.disclosure.linked.universe`).
    rule : SuppressionRule
        Threshold ``min_n`` and ``protection_share``.
    additive : bool
        True when count x mean adds up across cells (an unweighted design): shares are
        audited too.
    complementary : bool
        False hides the primary cells only and audits that pattern: only to show what an
        attacker could do without complementary suppression (a run never publishes it:
        :meth:`Protection.check` refuses).

    Examples
    --------
    >>> from survey_kit.disclosure.linked import Side, universe
    >>> est = pd.DataFrame({"variable": "v", "gender": [None, "f", "m"], "n": [60, 4, 56],
    ...                     "estimate": [0.6, 0.5, 0.61], "se": 0.05})
    >>> table = Published("est", est, (Side(est[["gender"]], "n", "estimate"),),
    ...                   hidden=("estimate", "se", "n"))
    >>> out = protect([table], universe({"gender": ["f", "m"]}), SuppressionRule())
    >>> out.tables["est"][["n", "suppressed"]].to_dict("list")
    {'n': [60.0, nan, nan], 'suppressed': [False, True, True]}
    >>> out.log[["cell", "reason"]].to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    [{'cell': 'gender=f', 'reason': 'primary'}, {'cell': 'gender=m', 'reason': 'complementary'}]
    """
    linked = link(tables, atoms)
    pattern = Pattern(linked)
    pending = hide_primary(pattern, tables, rule.min_n)
    lines = find_lines(linked)
    if complementary:
        close_lines(lines, pattern.hidden, pattern.sizes(), pattern.line_hide)
    audit = _audit_loop(pattern, lines, pending,
                        Target(rule.min_n, rule.protection_share, additive), complementary)
    published, rows = _publish(tables, pattern)
    return Protection(published, _log(pattern, tables, audit), audit, rows)


__all__ = ["LOG_COLUMNS", "MAX_ROUNDS", "Protection", "protect"]
