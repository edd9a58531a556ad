"""The charts of an area page, as data first (:class:`PageChart`), drawn only when needed.

* :func:`values_chart` -- the area's figures in the latest round beside the comparison
  groups' (scores), on a scale that fits them;
* :func:`trend_chart` -- the area's figures in every round, one small panel per score;
* :func:`difference_chart` -- the stated differences against the groups, or the stated changes,
  each with its page interval, on a scale around zero that fits them; real ones are drawn
  filled, the others open, and the legend says so.

Every chart's text alternative states the same numbers as the chart and the sentences (they
come from the same :class:`~survey_kit.report.statements.TestedStatement` s and shown
figures).  Danish labels, decimal comma, Okabe-Ito colours with a marker shape per series.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from survey_kit.report.escape import display_label, fmt_dec, join_danish
from survey_kit.report.inputs import VariableInfo
from survey_kit.report.shown import MODEL, ShownFigure
from survey_kit.report.statements import TestedStatement
from survey_kit.report.text import lower_first

LABEL_CHARS = 24
"""Row labels wrap at this many characters."""
NICE_STEPS = (5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 40.0, 50.0, 60.0, 80.0, 100.0)
"""Half widths of a difference axis (points)."""


@dataclass(frozen=True)
class Mark:
    """One marker: a row, its series, a value and interval on the drawing scale (0-100 or
    points of difference), filled or open."""

    row: str
    series: str
    value: float
    low: float
    high: float
    filled: bool = True
    x: str = ""


@dataclass(frozen=True)
class PageChart:
    """A chart of an area page as data: what is drawn, its alt text and caption."""

    kind: str
    title: str
    rows: tuple[str, ...]
    series: tuple[str, ...]
    marks: tuple[Mark, ...]
    limits: tuple[float, float]
    axis_label: str
    alt: str
    caption: str
    open_label: str = ""
    filled_label: str = ""



def _label(v: VariableInfo, model: bool = False) -> str:
    """A row label; "(lavere er bedre)" for unfavourable indicators, "*" for model figures."""
    text = display_label(v.label) + ("" if v.higher_is_better else " (lavere er bedre)")
    return text + (" *" if model else "")


def fit_range(lows: Sequence[float], highs: Sequence[float], step: float = 10.0
              ) -> tuple[float, float]:
    """A value axis (0-100 scale) from the lowest to the highest interval end, on whole
    steps, never beyond 0-100 and at least 30 wide.

    Examples
    --------
    >>> fit_range([52.1, 61.0], [58.3, 70.2])
    (50.0, 80.0)
    >>> fit_range([2.0], [9.0])
    (0.0, 30.0)
    """
    finite = [x for x in (*lows, *highs) if not math.isnan(x)]
    if not finite:
        return 0.0, 100.0
    lo = max(0.0, math.floor(min(finite) / step) * step)
    hi = min(100.0, math.ceil(max(finite) / step) * step)
    while hi - lo < 30:
        lo, hi = (max(0.0, lo - step), hi) if hi >= 100 else (lo, min(100.0, hi + step))
        if lo == 0 and hi == 100:
            break
    return lo, hi


def difference_limit(points: Sequence[float], ends: Sequence[float]) -> float:
    """Half width of a difference axis: the widest interval end, but at most 2.5 times the
    largest difference (at least 20 points), on a nice step; wider intervals run off the
    axis with an arrow.

    Examples
    --------
    >>> difference_limit([3.0, -4.0], [12.0, -14.0])
    15.0
    >>> difference_limit([2.0], [150.0])
    20.0
    """
    widest = max((abs(x) for x in ends if not math.isnan(x)), default=10.0)
    cap = max(20.0, 2.5 * max((abs(x) for x in points if not math.isnan(x)), default=0.0))
    want = min(widest, cap)
    return next((s for s in NICE_STEPS if s >= want), 100.0)


def _number(v: VariableInfo, x: float, sign: bool = False) -> str:
    return fmt_dec(x, v.shown_decimals, sign=sign)


def values_chart(area: str, rounds: Sequence[str], variables: Sequence[VariableInfo],
                 figures: dict[tuple[str, str], ShownFigure],
                 groups: Sequence[tuple[str, str]],
                 group_figures: dict[tuple[str, str], ShownFigure]) -> PageChart | None:
    """The area's shown figures of the scores in ``rounds`` (the latest last) beside each
    group's in the latest round (``groups``: (id, label)); None when nothing can be drawn."""
    now = rounds[-1]
    area_series = [(f"{area} {r}" if len(rounds) > 1 else area, r) for r in rounds]
    series = (*(name for name, _ in area_series), *(lab for _, lab in groups))
    marks, rows, said = [], [], []
    for v in (v for v in variables if v.kind == "score"):
        row = _label(v)
        parts = []
        candidates = [(name, figures.get((v.id, r))) for name, r in area_series]
        candidates += [(lab, group_figures.get((v.id, g))) for g, lab in groups]
        for name, f in candidates:
            if f is not None and f.shown:
                marks.append(Mark(row, name, f.value * 100, f.low * 100, f.high * 100,
                                  filled=f.basis != MODEL))
                star = " (bygger også på lignende områder)" if f.basis == MODEL else ""
                parts.append(f"{name} {_number(v, f.value * 100)} (fra "
                             f"{_number(v, f.low * 100)} til {_number(v, f.high * 100)}){star}")
        if parts:
            rows.append(row)
            said.append(f"{v.label}: {join_danish(parts)}.")
    if not marks:
        return None
    limits = fit_range([m.low for m in marks], [m.high for m in marks])
    series = tuple(s for s in series if any(m.series == s for m in marks))
    title = (f"{area} i {join_danish(list(rounds))} og sammenligningsgrupperne i {now}"
             if len(rounds) > 1 else f"{area} og sammenligningsgrupperne i {now}")
    alt = (f"Prikdiagram: {title}, score fra 0 til 100 med usikkerhed. " + " ".join(said))
    caption = (f"{title}. Prikken er resultatet, stregen usikkerheden. Skalaen går fra "
               f"{fmt_dec(limits[0], 0)} til {fmt_dec(limits[1], 0)}.")
    has_open = any(not m.filled for m in marks)
    if has_open:
        caption += " En åben prik bygger også på lignende områder."
    return PageChart("values", title, tuple(rows), series, tuple(marks), limits,
                     "Score fra 0 til 100", alt, caption,
                     open_label="Bygger også på lignende områder" if has_open else "",
                     filled_label="Bygger kun på egne svar" if has_open else "")


