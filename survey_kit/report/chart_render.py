"""Two backends of one :class:`~survey_kit.report.chart_scene.Scene`: SVG text for the HTML
page and a reportlab :class:`~reportlab.graphics.shapes.Drawing` for the PDF, which the PDF
story draws through :class:`SceneFlowable`: the same canvas calls reportlab's renderer makes for
the drawing (so the same bytes), without building and walking its shapes.

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
from functools import cache, cached_property
from types import SimpleNamespace
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from reportlab.graphics import renderPDF
from reportlab.graphics.renderbase import StateTracker, getStateDelta
from reportlab.graphics.shapes import Circle, Drawing, Group, Polygon, String
from reportlab.graphics.shapes import Line as RLLine
from reportlab.graphics.shapes import PolyLine as RLPolyLine
from reportlab.lib import colors
from reportlab.platypus import Flowable

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


@cache
def _colour(hex_colour: str) -> colors.Color:
    return colors.HexColor(hex_colour)


def _flip(points: tuple[tuple[float, float], ...], height: float) -> list[float]:
    return [v for x, y in points for v in (x, height - y)]


def _rl_item(item: Item, height: float) -> object:
    """One item as a reportlab shape (y flipped: reportlab's y runs upwards)."""
    if isinstance(item, Line):
        return RLLine(item.x1, height - item.y1, item.x2, height - item.y2,
                      strokeColor=_colour(item.colour), strokeWidth=item.width)
    if isinstance(item, PolyLine):
        return RLPolyLine(_flip(item.points, height), strokeColor=_colour(item.colour),
                          strokeWidth=item.width)
    if isinstance(item, Arrow):
        return Polygon(_flip(arrow_outline(item.x, item.y, item.direction), height),
                       fillColor=_colour(item.colour), strokeColor=None)
    if isinstance(item, Marker):
        paint = {"fillColor": _colour(item.colour if item.filled else WHITE),
                 "strokeColor": _colour(item.colour), "strokeWidth": STROKE}
        if item.shape == "o":
            return Circle(item.x, height - item.y, item.size, **paint)
        return Polygon(_flip(outline(item.shape, item.x, item.y, item.size), height), **paint)
    assert isinstance(item, Text)
    return String(item.x, height - item.y, item.text, fontName=FONT_BOLD if item.bold else FONT,
                  fontSize=item.size, fillColor=_colour(item.colour), textAnchor=item.anchor)


def to_drawing(scene: Scene, scale: float = 1.0) -> Drawing:
    """The scene as a reportlab drawing (a flowable), ``scale`` times its size in points."""
    register_fonts()
    group = Group(*(_rl_item(i, scene.height) for i in scene.items))
    group.transform = (scale, 0, 0, scale, 0, 0)
    drawing = Drawing(scene.width * scale, scene.height * scale)
    drawing.add(group)
    return drawing


_STATES: dict[str, dict[str, Any]] = {
    kind: getStateDelta(_rl_item(item, 0.0)) for kind, item in (
        ("line", Line(0.0, 0.0, 0.0, 0.0, WHITE, 1.0)),
        ("polyline", PolyLine(((0.0, 0.0), (1.0, 1.0)), WHITE, 1.0)),
        ("arrow", Arrow(0.0, 0.0, 1, WHITE, 0)),
        ("circle", Marker(0.0, 0.0, "o", 1.0, WHITE, True, 0)),
        ("polygon", Marker(0.0, 0.0, "s", 1.0, WHITE, True, 0)),
        ("text", Text(0.0, 0.0, "", 1.0)))}
"""The graphics state each kind of shape of :func:`_rl_item` sets when reportlab draws it: its
keys in reportlab's order and the values the scene does not change (read from the shapes)."""


class _State:
    """What reportlab's PDF renderer asks its state tracker while it draws a string."""

    def __init__(self) -> None:
        self.current: dict[str, Any] = {}

    def getState(self) -> dict[str, Any]:  # noqa: N802 (reportlab's name)
        return self.current


def _emit(item: Item, height: float, renderer: Any, state: _State) -> None:
    """One item as reportlab's renderer draws its shape (:func:`_rl_item`): the shape's graphics
    state, then the shape, between saveState and restoreState."""
    canvas = renderer._canvas
    node: SimpleNamespace
    if isinstance(item, Line):
        delta = {**_STATES["line"], "strokeColor": _colour(item.colour),
                 "strokeWidth": item.width}
        node, draw = SimpleNamespace(x1=item.x1, y1=height - item.y1, x2=item.x2,
                                     y2=height - item.y2), renderer.drawLine
    elif isinstance(item, PolyLine):
        delta = {**_STATES["polyline"], "strokeColor": _colour(item.colour),
                 "strokeWidth": item.width}
        node, draw = SimpleNamespace(points=_flip(item.points, height)), renderer.drawPolyLine
    elif isinstance(item, Arrow):
        delta = {**_STATES["arrow"], "fillColor": _colour(item.colour)}
        node = SimpleNamespace(points=_flip(arrow_outline(item.x, item.y, item.direction),
                                            height))
        draw = renderer.drawPolygon
    elif isinstance(item, Marker):
        kind = "circle" if item.shape == "o" else "polygon"
        delta = {**_STATES[kind], "fillColor": _colour(item.colour if item.filled else WHITE),
                 "strokeColor": _colour(item.colour), "strokeWidth": STROKE}
        if kind == "circle":
            node, draw = SimpleNamespace(cx=item.x, cy=height - item.y, r=item.size), \
                renderer.drawCircle
        else:
            node = SimpleNamespace(points=_flip(outline(item.shape, item.x, item.y, item.size),
                                                height))
            draw = renderer.drawPolygon
    else:
        delta = {**_STATES["text"], "fontName": FONT_BOLD if item.bold else FONT,
                 "fontSize": item.size, "fillColor": _colour(item.colour),
                 "textAnchor": item.anchor}
        node = SimpleNamespace(x=item.x, y=height - item.y, text=item.text,
                               encoding=String.encoding)
        draw = renderer.drawString
    canvas.saveState()
    state.current = delta
    renderer.applyStateChanges(delta, {})
    draw(node)
    canvas.restoreState()


def draw_scene(scene: Scene, scale: float, canvas: Any) -> None:
    """Draw the scene at ``scale`` on a reportlab canvas at its origin, exactly as reportlab
    draws :func:`to_drawing` (``renderPDF``: the renderer's initial state, the drawing's and the
    group's transforms, then each shape with its own state), calling the same canvas methods
    with the same values, without building the shapes and walking them."""
    register_fonts()
    renderer = renderPDF._PDFRenderer()
    renderer._canvas = canvas
    renderer._tracker = StateTracker()
    canvas.saveState()
    renderer.initState(0, 0)
    state = _State()
    renderer._tracker = state
    for transform in ((1, 0, 0, 1, 0, 0), (scale, 0, 0, scale, 0, 0)):  # drawing, group
        canvas.saveState()
        renderer.applyStateChanges({"transform": transform}, {})
    for item in scene.items:
        _emit(item, scene.height, renderer, state)
    for _ in range(3):
        canvas.restoreState()


class SceneFlowable(Flowable):
    """A chart in a PDF story, drawn straight onto the canvas (:func:`draw_scene`): the same
    bytes as :func:`to_drawing` gives, made several times faster."""

    def __init__(self, scene: Scene, scale: float = 1.0) -> None:
        super().__init__()
        self.scene, self.scale = scene, scale
        self.width, self.height = scene.width * scale, scene.height * scale

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        draw_scene(self.scene, self.scale, self.canv)


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

    def flowable(self, scale: float = 1.0) -> SceneFlowable:
        """The chart as a flowable of a PDF story, ``scale`` times its size: the PDF of
        :meth:`drawing`, drawn faster."""
        return SceneFlowable(self.scene, scale)


def vector_chart(chart: PageChart) -> VectorChart:
    """Lay ``chart`` out once, for both the SVG and the PDF drawing."""
    return VectorChart(scene_of(chart))


__all__ = ["FONT_STACK", "SceneFlowable", "VectorChart", "draw_scene", "to_drawing", "to_svg",
           "vector_chart"]
