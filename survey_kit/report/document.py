"""A small document model shared by the HTML and PDF resident summaries, and its HTML renderer.

The summary builders (:mod:`survey_kit.report.resident`, :mod:`survey_kit.report.youth`) turn
results into a :class:`SummaryDocument` of plain strings; :func:`render_html` renders it with a
Jinja2 template under autoescaping (every label and sentence is escaped) and
:mod:`survey_kit.report.pdf` renders the same document with reportlab.  So the two formats say
the same thing.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Protocol

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape


class VectorImage(Protocol):
    """A chart drawn as vectors: its size in points, SVG text for HTML and a reportlab
    drawing, and a flowable that draws it, for the PDF
    (:class:`~survey_kit.report.chart_render.VectorChart`)."""

    @property
    def width(self) -> float: ...

    @property
    def height(self) -> float: ...

    def svg(self) -> str: ...

    def drawing(self, scale: float = 1.0) -> Any: ...

    def flowable(self, scale: float = 1.0) -> Any: ...


@dataclass(frozen=True)
class FigureBlock:
    """A chart: caption, alt text, and either a data URI (HTML) with PNG bytes (PDF), or a
    ``vector`` function that lays the chart out when it is first needed
    (:attr:`vector_image`: SVG in HTML via :attr:`uri`, a drawing in the PDF), so that a
    document can be built and checked without drawing."""

    caption: str
    alt: str
    data_uri: str = ""
    png: bytes = b""
    vector: Callable[[], VectorImage] | None = field(default=None, compare=False, repr=False)

    @cached_property
    def vector_image(self) -> VectorImage | None:
        """The chart as vectors (laid out once), or None for a PNG figure."""
        return None if self.vector is None else self.vector()

    @cached_property
    def uri(self) -> str:
        """The image as a data URI for ``<img src=...>``: the given one, the SVG or the PNG."""
        if self.data_uri:
            return self.data_uri
        if self.vector_image is not None:
            svg = self.vector_image.svg().encode("utf-8")
            return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


@dataclass(frozen=True)
class TableBlock:
    """A table: caption, column headers, rows (first cell is the row header), a note."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str = ""


@dataclass(frozen=True)
class Section:
    """A section: heading, an intro line, paragraphs, bullets, a table, figures, subsections,
    and a closing note (small print after the bullets, table and figures)."""

    heading: str
    intro: str = ""
    paragraphs: tuple[str, ...] = ()
    bullets: tuple[str, ...] = ()
    table: TableBlock | None = None
    figures: tuple[FigureBlock, ...] = ()
    subsections: tuple[Section, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class SummaryDocument:
    """A whole summary: title, lead paragraph, sections and a footer line; ``nav`` holds
    (text, address) links shown above the page in HTML (e.g. back to a site's index)."""

    title: str
    lead: str
    sections: tuple[Section, ...]
    footer: str = ""
    nav: tuple[tuple[str, str], ...] = ()


def environment() -> Environment:
    """The Jinja2 environment of the report templates (autoescape on, strict undefined)."""
    return Environment(
        loader=PackageLoader("survey_kit.report", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@cache
def _template() -> Any:
    """The page template, compiled once per process (a forked worker inherits it); the
    templates it includes are compiled on first use and kept (not checked for changes)."""
    env = environment()
    env.auto_reload = False
    return env.get_template("summary.html.j2")


def compile_templates() -> None:
    """Compile the page template and the templates it includes (once per process), e.g.
    before forking workers that render pages."""
    render_html(SummaryDocument("", "", (Section("", paragraphs=("",)),)))


def html_to(doc: SummaryDocument, path: str | Path | None = None) -> str:
    """The document as HTML, also written to ``path`` (UTF-8) when given."""
    html = render_html(doc)
    if path is not None:
        Path(path).write_text(html, encoding="utf-8")
    return html


PLACEHOLDER_IMAGE = "data:image/gif;base64,R0lGODlhAQABAAAAACw="
"""A 1x1 image: the ``src`` of every figure when a page is rendered without drawing."""


def render_html(doc: SummaryDocument, images: bool = True) -> str:
    """Render a :class:`SummaryDocument` as one self-contained HTML page (lang="da").

    ``images=False`` leaves the charts undrawn (:data:`PLACEHOLDER_IMAGE`; their alt texts
    and captions are in place): for checking the text of many pages fast.

    Examples
    --------
    >>> doc = SummaryDocument("Tryghed i <b>X</b>", "Kort.", (Section("Om", "", ("Tekst.",)),))
    >>> html = render_html(doc)
    >>> '<html lang="da">' in html, "Tryghed i &lt;b&gt;X&lt;/b&gt;" in html, "<script" in html
    (True, True, False)
    """
    return _template().render(doc=doc, images=images, placeholder=PLACEHOLDER_IMAGE)


__all__ = ["FigureBlock", "Section", "SummaryDocument", "TableBlock", "VectorImage",
           "compile_templates", "environment", "render_html"]
