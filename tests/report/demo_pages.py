"""The area pages of the demo run, built as the run builds them (cached per number of rounds),
and a parser of their rendered HTML, for the page tests."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from importlib import resources

import survey_kit as sk
from survey_kit.report.area_input import AreaSummaryInput
from survey_kit.run import outputs, tablesets, wording
from survey_kit.run.config import load_config
from survey_kit.run.pipeline import process
from survey_kit.run.result import RunResult

ROUNDS = {2: (2018, 2021), 3: (2018, 2021, 2024)}


@dataclass(frozen=True)
class DemoPages:
    """The run's results and every area page's input."""

    result: RunResult
    pages: dict[str, AreaSummaryInput]


def demo_config():  # type: ignore[no-untyped-def]
    with resources.as_file(resources.files("survey_kit.run") / "configs"
                           / "tryghedsmaaling.toml") as path:
        return load_config(path)


@functools.cache
def demo_pages(rounds: int = 2) -> DemoPages:
    """process() on the demo data with ``rounds`` rounds, then each area page's input from the
    protected tables, exactly as :mod:`survey_kit.run.outputs` makes them."""
    result = process(demo_config(), demo=sk.datasets.load_demo(rounds=ROUNDS[rounds]))
    return DemoPages(result, area_inputs(result))


def area_inputs(result: RunResult) -> dict[str, AreaSummaryInput]:
    """Each area page's input from the run's protected tables, as the run makes them."""
    cfg = result.config
    tables = tablesets.protect_run(result)
    infos = wording.variable_infos(result)
    est, con = tables.area_estimates, tables.area_contrasts
    years = tuple(sorted(est[str(cfg.year)].dropna().unique()))
    others = [g for g in cfg.groups if g != cfg.focus_group]
    return {area: outputs._area_input(result, area, others, years, infos, "2026-11-30",
                                      tables)
            for area in sorted(set(con["area"].dropna().astype(str)))}


@dataclass
class Page:
    """What a rendered page shows: each section's text by heading (h2 and h3), the table
    rows, the images' alt texts and the key points."""

    sections: dict[str, str] = field(default_factory=dict)
    rows: list[list[str]] = field(default_factory=list)
    alts: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(self.sections.values())


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.page = Page()
        self.heading: str | None = None
        self.current = "_top"
        self.stack: list[str] = []
        self.buffer: list[str] = []
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.bullet: list[str] | None = None
        self.skip = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "title"):
            self.skip = True
        if tag in ("h2", "h3"):
            self.heading = ""
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
        elif tag == "li":
            self.bullet = []
        elif tag == "img":
            self.page.alts.append(dict(attrs).get("alt") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "title"):
            self.skip = False
        if tag in ("h2", "h3") and self.heading is not None:
            self.current = self.heading.strip()
            self.page.sections.setdefault(self.current, "")
            self.heading = None
        elif tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append(re.sub(r"\s+", " ", "".join(self.cell)).strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.page.rows.append(self.row)
            self.row = None
        elif tag == "li" and self.bullet is not None:
            self.page.bullets.append(re.sub(r"\s+", " ", "".join(self.bullet)).strip())
            self.bullet = None

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.heading is not None:
            self.heading += data
            return
        if self.cell is not None:
            self.cell.append(data)
        if self.bullet is not None:
            self.bullet.append(data)
        text = re.sub(r"\s+", " ", data)
        self.page.sections[self.current] = (self.page.sections.get(self.current, "") + text)


def parse_page(html: str) -> Page:
    """The text of a rendered area page by section, its table rows, alts and bullets."""
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.page
