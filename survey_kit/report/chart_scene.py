"""A chart as a scene: positioned lines, markers and texts, in points, drawn by any backend.

The page charts (:mod:`survey_kit.report.page_charts`) are laid out once
(:mod:`survey_kit.report.chart_layout`) into a :class:`Scene` whose coordinates run from the
top left corner, y downwards, in points; :mod:`survey_kit.report.chart_render` writes the
same scene as SVG (the HTML page) and as a reportlab drawing (the PDF).  Text is measured
with the DejaVu Sans metrics of the PDF's fonts (:func:`text_width`), the widest of the
fonts the page may show, so a label measured to fit, fits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from reportlab.pdfbase import pdfmetrics

from survey_kit.report.escape import fmt_dec
from survey_kit.report.pdf import FONT, FONT_BOLD, register_fonts

INK = "#1a1a1a"
"""Text and axis colour (the page's text colour)."""
MUTED = "#404040"
GRID = "#d9d9d9"
WHITE = "#ffffff"
LEADING = 1.22
"""Line height of wrapped text, in font sizes."""


@dataclass(frozen=True)
class Line:
    """A straight line from (x1, y1) to (x2, y2)."""

    x1: float
    y1: float
    x2: float
    y2: float
    colour: str
    width: float


@dataclass(frozen=True)
class PolyLine:
    """A line through ``points``."""

    points: tuple[tuple[float, float], ...]
    colour: str
    width: float


@dataclass(frozen=True)
class Marker:
    """A data marker of series ``series`` centred on (x, y): ``shape`` one of
    :data:`SHAPES` ("o" circle, "s" square, "D" diamond, "^"/"v" triangles, "P" plus, "X"
    cross), ``size`` its half width; filled with its colour or open (white); ``key``: a
    legend entry, not data."""

    x: float
    y: float
    shape: str
    size: float
    colour: str
    filled: bool
    series: int
    key: bool = False


@dataclass(frozen=True)
class Arrow:
    """An arrow head at (x, y) pointing left (``direction`` -1) or right (+1): an interval
    that runs off the axis."""

    x: float
    y: float
    direction: int
    colour: str
    series: int


@dataclass(frozen=True)
class Text:
    """One line of text with its baseline at ``y``; ``anchor`` "start", "middle" or "end"."""

    x: float
    y: float
    text: str
    size: float
    anchor: str = "start"
    bold: bool = False
    colour: str = INK


Item = Line | PolyLine | Marker | Arrow | Text


@dataclass(frozen=True)
class Box:
    """A plot area: left, top, right, bottom (points, y downwards)."""

    left: float
    top: float
    right: float
    bottom: float


@dataclass(frozen=True)
class Scene:
    """A whole chart: its size, title (for the SVG ``<title>``), the items in drawing order
    and the plot areas (one for a dot chart, one per panel of a trend chart)."""

    width: float
    height: float
    title: str
    items: tuple[Item, ...]
    plots: tuple[Box, ...]


SHAPES = ("o", "s", "D", "^", "v", "P", "X")
"""The marker shapes the backends draw (matplotlib's marker letters)."""


def outline(shape: str, x: float, y: float, r: float) -> tuple[tuple[float, float], ...]:
    """The corners of a polygon marker of half width ``r`` centred on (x, y) (not "o").

    Examples
    --------
    >>> outline("s", 0, 0, 1)
    ((-1, -1), (1, -1), (1, 1), (-1, 1))
    >>> len(outline("P", 0, 0, 1)), len(outline("^", 0, 0, 1))
    (12, 3)
    """
    t = r / 3
    unit: dict[str, tuple[tuple[float, float], ...]] = {
        "s": ((-r, -r), (r, -r), (r, r), (-r, r)),
        "D": ((0, -r * 1.25), (r * 1.25, 0), (0, r * 1.25), (-r * 1.25, 0)),
        "^": ((0, -r * 1.2), (r * 1.15, r * 0.8), (-r * 1.15, r * 0.8)),
        "v": ((0, r * 1.2), (-r * 1.15, -r * 0.8), (r * 1.15, -r * 0.8)),
        "P": ((-t, -r), (t, -r), (t, -t), (r, -t), (r, t), (t, t), (t, r), (-t, r), (-t, t),
              (-r, t), (-r, -t), (-t, -t)),
        "X": ((-r, -r + t), (-r + t, -r), (0, -t), (r - t, -r), (r, -r + t), (t, 0), (r, r - t),
              (r - t, r), (0, t), (-r + t, r), (-r, r - t), (-t, 0)),
    }
    return tuple((x + dx, y + dy) for dx, dy in unit[shape])


def arrow_outline(x: float, y: float, direction: int, r: float = 4.0
                  ) -> tuple[tuple[float, float], ...]:
    """A triangle with its tip at (x, y), pointing left (-1) or right (+1).

    Examples
    --------
    >>> arrow_outline(10, 0, 1)
    ((10, 0), (3.0, -4.0), (3.0, 4.0))
    """
    back = x - direction * 1.75 * r
    return ((x, y), (back, y - r), (back, y + r))


@lru_cache(maxsize=4096)
def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width of ``text`` in points, in DejaVu Sans (bold) at ``size`` points.

    Examples
    --------
    >>> round(text_width("100", 10), 1)
    19.1
    """
    register_fonts()
    return float(pdfmetrics.stringWidth(text, FONT_BOLD if bold else FONT, size))


def wrap_to(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Words of ``text`` in lines at most ``width`` points wide (a long word stays whole).

    Examples
    --------
    >>> wrap_to("Tryghed i boligområdet", 80, 10)
    ['Tryghed i', 'boligområdet']
    """
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", size, bold) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def nice_ticks(lo: float, hi: float, bins: int = 8) -> tuple[float, ...]:
    """At most ``bins`` + 1 ticks from ``lo`` to ``hi`` on a step of 1, 2, 2.5, 5 or 10 times
    a power of ten, the smallest that needs no more than ``bins`` intervals (as matplotlib's
    ``MaxNLocator(nbins, steps=[1, 2, 2.5, 5, 10])``).

    Examples
    --------
    >>> nice_ticks(50, 80)
    (50.0, 55.0, 60.0, 65.0, 70.0, 75.0, 80.0)
    >>> nice_ticks(-15, 15, 8)
    (-15.0, -10.0, -5.0, 0.0, 5.0, 10.0, 15.0)
    >>> nice_ticks(0, 100, 4)
    (0.0, 25.0, 50.0, 75.0, 100.0)
    """
    if not hi > lo:
        return (float(lo),)
    raw = (hi - lo) / bins
    scale = 10.0 ** math.floor(math.log10(raw))
    step = next(s * scale for s in (1.0, 2.0, 2.5, 5.0, 10.0) if s * scale >= raw * (1 - 1e-9))
    first, last = math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9)
    return tuple(round(k * step, 9) + 0.0 for k in range(first, last + 1))


