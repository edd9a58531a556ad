"""The generated site in a real browser: pages load cleanly, links resolve, the search works,
no serious accessibility violation, the same page on a phone and a desktop."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from browser_site import LABELLED, SCREENSHOTS, Site

pytestmark = pytest.mark.browser

PHONE, DESKTOP = 412, 1280


class Visit:
    """One page opened in a fresh browser context, with every console message, page error,
    request and failed request recorded; requests outside the site are blocked."""

    def __init__(self, browser: Any, site: Site, width: int = DESKTOP,
                 javascript: bool = True, bypass_csp: bool = False) -> None:
        self.site = site
        self.context = browser.new_context(viewport={"width": width, "height": 900},
                                           java_script_enabled=javascript,
                                           bypass_csp=bypass_csp)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.errors: list[str] = []
        self.failed: list[str] = []
        self.outside: list[str] = []
        self.responses: list[tuple[str, int]] = []
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url} {r.failure}"))
        self.page.on("response", lambda r: self.responses.append((r.url, r.status)))

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(self.site.url + "/") or url.startswith("data:"):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def open(self, url: str) -> Any:
        self.page.goto(url, wait_until="load")
        return self.page

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser: Any, site: Site) -> Iterator[Any]:
    opened: list[Visit] = []

    def make(width: int = DESKTOP, javascript: bool = True, bypass_csp: bool = False
             ) -> Visit:
        opened.append(Visit(browser, site, width, javascript, bypass_csp))
        return opened[-1]

    yield make
    for v in opened:
        v.close()


def test_every_page_loads_without_error_or_outside_request(visit: Any, site: Site) -> None:
    pages = site.pages()
    assert len(pages) == 1 + 10 + 1  # the index, two areas per region, the youth page
    v = visit()
    for path in pages:
        page = v.open(site.address(path))
        assert page.locator("h1").count() == 1, path.name
        assert page.evaluate("document.documentElement.lang") == "da"
    assert not v.outside, f"requests outside the site: {v.outside}"
    problems = [m for m in v.console if m.startswith(("error", "warning"))]
    assert not problems and not v.errors, (problems, v.errors)
    assert not v.failed, v.failed
    assert v.responses and all(status == 200 for _, status in v.responses), v.responses


def _links(page: Any) -> list[str]:
    return page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")


def test_every_link_resolves(visit: Any, site: Site) -> None:
    """Every link of every page, HTML and PDF, answers 200 with the right kind of file, and
    stays on the site; every area page links back to the index and to its own PDF."""
    v = visit()
    seen: dict[str, str] = {}
    for path in site.pages():
        page = v.open(site.address(path))
        links = _links(page)
        for link in links:
            seen.setdefault(link.split("#")[0], path.name)
        if path.parent == site.areas and path.name != "index.html":
            assert urljoin(page.url, "index.html") in links, path.name
            assert page.url.replace(".html", ".pdf") in links, path.name
    assert {urlsplit(u).netloc for u in seen} == {urlsplit(site.url).netloc}
    index_links = _links(v.open(site.address(site.index)))
    area_pages = {p for p in site.areas.glob("*.html") if p.name != "index.html"}
    assert {site.address(p) for p in area_pages} <= set(index_links)
    assert {site.address(p.with_suffix(".pdf")) for p in area_pages} <= set(index_links)
    for url, where in seen.items():
        answer = v.page.request.get(url)
        assert answer.status == 200, (url, where)
        body = answer.body()
        if url.endswith(".pdf"):
            assert body.startswith(b"%PDF"), url
        else:
            assert b'<html lang="da">' in body, url


def _shown(page: Any) -> list[str]:
    return page.eval_on_selector_all(
        "li[data-search]", "items => items.filter(i => !i.hidden)"
                           ".map(i => i.querySelector('a').textContent)")


def test_the_search_finds_an_area_and_hides_the_others(visit: Any, site: Site) -> None:
    page = visit().open(site.address(site.index))
    everything = _shown(page)
    assert len(everything) == 10 and LABELLED in everything
    field = page.get_by_label("Søg efter et område")
    for typed, found in (("lindegården", "Lindegården"), ("LINDEGAARDEN", "Lindegården"),
                         ("ærøparken", LABELLED), ("bakke &", "Bakke & Dal")):
        field.fill(typed)
        assert _shown(page) == [found], typed
        assert page.locator("[role=status]").text_content() == "Et område passer til søgningen."
        groups = page.eval_on_selector_all("section.group", "g => g.filter(x => !x.hidden)"
                                                            ".length")
        assert groups == 1, typed
    field.fill("Syddanmark")
    assert len(_shown(page)) == 2
    field.fill("ingen sådan")
    assert _shown(page) == [] and "Ingen områder" in page.locator("[role=status]").inner_text()
    field.fill("")
    assert _shown(page) == everything


def test_without_javascript_the_index_is_a_plain_list(visit: Any, site: Site) -> None:
    page = visit(javascript=False).open(site.address(site.index))
    assert not page.get_by_label("Søg efter et område").is_visible()
    assert len(_shown(page)) == 10
    assert all(page.locator("a.page").nth(i).is_visible() for i in range(10))


def _axe(page: Any, source: str) -> list[str]:
    """The serious and critical violations axe-core finds on the page."""
    page.add_script_tag(content=source)
    found = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ["violations"]});
        return r.violations.map(v => ({id: v.id, impact: v.impact,
                                       nodes: v.nodes.map(n => n.target.join(" "))}));
    }""")
    return [f"{v['id']} ({v['impact']}): {v['nodes'][:3]}" for v in found
            if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_axe_finds_no_serious_violation(axe_source: str, visit: Any, site: Site,
                                        width: int) -> None:
    v = visit(width, bypass_csp=True)  # the index allows only its own script
    areas = sorted(p for p in site.areas.glob("*.html") if p.name != "index.html")
    for path in (site.index, areas[0], site.areas / "lindegaarden.html", site.youth):
        page = v.open(site.address(path))
        violations = _axe(page, axe_source)
        assert not violations, (path.name, violations)
    assert not v.outside


def test_pages_fit_a_phone_and_are_saved_as_screenshots(visit: Any, site: Site) -> None:
    """No page is wider than a 412 px phone; screenshots of the index, an area page and the
    youth page at 412 and 1280 px go to ``reports/out/screenshots`` for a person to see."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shown = {"index": site.index, "omraade": site.areas / "lindegaarden.html",
             "unge": site.youth}
    for width in (PHONE, DESKTOP):
        v = visit(width)
        for path in site.pages():
            page = v.open(site.address(path))
            overflow = page.evaluate("document.documentElement.scrollWidth")
            assert overflow <= width, (path.name, width, overflow)
        for name, path in shown.items():
            page = v.open(site.address(path))
            page.screenshot(path=str(SCREENSHOTS / f"{name}_{width}.png"), full_page=True)
    assert len(list(SCREENSHOTS.glob("*_412.png"))) >= 3


def test_the_index_shows_no_figure_of_the_survey(site: Site) -> None:
    """Only names, rounds, links and the date: no number that is not a year or part of a
    name (no counts of respondents)."""
    html = site.index.read_text(encoding="utf-8")
    text = re.sub(r"<(script|style)>.*?</\1>|<[^>]+>", " ", html, flags=re.S)
    text = re.sub(r"\b(HP\d\d|20\d\d)\b", " ", text)
    assert not re.findall(r"\d", text.replace("30. november", "")), text
