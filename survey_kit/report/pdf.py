"""Render a :class:`~survey_kit.report.document.SummaryDocument` as an A4 PDF with reportlab.

Pure Python: the charts of an area page are reportlab drawings (vectors), and the DejaVu
Sans fonts that ship with matplotlib are embedded (they cover æ, ø, å, ±, – and ▲/▼), so no
system library or font is needed.  Fonts and paragraphs keep what they computed for the next
paragraph and page (:mod:`survey_kit.report.pdf_reuse`).  Text is escaped for reportlab's
paragraph markup, so a label such as ``<script>`` prints literally.  The file is built with
``invariant=1`` (no creation date or random id), so the same inputs give the same bytes; the
document language is set to Danish and the title is stored in the metadata.
"""

from __future__ import annotations

import html
import io
from functools import cache
from pathlib import Path
from typing import Any

import matplotlib
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import (
    CondPageBreak,
    Image,
    KeepTogether,
    ListFlowable,
    ListItem,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from survey_kit.report.document import (
    FigureBlock,
    Section,
    SummaryDocument,
    TableBlock,
    html_to,
)
from survey_kit.report.pdf_reuse import CachedFont, CachedParagraph

FONT = "SurveyKitSans"
FONT_BOLD = "SurveyKitSans-Bold"
FONT_OBLIQUE = "SurveyKitSans-Oblique"
DARK_BLUE = colors.HexColor("#0b3a5d")
TEXT = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#404040")
CONTENT_WIDTH = A4[0] - 4 * cm

# Images go into the PDF as binary streams: ASCII85 text encoding (reportlab's default)
# only makes the file larger and, without reportlab's C accelerator, takes seconds per page.
rl_config.useA85 = 0


def register_fonts() -> None:
    """Register DejaVu Sans (regular and bold) from matplotlib's data folder, once."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(CachedFont(FONT, str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(CachedFont(FONT_BOLD, str(folder / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFont(CachedFont(FONT_OBLIQUE, str(folder / "DejaVuSans-Oblique.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_OBLIQUE,
                                  boldItalic=FONT_BOLD)


@cache
def _shared_styles() -> dict[str, ParagraphStyle]:
    """:func:`styles`, made once per process (the pages' paragraphs share them: never
    changed)."""
    return styles()


def styles() -> dict[str, ParagraphStyle]:
    """Paragraph styles of the summary (body 10.5 pt)."""
    body = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=14.5, textColor=TEXT,
                          spaceAfter=5)
    return {
        "title": ParagraphStyle("title", parent=body, fontName=FONT_BOLD, fontSize=20,
                                leading=25, textColor=DARK_BLUE, spaceAfter=10),
        "lead": ParagraphStyle("lead", parent=body, fontSize=12.5, leading=17, spaceAfter=10),
        "h2": ParagraphStyle("h2", parent=body, fontName=FONT_BOLD, fontSize=15, leading=19,
                             textColor=DARK_BLUE, spaceBefore=14, spaceAfter=6,
                             keepWithNext=1),
        "h3": ParagraphStyle("h3", parent=body, fontName=FONT_BOLD, fontSize=12.5, leading=16,
                             spaceBefore=10, spaceAfter=4, keepWithNext=1),
        "h2_free": ParagraphStyle("h2_free", parent=body, fontName=FONT_BOLD, fontSize=15,
                                  leading=19, textColor=DARK_BLUE, spaceBefore=14,
                                  spaceAfter=6),
        "h3_free": ParagraphStyle("h3_free", parent=body, fontName=FONT_BOLD, fontSize=12,
                                  leading=15, spaceBefore=6, spaceAfter=4),
        "body": body,
        "intro": ParagraphStyle("intro", parent=body, fontName=FONT_OBLIQUE, textColor=MUTED),
        "note": ParagraphStyle("note", parent=body, fontSize=9.5, leading=13, textColor=MUTED),
        "cell": ParagraphStyle("cell", parent=body, fontSize=9.5, leading=11.5, spaceAfter=0,
                               alignment=2),
        "cell_head": ParagraphStyle("cell_head", parent=body, fontName=FONT_BOLD, fontSize=9.5,
                                    leading=12, spaceAfter=0, alignment=2, splitLongWords=0),
        "row_head": ParagraphStyle("row_head", parent=body, fontName=FONT_BOLD, fontSize=9.5,
                                   leading=11.5, spaceAfter=0),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped for reportlab's markup)."""
    return CachedParagraph(html.escape(text, quote=False), style)


def _words_fit(texts: list[str], style: ParagraphStyle, width: float) -> bool:
    """Whether every word (hyphenated parts count separately) fits in ``width`` points."""
    return all(
        pdfmetrics.stringWidth(part, style.fontName, style.fontSize) <= width
        for t in texts for word in t.split() for part in word.replace("-", "- ").split()
    )


def _header_cell(text: str, style: ParagraphStyle, width: float) -> Paragraph:
    """A header cell that breaks only at spaces and hyphens, never inside a word."""
    words = []
    for word in html.escape(text, quote=False).split(" "):
        if "-" in word and pdfmetrics.stringWidth(word, style.fontName, style.fontSize) > width:
            word = word.replace("-", "-<br/>", 1)
        words.append(word)
    return CachedParagraph(" ".join(words), style)


def _table(block: TableBlock, st: dict[str, ParagraphStyle]) -> list[Any]:
    ncol = len(block.header)
    first = 5.6 * cm if ncol <= 5 else 4.6 * cm
    head_style = st["cell_head"]
    heads = list(block.header[1:])

    def other_width(first_col: float) -> float:
        return (CONTENT_WIDTH - 12 - first_col) / max(1, ncol - 1)

    # Make the longest header word fit: first narrow the label column (never below its own
    # longest word), then use a smaller font.
    words = [w for r in block.rows for w in r[0].split()]
    narrowest = max([3.4 * cm, *(pdfmetrics.stringWidth(w, FONT_BOLD, 9.5) + 14 for w in words)])
    while not _words_fit(heads, head_style, other_width(first) - 12) \
            and first - 0.2 * cm >= narrowest:
        first -= 0.2 * cm
    size = head_style.fontSize
    while not _words_fit(heads, head_style, other_width(first) - 12) and size > 7.5:
        size -= 0.5
        head_style = ParagraphStyle(f"cell_head_{size}", parent=st["cell_head"], fontSize=size,
                                    leading=size * 1.26)
    other = other_width(first)
    head = [_header_cell(h, head_style, other - 12) for h in block.header]
    body = [[_p(r[0], st["row_head"]), *(_p(c, st["cell"]) for c in r[1:])]
            for r in block.rows]
    table = Table([head, *body], colWidths=[first] + [other] * (ncol - 1), repeatRows=1)
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6eef5")),
        ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.HexColor("#8c8c8c")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    out: list[Any] = [_p(block.caption, st["h3_free"]), table]
    if block.note:
        out += [Spacer(1, 4), _p(block.note, st["note"])]
    return out


FIGURE_WIDTH = 13 * cm
FIGURE_HEIGHT = 9.5 * cm
"""Largest size of a chart on the page (its aspect ratio kept)."""


def _figure(block: FigureBlock, st: dict[str, ParagraphStyle]) -> KeepTogether:
    """A chart at most :data:`FIGURE_WIDTH` by :data:`FIGURE_HEIGHT`, with its caption: a
    vector drawing, or a PNG image."""
    vector = block.vector_image
    img: Any
    if vector is not None:
        img = vector.flowable(min(FIGURE_WIDTH / vector.width, FIGURE_HEIGHT / vector.height))
        img.hAlign = "CENTER"
    else:
        png = block.png
        w, h = ImageReader(io.BytesIO(png)).getSize()
        scale = min(FIGURE_WIDTH / w, FIGURE_HEIGHT / h)
        img = Image(io.BytesIO(png), width=w * scale, height=h * scale)
    return KeepTogether([Spacer(1, 4), img, _p(block.caption, st["note"])])


TABLE_START = 6 * cm
"""A table starts on a new page unless this much room is left (then it splits, its header
row repeated)."""


def _blocks(sec: Section, st: dict[str, ParagraphStyle]) -> list[tuple[str, list[Any]]]:
    """The blocks of a section in order, each (kind, flowables): a paragraph, the bullets,
    the table (which may split), a figure, a subsection, the note."""
    blocks: list[tuple[str, list[Any]]] = []
    if sec.intro:
        blocks.append(("text", [_p(sec.intro, st["intro"])]))
    blocks += [("text", [_p(t, st["body"])]) for t in sec.paragraphs]
    if sec.bullets:
        blocks.append(("text", [ListFlowable(
            [ListItem(_p(b, st["body"]), leftIndent=12, value="•") for b in sec.bullets],
            bulletType="bullet", start="•", leftIndent=12, bulletFontName=FONT)]))
    if sec.table is not None:
        blocks.append(("table", _table(sec.table, st)))
    blocks += [("figure", [_figure(f, st)]) for f in sec.figures]
    blocks += [("section", _section(sub, st, "h3")) for sub in sec.subsections]
    if sec.note:
        blocks.append(("text", [_p(sec.note, st["note"])]))
    return blocks


def _section(sec: Section, st: dict[str, ParagraphStyle], level: str) -> list[Any]:
    """The flowables of a section.  Sections flow one after another (no page per section); a
    heading is kept with the start of its first block: a paragraph, a figure or the start of
    a subsection go with it as one piece, and a table starts on the same page when at least
    :data:`TABLE_START` is left."""
    heading = _p(sec.heading, st[level])
    blocks = _blocks(sec, st)
    if not blocks:
        return [heading]
    (kind, first), rest = blocks[0], [f for _, block in blocks[1:] for f in block]
    if kind == "table":
        return [CondPageBreak(TABLE_START), _p(sec.heading, st[f"{level}_free"]), *first,
                *rest]
    if kind == "section":
        lead, *tail = first
        content = list(lead._content) if isinstance(lead, KeepTogether) else [lead]
        return [KeepTogether([heading, *content]), *tail, *rest]
    content = list(first[0]._content) if kind == "figure" else first
    return [KeepTogether([heading, *content]), *rest]


def render_pdf(doc: SummaryDocument, path: str | Path) -> Path:
    """Write ``doc`` as an A4 PDF at ``path`` and return the path.

    Parameters
    ----------
    doc : SummaryDocument
        The summary.
    path : str or pathlib.Path
        Output file (its folder must exist).
    """
    register_fonts()
    st = _shared_styles()
    path = Path(path)
    story: list[Any] = [_p(doc.title, st["title"]), _p(doc.lead, st["lead"])]
    for sec in doc.sections:
        story.extend(_section(sec, st, "h2"))

    def on_page(canvas: Any, page_doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8.5)
        canvas.setFillColor(MUTED)
        footer = f"{doc.footer} · Side {page_doc.page}" if doc.footer else f"Side {page_doc.page}"
        canvas.drawRightString(A4[0] - 2 * cm, 1.2 * cm, footer)
        canvas.restoreState()

    template = SimpleDocTemplate(
        str(path), pagesize=A4, leftMargin=2 * cm, rightMargin=2 * cm, topMargin=2 * cm,
        bottomMargin=2 * cm, title=doc.title, author="survey_kit", lang="da-DK", invariant=1,
    )
    template.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return path


def write_document(doc: SummaryDocument, html_path: str | Path, pdf_path: str | Path) -> None:
    """Write one document as self-contained HTML and as PDF (its figures are drawn once)."""
    html_to(doc, html_path)
    render_pdf(doc, pdf_path)


__all__ = ["register_fonts", "render_pdf", "styles", "write_document"]
