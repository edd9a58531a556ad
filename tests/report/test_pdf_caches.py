"""What the PDF writer keeps (text widths, each text of a file split into the font subsets, the
font subsets and their compressed bytes, parsed paragraph texts, each paragraph's line breaks
per width) changes no byte: an area page written with cold and warm caches is the page plain
reportlab fonts and paragraphs write."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest
from demo_pages import demo_pages
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph

from survey_kit.report import pdf, pdf_reuse
from survey_kit.report.resident import render_area_pdf

FILES = {pdf.FONT: "DejaVuSans.ttf", pdf.FONT_BOLD: "DejaVuSans-Bold.ttf",
         pdf.FONT_OBLIQUE: "DejaVuSans-Oblique.ttf"}


def test_cached_layout_writes_the_bytes_plain_reportlab_writes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pages = demo_pages(2).pages
    pdf.register_fonts()
    written = [render_area_pdf(pages[a], tmp_path / f"{a}.pdf").read_bytes()
               for a in ("HP49", "HP19", "HP49")]  # the second HP49 with warm caches
    assert written[0] == written[2] != written[1]
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    for name, file in FILES.items():  # plain fonts under the same names, for this test only
        monkeypatch.setitem(pdfmetrics._fonts, name, TTFont(name, str(folder / file)))
    monkeypatch.setattr(pdf, "CachedParagraph", Paragraph)
    for area, cached in (("HP49", written[0]), ("HP19", written[1])):
        assert render_area_pdf(pages[area], tmp_path / f"plain-{area}.pdf").read_bytes() == cached


def _lines(p: Paragraph) -> list[object]:
    return [line[1] if isinstance(line, tuple) else line.words for line in p.blPara.lines]


def test_a_paragraph_asked_at_another_width_or_after_a_split_breaks_its_lines_again() -> None:
    pdf.register_fonts()
    style = pdf.styles()["body"]
    text = "Tallene bygger på svar fra beboerne i området, og de er vægtet. " * 6
    para = pdf._p(text, style)
    for width in (120.0, 300.0, 120.0, 120.0, 0.0, 0.0, 120.0):  # 0: too narrow, no layout
        plain = Paragraph(text, style)
        assert para.wrap(width, 1000) == plain.wrap(width, 1000)
        if width:
            assert _lines(para) == _lines(plain)
    assert para.split(120.0, 20.0) == []  # one line fits: no split, its layout is dropped
    assert "blPara" not in para.__dict__
    assert para.wrap(120.0, 1000) == Paragraph(text, style).wrap(120.0, 1000)
    assert "blPara" in para.__dict__


def test_parsed_texts_are_reused_only_as_plain_paragraphs_would_be(
        monkeypatch: pytest.MonkeyPatch) -> None:
    pdf.register_fonts()
    style = pdf._shared_styles()["body"]
    text = "Forskellen er så lille, at den kan skyldes tilfældigheder. " * 8
    for _ in range(2):  # parsed, then from the cache
        parts, plain = pdf._p(text, style).split(200.0, 50.0), Paragraph(text, style).split(
            200.0, 50.0)
        assert len(parts) == len(plain) == 2
        for mine, theirs in zip(parts, plain, strict=True):
            assert mine.wrap(200.0, 1000) == theirs.wrap(200.0, 1000)
            assert _lines(mine) == _lines(theirs)
    bullet = "<bullet>&bull;</bullet>Et punkt"
    assert [repr(pdf_reuse.CachedParagraph(bullet, style).bulletText) for _ in range(2)] == [
        repr(Paragraph(bullet, style).bulletText)] * 2
    monkeypatch.setattr(pdf_reuse, "KEPT_MAX", 5)
    for i in range(12):
        pdf._p(f"Tekst nummer {i}", style)
        assert len(pdf_reuse._PARSED) <= 5
