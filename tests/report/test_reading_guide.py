"""The reading guide explains exactly the kinds of statement a summary makes (its claims)."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from report_fixtures import make_area_input, make_youth_input

from survey_kit.report.document import Section, SummaryDocument
from survey_kit.report.resident import build_area_document
from survey_kit.report.youth import build_youth_document


def _said(sections: tuple[Section, ...]) -> str:
    parts: list[str] = []
    for sec in sections:
        parts += [*sec.paragraphs, *sec.bullets, _said(sec.subsections)]
    return " ".join(parts)


def _check(doc: SummaryDocument) -> None:
    guide = next(s for s in doc.sections if s.heading == "Sådan skal du læse tallene")
    body = _said(tuple(s for s in doc.sections if s.heading not in (
        "Sådan skal du læse tallene", "Om undersøgelsen")))
    explained = " ".join(guide.paragraphs)
    assert ("Usikkerheden er omkring" in body or "Usikkerheden er under" in body) == (
        "usikkerheden er omkring" in explained)
    assert ("reel" in body) == ("\"En reel forskel\" betyder" in explained)
    assert ("kan skyldes tilfældigheder" in body) == ("Når forskellen er så lille" in explained)


@pytest.mark.parametrize("significant", [None, True, False])
def test_area_guide_follows_the_statements(significant: bool | None) -> None:
    data = make_area_input()
    if significant is not None:
        page = ["ci_low_page", "ci_high_page"]  # intervals that would contradict the flags
        data = dataclasses.replace(
            data, comparisons=data.comparisons.assign(significant=significant).drop(
                columns=page), changes=data.changes.assign(significant=significant).drop(
                columns=page))
    _check(build_area_document(data))


@pytest.mark.parametrize("real", [True, False])
def test_youth_guide_follows_the_statements(real: bool) -> None:
    data = make_youth_input()
    if not real:
        data = dataclasses.replace(data, differences=pd.DataFrame(
            columns=["variable", "group_a", "group_b", "difference", "significant",
                     "suppressed"]).astype({"suppressed": bool}))
    _check(build_youth_document(data))
