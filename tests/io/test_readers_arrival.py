"""Data files as they arrive: encodings, delimiters, number styles, title rows, archives,
ids as text, row numbers in the file; every failure a one-line message naming the file."""

from __future__ import annotations

import gzip
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyreadstat
import pytest

from survey_kit.errors import DataValidationError
from survey_kit.io import read_data, read_margins

ROWS = "resp_id,design_weight,by\n1,1.5,Køge\n2,2.5,Ishøj\n"


def _read(path: Path, **options: object) -> pd.DataFrame:
    return read_data(path, row_column="source_row", **options)  # type: ignore[arg-type]


def _one_line(exc: pytest.ExceptionInfo[DataValidationError], name: str) -> str:
    message = str(exc.value)
    assert "\n" not in message and name in message
    return message


# --- encodings ---------------------------------------------------------------------------

def test_stray_cp1252_byte_in_utf8_names_its_offset(tmp_path: Path) -> None:
    head = "resp_id,by\n1,Køge\n2,Ishøj\n3,K".encode()
    path = tmp_path / "svar.csv"
    path.write_bytes(head + "ø".encode("cp1252") + b"ge\n")
    with pytest.raises(DataValidationError) as exc:
        read_data(path)
    message = _one_line(exc, "svar.csv")
    assert f"mixed encodings: the file is UTF-8 (e.g. 'ø' at byte offset 14) but byte 0xF8 at " \
           f"byte offset {len(head)} (line 4) is not UTF-8" in message
    assert "save the file as UTF-8" in message


@pytest.mark.parametrize(("encoding", "name"), [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp1252", "cp1252"), ("utf-16", "utf-16"),
    ("utf-16-le", "utf-16"), ("utf-16-be", "utf-16"),
])
def test_each_encoding_reads_the_same_table(tmp_path: Path, encoding: str, name: str) -> None:
    path = tmp_path / "svar.csv"
    path.write_bytes(ROWS.encode(encoding))
    data = _read(path)
    assert list(data.columns) == ["resp_id", "design_weight", "by", "source_row"]
    assert data["by"].tolist() == ["Køge", "Ishøj"]
    assert data["design_weight"].tolist() == [1.5, 2.5]
    assert data.attrs["encoding"] == name


def test_bytes_no_encoding_explains(tmp_path: Path) -> None:
    path = tmp_path / "svar.csv"
    path.write_bytes(b"a,b\n1,\x81\n")
    with pytest.raises(DataValidationError, match=r"svar\.csv: cannot decode byte 0x81 at byte "
                       r"offset 6 \(line 2\) as Windows-1252; save the file as UTF-8"):
        read_data(path)
    binary = tmp_path / "bin.csv"
    binary.write_bytes(b"a,b\x00\x00\x00x\n")
    with pytest.raises(DataValidationError, match=r"bin\.csv: not a text file: NUL byte"):
        read_data(binary)


# --- delimiters and number styles ---------------------------------------------------------

def test_tab_separated_utf16_as_excel_saves_unicode_text(tmp_path: Path) -> None:
    path = tmp_path / "svar.csv"
    path.write_bytes("resp_id\tdesign_weight\tby\n1\t1,5\tKøge\n2\t2,25\tIshøj\n"
                     .encode("utf-16"))
    data = _read(path)
    assert data["design_weight"].tolist() == [1.5, 2.25]
    assert (data.attrs["delimiter"], data.attrs["number_style"]) == (
        "tab", "Danish style: 1.234,5")


def test_semicolon_decimal_comma_and_thousands(tmp_path: Path) -> None:
    path = tmp_path / "svar.csv"
    path.write_text("resp_id;design_weight;n\n1;1.234,5;1.000\n2;2,5;12\n3;-0,75;7\n",
                    encoding="utf-8")
    data = _read(path)
    assert data["design_weight"].tolist() == [1234.5, 2.5, -0.75]
    assert data["n"].tolist() == [1000, 12, 7] and data["n"].dtype == np.int64


def test_comma_file_with_quoted_thousands_and_point_decimals(tmp_path: Path) -> None:
    path = tmp_path / "svar.csv"
    path.write_text('resp_id,design_weight\n1,"1,234.5"\n2,2.5\n', encoding="utf-8")
    assert _read(path)["design_weight"].tolist() == [1234.5, 2.5]


def test_point_decimals_in_a_semicolon_file_are_read_as_plain_decimals(tmp_path: Path) -> None:
    path = tmp_path / "svar.csv"
    path.write_text("resp_id;design_weight\n1;1.5\n2;2.25\n", encoding="utf-8")
    assert _read(path)["design_weight"].tolist() == [1.5, 2.25]


