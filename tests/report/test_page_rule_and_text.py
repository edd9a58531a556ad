"""The page rule's cases, the refusal of statements that disagree with their intervals, and the
wording of a difference that may be chance (never judged better or worse)."""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pytest
from report_fixtures import make_area_input

from survey_kit.report import ReportInputError
from survey_kit.report.inputs import VariableInfo
from survey_kit.report.page_text import change_text, difference_text, level_statement
from survey_kit.report.resident import build_area_document
from survey_kit.report.shown import PageRule, ShownFigure, choose
from survey_kit.report.statements import TestedStatement
from survey_kit.report.text import change_sentence, difference_sentence

DIRECT = {"estimate": 0.6, "se": 0.02, "ci_low": 0.55, "ci_high": 0.65, "suppressed": False}
MODEL = {"eblup": 0.58, "rmse": 0.01, "model_variance": 0.0004, "suppressed": False}
ALONE = VariableInfo("alene", "Vil helst passe sig selv", kind="share", higher_is_better=False)


@pytest.mark.parametrize(("direct", "model", "basis"), [
    ({**DIRECT, "df": 5.0}, MODEL, "direct"),          # df at the threshold
    ({**DIRECT, "df": 4.0}, MODEL, "model"),           # too few df
    ({**DIRECT, "df": 9.0, "se": 0.13}, MODEL, "model"),  # cv 0.217 > 0.2
    ({**DIRECT, "df": 4.0}, {**MODEL, "model_variance": 0.0}, "uncertain"),  # REML at 0
    ({**DIRECT, "df": 4.0}, None, "uncertain"),         # no small-area model
    ({**DIRECT, "df": 0.0, "ci_low": math.nan, "ci_high": math.nan},
     {**MODEL, "model_variance": 0.0}, "too_uncertain"),
    ({**DIRECT, "df": 2.0}, {**MODEL, "suppressed": True}, "uncertain"),
    ({**DIRECT, "df": 9.0, "suppressed": True}, MODEL, "suppressed"),
    ({k: v for k, v in DIRECT.items() if k != "se"}, None, "direct"),  # no se/df: as given
])
def test_page_rule(direct: dict[str, object], model: dict[str, object] | None,
                   basis: str) -> None:
    assert choose(direct, model, PageRule(min_df=5, max_cv=0.2)).basis == basis


def test_model_interval_is_cut_to_the_unit_interval() -> None:
    fig = choose({**DIRECT, "df": 2.0}, {**MODEL, "eblup": 0.99, "rmse": 0.02}, PageRule())
    assert fig.basis == "model" and fig.high == 1.0 and fig.low == pytest.approx(0.99 - 0.0392,
                                                                                  abs=1e-4)


def test_uncertain_and_too_uncertain_are_said() -> None:
    v = VariableInfo("t", "Tillid")
    text = level_statement(v, "HP01", "2021", ShownFigure("uncertain", 0.5, 0.2, 0.8)).text
    assert "Tallet er meget usikkert: usikkerheden er omkring ±30\xa0point." in text
    text = level_statement(v, "Solbakken", "2021", ShownFigure("too_uncertain")).text
    assert text.startswith("Tallet for 2021 er for usikkert til at blive vist")
    assert not any(ch.isdigit() for ch in text.replace("2021", ""))


def test_input_whose_flag_disagrees_with_its_page_interval_is_refused() -> None:
    data = make_area_input()
    bad = data.comparisons.copy()
    bad.loc[0, "significant"] = not bad.loc[0, "significant"]
    with pytest.raises(ReportInputError, match="page interval"):
        dataclasses.replace(data, comparisons=bad)


def _statement(kind: str, significant: bool, direction: int) -> TestedStatement:
    diff = 0.12 * direction
    low, high = (diff - 0.05, diff + 0.05) if significant else (diff - 0.2, diff + 0.2)
    return TestedStatement("alene", kind, "2018" if kind == "change" else "befolkning", "2021",
                           diff, 0.72, 0.72 - diff, diff, low, high, significant, direction,
                           direction < 0, 20)


@pytest.mark.parametrize("significant", [True, False])
def test_judgement_only_of_real_differences(significant: bool) -> None:
    text = difference_text(ALONE, _statement("vs_group", significant, 1), "hele befolkningen").text
    assert ("dårligere" in text) == significant and "bedre" not in text
    text = change_text(ALONE, _statement("change", significant, 1)).text
    assert ("forværring" in text) == significant and "forbedring" not in text
    text = change_text(ALONE, _statement("change", significant, -1)).text
    assert ("forbedring" in text) == significant and "forværring" not in text
    # the shared sentences (youth summary) follow the same rule
    text = difference_sentence(ALONE, "Piger", "drenge", -0.1, significant)
    assert ("bedre resultat" in text) == significant
    text = change_sentence(ALONE, "2018", 0.6, 0.72, 0.12, significant)
    assert ("forværring" in text) == significant


def test_page_without_page_intervals_still_states_its_flags() -> None:
    """Tables from elsewhere (no page intervals): the sentences follow ``significant``, no
    difference chart is drawn."""
    data = make_area_input()
    page = ["ci_low_page", "ci_high_page"]
    plain = dataclasses.replace(data, comparisons=data.comparisons.drop(columns=page),
                                changes=data.changes.drop(columns=page))
    doc = build_area_document(plain)
    assert not any(s.heading == "Forskelle og ændringer" for s in doc.sections)
    assert any(s.heading == "Forskelle og ændringer" for s in build_area_document(data).sections)
    assert isinstance(plain.comparisons, pd.DataFrame)
