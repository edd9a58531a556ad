"""Three rounds end to end (2018, 2021, 2024): area pages with the change since the previous
round and since the baseline, each held to the page's rule, a trend chart, and the workbook
with every round in its banner, arrows against the previous round and the families named."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from demo_pages import DemoPages, demo_pages, parse_page
from page_checks import check_demo_pages

from survey_kit.report.document import render_html
from survey_kit.report.escape import fmt_dec
from survey_kit.report.resident import build_area_document, page_charts, render_area_pdf
from survey_kit.run import outputs


@pytest.fixture(scope="module")
def demo() -> DemoPages:
    return demo_pages(3)


def test_pages_state_both_changes_and_hold_the_invariant(demo: DemoPages) -> None:
    assert len(demo.pages) == 66
    for data in demo.pages.values():
        assert data.round_keys == ("2018", "2021", "2024")
        changes = {s.compared_with for s in data.statements if s.kind == "change"}
        assert changes == {"2021", "2018"}
    sentences, alts = check_demo_pages(demo)
    assert sentences > 1500 and alts == sentences
    # a page with direct figures says both changes, the previous round first
    data = next(d for d in demo.pages.values()
                if all(s.stated for s in d.statements if s.kind == "change"))
    text = parse_page(render_html(build_area_document(data), images=False)).sections[
        data.variables[0].label]
    assert text.index("Siden 2021") < text.index("Siden 2018")


def test_trend_chart_has_every_round_with_intervals(demo: DemoPages) -> None:
    data = demo.pages["HP19"]
    trend = next(c for c in page_charts(data) if c.kind == "trend")
    assert {m.x for m in trend.marks} == {"2018", "2021", "2024"}
    assert all(m.low <= m.value <= m.high for m in trend.marks)
    for m in trend.marks:  # the alt text states each point and its interval
        assert f"{m.x}: {fmt_dec(m.value, 1)} (fra {fmt_dec(m.low, 1)} til " \
            f"{fmt_dec(m.high, 1)})" in trend.alt
    values = next(c for c in page_charts(data) if c.kind == "values")
    assert "2024" in values.title and "2018" not in values.title


def test_smallest_area_pdf_fits_in_four_pages(demo: DemoPages, tmp_path: Path) -> None:
    smallest = min(demo.pages.values(),
                   key=lambda d: d.area_estimates["n"].max())
    path = render_area_pdf(smallest, tmp_path / "small.pdf")
    assert len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", path.read_bytes())) <= 4


def test_workbook_with_three_rounds(demo: DemoPages, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from survey_kit.run import tablesets

    monkeypatch.setattr(outputs, "make_charts", lambda *a, **k: ())  # charts are tested apart
    result = demo.result
    outputs._significance(result, tmp_path, "2026-11-30", tablesets.protect_run(result))
    wb = openpyxl.load_workbook(tmp_path / "signifikanstabeller.xlsx")
    ws = wb["Samlet tryghed og trivsel"]
    header = [c.value for c in ws[5]]
    groups = [c.value for c in ws[4]]
    banner: dict[str, list[str]] = {}
    for col, rnd in enumerate(header):
        if rnd:
            group = next(g for g in reversed(groups[:col + 1]) if g)
            banner.setdefault(group, []).append(rnd)
    assert banner["Områder med helhedsplan"] == ["2018", "2021", "2024"]
    assert banner["Hele befolkningen"] == ["2018", "2021", "2024"]
    notes = [r[0].value for r in ws.iter_rows() if r[0].value and str(r[0].value).startswith(
        ("Bogstaver: Holms", "▲ / ▼: Holms"))]
    c = result.analysis.contrasts
    # the family sizes printed are the number of tests each Holm correction ran over
    total_rows = c[(c["variable"] == "index") & (c["subgroup"] == ())]
    tested = total_rows["p_value"].notna()
    n_group = int((total_rows["family"].eq("groups") & tested).sum())
    n_change = int((total_rows["family"].eq("change") & tested).sum())
    assert n_group > 0 and n_change > 0
    assert notes[0].startswith(
        "Bogstaver: Holms metode over alle parvise sammenligninger af grupperne i samme "
        "rækkeblok og alle runder. Antal sammenligninger pr. rækkeblok: I alt "
        f"{n_group}, Køn ")
    assert notes[1].startswith(
        "▲ / ▼: Holms metode over alle sammenligninger mellem runder i samme rækkeblok, for "
        "alle grupper og alle par af runder, også dem, der ikke vises med pile. Antal "
        f"sammenligninger pr. rækkeblok: I alt {n_change}, Køn ")
    # arrows: exactly the significant changes since the previous round (total row)
    change = c[(c["family"] == "change") & (c["subgroup"] == ()) & (c["variable"] == "index")]
    order = {2018: 0, 2021: 1, 2024: 2}
    labels = {"helhedsplan": "Områder med helhedsplan", "almene": "Almene boliger",
              "befolkning": "Hele befolkningen"}
    adjacent = change[[order[int(a)] - order[int(b)] == 1
                       for a, b in zip(change["group_a"], change["group_b"], strict=True)]]
    total = next(r for r in ws.iter_rows(min_row=7) if r[0].value == "I alt")
    arrows: dict[tuple[str, str], str] = {}
    for col, rnd in enumerate(header):
        if rnd in ("2021", "2024"):
            group = next(g for g in reversed(groups[:col + 1]) if g)
            arrows[(group, rnd)] = str(total[col + 1].value or "")
    for rec in adjacent.to_dict("records"):
        mark = arrows[(labels[rec["group"]], str(int(rec["group_a"])))]
        want = ("▲" if rec["difference"] > 0 else "▼") if rec["significant"] else ""
        assert (want in mark) if want else ("▲" not in mark and "▼" not in mark)
    assert np.isin(["▲", "▼"], list("".join(arrows.values()))).any()
