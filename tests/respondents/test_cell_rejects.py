"""Cell-level rejects: a bad answer is blanked and reported, the respondent stays; whole rows
only when unusable; the summary counts, shares, reasons with hints and the limits."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest

from survey_kit.cli import COMMANDS, Command, main, register
from survey_kit.errors import DataValidationError
from survey_kit.io import read_data
from survey_kit.respondents import ValidationLimitError, validate
from survey_kit.spec import Questionnaire, build_questionnaire, load_questionnaire

MINI = Path(__file__).parent.parent / "data" / "mini.yaml"
ITEMS = [f"q{k}" for k in range(1, 7)]


@pytest.fixture(scope="module")
def six() -> Questionnaire:
    """q1-q6 on one agreement scale with 98/99 as missing codes."""
    scale = {"kind": "ordinal", "positive_end": "low",
             "codes": {1: "Helt enig", 2: "Enig", 3: "Hverken enig eller uenig", 4: "Uenig",
                       5: "Helt uenig"},
             "missing": {98: {"label": "Ved ikke", "kind": "dont_know"},
                         99: {"label": "Ønsker ikke at svare", "kind": "refusal"}}}
    spec = {"name": "seks", "title": "Seks spørgsmål", "provenance": {"source": "test"},
            "scales": {"enig5": scale},
            "items": [{"id": i, "text": f"Spørgsmål {i}", "scale": "enig5"} for i in ITEMS],
            "dimensions": [{"id": "a", "label": "A", "items": ITEMS[:3]},
                           {"id": "b", "label": "B", "items": ITEMS[3:]}]}
    return build_questionnaire(spec, "seks.yaml")


def _answers(n: int, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    data = pd.DataFrame({i: rng.integers(1, 6, n).astype(float) for i in ITEMS})
    data.insert(0, "resp_id", np.arange(1, n + 1))
    return data


def test_undeclared_dont_know_code_blanks_cells_and_keeps_respondents(six: Questionnaire) -> None:
    raw = _answers(1000)
    rng = np.random.default_rng(9)
    nine = rng.random((1000, 6)) < 0.2  # "ved ikke" coded 9, which the spec does not declare
    for k, item in enumerate(ITEMS):
        raw.loc[nine[:, k], item] = 9
    report = validate(six, raw)
    assert len(report.valid) == 1000 and len(report.rejected_rows) == 0
    assert set(report.rejects["action"]) == {"blanked"}
    assert report.blanked_cells == int(nine.sum()) == len(report.rejects)
    for k, item in enumerate(ITEMS):
        assert report.valid[item].isna().to_numpy().tolist() == nine[:, k].tolist()
    scored = six.score(report.valid)  # the blanked data scores without complaint
    answered = (~nine[:, :3]).sum(axis=1)  # dimension a: 3 items, min_items 2
    assert scored["a"].notna().tolist() == (answered >= 2).tolist()
    lines = report.summary().splitlines()
    assert lines[0] == "seks: 1,000 rows, 1,000 kept, 0 rejected (0.0 %)"
    assert lines[1] == (f"  cells blanked: {nine.sum():,} of 6,000 answers "
                        f"({100 * nine.sum() / 6000:.1f} %) in {nine.any(axis=1).sum():,} "
                        "respondents")
    assert lines[3] == (f"    {nine.sum():,} × code 9 in q1–q6 is not declared in the spec: add "
                        "it under `missing:` of scale 'enig5'")
    worst = max(nine.sum(axis=0))
    assert lines[-1].startswith(f"  FAILED: 'q{np.argmax(nine.sum(axis=0)) + 1}' has "
                                f"{100 * worst / 1000:.1f} % of its 1,000 answers blanked "
                                "(max_blank_share 5 %); and 5 more")
    assert repr(report) == report.summary()


def test_limits_pass_fail_and_raise(six: Questionnaire) -> None:
    raw = _answers(200)
    raw.loc[:9, "q1"] = 7  # 5 % of q1 blanked: at the limit, not beyond it
    report = validate(six, raw)
    assert report.failures() == () and not report.failed
    assert report.summary().endswith("within the limits (max_blank_share 5 % per item column, "
                                     "max_reject_share 1 %)")
    assert report.failures(max_blank_share=0.04) == (
        "'q1' has 5.0 % of its 200 answers blanked (max_blank_share 4 %)",)
    raw.loc[[1, 2, 3], "resp_id"] = 1  # 1.5 % of the rows rejected as duplicates
    report = validate(six, raw, max_reject_share=0.01)
    assert report.failures() == ("1.5 % of the rows rejected (max_reject_share 1 %)",)
    raw.attrs["source"] = "svar.csv"
    with pytest.raises(ValidationLimitError) as exc:
        validate(six, raw).raise_if_failed()
    assert str(exc.value) == ("svar.csv: validation failed: 1.5 % of the rows rejected "
                              "(max_reject_share 1 %)")
    assert exc.value.report.n_rows == 200 and isinstance(exc.value, DataValidationError)
    validate(six, raw).raise_if_failed(max_reject_share=0.02)  # passes with a wider limit


def test_every_problem_keeps_the_identity(raw_mini: pd.DataFrame) -> None:
    report = load_questionnaire(MINI).validate(raw_mini)
    assert len(report.valid) + len(report.rejected_rows) == len(raw_mini)
    row_problems = {"duplicate_id", "missing_id", "unknown_year"}
    actions = report.rejects.set_index(["row", "column"])["action"]
    assert actions.loc[(13, "b1")] == "rejected"  # a bad answer in a rejected row
    assert actions.loc[(11, "a1")] == "blanked"
    assert set(report.rejects.loc[report.rejects["problem"].isin(row_problems), "action"]) == {
        "rejected"}
    assert np.isnan(report.valid.loc[11, "a1"]) and report.valid.loc[15, "a1"] != "x"


@pytest.fixture
def raw_mini() -> pd.DataFrame:
    return pd.DataFrame({
        "resp_id": [1, 2, 3, 3, 5, 6, 7, np.nan], "year": [2021] * 4 + [2019] + [2021] * 3,
        "a1": [1, 4, 1, 2, 1, "x", np.nan, 1], "a2": [1, 1, 1, 1, 1, 1, 8, 1],
        "a3": [2, 1, np.nan, 2, 1, 1, 1, 1], "a3_2018": [np.nan] * 8,
        "b1": [5, 5, 5, 11, 5, 5.5, 98, 5], "b2": [1] * 8,
    }, index=range(10, 18))


def test_text_answers_are_read_through_the_labels(six: Questionnaire, tmp_path: Path) -> None:
    data = pd.DataFrame({i: ["Helt enig", "enig", "Ved  ikke", "Uenig", "Helt uenig"]
                         for i in ITEMS})
    data.insert(0, "resp_id", [1.0, 2.0, 3.0, 4.0, 5.0])
    data.loc[4, "q6"] = "måske"
    path = tmp_path / "tekst.sav"
    pyreadstat.write_sav(data, str(path))  # an SPSS export with the answers as text
    report = validate(six, read_data(path))
    assert report.valid["q1"].tolist() == [1.0, 2.0, 98.0, 4.0, 5.0]
    assert report.valid["q6"].tolist()[:4] == [1.0, 2.0, 98.0, 4.0]
    assert np.isnan(report.valid["q6"].iloc[4])
    assert report.mapped == 29
    assert report.rejects[["column", "value", "problem", "action"]].values.tolist() == [
        ["q6", "måske", "not_a_number", "blanked"]]
    summary = report.summary()
    assert "  text answers read as codes through the spec's labels: 29" in summary
    assert ("q6 holds text that is neither a code nor a label of scale 'enig5' (e.g. 'måske'): "
            "use the codes or the spec's labels") in summary
    off = validate(six, read_data(path), map_labels=False)
    assert off.blanked_cells == 30 and off.mapped == 0


def test_text_answers_in_a_recoded_round_score_as_their_codes() -> None:
    q = load_questionnaire(MINI)
    as_codes = pd.DataFrame({"year": [2018, 2018, 2021], "a1": [1, 2, 3], "a2": [1, 1, 1],
                             "a3": [np.nan, np.nan, 1], "a3_2018": [3, 1, np.nan],
                             "b1": [5, 5, 5], "b2": [1, 1, 1]})
    as_text = as_codes.astype(object)
    as_text["a3_2018"] = ["Enig", "Uenig", None]  # canonical labels; 2018 codes are reversed
    as_text["a1"] = ["Enig", "Hverken enig eller uenig", "Uenig"]
    report = q.validate(as_text)
    assert report.ok or set(report.rejects["problem"]) <= set()
    assert report.valid["a3_2018"].tolist()[:2] == [3.0, 1.0]  # raw 2018 codes
    expected = q.score(q.validate(as_codes).valid)
    pd.testing.assert_frame_equal(q.score(report.valid)[["dim_a", "index"]],
                                  expected[["dim_a", "index"]])


def test_required_and_unusable_rows_are_rejected(six: Questionnaire) -> None:
    raw = _answers(6)
    raw["design_weight"] = [1.0, np.nan, 2.0, 1.0, 1.0, 1.0]
    raw["gruppe"] = ["a", "b", " ", "a", None, "b"]
    report = validate(six, raw, required={"design_weight": "weight", "gruppe": "group"},
                      unusable={"interview broken off": raw["resp_id"] == 6})
    got = report.rejects[["row", "column", "problem", "action"]].values.tolist()
    assert got == [[1, "design_weight", "missing_value", "rejected"],
                   [2, "gruppe", "missing_value", "rejected"],
                   [4, "gruppe", "missing_value", "rejected"],
                   [5, "", "unusable", "rejected"]]
    assert report.rejects["reason"].tolist()[:2] == [
        "missing weight (every respondent needs one)", "missing group (every respondent needs one)"]
    assert list(report.valid.index) == [0, 3]
    assert "interview broken off" in report.summary()
    with pytest.raises(DataValidationError, match=r"data lacks required column\(s\) "
                       r"'vaegt' \(weight\)"):
        validate(six, raw, required={"vaegt": "weight"})


def test_rows_in_the_file_name_rejects_and_duplicates(six: Questionnaire, tmp_path: Path) -> None:
    path = tmp_path / "svar.csv"
    lines = ["Tryghed 2024;;;;;;", "resp_id;" + ";".join(ITEMS)]
    lines += ["01;1;1;1;1;1;1", "1;1;9;1;1;1;1", "", "01;1;1;1;1;1;1", "1.0;1;1;1;1;1;1"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = read_data(path, text_columns=["resp_id"], row_column="source_row")
    report = validate(six, data)
    got = report.rejects[["source_row", "column", "problem", "reason"]].values.tolist()
    assert got[0] == [4, "q2", "unknown_code",
                      "unknown code (expected 1, 2, 3, 4, 5 or missing code 98, 99 for item "
                      "'q2')"]
    assert got[1] == [6, "resp_id", "duplicate_id", "duplicate resp_id (first in row 3)"]
    assert got[2] == [7, "resp_id", "duplicate_id", "duplicate resp_id (first in row 4)"]
    assert report.summary().startswith(f"{path}: seks: 4 rows, 2 kept, 2 rejected")
    both = pd.concat([data.assign(source_file="a.csv"), data.assign(source_file="b.csv")],
                     ignore_index=True)
    combined = validate(six, both)
    assert "  rows per file: a.csv 4, b.csv 4" in combined.summary()
    in_b = combined.rejects.loc[combined.rejects["source_file"] == "b.csv", "reason"]
    assert in_b.tolist()[:2] == ["duplicate resp_id (first in row 3 of a.csv)",
                                 "duplicate resp_id (first in row 4 of a.csv)"]


def test_a_5000_character_answer_is_shortened_in_the_summary(six: Questionnaire) -> None:
    raw = _answers(3).astype(object)
    raw.loc[1, "q3"] = "å" * 5000
    report = validate(six, raw)
    assert report.rejects["value"].iloc[0] == "å" * 5000  # the table keeps the value
    assert max(len(line) for line in report.summary().splitlines()) < 200
    assert "…' (5,000 characters)" in report.summary()


def test_validate_command_prints_the_summary_and_limits(
    six: Questionnaire, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    q = load_questionnaire("tryghed_trivsel")
    raw = pd.DataFrame({item.id: [item.codes[0]] * 40 for item in q.items})
    raw.insert(0, "resp_id", [f"{k:03d}" for k in range(40)])
    raw.loc[:3, "ot1_tryg_omraade"] = 9
    path = tmp_path / "svar.csv"
    raw.to_csv(path, sep=";", index=False)
    assert main(["validate", str(path), "-q", "tryghed_trivsel"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{path}: tryghed_trivsel: 40 rows, 40 kept, 0 rejected (0.0 %)"
    assert out[3] == ("    4 × code 9 in ot1_tryg_omraade is not declared in the spec: add it "
                      "under `missing:` of scale 'tryg5'")
    assert out[-2] == ("  FAILED: 'ot1_tryg_omraade' has 10.0 % of its 40 answers blanked "
                       "(max_blank_share 5 %)")
    assert main(["validate", str(path), "-q", "tryghed_trivsel",
                 "--max-blank-share", "0.2"]) == 1
    assert "  within the limits (max_blank_share 20 %" in capsys.readouterr().out
    rejects = pd.read_csv(tmp_path / "svar.rejects.csv")
    assert rejects["source_row"].tolist() == [2, 3, 4, 5]
    assert rejects["action"].unique().tolist() == ["blanked"]


def test_a_limit_error_from_any_command_exits_1_with_the_summary(
    six: Questionnaire, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = _answers(10)
    raw.loc[0, "q1"] = 9

    def run(args: argparse.Namespace) -> int:
        validate(six, raw).raise_if_failed()
        return 0

    register(Command("limit-test", "test", lambda parser: None, run))
    try:
        assert main(["limit-test"]) == 1
    finally:
        del COMMANDS["limit-test"]
    err = capsys.readouterr().err
    assert err.startswith("seks: 10 rows, 10 kept, 0 rejected (0.0 %)\n")
    assert "FAILED: 'q1' has 10.0 % of its 10 answers blanked" in err


def test_ids_compare_as_text(six: Questionnaire) -> None:
    raw = _answers(4).astype({"resp_id": object})
    raw["resp_id"] = ["1", "01", 1.0, " 2 "]
    raw.loc[3, "resp_id"] = "2"
    report = validate(six, raw)
    assert report.rejects["row"].tolist() == [2]  # 1.0 repeats "1"; "01" is someone else
