"""QA fixes: design-aware method text, unfavourable indicators, grammar, differences from the
shown values, unchanged values, no-break spaces, sheet names and print setup, Danish dates."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import openpyxl
import pandas as pd
from report_fixtures import make_area_input, make_youth_input

from survey_kit.report import (
    Breakdown,
    SignificanceInput,
    VariableInfo,
    render_area_html,
    render_youth_html,
    write_significance_workbook,
)
from survey_kit.report.escape import display_label, fmt_date, fmt_pct
from survey_kit.report.excel import sheet_name
from survey_kit.report.resident import build_area_document
from survey_kit.report.text import change_sentence, difference_sentence, test_footnote
from survey_kit.report.youth import build_youth_document

NBSP = "\u00a0"


def visible_text(html: str) -> str:
    html = re.sub(r"<style>.*?</style>", "", html, flags=re.S)
    text = re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html))  # keep no-break spaces
    return text.replace("&#34;", '"').replace("&#39;", "'")


def sheet_texts(path: Path, sheet: str) -> str:
    ws = openpyxl.load_workbook(path)[sheet]
    return " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)


# --- 1. method text follows the design ---------------------------------------------------


def test_footnote_follows_design() -> None:
    full = test_footnote(0.05, ["holm"])
    assert "klynger" in full and "begge runder" in full and "vægte" in full
    srs = test_footnote(0.05, ["holm"], weighted=False, clustered=False, rounds=1)
    assert "simpel tilfældig stikprøve" in srs
    for word in ("klynger", "strata", "vægt", "runder"):
        assert word not in srs


def test_area_method_note_unweighted_one_round() -> None:
    data = make_area_input()
    one_round = dataclasses.replace(
        data, weighted=False, clustered=False, rounds=(2021,),
        area_estimates=data.area_estimates[data.area_estimates["year"] == 2021],
        changes=data.changes.iloc[0:0])
    text = visible_text(render_area_html(one_round))
    assert "vægtet, så" not in text and "Svarene er ikke vægtet" in text
    assert "siden 2018" not in text.lower()
    assert "Svarene er vægtet" in visible_text(render_area_html(data))


def test_youth_method_note_unweighted() -> None:
    text = visible_text(render_youth_html(dataclasses.replace(make_youth_input(),
                                                              weighted=False)))
    assert "Svarene er vægtet" not in text and "Svarene er ikke vægtet" in text


def test_workbook_method_follows_design(significance_input: SignificanceInput,
                                        tmp_path: Path) -> None:
    data = dataclasses.replace(significance_input, weighted=False, clustered=False)
    path = write_significance_workbook(data, tmp_path / "srs.xlsx")
    index = sheet_texts(path, "Indhold")
    assert "Alle tal er vægtede" not in index and "ikke vægtede" in index
    assert "klynger" not in index and "strata" not in index
    assert "simpel tilfældig stikprøve" in index
    full = sheet_texts(write_significance_workbook(significance_input, tmp_path / "f.xlsx"),
                       "Indhold")
    assert "Alle tal er vægtede" in full and "klynger" in full


def test_workbook_one_round_has_no_arrows_note(significance_input: SignificanceInput,
                                               tmp_path: Path) -> None:
    est = significance_input.estimates
    one = est[est["year"] == 2021]
    banner = dataclasses.replace(significance_input.banner, rounds=(2021,))
    data = dataclasses.replace(significance_input, estimates=one, banner=banner,
                               change_contrasts=None)
    path = write_significance_workbook(data, tmp_path / "one.xlsx")
    notes = sheet_texts(path, "Oplevet tryghed") + sheet_texts(path, "Indhold")
    assert "▲" not in notes and "begge runder" not in notes


# --- 2. unfavourable indicators ---------------------------------------------------------

ALONE = VariableInfo("alene", "Vil helst passe sig selv", kind="share", higher_is_better=False)


def test_unfavourable_difference_and_change_are_worded_as_worse() -> None:
    text = difference_sentence(ALONE, "Området", "hele befolkningen", 0.12, True)
    assert "højere" in text and "dårligere resultat" in text
    text = change_sentence(ALONE, "2018", 0.66, 0.72, 0.06, True)
    assert "steget" in text and "forværring" in text


def _with_unfavourable_rise():
    data = make_area_input(suppress_tillid=False)
    variables = (*data.variables, ALONE)
    area = pd.concat([data.area_estimates, pd.DataFrame([
        {"variable": "alene", "year": y, "estimate": e, "ci_low": e - 0.03, "ci_high": e + 0.03,
         "n": 214, "suppressed": False} for y, e in ((2018, 0.60), (2021, 0.72))])])
    comp = pd.concat([data.comparison_estimates, pd.DataFrame([
        {"variable": "alene", "group": g, "year": 2021, "estimate": e, "ci_low": e - 0.01,
         "ci_high": e + 0.01, "n": 2500, "suppressed": False}
        for g, e in (("almene", 0.70), ("befolkning", 0.60))])])
    comparisons = pd.concat([data.comparisons, pd.DataFrame([
        {"variable": "alene", "group_a": data.area_name, "group_b": g, "difference": d,
         "significant": s, "suppressed": False}
        for g, d, s in (("almene", 0.02, False), ("befolkning", 0.12, True))])])
    changes = pd.concat([data.changes, pd.DataFrame([
        {"variable": "alene", "group_a": 2021, "group_b": 2018, "difference": 0.12,
         "significant": True, "suppressed": False}])])
    return dataclasses.replace(data, variables=variables, area_estimates=area,
                               comparison_estimates=comp, comparisons=comparisons,
                               changes=changes)


def test_area_key_points_never_group_unfavourable_rise_with_improvements() -> None:
    doc = build_area_document(_with_unfavourable_rise())
    bullets = next(s for s in doc.sections if s.heading == "Kort fortalt").bullets
    alone = [b for b in bullets if "Vil helst passe sig selv" in b]
    assert alone and all("dårligere" in b or "forværring" in b for b in alone)
    assert all(len(re.findall(r"\bi\b|gælder", b)) for b in alone)
    for b in alone:  # alone in its sentence: not listed together with other labels
        assert "oplevet tryghed" not in b
    text = visible_text(render_area_html(_with_unfavourable_rise()))
    assert "hvor højere altid er bedre" in text  # the scores
    assert "For de fleste spørgsmål er højere bedre; for 'Vil helst passe sig selv' er lavere " \
        "bedre." in text


# --- 3. grammar -------------------------------------------------------------------------


def test_change_words_agree_in_gender() -> None:
    bullets = " ".join(next(s for s in build_area_document(make_area_input()).sections
                            if s.heading == "Kort fortalt").bullets)
    assert "en reel stigning" in bullets
    assert "en reel fald" not in bullets
    data = make_area_input()
    fall = dataclasses.replace(data, changes=data.changes.assign(
        difference=-data.changes["difference"]), area_estimates=data.area_estimates.assign(
        estimate=lambda f: f["estimate"].where(f["year"] == 2021, f["estimate"] + 0.09)))
    bullets = " ".join(next(s for s in build_area_document(fall).sections
                            if s.heading == "Kort fortalt").bullets)
    assert "et reelt fald" in bullets and "en reel fald" not in bullets
    assert change_sentence(VariableInfo("x", "X"), "2018", 0.6, 0.5, -0.1, True).endswith(
        "Det er et reelt fald.")


# --- 4. differences from the shown, rounded values --------------------------------------


def test_stated_difference_matches_rounded_table_values() -> None:
    share = VariableInfo("tryg", "Tryg", kind="share")
    # 73.4 % and 70.6 % are shown as 73 % and 71 %: the text says 2, not 3 (2.8 rounded)
    text = difference_sentence(share, "Området", "de almene boliger", 0.028, True,
                               shown=(0.734, 0.706))
    assert f"2{NBSP}procentpoint højere" in text
    score = VariableInfo("tillid", "Tillid")
    text = difference_sentence(score, "Området", "hele befolkningen", -0.0109, False,
                               shown=(0.5334, 0.5446))  # 53,3 and 54,5 shown
    assert f"1,2{NBSP}point lavere" in text


def test_area_text_matches_table() -> None:
    data = make_area_input(suppress_tillid=False)
    comp = data.comparison_estimates.copy()
    comp.loc[(comp["variable"] == "oplevet_tryghed") & (comp["group"] == "almene"),
             "estimate"] = 0.47449   # shown 47,4; area 53,0 -> 5,6 (raw difference 5,551)
    cmp = data.comparisons.copy()
    cmp.loc[(cmp["variable"] == "oplevet_tryghed") & (cmp["group_b"] == "almene"),
            "difference"] = 0.05551
    text = visible_text(render_area_html(dataclasses.replace(
        data, comparison_estimates=comp, comparisons=cmp)))
    assert "47,4" in text and "53,0" in text
    assert f"Området ligger 5,6{NBSP}point højere end de almene boliger" in text


def test_youth_text_matches_table() -> None:
    text = visible_text(render_youth_html(make_youth_input()))
    # the cells are shown as 62,0 and 59,0
    assert f"ligger 3,0{NBSP}point højere end drenge med MENAPT-baggrund" in text


# --- 5. unchanged values ---------------------------------------------------------------


def test_equal_shown_values_are_unchanged() -> None:
    share = VariableInfo("glad", "Glad for at bo", kind="share")
    text = change_sentence(share, "2018", 0.791, 0.787, -0.004, False)
    assert text == f"Siden 2018 er tallet uændret på 79{NBSP}%."
    assert "steget fra 79" not in change_sentence(share, "2018", 0.786, 0.794, 0.008, False)


# --- 6. livsmestring key points ----------------------------------------------------------


def test_youth_key_points_are_few_and_not_mirrored() -> None:
    data = make_youth_input()
    groups = ["Piger med MENAPT-baggrund", "Piger uden MENAPT-baggrund",
              "Drenge med MENAPT-baggrund", "Drenge uden MENAPT-baggrund"]
    rows = [{"variable": v.id, "group_a": a, "group_b": b, "difference": 0.05,
             "significant": True, "suppressed": False}
            for v in data.variables for a in groups for b in groups if a != b]
    doc = build_youth_document(dataclasses.replace(data, differences=pd.DataFrame(rows)))
    bullets = next(s for s in doc.sections if s.heading == "Kort fortalt").bullets
    assert 3 <= len(bullets) <= 6  # the low-several line, at most 4 differences, a pointer
    diffs = [b for b in bullets if "reel forskel" in b]
    assert 1 <= len(diffs) <= 4
    assert len({b.split(":")[0] for b in diffs}) == len(diffs)


# --- 9. no-break spaces ---------------------------------------------------------------


def test_percent_and_uncertainty_do_not_wrap() -> None:
    assert fmt_pct(0.5) == f"50{NBSP}%"
    html = render_area_html(make_area_input())
    text = visible_text(html)
    assert not re.search(r"\d %", text)
    assert f"±4{NBSP}point" in text


# --- 11. workbook ----------------------------------------------------------------------


def test_sheet_names_cut_at_word_boundary_and_unique() -> None:
    used = {"Indhold"}
    long = "Andel der føler sig grundlæggende tryg i boligområdet"
    a, b = sheet_name(long, used), sheet_name(long, used)
    for name in (a, b):
        assert len(name) <= 31 and name == name.strip()
    assert a == "Andel der føler sig"  # "grundlæggende" would be cut mid-word
    assert b == "Andel der føler sig (2)"
    assert a.lower() != b.lower()


def test_workbook_print_setup_date_and_dashes(significance_input: SignificanceInput,
                                              tmp_path: Path) -> None:
    banner = dataclasses.replace(significance_input.banner, breakdowns=(
        Breakdown("age_group", "Alder", (("18-29", "18-29 år"), ("30-49", "30-49 år"),
                                          ("50-64", "50-64 år"), ("65+", "65 år og derover"))),
    ))
    data = dataclasses.replace(significance_input, banner=banner)
    path = write_significance_workbook(data, tmp_path / "p.xlsx")
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.fitToWidth in (None, 1)  # 1 is the default, not written
        assert ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
    ws = wb["Oplevet tryghed"]
    assert ws.print_title_cols == "$A:$B"
    assert ws.print_title_rows == "$4:$6"
    labels = [c.value for c in ws["A"] if isinstance(c.value, str)]
    assert "18–29 år" in labels and "18-29 år" not in labels
    index = sheet_texts(path, "Indhold")
    assert "Udarbejdet" in index and "Dannet" not in index
    assert "1. maj 2024" in index


# --- 12. Danish dates -----------------------------------------------------------------


def test_danish_long_dates() -> None:
    assert fmt_date("2026-11-22") == "22. november 2026"
    assert fmt_date("2024-01-05") == "5. januar 2024"
    assert fmt_date("Maj 2024") == "Maj 2024"
    data = dataclasses.replace(make_area_input(), created="2026-11-22")
    assert build_area_document(data).footer.endswith("Udarbejdet 22. november 2026")
    youth = dataclasses.replace(make_youth_input(), created="2026-11-22", organisation="")
    assert build_youth_document(youth).footer == "Udarbejdet 22. november 2026"
    assert display_label("13-15 år") == "13–15 år"


# --- 13. the reading guide explains only phrases used -----------------------------------


def test_youth_reading_guide_has_no_unused_explanations() -> None:
    doc = build_youth_document(make_youth_input())
    guide = " ".join(next(s for s in doc.sections
                          if s.heading == "Sådan skal du læse tallene").paragraphs)
    assert "±4" not in guide
    area = build_area_document(make_area_input())
    guide = " ".join(next(s for s in area.sections
                          if s.heading == "Sådan skal du læse tallene").paragraphs)
    assert f"±4{NBSP}point" in guide
