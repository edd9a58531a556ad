"""Resident summaries (HTML, PDF), the livsmestring summary and the charts."""

from __future__ import annotations

import base64
import dataclasses
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from report_fixtures import BANNER, VARIABLES, make_area_input, make_estimates, make_youth_input

from survey_kit.report import (
    ReportInputError,
    make_charts,
    render_area_html,
    render_area_pdf,
    render_youth_html,
    render_youth_pdf,
    suppress,
)
from survey_kit.report.text import SUPPRESSED_SENTENCE


class Collector(HTMLParser):
    """Collects tags, attributes, headings and text of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[int] = []
        self.text: list[str] = []
        self.in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self.in_style = tag == "style"
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))

    def handle_endtag(self, tag: str) -> None:
        self.in_style = False

    def handle_data(self, data: str) -> None:
        if not self.in_style:
            self.text.append(data)


def parse(html: str) -> Collector:
    c = Collector()
    c.feed(html)
    c.close()
    return c


def test_area_html_is_accessible_and_self_contained(tmp_path: Path) -> None:
    html = render_area_html(make_area_input(), tmp_path / "a.html")
    assert (tmp_path / "a.html").read_text(encoding="utf-8") == html
    page = parse(html)
    assert ("html", {"lang": "da"}) in page.tags
    assert not any(tag == "script" for tag, _ in page.tags)
    assert not re.search(r"(src|href)=\"(https?:)?//", html)  # nothing loaded from outside
    imgs = [a for t, a in page.tags if t == "img"]
    assert len(imgs) == 2 and all(a.get("alt") and len(a["alt"]) > 40 for a in imgs)
    assert all(a["src"].startswith("data:image/svg+xml;base64,") for a in imgs)
    for a in imgs:  # vector charts that load nothing either
        svg = base64.b64decode(a["src"].split(",", 1)[1]).decode("utf-8")
        assert ET.fromstring(svg).tag == "{http://www.w3.org/2000/svg}svg"
        assert "href" not in svg and "url(" not in svg
    assert page.headings[0] == 1 and page.headings.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(page.headings, page.headings[1:], strict=False))
    assert any(t == "caption" for t, _ in page.tags)
    scopes = {a.get("scope") for t, a in page.tags if t == "th"}
    assert scopes == {"col", "row"}
    assert ("meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"}) \
        in page.tags
    assert "font-size: 1.0625rem" in html  # 17 px body text


def test_area_html_says_it_in_plain_danish() -> None:
    text = " ".join(parse(render_area_html(make_area_input())).text)
    assert SUPPRESSED_SENTENCE in text  # tillid is suppressed
    assert "Det er en reel forskel, og det er" in text
    assert "så lille, at den kan skyldes tilfældigheder" in text
    assert "Usikkerheden er omkring ±4\xa0point." in text
    assert "I 2021 svarede 215 beboere." in text
    assert "Hvor glad man er for at bo i sit boligområde." in text
    assert "53,0 point ud af 100" in text  # decimal comma
    assert "signifikant" not in text.lower()
    assert not re.search(r"\d\.\d", text)  # no decimal points in the visible text


def test_labels_are_escaped() -> None:
    data = make_area_input(area_name='<script>alert("x")</script>')
    html = render_area_html(data)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    bad = dataclasses.replace(data.variables[0], label="<img src=x onerror=alert(1)>")
    html = render_area_html(dataclasses.replace(data, variables=(bad, *data.variables[1:])))
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_area_input_refuses_unsuppressed_or_identifying_tables() -> None:
    data = make_area_input()
    with pytest.raises(ReportInputError, match="suppress"):
        dataclasses.replace(data, area_estimates=data.area_estimates.drop(columns="suppressed"))
    with pytest.raises(ReportInputError, match="identify respondents"):
        dataclasses.replace(data, area_estimates=data.area_estimates.assign(fritekst="hej"))


def test_area_input_refuses_flags_not_true_false_and_estimates_outside_0_1() -> None:
    data = make_area_input()
    est = data.area_estimates
    as_objects = est.assign(suppressed=est["suppressed"].astype(object))  # True/False: fine
    assert dataclasses.replace(data, area_estimates=as_objects).area_estimates.shape == est.shape
    with pytest.raises(ReportInputError, match="True/False only"):
        dataclasses.replace(data, area_estimates=est.assign(
            suppressed=est["suppressed"].map({True: "ja", False: "nej"})))
    for bad in (1.3, -0.2):
        wrong = est.assign(estimate=est["estimate"].where(est.index != est.index[2], bad))
        row = est.index[2]
        with pytest.raises(ReportInputError, match=rf"must lie in \[0, 1\].*rows \[{row}\]"):
            dataclasses.replace(data, area_estimates=wrong)


def pdf_pages(path: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", path.read_bytes()))


def test_area_pdf(tmp_path: Path) -> None:
    path = render_area_pdf(make_area_input(), tmp_path / "a.pdf")
    raw = path.read_bytes()
    assert raw.startswith(b"%PDF-")
    assert pdf_pages(path) >= 1
    assert b"/Lang (da-DK)" in raw
    again = render_area_pdf(make_area_input(), tmp_path / "b.pdf").read_bytes()
    assert again == raw  # deterministic


def test_youth_summary(tmp_path: Path) -> None:
    data = make_youth_input()
    html = render_youth_html(data, tmp_path / "y.html")
    page = parse(html)
    text = " ".join(page.text)
    assert ("html", {"lang": "da"}) in page.tags
    assert "20\xa0% af de unge scorer lavt på mindst 3 af de 6 områder på én gang" in text
    # the stated difference follows the shown values (62,0 and 59,0), not the contrast's -0.09
    assert "Piger uden MENAPT-baggrund ligger 3,0\xa0point højere end drenge med " \
        "MENAPT-baggrund" in text
    assert "Piger med MENAPT-baggrund" in text and "16–30 år" in text
    assert all(a.get("alt") for t, a in page.tags if t == "img")
    path = render_youth_pdf(data, tmp_path / "y.pdf")
    assert path.read_bytes().startswith(b"%PDF-") and pdf_pages(path) >= 1


def test_charts(tmp_path: Path) -> None:
    sup = suppress(make_estimates())
    charts = make_charts(sup.estimates, VARIABLES, BANNER, tmp_path)
    names = [c.name for c in charts]
    assert names == ["grupper_oplevet_tryghed", "grupper_tillid", "grupper_tryg",
                     "profil_gender", "profil_menapt", "profil_age_group"]
    for c in charts:
        assert c.png.read_bytes().startswith(b"\x89PNG")
        assert "<svg" in c.svg.read_text(encoding="utf-8")
    alt = charts[0].alt_text
    assert alt.startswith("Prikdiagram over Oplevet tryghed")
    assert re.search(r"\d+,\d i 2018", alt)  # decimal comma
    svg_again = make_charts(sup.estimates, VARIABLES[:1], BANNER, tmp_path / ".." / tmp_path.name)
    assert svg_again[0].svg.read_bytes() == charts[0].svg.read_bytes()


def test_charts_drawn_in_shares_are_every_chart_once_with_the_same_bytes(tmp_path: Path
                                                                         ) -> None:
    """The run draws the charts in two processes (share (0, 2) and (1, 2)): together they
    draw each chart exactly once, each the very file the single process draws."""
    sup = suppress(make_estimates())
    whole = make_charts(sup.estimates, VARIABLES, BANNER, tmp_path)
    parts = []
    for k in range(2):
        folder = tmp_path / f"part{k}"
        folder.mkdir()
        parts += make_charts(sup.estimates, VARIABLES, BANNER, folder, share=(k, 2))
    assert sorted(c.name for c in parts) == sorted(c.name for c in whole)
    by_name = {c.name: c for c in whole}
    for c in parts:
        assert c.png.read_bytes() == by_name[c.name].png.read_bytes()
        assert c.svg.read_bytes() == by_name[c.name].svg.read_bytes()
        assert c.alt_text == by_name[c.name].alt_text
    with pytest.raises(ValueError, match="share"):
        make_charts(sup.estimates, VARIABLES, BANNER, tmp_path, share=(2, 2))
