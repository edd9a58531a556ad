"""Checks of a rendered area page against the run's raw tables (shared by the page tests).

Everything a page may say is recomputed here from the run's raw tables, not from the page's
own statement table: the page interval of every contrast (Bonferroni over the page's family,
``difference ± t(1 - α/(2m), df) se``, with scipy's t), the figure the page rule shows and the
direction that is good for residents.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from demo_pages import DemoPages, Page
from scipy import stats

from survey_kit.report.escape import fmt_dec
from survey_kit.run.areas import AREA_VS_GROUP


def page_interval(row: pd.Series, level: float) -> tuple[float, float]:
    """The simultaneous interval of one contrast, computed here from its parts (scipy)."""
    t = stats.t.ppf(1 - (1 - level) / (2 * row["family_size"]), row["df"])
    low, high = row["difference"] - t * row["se"], row["difference"] + t * row["se"]
    return max(low, -1.0), min(high, 1.0)


def expected_basis(est: pd.Series, model: pd.Series | None, min_df: float, max_cv: float) -> str:
    """The page rule, restated: direct when df >= min_df and se/estimate <= max_cv; else the
    Fay-Herriot estimate where the model variance is positive; else direct but uncertain."""
    if est["df"] >= min_df and est["se"] / est["estimate"] <= max_cv:
        return "direct"
    if model is not None and model["model_variance"] > 0:
        return "model"
    return "uncertain" if est["df"] >= 1 else "too_uncertain"


def number(text: str) -> float:
    """A shown number ("59,3", "77 %", "1.234,5") as a float."""
    return float(re.sub(r"[^\d,\-]", "", text).replace(",", "."))


def contrast_rows(demo: DemoPages) -> dict[tuple[str, str, str, str], pd.Series]:
    """The run's raw page contrasts by (area, kind, variable, compared with)."""
    out = {}
    for _, row in demo.result.analysis.area_contrasts.iterrows():
        vs = row["comparison"] == AREA_VS_GROUP
        other = str(row["reference"]) if vs else str(row["group_b"])
        out[(row["area"], "vs_group" if vs else "change", row["variable"], other)] = row
    return out


