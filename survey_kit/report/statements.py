"""The tested statements of an area page: one row per difference or change the page may state.

Every sentence about a difference ("ligger højere end", "en reel stigning", "så lille, at den
kan skyldes tilfældigheder"), every key point, every mark in a chart and every number of a
chart's text alternative is generated from one table of :class:`TestedStatement` s, so they
cannot disagree with each other.  A statement carries the page interval of its difference (the
simultaneous interval of the page's multiplicity family, e.g. Bonferroni over every contrast
of the page): it is *significant* exactly when that interval excludes zero, and the input is
refused when a table's ``significant`` column says otherwise.

A difference is stated only where the page shows the area's direct estimate on both sides
(:func:`survey_kit.report.shown.is_direct`): the tests rest on the direct estimates, and a
sentence about a model-based figure would state a number that is not the one tested.  The
reason a statement is not stated is kept in ``reason``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from survey_kit.report.cells import records
from survey_kit.report.inputs import VariableInfo, key_text
from survey_kit.report.shown import MISSING, SUPPRESSED, ShownFigure, is_direct
from survey_kit.report.text import shown_difference

VS_GROUP = "vs_group"
"""``kind`` of the area against a comparison group in the latest round."""
CHANGE = "change"
"""``kind`` of the change within the area since an earlier round."""

PAGE_LOW, PAGE_HIGH = "ci_low_page", "ci_high_page"
"""Columns of the page (simultaneous) interval of a contrast."""
EDGE = 1e-9
"""An interval end this close to zero is a test at the edge (p-value equal to the level up to
rounding): the flag and the interval may differ there, and the interval decides."""


@dataclass(frozen=True)
class TestedStatement:
    """One difference or change an area page may state, with its test.

    Attributes
    ----------
    variable, kind : str
        The variable's id; :data:`VS_GROUP` or :data:`CHANGE`.
    compared_with : str
        The comparison group's id, or the earlier round (as text).
    round : str
        The round of the area's figure (the latest).
    difference : float
        The tested difference on 0-1: area - group, or later - earlier.
    value, other_value : float
        The two figures as shown on the page (area and group, or later and earlier round).
    shown_difference : float
        ``value - other_value`` from the displayed, rounded figures: the size a sentence says.
    ci_low, ci_high : float
        The page interval of the difference (cut to the possible range -1 to 1).
    significant : bool
        True exactly when the page interval excludes zero.
    direction : int
        +1 higher/rise, -1 lower/fall, 0 the same as shown.
    favourable : bool or None
        Whether that direction is good for the residents (by the variable's direction);
        None for direction 0.
    family_size : int
        The number of contrasts of the page's multiplicity family (0 when unknown).
    stated : bool
        Whether the page states it; ``reason`` says why not.
    """

    __test__ = False  # not a pytest test class

    variable: str
    kind: str
    compared_with: str
    round: str
    difference: float
    value: float
    other_value: float
    shown_difference: float
    ci_low: float
    ci_high: float
    significant: bool
    direction: int
    favourable: bool | None
    family_size: int
    stated: bool = True
    reason: str = ""

    @property
    def has_interval(self) -> bool:
        """Whether the page interval is known (and can be drawn)."""
        return not (math.isnan(self.ci_low) or math.isnan(self.ci_high))


def excludes_zero(low: float, high: float) -> bool:
    """Whether an interval lies wholly above or below zero.

    Examples
    --------
    >>> excludes_zero(0.01, 0.2), excludes_zero(-0.1, 0.2), excludes_zero(float("nan"), 1.0)
    (True, False, False)
    """
    return (low > 0) or (high < 0)


def favourable(variable: VariableInfo, direction: int) -> bool | None:
    """Whether a difference in ``direction`` is good for the residents.

    Examples
    --------
    >>> bad = VariableInfo("alene", "Vil helst passe sig selv", kind="share",
    ...                    higher_is_better=False)
    >>> favourable(bad, 1), favourable(bad, -1), favourable(VariableInfo("t", "T"), 1)
    (False, True, True)
    """
    if direction == 0:
        return None
    return (direction > 0) == variable.higher_is_better


@dataclass(frozen=True)
class _Contrast:
    difference: float
    low: float
    high: float
    significant: bool
    family_size: int
    suppressed: bool


def _contrasts(frame: pd.DataFrame, what: str, problems: list[str]
               ) -> dict[tuple[str, str, str], _Contrast]:
    """Contrasts by (variable, group_a, group_b) texts, both ways round (sign turned)."""
    out: dict[tuple[str, str, str], _Contrast] = {}
    has_page = PAGE_LOW in frame.columns and PAGE_HIGH in frame.columns
    for rec in records(frame):
        hidden = bool(rec.get("suppressed", False))
        diff = float(rec["difference"])
        low = float(rec[PAGE_LOW]) if has_page and not hidden else math.nan
        high = float(rec[PAGE_HIGH]) if has_page and not hidden else math.nan
        low, high = max(low, -1.0), min(high, 1.0)
        sig = bool(rec["significant"]) and not hidden
        if has_page and not hidden and not math.isnan(low) and sig != excludes_zero(low, high):
            if min(abs(low), abs(high)) > EDGE:
                problems.append(f"{what}: {rec['variable']} {rec['group_a']} vs "
                                f"{rec['group_b']}: significant is {sig} but the page interval "
                                f"is ({low}, {high})")
            sig = excludes_zero(low, high)  # a test at the edge: the interval decides
        size = rec.get("family_size", 0)
        size = 0 if size is None or pd.isna(size) else int(size)  # type: ignore[call-overload]
        a, b, v = key_text(rec["group_a"]), key_text(rec["group_b"]), key_text(rec["variable"])
        out[(v, a, b)] = _Contrast(diff, low, high, sig, size, hidden)
        out.setdefault((v, b, a), _Contrast(-diff, -high, -low, sig, size, hidden))
    return out


def _statement(v: VariableInfo, kind: str, other: str, rnd: str, c: _Contrast,
               here: ShownFigure | None, there: ShownFigure | None) -> TestedStatement:
    """One statement from its contrast and the two shown figures."""
    reason = ""
    if c.suppressed or any(f is None or f.basis in (SUPPRESSED, MISSING) for f in (here, there)):
        reason = "suppressed"
    elif not (is_direct(here) and is_direct(there)):
        reason = next(f.basis for f in (here, there) if f is not None and not is_direct(f))
    elif math.isnan(c.difference):
        reason = "not_tested"
    if not reason and here is not None and there is not None:
        shown = shown_difference(v, here.value, there.value)
        direction = (shown > 0) - (shown < 0)
        if direction == 0 and c.significant:
            direction = (c.difference > 0) - (c.difference < 0)
        return TestedStatement(
            v.id, kind, other, rnd, c.difference, here.value, there.value, shown, c.low,
            c.high, c.significant, direction, favourable(v, direction), c.family_size)
    nan = math.nan
    return TestedStatement(v.id, kind, other, rnd, nan, nan, nan, nan, nan, nan, False, 0, None,
                           c.family_size, stated=False, reason=reason or MISSING)


def statement_table(
    variables: Sequence[VariableInfo], figures: Mapping[tuple[str, str], ShownFigure],
    group_figures: Mapping[tuple[str, str], ShownFigure], comparisons: pd.DataFrame,
    changes: pd.DataFrame, area_id: str, groups: Sequence[str], rounds: Sequence[str],
    problems: list[str],
) -> tuple[TestedStatement, ...]:
    """Every statement of one area page, variable by variable: the area against each group in
    the latest round, then the change since each earlier round the run compared (the latest
    earlier round first).

    ``figures``: the area's shown figure per (variable, round); ``group_figures`` per
    (variable, group) in the latest round.  Inconsistent inputs are added to ``problems``.
    """
    vs = _contrasts(comparisons, "comparisons", problems)
    ch = _contrasts(changes, "changes", problems)
    now = rounds[-1]
    out = []
    for v in variables:
        here = figures.get((v.id, now))
        for g in groups:
            c = vs.get((v.id, area_id, g))
            if c is not None:
                out.append(_statement(v, VS_GROUP, g, now, c, here, group_figures.get(
                    (v.id, g))))
        for earlier in reversed(rounds[:-1]):
            c = ch.get((v.id, now, earlier))
            if c is not None:
                out.append(_statement(v, CHANGE, earlier, now, c, here,
                                      figures.get((v.id, earlier))))
    return tuple(out)


def statements_frame(statements: Sequence[TestedStatement]) -> pd.DataFrame:
    """The statements as a tidy table (one row each, the dataclass's fields as columns)."""
    from dataclasses import asdict, fields

    columns = [f.name for f in fields(TestedStatement)]
    return pd.DataFrame([asdict(s) for s in statements], columns=columns)


__all__ = [
    "CHANGE",
    "PAGE_HIGH",
    "PAGE_LOW",
    "VS_GROUP",
    "TestedStatement",
    "excludes_zero",
    "favourable",
    "statement_table",
    "statements_frame",
]
