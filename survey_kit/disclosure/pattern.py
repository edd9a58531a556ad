"""A suppression pattern over linked tables: which domains are hidden and why, primary
suppression, and the tables as published under the pattern.

A domain is hidden for every variable at once: the respondents behind a cell are the same
whatever was asked, so a pattern that differed by variable would let one variable's table be
played against another's (for instance through the degrees of freedom, which under simple
random sampling count the domain's respondents whatever they answered).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from survey_kit.disclosure.lines import Line
from survey_kit.disclosure.linked import RESPONDENTS, Linked, Published

PRIMARY, COMPLEMENTARY, UNKNOWN_BASE = "primary", "complementary", "unknown_base"
"""Why a domain is hidden."""
RESTS_ON_HIDDEN = "rests_on_hidden"
"""Why a row is hidden whose own cell is shown: another domain it rests on is hidden (the
other side of a contrast, the previous round of a small-area model)."""

FLAG_COLUMNS: frozenset[str] = frozenset({"significant"})
"""Columns that a hidden row shows as False (every other hidden column is left blank)."""


class Pattern:
    """The suppression pattern while it is being built: per domain, hidden, reason, detail."""

    def __init__(self, linked: Linked) -> None:
        n = len(linked.domains)
        self.linked = linked
        self.hidden = np.zeros(n, dtype=bool)
        self.reason = [""] * n
        self.detail = [""] * n

    def hide(self, domain: int, reason: str, detail: str) -> None:
        """Hide ``domain`` (the first reason given is kept)."""
        if not self.hidden[domain]:
            self.hidden[domain] = True
            self.reason[domain] = reason
            self.detail[domain] = detail

    def line_hide(self, domain: int, line: Line, protected: int) -> None:
        """Hide ``domain``, chosen in ``line`` to protect ``protected``."""
        parent = self.linked.domains[line.parent].label
        self.hide(domain, COMPLEMENTARY,
                  f"protects {self.linked.domains[protected].label} in the {line.column} "
                  f"line of {parent}")

    def sizes(self) -> np.ndarray:
        """Per domain, its largest count over the variables (NaN when none is stated)."""
        size = np.full(len(self.linked.domains), np.nan)
        for variable, facts in self.linked.facts.items():
            if variable == RESPONDENTS:
                continue
            for domain, (n, _) in facts.items():
                size[domain] = np.fmax(size[domain], n)
        return size


def hide_primary(pattern: Pattern, tables: Sequence[Published], min_n: int
                 ) -> list[tuple[int, str]]:
    """Hide every domain that some variable counts fewer than ``min_n`` (but some) answers in,
    and every domain a table rests on without any table stating its count; return the
    (domain, variable) cells that must be protected."""
    linked = pattern.linked
    sensitive = []
    for variable, facts in sorted(linked.facts.items()):
        for domain, (n, _) in sorted(facts.items()):
            if 0 < n < min_n:
                sensitive.append((domain, variable))
                if variable != RESPONDENTS:
                    pattern.hide(domain, PRIMARY, f"fewer than {min_n} answers")
    counted = {d for facts in linked.facts.values() for d in facts}
    for table in tables:
        variables = table.frame["variable"].astype(str).to_numpy()
        for side, ids in zip(table.sides, linked.refs[table.name], strict=True):
            if not side.n:
                continue
            for i in np.flatnonzero(ids >= 0):
                if int(ids[i]) not in counted:
                    pattern.hide(int(ids[i]), UNKNOWN_BASE, "no table states its count")
                    sensitive.append((int(ids[i]), str(variables[i])))
    return sorted(set(sensitive))


def blank(frame: pd.DataFrame, rows: np.ndarray, columns: Sequence[str]) -> None:
    """Blank ``columns`` in ``rows`` in place: numbers NaN, :data:`FLAG_COLUMNS` False,
    anything else (text, other flags) None."""
    if not rows.any():
        return
    for col in columns:
        if col not in frame.columns:
            continue
        if col in FLAG_COLUMNS:
            frame[col] = np.where(pd.isna(frame[col]), False, frame[col]).astype(bool)
            frame.loc[rows, col] = False
        elif pd.api.types.is_numeric_dtype(frame[col]) and not pd.api.types.is_bool_dtype(
                frame[col]):
            frame[col] = frame[col].astype(float)
            frame.loc[rows, col] = np.nan
        else:
            frame[col] = frame[col].astype(object)
            frame.loc[rows, col] = None


def apply_pattern(table: Published, pattern: Pattern) -> tuple[pd.DataFrame, np.ndarray]:
    """The table as published under ``pattern`` (``suppressed`` added), and per row why it
    is hidden ("" when shown): its own (first) side's reason, or :data:`RESTS_ON_HIDDEN`."""
    frame = table.frame.copy()
    hidden = np.zeros(len(frame), dtype=bool)
    reasons = np.full(len(frame), "", dtype=object)
    for k, (side, refs) in enumerate(zip(table.sides, pattern.linked.refs[table.name],
                                         strict=True)):
        hide = (refs >= 0) & pattern.hidden[np.maximum(refs, 0)]
        blank(frame, hide, side.blank or table.hidden)
        first = hide & (reasons == "")
        reasons[first] = [pattern.reason[int(d)] if k == 0 else RESTS_ON_HIDDEN
                          for d in refs[first]]
        hidden |= hide
    frame["suppressed"] = hidden
    return frame, reasons


__all__ = [
    "COMPLEMENTARY",
    "FLAG_COLUMNS",
    "PRIMARY",
    "RESTS_ON_HIDDEN",
    "UNKNOWN_BASE",
    "Pattern",
    "apply_pattern",
    "blank",
    "hide_primary",
]
