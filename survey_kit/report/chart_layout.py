"""The layout of the page charts: a :class:`~survey_kit.report.page_charts.PageChart` as a
:class:`~survey_kit.report.chart_scene.Scene`, computed once in points.

* :func:`dots_scene` -- values and differences: a label column, one line per row, one marker
  per series (its own colour and shape) with its interval bar; a zero line for differences;
  an interval that runs off the axis is cut at the edge with an arrow head;
* :func:`trend_scene` -- small panels, at most three per row, one per score, with the rounds
  along the bottom and a line through the area's figures.

Both have the bold, wrapped title on top and the key of filled and open markers
(:func:`~survey_kit.report.page_charts.key_line`) right-aligned over the plot.
"""

from __future__ import annotations

import math

from survey_kit.report.chart_scene import (
    GRID,
    INK,
    Arrow,
    Box,
    Item,
    Line,
    Marker,
    PolyLine,
    Scene,
    Text,
    block_height,
    nice_ticks,
    text_lines,
    text_width,
    tick_text,
    wrap_to,
)
from survey_kit.report.charts import MARKERS, OKABE_ITO
from survey_kit.report.escape import display_label
from survey_kit.report.page_charts import LABEL_CHARS, PageChart, key_line, wrap

WIDTH = 374.0
"""Width of a chart in points (5.2 inches, as the page's figures have always been)."""
PAD = 6.0
TITLE, LABEL, SMALL = 13.0, 12.0, 11.0
"""Font sizes (points) of the title, the row labels and the ticks, key and legend."""
RADIUS = 4.2
"""Half width of a marker."""
SPACING = 9.5
"""Distance between the series of one row."""


def _colour(k: int) -> str:
    return OKABE_ITO[k % len(OKABE_ITO)]


def _head(chart: PageChart, items: list[Item], right: float) -> float:
    """The title (and the key line, ending at ``right``); returns the y below them."""
    lines = wrap_to(chart.title, WIDTH - 2 * PAD, TITLE, bold=True)
    items += text_lines(lines, PAD, PAD, TITLE, bold=True)
    y = PAD + block_height(len(lines), TITLE) + 4
    key = key_line(chart)
    if key:
        parts = [key] if text_width(key, SMALL) <= right - PAD else key.split("    ")
        items += text_lines(parts, right, y, SMALL, "end")
        y += block_height(len(parts), SMALL) + 2
    return y


def _rows(chart: PageChart) -> list[list[str]]:
    return [wrap(display_label(r), LABEL_CHARS) for r in chart.rows]


def _axis(items: list[Item], box: Box, ticks: tuple[float, ...], at: list[float]) -> None:
    """Grid lines and tick labels under a horizontal value axis, and the two spines."""
    for x, label in zip(at, tick_text(ticks), strict=True):
        items.append(Line(x, box.top, x, box.bottom, GRID, 0.8))
        items.append(Line(x, box.bottom, x, box.bottom + 3.5, INK, 0.8))
        items.append(Text(x, box.bottom + 5 + SMALL * 0.95, label, SMALL, "middle"))
    items.append(Line(box.left, box.top, box.left, box.bottom, INK, 0.8))
    items.append(Line(box.left, box.bottom, box.right, box.bottom, INK, 0.8))


