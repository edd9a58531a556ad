"""reportlab fonts and paragraphs that keep what they computed, for the next paragraph, text or
page: the area pages of a run repeat their words, labels, table cells and notes, embed the
same few font subsets, and platypus asks a paragraph for its size more than once, and
reportlab computes each of these in Python every time.

Each kept result is what reportlab computes again from the same inputs, so the files are the
same bytes (``tests/report/test_pdf_caches.py`` writes pages with plain reportlab fonts and
paragraphs and compares).  Every store is bounded.
"""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.ttfonts import TTFont, TTFontFace
from reportlab.platypus import Paragraph

KEPT_MAX = 50_000
"""At most this many results in one store (emptied when full)."""
SUBSETS_MAX = 256
"""At most this many font subsets kept per face (and compressed subsets in all)."""


def _room(store: dict[Any, Any], most: int | None = None) -> dict[Any, Any]:
    """``store``, emptied when it holds ``most`` (default :data:`KEPT_MAX`) results."""
    if len(store) >= (KEPT_MAX if most is None else most):
        store.clear()
    return store


class _Flate:
    """reportlab's Flate filter that keeps what it compressed: the same font subsets go into
    every page's file."""

    pdfname = pdfdoc.PDFZCompress.pdfname

    def __init__(self) -> None:
        self._done: dict[bytes, bytes] = {}

    def encode(self, data: bytes) -> bytes:
        out = self._done.get(data)
        if out is None:
            out = _room(self._done, SUBSETS_MAX)[data] = pdfdoc.PDFZCompress.encode(data)
        return out

    def decode(self, data: bytes) -> bytes:
        return pdfdoc.PDFZCompress.decode(data)


_FLATE = _Flate()


class _Face(TTFontFace):
    """The face of a :class:`CachedFont`, which keeps the subsets it made and their compressed
    bytes: the pages of a run embed the same few subsets of each font (the same glyphs in the
    same order), and reportlab builds each subset in Python for every file."""

    _subsets: dict[tuple[int, ...], bytes]

    def makeSubset(self, subset: list[int]) -> bytes:  # noqa: N802 (reportlab's name)
        made = self.__dict__.setdefault("_subsets", {})
        key = tuple(subset)
        if key not in made:
            _room(made, SUBSETS_MAX)[key] = super().makeSubset(subset)
        return made[key]

    def addSubsetObjects(self, doc: Any, fontname: str, subset: list[int]) -> Any:  # noqa: N802
        ref = super().addSubsetObjects(doc, fontname, subset)
        stream = doc.idToObject.get(f"fontFile:{self.filename}({fontname})")  # reportlab's name
        if stream is not None and stream.filters == [pdfdoc.PDFZCompress]:
            stream.filters = [_FLATE]
        return ref


class CachedFont(TTFont):
    """A TrueType font that remembers the width of each text at each size it measured (the
    paragraphs of a page measure the same words again and again, and reportlab sums the glyph
    widths in Python each time) and how it split each text of a document into its subsets;
    its face keeps the subsets it embedded (:class:`_Face`)."""

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename)
        self.face.__class__ = _Face  # the face just read, with the subsets it makes kept
        self._widths: dict[tuple[str, float, str], float] = {}
        self._splits: WeakKeyDictionary[Any, dict[str, list[tuple[int, bytes]]]] = \
            WeakKeyDictionary()

    def splitString(self, text: str, doc: Any, encoding: str = "utf-8"  # noqa: N802
                    ) -> list[tuple[int, bytes]]:
        """The text in the document's font subsets: once per text and document (a text seen
        before has its glyphs in the subsets already, so it splits the same way again)."""
        done = self._splits.setdefault(doc, {})
        if text not in done:
            _room(done)[text] = super().splitString(text, doc, encoding)
        return done[text]

    def stringWidth(self, text: str, size: float, encoding: str = "utf8") -> float:  # noqa: N802
        key = (text, size, encoding)
        width = self._widths.get(key)
        if width is None:
            width = _room(self._widths)[key] = super().stringWidth(text, size, encoding)
        return width


_LAYOUT = ("width", "height", "_wrapWidths", "blPara", "_width_max", "_splitLongWordCount",
           "_hyphenations")
"""What :meth:`Paragraph.wrap` sets (its line breaking included)."""


_PARSED: dict[tuple[str, int], tuple[ParagraphStyle, str, ParagraphStyle, list[Any]]] = {}
"""Parsed paragraphs by (text, id of the style): the style itself (kept, so its id is not
reused), the cleaned text, the parsed style and the fragments."""


class CachedParagraph(Paragraph):
    """A paragraph that parses its text once per process and breaks its lines once per width.

    The pages repeat the same texts (table cells, labels, the method note): a text already
    parsed with the same style takes the fragments of that parse (reportlab parses each
    paragraph's markup in Python; the fragments are only read, and line breaking makes new
    ones).  Platypus asks table cells and the blocks kept together for their size more than
    once at the same width, and each time reportlab breaks the lines again: asked again at the
    width of its last layout, it sets that layout again (the same text and style break the
    same way)."""

    _layout: tuple[float, dict[str, Any]] | None = None

    def _setup(self, text: Any, style: Any, bulletText: Any, frags: Any,
               cleaner: Any) -> None:
        if frags is not None or bulletText is not None:  # a split's part, or a bullet
            super()._setup(text, style, bulletText, frags, cleaner)
            return
        key = (text, id(style))
        hit = _PARSED.get(key)
        if hit is not None:
            super()._setup(hit[1], hit[2], None, hit[3], cleaner)
            return
        super()._setup(text, style, bulletText, frags, cleaner)
        if self.bulletText is None:
            _room(_PARSED)[key] = (style, self.text, self.style, self.frags)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        done, state = self._layout, self.__dict__
        if done is not None and done[0] == availWidth:
            state.update(done[1])  # also after a split that dropped the line breaks
            return self.width, self.height
        before = state.get("blPara")
        size = super().wrap(availWidth, availHeight)
        laid_out = state.get("blPara") is not None and state.get("blPara") is not before
        self._layout = (availWidth, {a: state[a] for a in _LAYOUT if a in state}) \
            if laid_out else None
        return size


__all__ = ["KEPT_MAX", "SUBSETS_MAX", "CachedFont", "CachedParagraph"]