def tick_text(ticks: tuple[float, ...]) -> list[str]:
    """Tick labels with a decimal comma: whole numbers, or one decimal when a step needs it.

    Examples
    --------
    >>> tick_text((0.0, 2.5, 5.0)), tick_text((-10.0, 0.0, 10.0))
    (['0,0', '2,5', '5,0'], ['-10', '0', '10'])
    """
    decimals = 0 if all(float(t).is_integer() for t in ticks) else 1
    return [fmt_dec(t, decimals) for t in ticks]


def text_lines(lines: list[str], x: float, top: float, size: float, anchor: str = "start",
               bold: bool = False, colour: str = INK) -> list[Text]:
    """``lines`` one below the other, the first line's top at ``top``."""
    return [Text(x, top + size * (0.95 + LEADING * i), line, size, anchor, bold, colour)
            for i, line in enumerate(lines)]


def block_height(lines: int, size: float) -> float:
    """The height of ``lines`` lines of text at ``size`` points.

    Examples
    --------
    >>> block_height(1, 10), round(block_height(2, 10), 2)
    (12.2, 24.4)
    """
    return lines * size * LEADING


__all__ = [
    "SHAPES",
    "Arrow",
    "Box",
    "Item",
    "Line",
    "Marker",
    "PolyLine",
    "Scene",
    "Text",
    "arrow_outline",
    "block_height",
    "nice_ticks",
    "outline",
    "text_lines",
    "text_width",
    "tick_text",
    "wrap_to",
]
