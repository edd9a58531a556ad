"""The SVG and the PDF drawing of the page charts: valid, accessible, deterministic SVG with one
marker per mark of each series (as many as the alt text states), and a drawing of the same
shapes, which the PDF's flowable draws byte for byte as reportlab draws it; the area PDF holds
vectors, no images."""

from __future__ import annotations

import dataclasses
import io
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
from demo_pages import demo_pages
from reportlab import rl_config
from reportlab.graphics.shapes import Circle, Group, Polygon, String
from reportlab.pdfgen.canvas import Canvas

from survey_kit.report.chart_render import FONT_STACK, vector_chart
from survey_kit.report.chart_scene import WHITE, Marker, Text
from survey_kit.report.page_charts import PageChart
from survey_kit.report.resident import page_charts, render_area_pdf

SVG = "{http://www.w3.org/2000/svg}"


def some_charts() -> list[PageChart]:
    """Every kind of chart, from pages of two and of three rounds."""
    charts = [c for a in ("HP19", "HP49") for c in page_charts(demo_pages(2).pages[a])]
    return charts + list(page_charts(demo_pages(3).pages["HP19"]))


@pytest.fixture(scope="module")
def charts() -> list[PageChart]:
    return some_charts()


def stated(chart: PageChart) -> int:
    """How many figures with an interval the alt text states."""
    return len(re.findall(r"\(fra -?[\d,]+ til -?[\d,]+\)|\(usikkerhed fra", chart.alt))


def test_svg_is_an_accessible_document_with_a_marker_per_mark(charts: list[PageChart]) -> None:
    assert {c.kind for c in charts} == {"values", "trend", "differences"}
    for chart in charts:
        svg = vector_chart(chart).svg()
        root = ET.fromstring(svg)
        assert root.tag == f"{SVG}svg" and root.get("role") == "img"
        assert root.findtext(f"{SVG}title") == chart.title
        assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
        assert root.get("font-family") == FONT_STACK
        marks = [e for e in root.iter() if (e.get("class") or "").startswith("mark ")]
        per_series = Counter(e.get("class") for e in marks)
        want = Counter(f"mark s{chart.series.index(m.series)}" for m in chart.marks)
        assert per_series == want, chart.title
        assert len(marks) == stated(chart) == len(chart.marks), chart.title
        filled = sum(e.get("fill") != WHITE for e in marks)
        assert filled == sum(m.filled for m in chart.marks), chart.title
        keys = [e for e in root.iter() if (e.get("class") or "").startswith("key ")]
        assert len(keys) == (len(chart.series) if len(chart.series) > 1
                             and chart.kind != "trend" else 0)
        texts = " ".join(e.text or "" for e in root.iter(f"{SVG}text"))
        assert chart.axis_label in texts or chart.kind == "trend"


def test_svg_is_the_same_every_time(charts: list[PageChart]) -> None:
    for chart in charts:
        assert vector_chart(chart).svg() == vector_chart(chart).svg()
    assert "<" not in re.sub(r"<[^>]+>", "", vector_chart(charts[0]).svg())  # text escaped


def _shapes(group: Group) -> list[object]:
    out: list[object] = []
    for item in group.contents:
        out += _shapes(item) if isinstance(item, Group) else [item]
    return out


def test_drawing_has_the_scenes_shapes_at_scale(charts: list[PageChart]) -> None:
    for chart in charts:
        image = vector_chart(chart)
        drawing = image.drawing(0.5)
        assert (drawing.width, drawing.height) == (image.width * 0.5, image.height * 0.5)
        shapes = _shapes(drawing)
        markers = [i for i in image.scene.items if isinstance(i, Marker)]
        round_ones = sum(m.shape == "o" for m in markers)
        assert sum(isinstance(s, Circle) for s in shapes) == round_ones
        assert sum(isinstance(s, Polygon) for s in shapes) >= len(markers) - round_ones
        strings = [s.text for s in shapes if isinstance(s, String)]
        assert strings == [t.text for t in image.scene.items if isinstance(t, Text)]


def _pdf(draw: object) -> bytes:
    canvas = Canvas(io.BytesIO(), invariant=1)
    for x, y in ((20.0, 30.0), (5.5, 400.25)):  # two charts on a page, centred in 60 pt
        draw.drawOn(canvas, x, y, _sW=60.0)  # type: ignore[attr-defined]
    canvas.showPage()
    return canvas.getpdfdata()


@pytest.mark.parametrize("invariant", [0, 1])
def test_flowable_writes_the_bytes_reportlab_writes_for_the_drawing(
        charts: list[PageChart], invariant: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rl_config, "invariant", invariant)  # sorted state keys, or not
    diff = next(c for c in charts if c.kind == "differences")
    lo, hi = diff.limits  # an interval beyond both ends of the axis: two arrows
    wide = dataclasses.replace(diff, marks=(dataclasses.replace(
        diff.marks[0], low=lo - 5, high=hi + 5), *diff.marks[1:]))
    kinds: Counter[str] = Counter()
    for chart in [*charts, wide]:
        image = vector_chart(chart)
        kinds.update(type(i).__name__ for i in image.scene.items)
        for scale in (1.0, 0.73):
            drawing, flowable = image.drawing(scale), image.flowable(scale)
            drawing.hAlign = flowable.hAlign = "CENTER"
            assert flowable.wrap(500, 800) == drawing.wrap(500, 800)
            assert _pdf(flowable) == _pdf(drawing)
    assert set(kinds) == {"Line", "PolyLine", "Marker", "Arrow", "Text"}


def test_area_pdf_draws_its_charts_as_vectors(tmp_path: Path) -> None:
    path = render_area_pdf(demo_pages(2).pages["HP49"], tmp_path / "hp49.pdf")
    raw = path.read_bytes()
    assert b"/Subtype /Image" not in raw
    assert len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", raw)) <= 4
