"""Two backends of one :class:`~survey_kit.report.chart_scene.Scene`: SVG text for the HTML
page and a reportlab :class:`~reportlab.graphics.shapes.Drawing` for the PDF.

Both are vectors drawn from the same positions, so the page and the PDF show the same chart.
The SVG is deterministic (numbers rounded to 0.01 pt, no ids, dates or random parts), has
``role="img"`` and a ``<title>``, a ``viewBox`` so that it scales with the page, and the
page's font stack.  Markers carry ``class="mark sN"`` (series N), legend markers
``class="key sN"`` and arrow heads ``class="arrow sN"``, so tests can count them.

Examples
--------
>>> from survey_kit.report.page_charts import Mark, PageChart
>>> chart = PageChart("values", "Tryghed", ("Tryghed",), ("HP1",),
...                   (Mark("Tryghed", "HP1", 60.0, 55.0, 65.0),), (50.0, 80.0),
...                   "Score fra 0 til 100", "alt", "caption")
>>> image = vector_chart(chart)
>>> image.svg().count('class="mark s0"'), image.width
(1, 374.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from xml.sax.saxutils import escape, quoteattr

from reportlab.graphics.shapes import Circle, Drawing, Group, Polygon, String
from reportlab.graphics.shapes import Line as RLLine
from reportlab.graphics.shapes import PolyLine as RLPolyLine
from reportlab.lib import colors

from survey_kit.report.chart_layout import scene_of
from survey_kit.report.chart_scene import (
    WHITE,
    Arrow,
    Item,
    Line,
    Marker,
    PolyLine,
    Scene,
    Text,
    arrow_outline,
    outline,
)
from survey_kit.report.page_charts import PageChart
from survey_kit.report.pdf import FONT, FONT_BOLD, register_fonts

FONT_STACK = "'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
"""The page's font stack (``summary.css``)."""
STROKE = 1.5
"""Outline width of a marker."""


def _n(x: float) -> str:
    """A coordinate for SVG: at most two decimals, no trailing zeros.

    Examples
    --------
    >>> _n(1.0), _n(2.345), _n(-0.001)
    ('1', '2.35', '0')
    """
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _points(points: tuple[tuple[float, float], ...]) -> str:
    return " ".join(f"{_n(x)},{_n(y)}" for x, y in points)


def _svg_item(item: Item) -> str:
    if isinstance(item, Line):
        return (f'<line x1="{_n(item.x1)}" y1="{_n(item.y1)}" x2="{_n(item.x2)}" '
                f'y2="{_n(item.y2)}" stroke="{item.colour}" stroke-width="{_n(item.width)}"/>')
    if isinstance(item, PolyLine):
        return (f'<polyline points="{_points(item.points)}" fill="none" '
                f'stroke="{item.colour}" stroke-width="{_n(item.width)}"/>')
    if isinstance(item, Arrow):
        return (f'<polygon class="arrow s{item.series}" '
                f'points="{_points(arrow_outline(item.x, item.y, item.direction))}" '
                f'fill="{item.colour}"/>')
    if isinstance(item, Marker):
        paint = (f'fill="{item.colour if item.filled else WHITE}" stroke="{item.colour}" '
                 f'stroke-width="{STROKE}"')
        role = f'class="{"key" if item.key else "mark"} s{item.series}"'
        if item.shape == "o":
            return (f'<circle {role} cx="{_n(item.x)}" cy="{_n(item.y)}" '
                    f'r="{_n(item.size)}" {paint}/>')
        return (f'<polygon {role} '
                f'points="{_points(outline(item.shape, item.x, item.y, item.size))}" {paint}/>')
    weight = ' font-weight="bold"' if item.bold else ""
    anchor = "" if item.anchor == "start" else f' text-anchor="{item.anchor}"'
    return (f'<text x="{_n(item.x)}" y="{_n(item.y)}" font-size="{_n(item.size)}"{anchor}'
            f'{weight} fill="{item.colour}">{escape(item.text)}</text>')


def to_svg(scene: Scene) -> str:
    """The scene as a standalone SVG document (UTF-8 text)."""
    w, h = _n(scene.width), _n(scene.height)
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {w} {h}" '
            f'width="{w}" height="{h}" font-family={quoteattr(FONT_STACK)}>'
            f"<title>{escape(scene.title)}</title>"
            f'<rect width="{w}" height="{h}" fill="{WHITE}"/>')
    return head + "".join(_svg_item(i) for i in scene.items) + "</svg>"


def _rl_item(item: Item, height: float) -> object:
    """One item as a reportlab shape (y flipped: reportlab's y runs upwards)."""
    def flip(points: tuple[tuple[float, float], ...]) -> list[float]:
        return [v for x, y in points for v in (x, height - y)]

    if isinstance(item, Line):
        return RLLine(item.x1, height - item.y1, item.x2, height - item.y2,
                      strokeColor=colors.HexColor(item.colour), strokeWidth=item.width)
    if isinstance(item, PolyLine):
        return RLPolyLine(flip(item.points), strokeColor=colors.HexColor(item.colour),
                          strokeWidth=item.width)
    if isinstance(item, Arrow):
        return Polygon(flip(arrow_outline(item.x, item.y, item.direction)),
                       fillColor=colors.HexColor(item.colour), strokeColor=None)
    if isinstance(item, Marker):
        paint = {"fillColor": colors.HexColor(item.colour if item.filled else WHITE),
                 "strokeColor": colors.HexColor(item.colour), "strokeWidth": STROKE}
        if item.shape == "o":
            return Circle(item.x, height - item.y, item.size, **paint)
        return Polygon(flip(outline(item.shape, item.x, item.y, item.size)), **paint)
    assert isinstance(item, Text)
    return String(item.x, height - item.y, item.text, fontName=FONT_BOLD if item.bold else FONT,
                  fontSize=item.size, fillColor=colors.HexColor(item.colour),
                  textAnchor=item.anchor)


def to_drawing(scene: Scene, scale: float = 1.0) -> Drawing:
    """The scene as a reportlab drawing (a flowable), ``scale`` times its size in points."""
    register_fonts()
    group = Group(*(_rl_item(i, scene.height) for i in scene.items))
    group.transform = (scale, 0, 0, scale, 0, 0)
    drawing = Drawing(scene.width * scale, scene.height * scale)
    drawing.add(group)
    return drawing


@dataclass(frozen=True)
class VectorChart:
    """A laid-out page chart: its size in points, its SVG and its PDF drawing."""

    scene: Scene

    @property
    def width(self) -> float:
        return self.scene.width

    @property
    def height(self) -> float:
        return self.scene.height

    @cached_property
    def _svg(self) -> str:
        return to_svg(self.scene)

    def svg(self) -> str:
        """The chart as SVG text (made once)."""
        return self._svg

    def drawing(self, scale: float = 1.0) -> Drawing:
        """The chart as a reportlab drawing, ``scale`` times its size."""
        return to_drawing(self.scene, scale)


def vector_chart(chart: PageChart) -> VectorChart:
    """Lay ``chart`` out once, for both the SVG and the PDF drawing."""
    return VectorChart(scene_of(chart))


__all__ = ["FONT_STACK", "VectorChart", "to_drawing", "to_svg", "vector_chart"]
