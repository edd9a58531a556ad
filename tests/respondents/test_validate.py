"""Validation: every kind of bad data gives one reject row with a reason; nothing is lost."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from survey_kit.errors import DataValidationError
from survey_kit.respondents import ValidationReport
from survey_kit.spec import load_questionnaire

MINI = Path(__file__).parents[1] / "data" / "mini.yaml"


@pytest.fixture
def raw() -> pd.DataFrame:
    """Eight respondents (index 10-17); rows 10 and 16 are clean."""
    return pd.DataFrame(
        {
            "resp_id": [1, 2, 3, 3, 5, 6, 7, np.nan],
            "year": [2021, 2021, 2018, 2021, 2019, 2021, 2021, 2021],
            "a1": [1, 4, 1, 2, 1, "x", np.nan, 1],
            "a2": [1, 1, 1, 1, 1, 1, 8, 1],
            "a3": [2, 1, np.nan, 2, 1, 1, 1, 1],
            "a3_2018": [np.nan, np.nan, 7, np.nan, np.nan, np.nan, np.nan, np.nan],
            "b1": [5, 5, 5, 11, 5, 5.5, 98, 5],
            "b2": [1, 1, 1, 1, 1, 1, 1, 1],
            "kommune": ["Aarhus"] * 8,
        },
        index=range(10, 18),
    )


def test_report_lists_every_problem(raw: pd.DataFrame) -> None:
    q = load_questionnaire(MINI)
    report = q.validate(raw)
    rejects = report.rejects
    got = list(rejects[["row", "column", "problem"]].itertuples(index=False, name=None))
    assert got == [
        (11, "a1", "unknown_code"),
        (12, "a3_2018", "unknown_code"),
        (13, "resp_id", "duplicate_id"),
        (13, "b1", "out_of_range"),
        (14, "year", "unknown_year"),
        (15, "a1", "not_a_number"),
        (15, "b1", "not_whole_number"),
        (17, "resp_id", "missing_id"),
    ]
    keys = zip(rejects["row"], rejects["column"], strict=True)
    reasons = dict(zip(keys, rejects["reason"], strict=True))
    assert reasons[(11, "a1")] == (
        "unknown code (expected 1, 2, 3 or missing code 8, 9 for item 'a1')"
    )
    assert reasons[(12, "a3_2018")].endswith("after the recode of round 2018)")
    assert reasons[(13, "resp_id")] == "duplicate resp_id (first in row 12)"
    assert reasons[(13, "b1")] == "out of range (expected 0-10 or missing code 98 for item 'b1')"
    assert reasons[(14, "year")] == (
        "unknown survey round (expected a year in 2018, 2021; add the round to 'rounds:' in "
        "the spec, or set 'unknown_rounds: latest' there)")
    assert reasons[(15, "a1")].startswith("not a number (expected 1, 2, 3")
    assert reasons[(15, "b1")].startswith("not a whole number (expected 0-10")
    assert reasons[(17, "resp_id")] == "missing respondent id"
    assert rejects["value"].tolist()[:2] == [4, 7.0]
    assert rejects.loc[rejects["row"] == 15, "value"].tolist() == ["x", 5.5]
    assert rejects["id"].tolist()[:3] == [2.0, 3.0, 3.0]


def test_valid_rows_are_untouched_and_counts_add_up(raw: pd.DataFrame) -> None:
    report = load_questionnaire(MINI).validate(raw)
    assert list(report.valid.index) == [10, 11, 12, 15, 16]  # bad answers are blanked
    pd.testing.assert_frame_equal(report.valid.loc[[10, 16]], raw.loc[[10, 16]])
    assert len(report.valid) + len(report.rejected_rows) == len(raw)
    assert list(report.rejected_rows) == [13, 14, 17]
    assert not report.ok


def test_summary_is_one_line(raw: pd.DataFrame) -> None:
    report = load_questionnaire(MINI).validate(raw)
    assert report.summary().splitlines()[0] == "mini: 8 rows, 5 kept, 3 rejected (37.5 %)"


def test_clean_data_has_an_empty_rejects_table(raw: pd.DataFrame) -> None:
    report = load_questionnaire(MINI).validate(raw.loc[[10, 16]])
    assert isinstance(report, ValidationReport)
    assert report.ok and report.rejects.empty
    assert list(report.rejects.columns) == ["row", "column", "value", "reason", "problem",
                                            "action", "id"]
    assert report.summary() == "mini: 2 rows, all valid"


def test_missing_item_columns_raise_naming_them(raw: pd.DataFrame) -> None:
    q = load_questionnaire(MINI)
    with pytest.raises(DataValidationError,
                       match=r"data lacks 2 item column\(s\) required by questionnaire "
                             r"'mini': a1, b2"):
        q.validate(raw.drop(columns=["a1", "b2"]))


def test_variant_column_needed_only_for_its_round(raw: pd.DataFrame) -> None:
    q = load_questionnaire(MINI)
    with pytest.raises(DataValidationError, match="a3_2018"):
        q.validate(raw.drop(columns=["a3_2018"]))
    only_2021 = raw[raw["year"] == 2021].drop(columns=["a3_2018"])
    assert "a3_2018" not in q.validate(only_2021).rejects["column"].tolist()


def test_without_year_column_the_item_column_is_used(raw: pd.DataFrame) -> None:
    data = raw.drop(columns=["year", "a3_2018"])
    report = load_questionnaire(MINI).validate(data)
    assert "unknown_year" not in report.rejects["problem"].tolist()
    assert 12 in report.valid.index  # a3 blank, no 2018 recode applied


def test_strings_that_are_numbers_and_blanks_are_fine() -> None:
    q = load_questionnaire(MINI)
    data = pd.DataFrame({"a1": ["1", " 2", ""], "a2": ["", None, "9"], "a3": [1, 2, 3],
                         "b1": ["7", "10", " "], "b2": [1, 2, 3]})
    report = q.validate(data)
    assert report.ok
    assert "id" not in report.rejects.columns


def test_duplicates_reject_every_later_occurrence() -> None:
    q = load_questionnaire(MINI)
    data = pd.DataFrame({"resp_id": ["a", "b", "a", "a"], **{i.id: 1 for i in q.items}})
    report = q.validate(data)
    assert report.rejects["row"].tolist() == [2, 3]
    assert report.rejects["reason"].tolist() == ["duplicate resp_id (first in row 0)"] * 2


def test_validation_is_vectorised() -> None:
    q = load_questionnaire("tryghed_trivsel")
    rng = np.random.default_rng(7)
    n = 200_000
    data = pd.DataFrame({
        item.id: rng.choice([*item.codes, *item.missing_codes, np.nan], n) for item in q.items
    })
    data["resp_id"] = np.arange(n)
    data["year"] = rng.choice([2018, 2021], n)
    data.iloc[::100, 0] = 17
    start = time.perf_counter()
    report = q.validate(data)
    elapsed = time.perf_counter() - start
    assert len(report.rejects) == n // 100
    assert elapsed < 5.0, f"validate took {elapsed:.1f}s for {n} rows"
