"""Readers and writers: SPSS round trip with labels, CSV/Excel/Parquet, margins checks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest

from survey_kit.errors import DataValidationError
from survey_kit.io import read_data, read_margins, write_sav
from survey_kit.spec import Questionnaire, load_questionnaire


@pytest.fixture(scope="module")
def tryghed() -> Questionnaire:
    return load_questionnaire("tryghed_trivsel")


# --- SPSS -------------------------------------------------------------------------------

def test_sav_round_trip_keeps_labels_and_user_missing(
    tmp_path: Path, tryghed: Questionnaire
) -> None:
    data = pd.DataFrame({
        "resp_id": [1.0, 2.0, 3.0],
        "kommune": ["Aarhus", "Køge", "Ishøj"],
        "ot1_tryg_omraade": [1.0, 98.0, np.nan],
        "lk1_livstilfredshed": [0.0, 10.0, 99.0],
    })
    path = write_sav(data, tmp_path / "svar.sav", tryghed)
    back = read_data(path)
    pd.testing.assert_frame_equal(back, data, check_dtype=False)
    labels = back.attrs["value_labels"]
    assert labels["ot1_tryg_omraade"][1.0] == "Meget tryg"
    assert labels["ot1_tryg_omraade"][99.0] == "Ønsker ikke at svare"
    assert labels["lk1_livstilfredshed"] == {
        0.0: "Slet ikke tilfreds", 10.0: "Fuldt ud tilfreds", 98.0: "Ved ikke",
        99.0: "Ønsker ikke at svare",
    }
    missing = back.attrs["missing_ranges"]["ot1_tryg_omraade"]
    assert missing == [{"lo": 98.0, "hi": 98.0}, {"lo": 99.0, "hi": 99.0}]
    assert back.attrs["column_labels"]["ot1_tryg_omraade"] == tryghed.item(
        "ot1_tryg_omraade").text
    assert back.attrs["source"] == str(path) and back.attrs["format"] == "sav"
    # a second round trip keeps the labels of columns outside the spec as well
    back.attrs["value_labels"]["resp_id"] = {1.0: "første"}
    again = read_data(write_sav(back, tmp_path / "igen.sav", tryghed))
    assert again.attrs["value_labels"]["resp_id"] == {1.0: "første"}
    assert again.attrs["missing_ranges"] == back.attrs["missing_ranges"]


def test_sav_written_by_pyreadstat_keeps_user_missing_codes(
    tmp_path: Path, tryghed: Questionnaire
) -> None:
    data = pd.DataFrame({item.id: [1.0, 2.0] for item in tryghed.items})
    data["ot2_tryg_moerke"] = [98.0, 2.0]
    path = tmp_path / "spss.sav"
    pyreadstat.write_sav(data, str(path), missing_ranges={"ot2_tryg_moerke": [98.0, 99.0]},
                         variable_value_labels={"ot2_tryg_moerke": {98.0: "Ved ikke"}})
    back = read_data(path)
    assert back["ot2_tryg_moerke"].tolist() == [98.0, 2.0]  # not turned into NaN
    report = tryghed.validate(back)
    assert report.ok
    assert np.isnan(tryghed.score(report.valid)["ot2_tryg_moerke_pos"].iloc[0])


def test_write_sav_failure_leaves_no_file(tmp_path: Path, tryghed: Questionnaire) -> None:
    data = pd.DataFrame({"x y": [1, 2]})
    with pytest.raises(DataValidationError,
                       match=r"bad\.sav: cannot write SPSS file: .*'x y' contains a space"):
        write_sav(data, tmp_path / "bad.sav", tryghed)
    assert list(tmp_path.iterdir()) == []


def test_unreadable_sav(tmp_path: Path) -> None:
    path = tmp_path / "broken.sav"
    path.write_bytes(b"not an spss file")
    with pytest.raises(DataValidationError, match=r"broken\.sav: cannot read \.sav file"):
        read_data(path)


# --- CSV, Excel, Parquet -----------------------------------------------------------------

def test_csv_comma_and_danish_semicolon(tmp_path: Path) -> None:
    comma = tmp_path / "a.csv"
    comma.write_text("resp_id,vaegt,kommune\n1,1.5,Køge\n2,2.5,Ishøj\n", encoding="utf-8")
    danish = tmp_path / "b.csv"
    danish.write_bytes("resp_id;vaegt;kommune\n1;1,5;Køge\n2;2,5;Ishøj\n".encode("cp1252"))
    for path in (comma, danish):
        data = read_data(path)
        assert data["vaegt"].tolist() == [1.5, 2.5]
        assert data["kommune"].tolist() == ["Køge", "Ishøj"]
        assert data.attrs["format"] == "csv"


def test_csv_problems_name_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n3,4,5\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"bad\.csv: cannot read \.csv file: .*line 3"):
        read_data(bad)
    dup = tmp_path / "dup.csv"
    dup.write_text("a,b,a\n1,2,3\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"dup\.csv: column 3: duplicate column name 'a'"):
        read_data(dup)
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"empty\.csv: empty file"):
        read_data(empty)


def test_missing_and_unsupported_files(tmp_path: Path) -> None:
    with pytest.raises(DataValidationError, match=r"nope\.csv: data file not found"):
        read_data(tmp_path / "nope.csv")
    text = tmp_path / "data.txt"
    text.write_text("a\n1\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"data\.txt: unsupported file type '\.txt'"):
        read_data(text)


def test_excel_and_parquet(tmp_path: Path) -> None:
    data = pd.DataFrame({"resp_id": [1, 2], "ot1_tryg_omraade": [1, 5], "navn": ["Å", "Ø"]})
    data.to_excel(tmp_path / "d.xlsx", index=False, sheet_name="svar")
    data.to_parquet(tmp_path / "d.parquet")
    for path in (tmp_path / "d.xlsx", tmp_path / "d.parquet"):
        pd.testing.assert_frame_equal(read_data(path), data, check_dtype=False)
    assert read_data(tmp_path / "d.xlsx", sheet="svar")["navn"].tolist() == ["Å", "Ø"]
    with pytest.raises(DataValidationError, match=r"d\.xlsx: cannot read \.xlsx file: .*andet"):
        read_data(tmp_path / "d.xlsx", sheet="andet")


# --- margins ----------------------------------------------------------------------------

GOOD_MARGINS = """year,group,variable,level,total
2018,helhedsplan,gender,mand,480
2018,helhedsplan,gender,kvinde,520
2018,helhedsplan,age_group,18-29,300
2018,helhedsplan,age_group,30+,700
2021,helhedsplan,gender,mand,500
2021,helhedsplan,gender,kvinde,500
2021,helhedsplan,age_group,18-29,250
2021,helhedsplan,age_group,30+,750
"""


def _margins(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "margins.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_read_margins(tmp_path: Path) -> None:
    margins = read_margins(_margins(tmp_path, GOOD_MARGINS))
    assert list(margins.columns) == ["year", "group", "variable", "level", "total"]
    assert margins["total"].dtype == float
    assert margins["total"].sum() == 4000.0
    explicit = read_margins(_margins(tmp_path, GOOD_MARGINS), by=["year", "group"])
    pd.testing.assert_frame_equal(explicit, margins)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.replace(",480", ",-480"),
         r"margins\.csv, line 2: column 'total': expected a number >= 0, found -480"),
        (lambda t: t.replace(",520", ",mange"),
         r"margins\.csv, line 3: column 'total': expected a number >= 0, found 'mange'"),
        (lambda t: t.replace("gender,kvinde", "gender,"),
         r"margins\.csv, line 3: variable 'gender' has both levels and a total with an "
         r"empty level"),
        (lambda t: t.replace("age_group,30+,700", "age_group,18-29,700"),
         r"margins\.csv, line 5: duplicate margin age_group='18-29' \(also at .*line 4\)"),
        (lambda t: t.replace("age_group,30+,750", "age_group,30+,760"),
         r"margins\.csv: margins disagree in group year=2021, group=helhedsplan: "
         r"variable 'gender' sums to 1000 but 'age_group' to 1010"),
        (lambda t: t.replace("year,group,variable,level,total", "year,group,variable,niveau,total"),
         r"margins\.csv: margins lack column\(s\) level"),
    ],
)
def test_bad_margins(tmp_path: Path, change: object, message: str) -> None:
    assert callable(change)
    with pytest.raises(DataValidationError, match=message):
        read_margins(_margins(tmp_path, change(GOOD_MARGINS)))


def test_margins_by_and_consistency_options(tmp_path: Path) -> None:
    path = _margins(tmp_path, GOOD_MARGINS)
    with pytest.raises(DataValidationError, match=r"unexpected column\(s\) group \(by is year\)"):
        read_margins(path, by=["year"])
    with pytest.raises(DataValidationError, match=r"by column\(s\) area not found"):
        read_margins(path, by=["year", "group", "area"])
    uneven = _margins(tmp_path, GOOD_MARGINS.replace(",750", ",760"))
    assert len(read_margins(uneven, check_totals=False)) == 8
