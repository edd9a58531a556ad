"""Every area page of the demo run: no sentence contradicts an interval or a number on the
same page, and favourable wording follows each indicator's direction.

The checks recompute what a page may say from the run's raw tables, not from the page's own
statement table: the page interval of every contrast (Bonferroni over the page's family,
``difference ± t(1 - α/(2m), df) se``, with scipy's t), the figure the page rule shows (direct,
Fay-Herriot or uncertain) and the direction that is good for residents.  Then they read the
rendered HTML: each sentence's size, direction and verdict, the numbers of the change sentences
against the table, the key points, and the numbers in the charts' text alternatives.
"""

from __future__ import annotations

import dataclasses
import math
import re

import numpy as np
import pandas as pd
import pytest
from demo_pages import DemoPages, demo_pages, parse_page
from page_checks import (
    check_demo_pages,
    contrast_rows,
    expected_basis,
    page_interval,
)

from survey_kit.report.document import render_html
from survey_kit.report.resident import build_area_document, page_charts


@pytest.fixture(scope="module")
def demo() -> DemoPages:
    return demo_pages(2)


def test_every_page_follows_the_page_rule(demo: DemoPages) -> None:
    sa = demo.result.config.small_area
    a = demo.result.analysis
    small = a.small_area.rename(columns={"area": "unit"})[
        ["variable", "unit", "year", "eblup", "model_variance"]]
    table = a.area_estimates[a.area_estimates["unit"].isin(list(demo.pages))].merge(
        small, on=["variable", "unit", "year"], how="left")
    seen = set()
    for rec in table.to_dict("records"):
        has_model = not math.isnan(rec["model_variance"])
        row = pd.Series(rec)
        want = expected_basis(row, row if has_model else None, sa.min_df, sa.max_cv)
        got = demo.pages[rec["unit"]].figures[(rec["variable"], str(rec["year"]))]
        assert got.basis == want, (rec["unit"], rec["variable"], rec["year"])
        value = rec["estimate"] if want == "direct" else rec["eblup"]
        assert got.value == pytest.approx(value, rel=1e-12)
        seen.add(want)
    assert {"direct", "model"} <= seen  # both kinds occur in the demo


def test_statements_carry_the_page_intervals_of_the_run(demo: DemoPages) -> None:
    level, alpha = demo.result.config.level, 1 - demo.result.config.level
    rows = contrast_rows(demo)
    sizes = demo.result.analysis.area_contrasts.groupby("area").size()
    stated = 0
    for area, data in demo.pages.items():
        for s in data.statements:
            row = rows[(area, s.kind, s.variable, s.compared_with)]
            assert s.family_size == row["family_size"] == sizes[area]
            if not s.stated:
                continue
            stated += 1
            low, high = page_interval(row, level)
            np.testing.assert_allclose([s.difference, s.ci_low, s.ci_high],
                                       [row["difference"], low, high], rtol=1e-9, atol=1e-12)
            assert s.significant == ((low > 0) or (high < 0))
            # the Bonferroni test itself, from the unadjusted p-value
            assert s.significant == (min(1.0, row["p_value"] * row["family_size"]) < alpha)
    assert stated > 1000


def test_no_page_contradicts_itself(demo: DemoPages) -> None:
    """The invariant on all 66 pages of the demo run."""
    assert "ss4_passer_sig_selv_pos" in demo.result.analysis.variables.unfavourable
    assert len(demo.pages) == 66
    sentences, alts = check_demo_pages(demo)
    assert sentences > 1000 and alts == sentences


def test_unfavourable_indicator_is_never_better_when_higher(demo: DemoPages) -> None:
    label = "Vil helst passe sig selv"
    higher_better = re.compile(r"højere[^.]*\.[^.]*bedre resultat|steget[^.]*\.[^.]*forbedring")
    lower_worse = re.compile(r"lavere[^.]*\.[^.]*dårligere|faldet[^.]*\.[^.]*forværring")
    said = 0
    for data in demo.pages.values():
        page = parse_page(render_html(build_area_document(data), images=False))
        text = page.sections[label]
        assert not higher_better.search(text) and not lower_worse.search(text)
        said += len(re.findall(r"dårligere resultat|forværring", text))
    assert said > 0


def test_chart_marks_follow_the_statements(demo: DemoPages) -> None:
    """Filled marks are exactly the real differences; intervals are the page intervals."""
    for data in demo.pages.values():
        marks = [m for c in page_charts(data) if c.kind == "differences" for m in c.marks]
        stated = [s for s in data.statements if s.stated]
        assert len(marks) == len(stated)
        for m, s in zip(marks, stated, strict=True):
            assert m.filled == s.significant
            assert (m.low, m.high) == (s.ci_low * 100, s.ci_high * 100)
            assert m.low <= m.value <= m.high
            assert not (m.filled and m.low <= 0 <= m.high)