def test_a_header_that_does_not_split(tmp_path: Path) -> None:
    path = tmp_path / "svar.csv"
    path.write_text("resp_id|design_weight|by\n1|1.5|x\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as exc:
        read_data(path)
    assert _one_line(exc, "svar.csv").endswith(
        "the header does not split on comma, semicolon or tab (found one column "
        "'resp_id|design_weight|by'); save the file as CSV with one of those")


def test_a_row_with_too_many_fields_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "svar.csv"
    path.write_text("Titel\n\nresp_id;by\n1;Køge\n2;Ishøj;x\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"svar\.csv: cannot read \.csv file: line 5 "
                       r"has 3 fields but the header \(row 3\) has 2; a semicolon inside a "
                       r"value must be quoted"):
        read_data(path)


def test_weights_that_are_not_numbers_name_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "svar.csv"
    path.write_text("resp_id;design_weight\n1;1,5\n2;n/a\n", encoding="utf-8")
    assert read_data(path)["design_weight"].tolist() == ["1,5", "n/a"]  # kept as text
    with pytest.raises(DataValidationError) as exc:
        read_data(path, numeric_columns=["design_weight"])
    assert _one_line(exc, "svar.csv").endswith(
        "row 3, column 'design_weight': expected a number (Danish style: 1.234,5), "
        "found 'n/a'")
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("resp_id;design_weight\n01;1.234,5\n02;1.5\n", encoding="utf-8")
    assert read_data(mixed, numeric_columns=["design_weight"])["design_weight"].tolist() == [
        1234.5, 1.5]


def test_a_5000_character_value_is_shortened_in_messages(tmp_path: Path) -> None:
    path = tmp_path / "svar.csv"
    path.write_text(f"resp_id,design_weight\n1,{'x' * 5000}\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as exc:
        read_data(path, numeric_columns=["design_weight"])
    message = _one_line(exc, "svar.csv")
    assert len(message) < 300 and message.endswith("…' (5,000 characters)")


# --- header rows, blank rows, row numbers -----------------------------------------------------

def test_csv_title_rows_blank_lines_and_quoted_line_breaks(tmp_path: Path) -> None:
    path = tmp_path / "svar.csv"
    path.write_text('Tryghedsmåling 2024;;\nUdtræk 1. februar;;\n;;\nresp_id;design_weight;'
                    'kommentar\n1;1,5;ok\n\n2;2,5;"to\nlinjer"\n3;1;\n', encoding="utf-8")
    data = _read(path)
    assert data["resp_id"].tolist() == [1, 2, 3]
    assert data["source_row"].tolist() == [5, 7, 8]  # spreadsheet rows; header is row 4
    assert data.attrs["header_row"] == 4 and data.attrs["blank_rows"] == 1
    assert data["kommentar"].tolist()[:2] == ["ok", "to\nlinjer"]


def _sheet(path: Path, rows: dict[int, list[object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    for number, values in rows.items():
        for column, value in enumerate(values, start=1):
            sheet.cell(number, column, value)
    book.save(path)
    return path


def test_excel_title_rows_are_skipped_and_rows_are_sheet_rows(tmp_path: Path) -> None:
    path = _sheet(tmp_path / "svar.xlsx", {
        1: ["Tryghedsmåling 2024"], 2: ["Udtrukket 1. februar"],
        4: ["resp_id", "design_weight", "ot1_tryg_omraade"],
        5: ["01", 1.5, 3], 7: ["02", "2,5", None],
    })
    data = _read(path)
    assert data["source_row"].tolist() == [5, 7]
    assert data["resp_id"].tolist() == ["01", "02"]
    assert data["design_weight"].tolist() == [1.5, 2.5]
    assert data.attrs["header_row"] == 4


def test_two_header_rows_are_ambiguous(tmp_path: Path) -> None:
    path = _sheet(tmp_path / "svar.xlsx", {
        1: ["Respondent", "Vægt", "Hvor tryg føler du dig?"],
        2: ["resp_id", "design_weight", "ot1_tryg_omraade"], 3: [1, 1.5, 3],
    })
    with pytest.raises(DataValidationError) as exc:
        read_data(path)
    assert _one_line(exc, "svar.xlsx").endswith(
        "cannot tell which row holds the column names: rows 1 and 2 both look like headers; "
        "delete the extra row above the data (or pass header_row= to read_data)")
    assert list(read_data(path, header_row=2).columns) == [
        "resp_id", "design_weight", "ot1_tryg_omraade"]


@pytest.mark.parametrize(("text", "message"), [
    ("", "svar.csv: empty file (expected a header row and data rows)"),
    ("  \n\n", "svar.csv: empty file (expected a header row and data rows)"),
    ("resp_id,design_weight\n", "svar.csv: no data rows below the header (row 1); expected "
                                "one row per respondent"),
    ("resp_id;design_weight\n;\n\n", "svar.csv: no data rows below the header (row 1); "
                                     "expected one row per respondent"),
])
def test_empty_and_header_only_files(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "svar.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataValidationError) as exc:
        read_data(path)
    assert _one_line(exc, "svar.csv").endswith(message)


def test_empty_and_header_only_sheets_and_spss(tmp_path: Path) -> None:
    empty = _sheet(tmp_path / "tom.xlsx", {})
    with pytest.raises(DataValidationError, match=r"tom\.xlsx: empty sheet"):
        read_data(empty)
    header = _sheet(tmp_path / "hoved.xlsx", {1: ["resp_id", "design_weight"]})
    with pytest.raises(DataValidationError, match=r"hoved\.xlsx: no data rows below the header "
                       r"\(row 1\)"):
        read_data(header)
    sav = tmp_path / "tom.sav"
    pyreadstat.write_sav(pd.DataFrame({"resp_id": pd.Series(dtype=float)}), str(sav))
    with pytest.raises(DataValidationError, match=r"tom\.sav: no respondents \(0 cases\)"):
        read_data(sav)


# --- archives ---------------------------------------------------------------------------

def test_csv_gz_and_zip_with_one_data_file(tmp_path: Path) -> None:
    gz = tmp_path / "svar.csv.gz"
    gz.write_bytes(gzip.compress(ROWS.encode("cp1252")))
    archive = tmp_path / "svar.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("eksport/svar_2024.csv", ROWS)
        out.writestr("__MACOSX/eksport/._svar_2024.csv", "x")
        out.writestr("LÆSMIG.txt", "Svar fra 2024")
    for path in (gz, archive):
        data = _read(path)
        assert data["by"].tolist() == ["Køge", "Ishøj"]
        assert data["source_row"].tolist() == [2, 3] and data.attrs["format"] == "csv"
        assert data.attrs["source"] == str(path)


def test_zip_holding_spss_and_bad_archives(tmp_path: Path) -> None:
    sav = tmp_path / "svar.sav"
    pyreadstat.write_sav(pd.DataFrame({"resp_id": [1.0, 2.0], "q": [1.0, 98.0]}), str(sav),
                         missing_ranges={"q": [98.0]})
    archive = tmp_path / "spss.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.write(sav, "svar.sav")
    data = _read(archive)
    assert data["q"].tolist() == [1.0, 98.0] and data.attrs["missing_ranges"]["q"]
    two = tmp_path / "to.zip"
    with zipfile.ZipFile(two, "w") as out:
        out.writestr("a.csv", ROWS)
        out.writestr("b.xlsx", "x")
    with pytest.raises(DataValidationError, match=r"to\.zip: expected exactly one data file "
                       r"\(.*\) in the zip archive, found 2: a\.csv, b\.xlsx"):
        read_data(two)
    broken = tmp_path / "svar2.csv.gz"
    broken.write_bytes(b"not gzip")
    with pytest.raises(DataValidationError, match=r"svar2\.csv\.gz: not a valid gzip file"):
        read_data(broken)
    fake = tmp_path / "falsk.zip"
    fake.write_bytes(b"PK not really")
    with pytest.raises(DataValidationError, match=r"falsk\.zip: not a valid zip file"):
        read_data(fake)


def test_errors_inside_a_zip_name_archive_and_member(tmp_path: Path) -> None:
    archive = tmp_path / "svar.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("svar_2024.csv", "resp_id;design_weight\n1;x\n")
    with pytest.raises(DataValidationError, match=r"svar\.zip \(svar_2024\.csv\): row 2, column "
                       r"'design_weight': expected a number"):
        read_data(archive, numeric_columns=["design_weight"])


# --- ids and text -----------------------------------------------------------------------

def test_ids_1_and_01_are_different_respondents(tmp_path: Path) -> None:
    path = tmp_path / "svar.csv"
    path.write_text("resp_id;kommune\n1;0101\n01;0102\n001;0103\n", encoding="utf-8")
    data = read_data(path)
    assert data["resp_id"].tolist() == ["1", "01", "001"]
    assert data["kommune"].tolist() == ["0101", "0102", "0103"]  # any leading zero: text
    plain = tmp_path / "plain.csv"
    plain.write_text("resp_id;q\n1;1\n2;2\n", encoding="utf-8")
    assert read_data(plain, text_columns=["resp_id"])["resp_id"].tolist() == ["1", "2"]
    assert read_data(plain)["resp_id"].tolist() == [1, 2]


def test_missing_tokens_and_booleans(tmp_path: Path) -> None:
    path = tmp_path / "svar.csv"
    path.write_text("resp_id,menapt,q\n1,TRUE,NA\n2,false,\n3,True,3\n", encoding="utf-8")
    data = read_data(path)
    assert data["menapt"].tolist() == [True, False, True]
    assert data["q"].isna().tolist() == [True, True, False]


def test_margins_name_the_line_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "margins.csv"
    path.write_text("Registertal 2024;;;\n;;;\ngroup;variable;level;total\n"
                    "a;gender;mand;1.480\n\na;gender;kvinde;mange\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"margins\.csv, line 6: column 'total': "
                       r"expected a number >= 0, found 'mange'"):
        read_margins(path)
    path.write_text(path.read_text(encoding="utf-8").replace("mange", "1.520"), encoding="utf-8")
    margins = read_margins(path)
    assert margins["total"].tolist() == [1480.0, 1520.0] and "rows" not in margins.attrs
