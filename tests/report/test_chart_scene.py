"""The scene's parts: nice ticks (held to matplotlib's MaxNLocator), marker outlines, text
measured and wrapped to a width."""

from __future__ import annotations

import itertools

import pytest
from matplotlib.ticker import MaxNLocator

from survey_kit.report.chart_scene import (
    arrow_outline,
    nice_ticks,
    outline,
    text_width,
    tick_text,
    wrap_to,
)
from survey_kit.report.page_charts import NICE_STEPS

RANGES = [(lo, hi) for lo, hi in itertools.product(range(0, 100, 10), range(10, 101, 10))
          if hi - lo >= 10] + [(-s, s) for s in NICE_STEPS] + [(0.0, 7.0), (12.5, 13.0)]


@pytest.mark.parametrize("bins", [4, 8])
def test_ticks_are_matplotlibs_within_the_limits(bins: int) -> None:
    for lo, hi in RANGES:
        ticks = nice_ticks(lo, hi, bins)
        want = [t for t in MaxNLocator(nbins=bins, steps=[1, 2, 2.5, 5, 10]).tick_values(lo, hi)
                if lo - 1e-9 <= t <= hi + 1e-9]
        assert ticks == pytest.approx(want, abs=1e-9), (lo, hi)
        assert all(lo <= t <= hi for t in ticks) and len(ticks) <= bins + 1


def test_tick_labels_use_a_decimal_comma_only_when_needed() -> None:
    assert tick_text(nice_ticks(0, 10, 4)) == ["0,0", "2,5", "5,0", "7,5", "10,0"]
    assert tick_text(nice_ticks(30, 80)) == ["30", "40", "50", "60", "70", "80"]


@pytest.mark.parametrize("shape", ["s", "D", "^", "v", "P", "X"])
def test_marker_outlines_are_centred_and_small(shape: str) -> None:
    points = outline(shape, 10.0, 20.0, 4.0)
    xs, ys = [x for x, _ in points], [y for _, y in points]
    assert max(abs(x - 10) for x in xs) <= 5.0 and max(abs(y - 20) for y in ys) <= 5.0
    assert min(xs) < 10 < max(xs) and min(ys) < 20 < max(ys)


def test_arrow_points_away_from_the_plot() -> None:
    tip, *back = arrow_outline(0.0, 5.0, -1)
    assert tip == (0.0, 5.0) and all(x > 0 for x, _ in back)
    tip, *back = arrow_outline(100.0, 5.0, 1)
    assert all(x < 100 for x, _ in back)


def test_text_is_wrapped_to_its_width() -> None:
    text = "Tilfredshed med boligområdet og med de grønne arealer omkring blokkene"
    for width in (60.0, 120.0, 250.0):
        lines = wrap_to(text, width, 12)
        assert " ".join(lines) == text
        assert all(text_width(line, 12) <= width or " " not in line for line in lines)
        assert len(lines) == 1 or all(  # greedy: the next word would not have fitted
            text_width(f"{a} {b.split()[0]}", 12) > width
            for a, b in itertools.pairwise(lines))
    assert text_width("Æøå", 12, bold=True) > text_width("Æøå", 12) > 0
