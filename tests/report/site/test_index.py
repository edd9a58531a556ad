"""The index page of the area pages, as HTML: escaping, grouping, order, its own policy."""

from __future__ import annotations

import base64
import hashlib
import html
import re
from html.parser import HTMLParser

from survey_kit.report.site import NO_GROUP, AreaLink, SiteIndex, grouped, render_index

HOSTILE = '<script>alert("x")</script> & Co'


def _index() -> SiteIndex:
    return SiteIndex("Tryghed <i>alle</i> områder", "Vælg et område.", (
        AreaLink("HP10", "hp10.html", "hp10.pdf", "Syddanmark", ("2018", "2021")),
        AreaLink("HP2", "hp2.html", "hp2.pdf", "Syddanmark", ("2021",)),
        AreaLink(HOSTILE, "x.html", "x.pdf", "Ærø", ("2021",)),
        AreaLink("Lindegården", "lindegaarden.html", "", "", ("2018",)),
    ), footer="Udarbejdet 30. november 2024")


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.data: dict[str, list[str]] = {}
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._open = tag

    def handle_data(self, data: str) -> None:
        if self._open in ("script", "style", "h2"):
            self.data.setdefault(self._open, []).append(data)

    def handle_endtag(self, tag: str) -> None:
        self._open = None


def test_names_are_escaped_and_only_the_index_script_runs() -> None:
    page = render_index(_index())
    parsed = _Tags()
    parsed.feed(page)
    assert [t for t, _ in parsed.tags].count("script") == 1
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co" in page
    assert "Tryghed &lt;i&gt;alle&lt;/i&gt; områder" in page
    items = [a for t, a in parsed.tags if t == "li"]
    assert items[0]["data-search"] == "hp2 syddanmark"
    assert items[-1]["data-search"] == "lindegården lindegaarden"
    hrefs = [a["href"] for t, a in parsed.tags if t == "a"]
    assert hrefs == ["hp2.html", "hp2.pdf", "hp10.html", "hp10.pdf", "x.html", "x.pdf",
                     "lindegaarden.html"]


def _sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_the_policy_allows_exactly_the_inline_style_and_script() -> None:
    page = render_index(_index())
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert policy is not None
    style = re.search(r"<style>(.*?)</style>", page, re.S)
    script = re.search(r"<script>(.*?)</script>", page, re.S)
    assert style and script
    rules = dict(r.strip().split(" ", 1) for r in html.unescape(policy.group(1)).split(";"))
    assert rules["default-src"] == "'none'"
    assert rules["style-src"] == _sha(style.group(1))
    assert rules["script-src"] == _sha(script.group(1))
    assert "http" not in page.replace('http-equiv="', "")


def test_groups_and_areas_in_danish_order_and_ungrouped_last() -> None:
    groups = grouped(_index().areas)
    assert [g for g, _ in groups] == ["Syddanmark", "Ærø", NO_GROUP]
    assert [a.name for a in groups[0][1]] == ["HP2", "HP10"]
    parsed = _Tags()
    parsed.feed(render_index(_index()))
    assert parsed.data["h2"] == ["Syddanmark", "Ærø", NO_GROUP]


def test_without_js_the_search_field_is_hidden_and_rounds_are_said() -> None:
    page = render_index(_index())
    assert re.search(r'<form id="soeg" class="search" role="search" hidden>', page)
    assert "Målt i 2018 og 2021" in page and "Målt i 2021" in page
    assert AreaLink("A", "a.html").rounds_text == ""
