"""Categorical analyses count answers, not missing codes: ``blank_missing_codes`` + ``chisq``
against R's svychisq with the missing codes set to NA (tests/reference/missing_codes)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import survey_kit as sk
from survey_kit.spec import Questionnaire, build_questionnaire

REFERENCE = Path(__file__).parent.parent / "reference"
CODES = {"meget_tryg": 1, "tryg": 2, "utryg": 3, "meget_utryg": 4}


@pytest.fixture(scope="module")
def spec() -> Questionnaire:
    scale = {"kind": "ordinal", "positive_end": "low",
             "codes": {1: "Meget tryg", 2: "Tryg", 3: "Utryg", 4: "Meget utryg"},
             "missing": {98: {"label": "Ved ikke", "kind": "dont_know"},
                         99: {"label": "Ønsker ikke at svare", "kind": "refusal"}}}
    return build_questionnaire({
        "name": "et_spoergsmaal", "title": "t", "provenance": {"source": "test"},
        "scales": {"tryg4": scale},
        "items": [{"id": "q_code", "text": "Hvor tryg føler du dig?", "scale": "tryg4"}],
        "dimensions": [{"id": "tryghed", "label": "Tryghed", "items": ["q_code"]}],
    }, "et_spoergsmaal.yaml")


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    """The R script's data: q_cat as codes, 98 where tryg is NA, 99 where id %% 17 == 0."""
    d = pd.read_csv(REFERENCE / "tryghed_sample.csv")
    d["q_code"] = d["q_cat"].map(CODES).astype(float)
    d.loc[d["tryg"].isna(), "q_code"] = 98
    d.loc[d["id"] % 17 == 0, "q_code"] = 99
    return d


@pytest.fixture(scope="module")
def reference() -> dict[str, dict[str, float]]:
    path = REFERENCE / "missing_codes" / "missing_codes_reference.json"
    result: dict[str, dict[str, float]] = json.loads(path.read_text(encoding="utf-8"))
    return result


def _check(design: sk.Design, ref: dict[str, float]) -> None:
    f = sk.chisq(design, "group", "q_code")
    chi = sk.chisq(design, "group", "q_code", statistic="Chisq")
    np.testing.assert_allclose([f.statistic, f.ndf, f.ddf, chi.statistic],
                               [ref["statistic"], ref["ndf"], ref["ddf"], ref["chisq_statistic"]],
                               rtol=1e-8)
    np.testing.assert_allclose([f.p_value, chi.p_value], [ref["p_value"], ref["chisq_p_value"]],
                               rtol=1e-6, atol=1e-12)


def test_missing_codes_are_not_answer_categories(
    spec: Questionnaire, data: pd.DataFrame, reference: dict[str, dict[str, float]]
) -> None:
    assert int((data["q_code"] >= 98).sum()) == reference["n_missing_codes"] == 342
    answers = sk.blank_missing_codes(spec, data)
    assert answers["q_code"].isna().sum() == 342 and data["q_code"].notna().all()
    design = sk.Design(answers, weight="design_weight", strata="stratum", psu="psu")
    _check(design, reference["missing_as_na"])
    assert list(sk.chisq(design, "group", "q_code").table.columns) == [1.0, 2.0, 3.0, 4.0]


def test_the_old_way_counts_them_as_r_does_with_codes_kept(
    data: pd.DataFrame, reference: dict[str, dict[str, float]]
) -> None:
    design = sk.Design(data, weight="design_weight", strata="stratum", psu="psu")
    _check(design, reference["missing_as_category"])


def test_labels_give_the_same_test_with_readable_categories(
    spec: Questionnaire, data: pd.DataFrame, reference: dict[str, dict[str, float]]
) -> None:
    labelled = sk.blank_missing_codes(spec, data, labels=True)
    assert list(labelled["q_code"].cat.categories) == ["Meget tryg", "Tryg", "Utryg",
                                                      "Meget utryg"]
    design = sk.Design(labelled, weight="design_weight", strata="stratum", psu="psu")
    _check(design, reference["missing_as_na"])


def test_variants_are_read_per_round() -> None:
    q = sk.load_questionnaire(Path(__file__).parent.parent / "data" / "mini.yaml")
    d = pd.DataFrame({"year": [2018, 2021, 2021], "a1": [1, 8, 9], "a2": [1, 1, 1],
                      "a3": [np.nan, 3, 1], "a3_2018": [1, np.nan, np.nan], "b1": [5, 98, 7],
                      "b2": [1, 2, 3], "other": ["x", "y", "z"]})
    out = sk.blank_missing_codes(q, d)
    assert out["a1"].tolist()[0] == 1.0 and out["a1"].isna().tolist() == [False, True, True]
    assert out["a3"].tolist() == [3.0, 3.0, 1.0]  # 2018 read from a3_2018, recoded 1 -> 3
    assert out["b1"].tolist()[1:] == [pytest.approx(np.nan, nan_ok=True), 7.0]
    assert out["other"].tolist() == ["x", "y", "z"] and d["a1"].tolist() == [1, 8, 9]