def trend_chart(area: str, rounds: Sequence[str], variables: Sequence[VariableInfo],
                figures: dict[tuple[str, str], ShownFigure]) -> PageChart | None:
    """The area's shown figures of the scores in every round (one panel per score); figures
    that also draw on similar areas are drawn open.  None with fewer than two rounds shown."""
    marks, rows, said = [], [], []
    for v in (v for v in variables if v.kind == "score"):
        parts = []
        for rnd in rounds:
            f = figures.get((v.id, rnd))
            if f is not None and f.shown:
                marks.append(Mark(display_label(v.label), area, f.value * 100, f.low * 100,
                                  f.high * 100, filled=f.basis != MODEL, x=rnd))
                star = " (bygger også på lignende områder)" if f.basis == MODEL else ""
                parts.append(f"{rnd}: {_number(v, f.value * 100)} (fra "
                             f"{_number(v, f.low * 100)} til {_number(v, f.high * 100)}){star}")
        if len(parts) >= 2:
            rows.append(display_label(v.label))
            said.append(f"{v.label}: {'; '.join(parts)}.")
    marks = [m for m in marks if m.row in rows]
    if not marks:
        return None
    limits = fit_range([m.low for m in marks], [m.high for m in marks])
    title = f"Udviklingen i {area} fra {rounds[0]} til {rounds[-1]}"
    alt = f"Diagram: {title}, score fra 0 til 100 med usikkerhed. " + " ".join(said)
    caption = f"{title}. Prikken er resultatet, stregen usikkerheden."
    has_open = any(not m.filled for m in marks)
    if has_open:
        caption += " En åben prik bygger også på lignende områder."
    return PageChart("trend", title, tuple(rows), (area,), tuple(marks), limits,
                     "Score fra 0 til 100", alt, caption,
                     open_label="Bygger også på lignende områder" if has_open else "",
                     filled_label="Bygger kun på egne svar" if has_open else "")