def _legend(chart: PageChart, items: list[Item], top: float) -> float:
    """The series (marker and name) in centred columns from ``top``; returns its bottom."""
    if chart.kind == "trend" or len(chart.series) < 2:
        return top
    names = [display_label(s) for s in chart.series]
    entry = max(text_width(n, SMALL) for n in names) + 2 * RADIUS + 6
    ncol = max(1, min(3, len(names), int((WIDTH - 2 * PAD + 14) // (entry + 14))))
    x0 = (WIDTH - (ncol * entry + (ncol - 1) * 14)) / 2
    row_h = block_height(1, SMALL) + 3
    for k, name in enumerate(names):
        r, c = divmod(k, ncol)
        x, y = x0 + c * (entry + 14), top + r * row_h + row_h / 2
        items.append(Marker(x + RADIUS, y, MARKERS[k % len(MARKERS)], RADIUS, _colour(k), True,
                            k, key=True))
        items.append(Text(x + 2 * RADIUS + 6, y + SMALL * 0.35, name, SMALL))
    return top + math.ceil(len(names) / ncol) * row_h


def dots_scene(chart: PageChart) -> Scene:
    """A horizontal dot chart of ``chart`` (kinds "values" and "differences")."""
    lo, hi = chart.limits
    ticks = nice_ticks(lo, hi, 8)
    rows, k = _rows(chart), len(chart.series)
    label_w = max((text_width(line, LABEL) for r in rows for line in r), default=0.0)
    left = PAD + label_w + 8
    right = WIDTH - PAD - max(text_width(t, SMALL) for t in tick_text(ticks)) / 2
    items: list[Item] = []
    top = _head(chart, items, right) + 4
    heights = [max(block_height(len(r), LABEL) + 6, SPACING * k + 8) for r in rows]
    box = Box(left, top, right, top + sum(heights))

    def xpos(v: float) -> float:
        return left + (v - lo) / (hi - lo) * (right - left)

    _axis(items, box, ticks, [xpos(t) for t in ticks])
    if chart.kind == "differences":
        items.append(Line(xpos(0.0), box.top, xpos(0.0), box.bottom, INK, 1.1))
    centres = [top + sum(heights[:i]) + h / 2 for i, h in enumerate(heights)]
    for lines, cy in zip(rows, centres, strict=True):
        first = cy - block_height(len(lines), LABEL) / 2
        items += text_lines(lines, left - 8, first, LABEL, "end")
    for s, name in enumerate(chart.series):
        colour, shape = _colour(s), MARKERS[s % len(MARKERS)]
        for m in (m for m in chart.marks if m.series == name):
            i = chart.rows.index(m.row)
            y = centres[i] + (s - (k - 1) / 2) * SPACING
            a, b = xpos(max(m.low, lo)), xpos(min(m.high, hi))
            items.append(Line(a, y, b, y, colour, 1.8))
            if m.low < lo:
                items.append(Arrow(left, y, -1, colour, s))
            if m.high > hi:
                items.append(Arrow(right, y, 1, colour, s))
            items.append(Marker(xpos(min(max(m.value, lo), hi)), y, shape, RADIUS, colour,
                                m.filled, s))
    label_y = box.bottom + 5 + block_height(1, SMALL) + 3
    items += text_lines([chart.axis_label], (left + right) / 2, label_y, LABEL, "middle")
    bottom = _legend(chart, items, label_y + block_height(1, LABEL) + 6)
    return Scene(WIDTH, bottom + PAD, chart.title, tuple(items), (box,))


PANEL_H = 66.0
"""Height of a trend panel's plot (points)."""


def trend_scene(chart: PageChart) -> Scene:
    """Small panels of the area's figures across the rounds, one per row of ``chart``."""
    lo, hi = chart.limits
    ticks = nice_ticks(lo, hi, 4)
    labels = tick_text(ticks)
    n = len(chart.rows)
    ncol = min(3, n)
    left = PAD + max(text_width(t, SMALL) for t in labels) + 6
    gap = 16.0
    panel = (WIDTH - left - PAD - gap * (ncol - 1)) / ncol
    items: list[Item] = []
    y = _head(chart, items, WIDTH - PAD) + 4
    xs = list(dict.fromkeys(m.x for m in chart.marks))
    step = 1 if sum(text_width(x, SMALL) + 4 for x in xs) <= panel else 2
    boxes = []
    for r in range(math.ceil(n / ncol)):
        names = chart.rows[r * ncol:(r + 1) * ncol]
        titles = [wrap_to(display_label(name), panel + gap - 4, SMALL, bold=True)
                  for name in names]
        top = y + block_height(max(len(t) for t in titles), SMALL) + 6
        for c, (name, title) in enumerate(zip(names, titles, strict=True)):
            box = Box(left + c * (panel + gap), top, left + c * (panel + gap) + panel,
                      top + PANEL_H)
            boxes.append(box)
            items += text_lines(title, box.left, y, SMALL, bold=True)
            _panel(chart, name, box, ticks, labels if c == 0 else None, xs, step, items)
        y = top + PANEL_H + 5 + block_height(1, SMALL) + 8
    return Scene(WIDTH, y + PAD, chart.title, tuple(items), tuple(boxes))


def _panel(chart: PageChart, row: str, box: Box, ticks: tuple[float, ...],
           labels: list[str] | None, xs: list[str], step: int, items: list[Item]) -> None:
    """One trend panel: grid, y tick labels (first column only), round labels, the line,
    the intervals and the markers."""
    lo, hi = chart.limits

    def ypos(v: float) -> float:
        return box.bottom - (v - lo) / (hi - lo) * (box.bottom - box.top)

    def xpos(i: int) -> float:
        return box.left + (i + 0.5) / len(xs) * (box.right - box.left)

    for t, label in zip(ticks, labels or [""] * len(ticks), strict=True):
        items.append(Line(box.left, ypos(t), box.right, ypos(t), GRID, 0.8))
        if labels is not None:
            items.append(Text(box.left - 5, ypos(t) + SMALL * 0.35, label, SMALL, "end"))
    items.append(Line(box.left, box.top, box.left, box.bottom, INK, 0.8))
    items.append(Line(box.left, box.bottom, box.right, box.bottom, INK, 0.8))
    for i, x in enumerate(xs):
        items.append(Line(xpos(i), box.bottom, xpos(i), box.bottom + 3.5, INK, 0.8))
        if i % step == 0:
            items.append(Text(xpos(i), box.bottom + 5 + SMALL * 0.95, x, SMALL, "middle"))
    own = [m for m in chart.marks if m.row == row]
    colour = _colour(0)
    points = tuple((xpos(xs.index(m.x)), ypos(m.value)) for m in own)
    items.append(PolyLine(points, colour, 1.2))
    for (px, _), m in zip(points, own, strict=True):
        items.append(Line(px, ypos(m.high), px, ypos(m.low), colour, 1.8))
    for (px, py), m in zip(points, own, strict=True):
        items.append(Marker(px, py, "o", RADIUS * 0.9, colour, m.filled, 0))


def scene_of(chart: PageChart) -> Scene:
    """The scene of any page chart."""
    return trend_scene(chart) if chart.kind == "trend" else dots_scene(chart)


__all__ = ["WIDTH", "dots_scene", "scene_of", "trend_scene"]
