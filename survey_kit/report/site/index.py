"""The index of a run's area pages: one self-contained HTML page beside them.

Areas are listed under their group (kommune or region), each with a link to its page and
its PDF and the rounds the page covers; a search field filters the list as one types
(a small inline script; without JavaScript the page is the plain list and the field stays
hidden).  The page makes no request of its own: the stylesheet and the script are inline
and a Content-Security-Policy allows exactly these two (by their SHA-256) and nothing else.
It shows no figure from the survey: names, rounds and links only.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from survey_kit.report.escape import join_danish, slug

NO_GROUP = "Øvrige områder"
"""The heading of areas without a group value (or of every area, when none is grouped)."""
_DANISH = str.maketrans({"æ": "{", "ø": "|", "å": "}"})
"""Lower-case Danish letters mapped past z, so that sorting puts æ, ø, å last."""


@dataclass(frozen=True)
class AreaLink:
    """One area on the index: its name, its page and PDF (addresses relative to the index;
    ``pdf`` empty when there is none), its group (empty: none) and the rounds its page
    covers."""

    name: str
    page: str
    pdf: str = ""
    group: str = ""
    rounds: tuple[str, ...] = ()

    @property
    def rounds_text(self) -> str:
        """"Målt i 2018 og 2021" (empty without rounds)."""
        return f"Målt i {join_danish(self.rounds)}" if self.rounds else ""

    @property
    def search(self) -> str:
        """What the search field matches: name and group in lower case, also with æ, ø, å
        spelled ae, oe, aa (so "lindegaarden" finds "Lindegården")."""
        text = " ".join(x for x in (self.name, self.group) if x).lower()
        spelled = slug(text, " ")
        return text if spelled == text else f"{text} {spelled}"


@dataclass(frozen=True)
class SiteIndex:
    """The index page: title, a lead paragraph, the areas and a footer line."""

    title: str
    lead: str
    areas: tuple[AreaLink, ...]
    footer: str = ""


def sort_key(text: str) -> tuple[object, ...]:
    """Danish alphabetical order (æ, ø, å after z) with numbers by value ("HP2" before
    "HP10").

    Examples
    --------
    >>> sorted(["HP10", "Ærø", "HP2", "Zealand", "Odense"], key=sort_key)
    ['HP2', 'HP10', 'Odense', 'Zealand', 'Ærø']
    """
    parts = re.split(r"(\d+)", text.lower().translate(_DANISH))
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts)


def grouped(areas: Iterable[AreaLink]) -> list[tuple[str, list[AreaLink]]]:
    """The areas by group in Danish order (areas without a group last, under
    :data:`NO_GROUP`), each group's areas in Danish order.

    Examples
    --------
    >>> links = [AreaLink("B", "b.html", group="Syd"), AreaLink("A", "a.html", group="Nord"),
    ...          AreaLink("C", "c.html")]
    >>> [(g, [a.name for a in xs]) for g, xs in grouped(links)]
    [('Nord', ['A']), ('Syd', ['B']), ('Øvrige områder', ['C'])]
    """
    by_group: dict[str, list[AreaLink]] = {}
    for area in areas:
        by_group.setdefault(area.group, []).append(area)
    names = sorted((g for g in by_group if g), key=sort_key)
    out = [(g, sorted(by_group[g], key=lambda a: sort_key(a.name))) for g in names]
    if "" in by_group:
        out.append((NO_GROUP, sorted(by_group[""], key=lambda a: sort_key(a.name))))
    return out


def _environment() -> Environment:
    return Environment(
        loader=ChoiceLoader([PackageLoader("survey_kit.report.site", "templates"),
                             PackageLoader("survey_kit.report", "templates")]),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default=True),
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True)


def _asset(package: str, name: str) -> str:
    return (resources.files(package) / "templates" / name).read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def render_index(index: SiteIndex) -> str:
    """The index as one self-contained HTML page (lang="da").

    Examples
    --------
    >>> page = render_index(SiteIndex("Områder", "Vælg et område.", (
    ...     AreaLink("Lindegården", "lindegaarden.html", "lindegaarden.pdf", "Syd",
    ...              ("2018", "2021")),)))
    >>> 'href="lindegaarden.pdf"' in page, "Målt i 2018 og 2021" in page, "https:" in page
    (True, True, False)
    """
    css = (_asset("survey_kit.report", "summary.css") + "\n"
           + _asset("survey_kit.report.site", "site.css"))
    script = _asset("survey_kit.report.site", "search.js")
    policy = (f"default-src 'none'; style-src {_sha256(css)}; script-src {_sha256(script)}; "
              "img-src data:; base-uri 'none'; form-action 'none'")
    return _environment().get_template("index.html.j2").render(
        index=index, groups=grouped(index.areas), css=Markup(css), script=Markup(script),
        policy=policy)


def write_index(index: SiteIndex, path: str | Path) -> Path:
    """Write :func:`render_index` to ``path`` (UTF-8) and return the path."""
    path = Path(path)
    path.write_text(render_index(index), encoding="utf-8")
    return path


__all__ = ["NO_GROUP", "AreaLink", "SiteIndex", "grouped", "render_index", "sort_key",
           "write_index"]