def test_model_figures_are_said_to_draw_on_similar_areas(demo: DemoPages) -> None:
    pages = [d for d in demo.pages.values()
             if any(f.basis == "model" for f in d.figures.values())]
    assert pages
    for data in pages[:5]:
        page = parse_page(render_html(build_area_document(data), images=False))
        now = data.round_keys[-1]
        for v in data.variables:
            if data.figures[(v.id, now)].basis == "model":
                assert "Tallet bygger også på lignende områder." in page.sections[v.label]
                assert not math.isnan(data.figures[(v.id, now)].value)
        assert "Fay-Herriot" in page.sections["Om undersøgelsen"]


def test_suppressed_cells_show_nothing(demo: DemoPages) -> None:
    """With a threshold above HP49's 2018 count, its 2018 cells are hidden: no number, no
    model estimate, no interval, no statement and no chart mark rests on them."""
    from demo_pages import area_inputs

    result = dataclasses.replace(demo.result, config=dataclasses.replace(
        demo.result.config, suppression_threshold=56))
    data = area_inputs(result)["HP49"]
    hidden = {v for (v, r), f in data.figures.items() if r == "2018" and f.basis == "suppressed"}
    assert len(hidden) == 13
    raw = result.analysis.area_estimates
    raw = raw[(raw["unit"] == "HP49") & (raw["year"] == 2018)].set_index("variable")
    small = result.analysis.small_area
    small = small[(small["area"] == "HP49") & (small["year"] == 2018)].set_index("variable")
    html = render_html(build_area_document(data), images=False)
    page = parse_page(html)
    header = page.rows[0]
    for v in data.variables:
        row = next(r for r in page.rows if r[0] == v.label)
        assert row[header.index("HP49 2018")] == "Vises ikke"
        assert not any(s.stated for s in data.statements
                       if s.variable == v.id and s.compared_with == "2018")
        shown = {fmt(raw.loc[v.id, c]) for c in ("estimate", "ci_low", "ci_high")}
        shown |= {fmt(small.loc[v.id, "eblup"])}
        segment = next(x for x in " ".join(page.alts).split(". ") if x.startswith(v.label)) \
            if v.kind == "score" else ""
        assert "HP49 2018" not in segment
        assert not shown & set(re.findall(r"\d+,\d", page.sections[v.label] + segment))
    assert "I 2018 svarede" not in html


def fmt(x: float) -> str:
    return f"{x * 100:.1f}".replace(".", ",")


def test_difference_chart_draws_its_marks(demo: DemoPages) -> None:
    """The drawing shows what the chart data says: filled markers for the real differences, a
    zero line, intervals cut at the axis with an arrow where they run off it."""
    from survey_kit.report.chart_layout import dots_scene
    from survey_kit.report.chart_scene import Arrow, Line, Marker
    from survey_kit.report.page_charts import Mark, PageChart

    chart = next(c for c in page_charts(demo.pages["HP19"]) if c.kind == "differences")
    scene = dots_scene(chart)
    box = scene.plots[0]
    markers = [i for i in scene.items if isinstance(i, Marker) and not i.key]
    assert len(markers) == len(chart.marks)
    assert sum(m.filled for m in markers) == sum(m.filled for m in chart.marks) > 0
    zero = box.left + (0 - chart.limits[0]) / (chart.limits[1] - chart.limits[0]) * (
        box.right - box.left)
    assert any(isinstance(i, Line) and i.x1 == i.x2 == pytest.approx(zero) and i.width > 1
               and (i.y1, i.y2) == (box.top, box.bottom) for i in scene.items)  # the zero line
    wide = PageChart("differences", "T", ("A",), ("S",), (Mark("A", "S", 2.0, -150.0, 154.0,
                     filled=False),), (-20.0, 20.0), "x", "alt", "cap", "åben", "fyldt")
    scene = dots_scene(wide)
    box = scene.plots[0]
    arrows = sorted((a.direction, a.x) for a in scene.items if isinstance(a, Arrow))
    assert arrows == [(-1, box.left), (1, box.right)]
    bars = [i for i in scene.items if isinstance(i, Line) and i.y1 == i.y2 and i.width == 1.8]
    assert [(b.x1, b.x2) for b in bars] == [(box.left, box.right)]


def test_a_page_with_every_cell_hidden_says_so(demo: DemoPages) -> None:
    from demo_pages import area_inputs

    result = dataclasses.replace(demo.result, config=dataclasses.replace(
        demo.result.config, suppression_threshold=60))
    data = area_inputs(result)["HP49"]
    assert all(f.basis == "suppressed" for f in data.figures.values())
    page = parse_page(render_html(build_area_document(data), images=False))
    assert page.bullets == ["Der er for få svar fra HP49 til at sige noget sikkert om området "
                            "i 2021."]
    assert ("Antallet af svar fra HP49 vises ikke: der er for få, eller tallet kunne afsløre "
            "tal for en lille gruppe.") in page.sections["Hvem har svaret?"]
    values = next(c for c in page_charts(data) if c.kind == "values")
    assert not any(s.startswith("HP49") for s in values.series)
    assert "HP49 20" not in values.alt