def difference_chart(title: str, statements: Sequence[TestedStatement],
                     variables: Sequence[VariableInfo], series_names: dict[tuple[str, str], str],
                     family_note: str) -> PageChart | None:
    """The stated statements of ``variables`` with their page intervals (points of
    difference), one row per variable and one series per comparison (``series_names``:
    the legend name of each (kind, compared_with)); None when none is stated."""
    by_id = {v.id: v for v in variables}
    stated = [s for s in statements if s.stated and s.has_interval and s.variable in by_id]
    if not stated:
        return None
    marks, said, rows = [], [], []
    for s in stated:
        v = by_id[s.variable]
        row = _label(v)
        if row not in rows:
            rows.append(row)
        name = series_names.get((s.kind, s.compared_with), s.compared_with)
        marks.append(Mark(row, name, s.difference * 100, s.ci_low * 100, s.ci_high * 100,
                          filled=s.significant))
        verdict = "en reel forskel" if s.significant else "kan skyldes tilfældigheder"
        said.append(f"{v.label}, {lower_first(name)}: "
                    f"{_number(v, s.shown_difference * 100, sign=True)} {v.unit} (usikkerhed "
                    f"fra {_number(v, s.ci_low * 100, sign=True)} til "
                    f"{_number(v, s.ci_high * 100, sign=True)}), {verdict}.")
    limit = difference_limit([m.value for m in marks], [x for m in marks for x in (m.low, m.high)])
    order = list(series_names.values())
    series = tuple(sorted(dict.fromkeys(m.series for m in marks), key=order.index))
    unit = ("point" if all(v.kind == "score" for v in variables) else "procentpoint"
            if all(v.kind == "share" for v in variables) else "point og procentpoint")
    alt = f"Diagram: {title}, i {unit} med usikkerhed. " + " ".join(said)
    clipped = any(x < -limit or x > limit for m in marks for x in (m.low, m.high))
    caption = (f"{title}. Prikken er forskellen, stregen usikkerheden. Udfyldt prik: en reel "
               f"forskel; stregen rører ikke nul-linjen ({family_note})."
               + (" En pil: stregen fortsætter uden for figuren." if clipped else ""))
    return PageChart("differences", title, tuple(rows), series, tuple(marks), (-limit, limit),
                     f"Forskel i {unit}", alt, caption,
                     open_label="Kan skyldes tilfældigheder", filled_label="Reel forskel")


def key_line(chart: PageChart) -> str:
    """What filled and open markers mean, one line over the plot ("" when all are filled).

    Examples
    --------
    >>> key_line(PageChart("differences", "", (), (), (), (-1, 1), "", "", "",
    ...                    "Kan skyldes tilfældigheder", "Reel forskel"))
    '● Reel forskel    ○ Kan skyldes tilfældigheder'
    """
    if not chart.open_label:
        return ""
    return f"● {chart.filled_label}    ○ {chart.open_label}"


def wrap(text: str, width: int) -> list[str]:
    """Words of ``text`` in lines of at most ``width`` characters (a long word stays whole).

    Examples
    --------
    >>> wrap("Tryghed i boligområdet om aftenen", 24)
    ['Tryghed i boligområdet', 'om aftenen']
    """
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


__all__ = [
    "Mark",
    "PageChart",
    "difference_chart",
    "difference_limit",
    "fit_range",
    "key_line",
    "trend_chart",
    "values_chart",
    "wrap",
]
