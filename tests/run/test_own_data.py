"""The run on one's own data files: every message names the file as the configuration does
and the row in that file, the summary says what was read, blanked and rejected, and every
malformed input or configuration stops with one line that says what is wrong."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from survey_kit.run import stages
from survey_kit.run.config import load_config
from survey_kit.run.result import RunLog
from survey_kit.spec import load_questionnaire


def _one_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def _set(rows: list[list[str]], data_row: int, column: str, value: str) -> list[list[str]]:
    """``rows`` with one cell changed (``data_row`` 1 is the first row below the header)."""
    out = [list(r) for r in rows]
    out[data_row][rows[0].index(column)] = value
    return out


def test_rows_are_named_in_their_own_file(project, capsys: pytest.CaptureFixture[str]) -> None:
    """A blank weight in the 5th data row of the 2024 file rejects that row and is reported
    as row 6 of data/survey_2024.csv (the header is row 1), never as a row of the combined
    data; ids '1' and '0001' are two respondents."""
    def edit(year: int, rows: list[list[str]]) -> list[list[str]]:
        if year == 2024:
            rows = _set(_set(rows, 5, "vaegt", ""), 7, "resp_id", "1")
        return _set(rows, 1, "resp_id", "0001") if year == 2023 else rows

    project.write(edit=edit)
    code, err = project.run(capsys)
    assert code == 0, err
    rejects = pd.read_csv(project.root / "out" / "kontrol" / "afviste_svar.csv", dtype=str)
    row = rejects[rejects["action"] == "rejected"]
    assert row[["source_file", "source_row", "column"]].values.tolist() == [
        ["data/survey_2024.csv", "6", "vaegt"]]
    lines = err.splitlines()
    assert lines[0] == "survey_2024: 400 rows, 399 kept, 1 rejected (0.2 %)"
    assert lines[1] == "  rows read per file: data/survey_2023.csv 200, data/survey_2024.csv 200"
    assert "  cells blanked: 1 of 3,116 answers (<0.1 %) in 1 respondent" in lines
    assert "1 × vaegt is blank: every respondent needs one" in err
    assert lines[-2].startswith("  within the limits (max_blank_share 5 %")
    assert lines[-1] == ("  note: [labels.texts] has no survey_name, topic, population: the "
                         "reports use 'survey_2024 (TODO: title)' (the questionnaire's title), "
                         "'Tryghed i egne data' (the run's name) and 'de adspurgte'")


def test_an_undeclared_code_stops_at_the_limits_with_the_summary(
        project, capsys: pytest.CaptureFixture[str]) -> None:
    """Code 9 ("ved ikke") left out of the spec: the cells are blanked, not the respondents,
    and beyond max_blank_share the run stops with exit 1, the summary and its hint."""
    spec = re.sub(r"    missing:[^\n]*\n      9: \{[^\n]*\n", "", project.spec)
    assert spec != project.spec
    project.write(spec=spec)
    code, err = project.run(capsys)
    assert code == 1
    assert "400 rows, 400 kept, 0 rejected" in err
    assert "  cells blanked: 112 of 3,124 answers (3.6 %) in 100 respondents" in err
    assert ("111 × code 9 in tryg1–trivsel3 is not declared in the spec: add it under "
            "`missing:` of scale 's1_5'") in err
    assert ("  FAILED: 'trivsel3' has 5.6 % of its 394 answers blanked (max_blank_share 5 %); "
            "and 1 more") in err
    last = err.strip().splitlines()[-1]
    assert last.startswith("survey-kit: ") and "run.toml: the run stopped: 'trivsel3' has " in last
    assert "raise the limits in [validation]" in last
    assert not (project.root / "out").exists() and not list(project.root.glob(".out*"))
    project.write(spec=spec, extra="[validation]\nmax_blank_share = 0.06\n")
    assert "  within the limits (max_blank_share 6 % per item column" in project.summary()


@pytest.mark.parametrize(
    "content,message",
    [("", r"^survey-kit: error: data/survey_2023.csv: empty file \(expected a header row and "
          r"data rows\)$"),
     ("header", r"^survey-kit: error: data/survey_2023.csv: no data rows below the header "
                r"\(row 1\); expected one row per respondent$")],
)
def test_an_empty_or_header_only_file_is_named(
        project, capsys: pytest.CaptureFixture[str], content: str, message: str) -> None:
    project.write()
    text = (project.root / "data" / "survey_2023.csv").read_text(encoding="utf-8")
    header = text.splitlines()[0] + "\n"
    (project.root / "data" / "survey_2023.csv").write_text(
        header if content else "", encoding="utf-8")
    code, err = project.run(capsys)
    assert code == 2 and re.match(message, _one_error(err)), err


def test_a_round_without_respondents_is_named(project, capsys: pytest.CaptureFixture[str]
                                              ) -> None:
    margins = "aar,variable,level,total\n" + "".join(
        f"{y},koen,{k},{n}\n" for y in (2022, 2023, 2024) for k, n in (("kvinde", 500),
                                                                         ("mand", 480)))
    project.write(extra='[weighting]\nmargins = "margins.csv"\nby = ["aar"]\n')
    (project.root / "margins.csv").write_text(margins, encoding="utf-8")
    code, err = project.run(capsys)
    assert code == 2
    assert _one_error(err) == (
        "survey-kit: error: round 2022: the margins (margins.csv) have targets for aar=2022 "
        "but the data have no respondents there; check the data files and the round of each")


def test_every_respondent_of_a_round_rejected_names_the_round(
        project, capsys: pytest.CaptureFixture[str]) -> None:
    def edit(year: int, rows: list[list[str]]) -> list[list[str]]:
        return [rows[0], *(_set(rows, i, "gruppe", "")[i] for i in range(1, len(rows)))] \
            if year == 2023 else rows

    project.write(edit=edit, extra="[validation]\nmax_reject_share = 1.0\n")
    code, err = project.run(capsys)
    assert code == 2
    assert _one_error(err.splitlines()[-1]) == (
        "survey-kit: error: data/survey_2023.csv: round 2023 has no usable respondents "
        "(rounds with respondents: 2024)")


def test_thousands_separators_and_decimal_commas_in_weights(project) -> None:
    def edit(year: int, rows: list[list[str]]) -> list[list[str]]:
        return _set(_set(rows, 1, "vaegt", "1.026,7"), 2, "vaegt", "12.345")

    project.write(edit=edit)
    cfg = load_config(project.config)
    raw = stages.read_inputs(cfg, RunLog(), q=load_questionnaire(cfg.spec))
    assert raw["vaegt"].dtype == float
    assert raw.loc[[0, 1, 2], "vaegt"].tolist() == [1026.7, 12345.0, 28.54]
    assert raw.loc[[0, 200], "source_row"].tolist() == [2, 2]


def test_upper_case_column_names_are_matched_with_a_note(project) -> None:
    def edit(year: int, rows: list[list[str]]) -> list[list[str]]:
        return [[c.upper() for c in rows[0]], *rows[1:]] if year == 2024 else rows

    project.write(edit=edit)
    err = project.summary()
    assert ("  note: data/survey_2024.csv: 15 column names matched ignoring case: 'RESP_ID' as "
            "'resp_id', 'VAEGT' as 'vaegt', 'AFDELING' as 'afdeling', 'AAR' as 'aar', "
            "'OMRAADE' as 'omraade' and 10 more") in err.splitlines()
    assert "400 rows, 400 kept" in err


def test_an_item_column_missing_in_one_round_names_the_file(
        project, capsys: pytest.CaptureFixture[str]) -> None:
    def edit(year: int, rows: list[list[str]]) -> list[list[str]]:
        drop = rows[0].index("tryg3")
        return [r[:drop] + r[drop + 1:] for r in rows] if year == 2023 else rows

    project.write(edit=edit)
    code, err = project.run(capsys)
    assert code == 2
    assert _one_error(err) == (
        "survey-kit: error: data/survey_2023.csv (round 2023): lacks 1 item column(s) of "
        "questionnaire 'survey_2024': tryg3; if the item was not asked in that round, mark it "
        "with new_in/dropped_in in the spec")
    spec = project.spec.replace("  - id: tryg3\n", "  - id: tryg3\n    new_in: 2024\n")
    project.write(edit=edit, spec=spec)
    assert "400 rows, 400 kept" in project.summary()


@pytest.mark.parametrize(
    "extra,message",
    [('[comparison]\ngroups = ["helhedsplan", "sammenligningen"]',
      "[comparison] groups: 'sammenligningen' is not a value of column 'gruppe' in the data "
      "(found: helhedsplan, sammenligning); did you mean 'sammenligning'?"),
     ('[labels.koen]\nK = "Kvinder"\nM = "Mænd"',
      "[labels.koen]: key 'K' matches no value of column 'koen' (values found: kvinde, mand); "
      "without a matching key the reports show the raw value"),
     ('[labels.kon]\nkvinde = "Kvinder"',
      "[labels.kon]: the data have no column 'kon'; did you mean 'koen'?"),
     ('[labels.phrases]\nsammenligningsgruppe = "sammenligningsområderne"',
      "[labels.phrases]: key 'sammenligningsgruppe' matches no value of column 'gruppe' "
      "(values found: helhedsplan, sammenligning); did you mean 'sammenligning'?; without a "
      "matching key the reports show the raw value"),
     ('[design]\nstrata = "stratum"',
      "data/survey_2023.csv, data/survey_2024.csv: the strata column 'stratum' ([design]) is "
      "not in the data")],
)
def test_configured_values_are_checked_against_the_data(
        project, capsys: pytest.CaptureFixture[str], extra: str, message: str) -> None:
    project.write()
    text = project.config.read_text(encoding="utf-8")
    if extra.startswith("[comparison]"):
        text = text.replace('groups = ["helhedsplan", "sammenligning"]\n', "")
        extra = extra.replace("[comparison]\n", "")
        text = text.replace('[comparison]\n', f"[comparison]\n{extra}\n")
    elif extra.startswith("[design]"):
        text = text.replace("[design]\n", f"{extra}\n")
    else:
        text += extra + "\n"
    project.config.write_text(text, encoding="utf-8")
    code, err = project.run(capsys)
    assert code == 2
    where = "" if extra.startswith("[design]") else f"{project.config}: "
    assert _one_error(err) == f"survey-kit: error: {where}{message}"


def test_a_label_key_for_an_absent_category_is_a_note(project) -> None:
    project.write(extra='[labels.koen]\nkvinde = "Kvinder"\nmand = "Mænd"\nandet = "Andet"\n')
    err = project.summary()
    assert ("  note: [labels.koen]: 'andet' match no value of column 'koen' in the data (not "
            "shown)") in err.splitlines()


def test_notes_on_the_design_and_areas(project) -> None:
    """A PSU id in two strata and focus-group rows without an area run, with a note each."""
    def edit(year: int, rows: list[list[str]]) -> list[list[str]]:
        area = rows[0].index("omraade")
        out = [[*rows[0], "stratum"], *([*r, "S" + r[area][:1]] for r in rows[1:])]
        if year == 2024:
            out[3][-1] = "S9"  # its afdeling is in stratum S<first letter> elsewhere
            for i in (1, 2, 3):
                out[i][area] = ""
        return out

    project.write(edit=edit)
    text = project.config.read_text(encoding="utf-8")
    project.config.write_text(text.replace("[design]\n", '[design]\nstrata = "stratum"\n'),
                              encoding="utf-8")
    notes = [line for line in project.summary().splitlines() if line.startswith("  note: ")]
    assert ("  note: 3 rows of 'helhedsplan' have no 'omraade' (first: data/survey_2024.csv row "
            "2): they count in the group's figures but on no area's page") in notes
    assert ("  note: 1 id(s) of 'afdeling' occur in more than one 'stratum' (e.g. 'ENG-1' in "
            "S9, SE): each is read as a different PSU per stratum; if a PSU really belongs to "
            "one stratum, correct the data") in notes
