"""The layout of every chart of the demo's area pages (two and three rounds): every mark inside
its plot or cut at the edge with an arrow, filled and open as the data says, ticks within the
limits, labels that do not overlap and no text outside the chart."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from demo_pages import demo_pages

from survey_kit.report.chart_layout import LABEL, SMALL, dots_scene, scene_of
from survey_kit.report.chart_scene import (
    Arrow,
    Box,
    Marker,
    Scene,
    Text,
    nice_ticks,
    text_width,
    tick_text,
)
from survey_kit.report.page_charts import Mark, PageChart
from survey_kit.report.resident import page_charts


def all_charts() -> Iterator[PageChart]:
    for rounds in (2, 3):
        for data in demo_pages(rounds).pages.values():
            yield from page_charts(data)


@pytest.fixture(scope="module")
def scenes() -> list[tuple[PageChart, Scene]]:
    return [(c, scene_of(c)) for c in all_charts()]


def inside(box: Box, x: float, y: float) -> bool:
    return box.left - 1e-6 <= x <= box.right + 1e-6 and box.top - 1e-6 <= y <= box.bottom + 1e-6


def test_every_mark_is_drawn_inside_its_plot(scenes: list[tuple[PageChart, Scene]]) -> None:
    assert {c.kind for c, _ in scenes} == {"values", "trend", "differences"}
    for chart, scene in scenes:
        markers = [i for i in scene.items if isinstance(i, Marker) and not i.key]
        assert len(markers) == len(chart.marks), chart.title
        for s, name in enumerate(chart.series):
            own = [m for m in chart.marks if m.series == name]
            drawn = [m for m in markers if m.series == s]
            assert len(drawn) == len(own), (chart.title, name)
            assert sorted(m.filled for m in drawn) == sorted(m.filled for m in own)
        assert all(any(inside(b, m.x, m.y) for b in scene.plots) for m in markers), chart.title


def test_intervals_off_the_axis_end_in_an_arrow(scenes: list[tuple[PageChart, Scene]]) -> None:
    cut = 0
    for chart, scene in scenes:
        lo, hi = chart.limits
        arrows = [a for a in scene.items if isinstance(a, Arrow)]
        want = sum(m.low < lo for m in chart.marks) + sum(m.high > hi for m in chart.marks)
        assert len(arrows) == want, chart.title
        box = scene.plots[0]
        assert all(a.x == (box.left if a.direction < 0 else box.right) for a in arrows)
        cut += want
    assert cut > 0  # the demo has intervals that run off the axis


def test_an_interval_beyond_both_ends_is_cut_at_both() -> None:
    chart = PageChart("differences", "T", ("A", "B"), ("S",),
                      (Mark("A", "S", 25.0, -150.0, 154.0, filled=False),
                       Mark("B", "S", -1.0, -3.0, 1.0)), (-20.0, 20.0), "x", "a", "c", "o", "f")
    scene = dots_scene(chart)
    marker = next(m for m in scene.items if isinstance(m, Marker) and not m.filled)
    assert marker.x == scene.plots[0].right  # the value beyond the axis sits at its edge
    assert sorted(a.direction for a in scene.items if isinstance(a, Arrow)) == [-1, 1]


def test_ticks_lie_within_the_limits(scenes: list[tuple[PageChart, Scene]]) -> None:
    for chart, scene in scenes:
        lo, hi = chart.limits
        ticks = nice_ticks(lo, hi, 4 if chart.kind == "trend" else 8)
        assert ticks and all(lo <= t <= hi for t in ticks)
        texts = {t.text for t in scene.items if isinstance(t, Text) and t.size == SMALL}
        assert set(tick_text(ticks)) <= texts, chart.title


def _extent(t: Text) -> tuple[float, float]:
    w = text_width(t.text, t.size, t.bold)
    start = {"start": t.x, "middle": t.x - w / 2, "end": t.x - w}[t.anchor]
    return start, start + w


def test_labels_do_not_overlap_and_stay_in_the_chart(
        scenes: list[tuple[PageChart, Scene]]) -> None:
    for chart, scene in scenes:
        texts = [t for t in scene.items if isinstance(t, Text)]
        for t in texts:
            start, end = _extent(t)
            assert start >= 0 and end <= scene.width + 1e-6, (chart.title, t.text)
            assert t.size <= t.y <= scene.height, (chart.title, t.text)
        if chart.kind == "trend":
            continue
        box = scene.plots[0]
        labels = sorted((t for t in texts if t.size == LABEL and t.anchor == "end"),
                        key=lambda t: t.y)
        assert all(box.top <= t.y - t.size * 0.7 and t.y <= box.bottom for t in labels)
        assert all(b.y - a.y >= LABEL for a, b in itertools.pairwise(labels))
        assert all(_extent(t)[1] < box.left for t in labels)


def test_items_stay_inside_the_scene(scenes: list[tuple[PageChart, Scene]]) -> None:
    for chart, scene in scenes:
        for m in (i for i in scene.items if isinstance(i, Marker)):
            assert m.size <= m.x <= scene.width - m.size, chart.title
            assert m.size <= m.y <= scene.height - m.size, chart.title