def raw_tables(demo: DemoPages, area: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    a = demo.result.analysis
    return (a.area_contrasts[a.area_contrasts["area"] == area],
            a.area_estimates[a.area_estimates["unit"] == area],
            a.small_area[a.small_area["area"] == area])


def _subsection(page: Page, label: str) -> str:
    return page.sections[label]


VS = re.compile(r"Området ligger ([\d,]+) (point|procentpoint) (højere|lavere) end (.+?)\. "
                r"(Det er en reel forskel, og det er (et bedre|et dårligere) resultat\.|"
                r"Forskellen er så lille, at den kan skyldes tilfældigheder\.)")
CH = re.compile(r"Siden (\d{4}) er tallet (steget|faldet) fra (\S+(?: %)?) til (\S+(?: %)?)\. "
                r"(Det er (en reel stigning|et reelt fald), og det er (en forbedring|en "
                r"forværring)\.|(Stigningen|Faldet) er så lille, at (den|det) kan skyldes "
                r"tilfældigheder\.)")


SAME = re.compile(r"Området ligger på samme niveau som (.+?)\.")
UNCHANGED = re.compile(r"Siden (\d{4}) er tallet uændret på (\S+(?: %)?)\.")


def _table(page: Page) -> tuple[list[str], dict[str, list[str]]]:
    header = page.rows[0]
    return header, {r[0]: r[1:] for r in page.rows[1:]}


def check_sentences(data, page: Page, unfavourable: set[str]) -> int:  # type: ignore[no-untyped-def]
    """Every stated statement's sentence on the page agrees with its numbers and test."""
    header, cells = _table(page)
    phrases = {g.id: g.phrase for g in data.comparison_groups}
    labels = {g.id: g.label for g in data.comparison_groups}
    checked = 0
    for v in data.variables:
        text = _subsection(page, v.label)
        row = cells[v.label]
        own = [s for s in data.statements if s.variable == v.id]
        sentences = VS.findall(text)
        changes = CH.findall(text)
        same = SAME.findall(text)
        unchanged = UNCHANGED.findall(text)
        assert len(sentences) + len(same) == sum(s.stated and s.kind == "vs_group" for s in own)
        assert len(changes) + len(unchanged) == sum(s.stated and s.kind == "change" for s in own)
        for other in same:
            s = next(s for s in own if s.kind == "vs_group" and phrases[s.compared_with] == other)
            area_cell = row[header.index(f"{data.area_name} {data.round_keys[-1]}") - 1]
            assert area_cell == row[header.index(f"{labels[s.compared_with]} "
                                                 f"{data.round_keys[-1]}") - 1]
            assert not s.significant
            checked += 1
        for since, value in unchanged:
            s = next(s for s in own if s.kind == "change" and s.compared_with == since)
            assert value == row[header.index(f"{data.area_name} {since}") - 1] \
                == row[header.index(f"{data.area_name} {data.round_keys[-1]}") - 1]
            assert not s.significant
            checked += 1
        for size, _unit, word, other, verdict, judged in sentences:
            s = next(s for s in own if s.kind == "vs_group" and phrases[s.compared_with] == other)
            area_cell = row[header.index(f"{data.area_name} {data.round_keys[-1]}") - 1]
            group_cell = row[header.index(f"{labels[s.compared_with]} {data.round_keys[-1]}") - 1]
            diff = number(area_cell) - number(group_cell)
            assert number(size) == pytest.approx(abs(diff), abs=1e-9)  # the table's numbers
            assert word == ("højere" if diff > 0 else "lavere")
            assert ("reel" in verdict) == s.significant
            if s.significant:  # favourable from the questionnaire's direction
                good = (diff > 0) != (v.id in unfavourable)
                assert judged == ("et bedre" if good else "et dårligere")
            checked += 1
        for since, verb, before, after, verdict, noun, judged, *_ in changes:
            s = next(s for s in own if s.kind == "change" and s.compared_with == since)
            assert before == row[header.index(f"{data.area_name} {since}") - 1]
            assert after == row[header.index(f"{data.area_name} {data.round_keys[-1]}") - 1]
            up = number(after) > number(before)
            assert verb == ("steget" if up else "faldet")
            assert ("reel" in verdict) == s.significant
            if s.significant:
                assert noun == ("en reel stigning" if up else "et reelt fald")
                good = up != (v.id in unfavourable)
                assert judged == ("en forbedring" if good else "en forværring")
            checked += 1
        if not any(s.stated for s in own):
            assert "ligger" not in text.split(".", 2)[-1] and "reel" not in text
    return checked


def check_alts(data, page: Page, rows: dict, level: float) -> int:  # type: ignore[no-untyped-def]
    """The charts' text alternatives state each difference with the run's page interval."""
    alts = " ".join(page.alts)
    labels = {g.id: g.label for g in data.comparison_groups}
    by_id = {v.id: v for v in data.variables}
    checked = 0
    for s in (s for s in data.statements if s.stated):
        v = by_id[s.variable]
        row = rows[(data.area_id, s.kind, s.variable, s.compared_with)]
        if s.kind == "vs_group":
            name = f"forskel til {labels[s.compared_with].lower()}"
        else:
            name = f"ændring siden {s.compared_with}"
        low, high = page_interval(row, level)
        d = v.shown_decimals
        verdict = "en reel forskel" if (low > 0 or high < 0) else "kan skyldes tilfældigheder"
        want = (f"{v.label}, {name}: {fmt_dec(s.shown_difference * 100, d, sign=True)} {v.unit} "
                f"(usikkerhed fra {fmt_dec(low * 100, d, sign=True)} til "
                f"{fmt_dec(high * 100, d, sign=True)}), {verdict}.")
        assert want in alts.replace("\xa0", " "), (data.area_name, want)
        checked += 1
    return checked


KEY = re.compile(r"^(\S+) ligger (højere|lavere) end (.+?), når det gælder (.+) – "
                 r"(et bedre resultat|et dårligere resultat|bedre resultater|dårligere "
                 r"resultater)\.$")
KEY_CHANGE = re.compile(r"^Siden (\d{4}) er der sket (en reel stigning|et reelt fald) i (.+) – "
                        r"(en forbedring|en forværring|forbedringer|forværringer)\.$")


def check_key_points(data, page: Page, unfavourable: set[str]) -> None:  # type: ignore[no-untyped-def]
    """Each key point names only real differences, in their direction and judgement."""
    phrases = {g.phrase: g.id for g in data.comparison_groups}
    named = set()
    for bullet in page.bullets:
        vs, ch = KEY.match(bullet), KEY_CHANGE.match(bullet)
        if not (vs or ch):
            continue
        listed = (vs or ch).group(4 if vs else 3)  # type: ignore[union-attr]
        for v in data.variables:
            token = v.label.lower() if v.kind == "score" else f"\"{v.label}\""
            if not re.search(rf"(^|, | og ){re.escape(token)}($|, | og )", listed):
                continue
            if vs:
                other, up = phrases[vs.group(3)], vs.group(2) == "højere"
                s = next(s for s in data.statements if s.variable == v.id
                         and s.kind == "vs_group" and s.compared_with == other)
                good = "bedre" in vs.group(5).replace("dårligere", "")
            else:
                up = ch.group(2) == "en reel stigning"  # type: ignore[union-attr]
                s = next(s for s in data.statements if s.variable == v.id and s.kind == "change"
                         and s.compared_with == ch.group(1))  # type: ignore[union-attr]
                good = "forbedring" in ch.group(4)  # type: ignore[union-attr]
            assert s.stated and s.significant and (s.direction > 0) == up
            assert good == (up != (v.id in unfavourable))
            named.add((s.variable, s.kind, s.compared_with))
    real = {(s.variable, s.kind, s.compared_with) for s in data.statements
            if s.stated and s.significant}
    assert named == real
    rest = any(s.stated and not s.significant for s in data.statements)
    assert any("kan skyldes tilfældigheder" in b for b in page.bullets) == rest


def check_demo_pages(demo: DemoPages) -> tuple[int, int]:
    """The invariant on every page of a demo run: (sentences, alt entries) checked."""
    from demo_pages import parse_page

    from survey_kit.report.document import render_html
    from survey_kit.report.resident import build_area_document

    level = demo.result.config.level
    unfavourable = set(demo.result.analysis.variables.unfavourable)
    rows = contrast_rows(demo)
    sizes = demo.result.analysis.area_contrasts.groupby("area").size()
    sentences = alts = 0
    for area, data in demo.pages.items():
        page = parse_page(render_html(build_area_document(data), images=False))
        sentences += check_sentences(data, page, unfavourable)
        alts += check_alts(data, page, rows, level)
        check_key_points(data, page, unfavourable)
        if any(s.stated for s in data.statements):
            family = f"Vi har i alt lavet {sizes[area]} sammenligninger for {data.area_name}"
            assert family in page.sections["Kort fortalt"]
            assert "(Bonferroni-korrektion)" in page.sections["Kort fortalt"]
    return sentences, alts
