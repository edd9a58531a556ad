"""The significance workbook (openpyxl reads it back) and the tidy CSV."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from report_fixtures import (
    BANNER,
    VARIABLES,
    make_change_contrasts,
    make_estimates,
    make_group_contrasts,
)

from survey_kit.report import (
    ReportInputError,
    SignificanceInput,
    VariableInfo,
    build_significance_tables,
    suppress,
    write_significance_workbook,
    write_tidy_csv,
)


def find_row(ws, label: str) -> int:
    for row in ws.iter_rows(min_col=1, max_col=1):
        if row[0].value == label:
            return row[0].row
    raise AssertionError(f"no row labelled {label!r}")


def test_workbook_structure(significance_input: SignificanceInput, tmp_path: Path) -> None:
    path = write_significance_workbook(significance_input, tmp_path / "sig.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Indhold", "Oplevet tryghed", "Tillid",
                             "Føler sig grundlæggende tryg"]
    ws = wb["Oplevet tryghed"]
    assert ws["A1"].value == "Oplevet tryghed"
    assert [ws.cell(4, c).value for c in (3, 7, 9)] == [
        "Områder med helhedsplan", "Almene boliger", "Hele befolkningen"]
    assert [ws.cell(5, c).value for c in range(3, 13, 2)] == ["2018", "2021", "2021", "2018",
                                                              "2021"]
    assert [ws.cell(6, c).value for c in range(3, 13, 2)] == ["(A)", "(B)", "(C)", "(D)", "(E)"]
    assert ws.freeze_panes == "C7"
    assert ws["A7"].value == "I alt" and ws["B8"].value == "n"
    assert ws["B9"].value == "Effektivt n"
    assert ws["C8"].value == 400 and ws["C9"].value == 267
    assert ws["C7"].number_format == "0.0"
    idx = wb["Indhold"]
    links = [c.hyperlink.location for c in idx["A"] if c.hyperlink is not None]
    assert "'Tillid'!A1" in links
    notes = " ".join(str(c.value) for c in ws["A"] if c.value)
    assert "Taylor-linearisering" in notes and "5 %" in notes and "Holms metode" in notes


def test_significance_letters_and_arrows(significance_input: SignificanceInput,
                                         tmp_path: Path) -> None:
    tables = {t.variable.id: t for t in build_significance_tables(significance_input)}
    t = tables["oplevet_tryghed"]
    total = t.cells[0]
    letters = {c.letter: cell for c, cell in zip(t.columns, total, strict=True)}
    # befolkning 2021 (E) is significantly higher than helhedsplan 2021 (B) and almene (C)
    assert letters["E"].letters == "BC"
    assert letters["D"].letters == "A"  # only columns of the same round
    assert letters["E"].change == "▲"
    wb = openpyxl.load_workbook(write_significance_workbook(significance_input,
                                                            tmp_path / "s.xlsx"))
    ws = wb["Oplevet tryghed"]
    assert ws["L7"].value == "BC ▲"
    assert ws["J7"].value == "A"


def test_suppressed_cells_show_dash(significance_input: SignificanceInput,
                                    tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(write_significance_workbook(significance_input,
                                                            tmp_path / "s.xlsx"))
    ws = wb["Tillid"]
    r = find_row(ws, "18–29 år")
    assert ws.cell(r, 7).value == "–"  # almene 2021, n = 6
    assert ws.cell(r + 1, 7).value == "–" and ws.cell(r + 2, 7).value == "–"
    r2 = find_row(ws, "30–49 år")  # complementary
    assert ws.cell(r2, 7).value == "–"
    assert isinstance(ws.cell(r, 5).value, float)
    notes = " ".join(str(c.value) for c in ws["A"] if c.value)
    assert "under 10 besvarelser" in notes


def test_formula_label_is_stored_as_text(tmp_path: Path) -> None:
    est = make_estimates()
    sup = suppress(est)
    variables = (VariableInfo("oplevet_tryghed", '=HYPERLINK("http://x","klik")'),
                 *VARIABLES[1:])
    data = SignificanceInput(estimates=sup.estimates, variables=variables, banner=BANNER)
    wb = openpyxl.load_workbook(write_significance_workbook(data, tmp_path / "f.xlsx"))
    cell = wb[wb.sheetnames[1]]["A1"]
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"


def test_input_requires_suppression_and_known_variables() -> None:
    est = make_estimates()
    with pytest.raises(ReportInputError, match="suppress"):
        SignificanceInput(estimates=est, variables=VARIABLES, banner=BANNER)
    sup = suppress(est)
    with pytest.raises(ReportInputError, match="no label"):
        SignificanceInput(estimates=sup.estimates, variables=VARIABLES[:1], banner=BANNER)
    with pytest.raises(ReportInputError, match="identify respondents"):
        SignificanceInput(estimates=sup.estimates.assign(resp_id=1), variables=VARIABLES,
                          banner=BANNER)


def test_tidy_csv(significance_input: SignificanceInput, tmp_path: Path) -> None:
    path = write_tidy_csv(significance_input, tmp_path / "t.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(path, encoding="utf-8-sig")
    assert {"variable", "row_label", "column_letter", "estimate", "higher_than",
            "suppressed"} <= set(frame.columns)
    hidden = frame[frame["suppressed"]]
    assert len(hidden) == 6 and hidden["estimate"].isna().all() and hidden["n"].isna().all()
    assert "0.55" in raw.decode("utf-8-sig")  # decimal point


def test_tidy_csv_neutralises_formulas(tmp_path: Path) -> None:
    est = make_estimates()
    sup = suppress(est)
    variables = (VariableInfo("oplevet_tryghed", "=cmd|'/c calc'!A1"),
                 VariableInfo("tillid", "@SUM(1)"), VariableInfo("tryg", "+tryg", kind="share"))
    data = dataclasses.replace(
        SignificanceInput(estimates=sup.estimates, variables=VARIABLES, banner=BANNER),
        variables=variables)
    text = write_tidy_csv(data, tmp_path / "x.csv").read_text(encoding="utf-8-sig")
    cells = [c for line in text.splitlines() for c in line.split(",")]
    assert not any(c.startswith(("=", "+", "@", "-", "\t", "\r")) for c in cells)
    assert "'=cmd|'/c calc'!A1" in text and "'@SUM(1)" in text
    plain = write_tidy_csv(pd.DataFrame({"label": ["-x"], "v": [-0.5]}), tmp_path / "y.csv")
    assert plain.read_text(encoding="utf-8-sig").splitlines()[1] == "'-x,-0.5"


def test_contrasts_drive_nothing_when_suppressed(tmp_path: Path) -> None:
    est = make_estimates()
    gc = make_group_contrasts(est)
    sup = suppress(est, {"group": gc, "year": make_change_contrasts(est)})
    data = SignificanceInput(
        estimates=sup.estimates, variables=VARIABLES, group_contrasts=sup.contrasts["group"],
        change_contrasts=sup.contrasts["year"], banner=BANNER)
    t = {x.variable.id: x for x in build_significance_tables(data)}["tillid"]
    row = next(i for i, r in enumerate(t.rows) if r.label == "18–29 år")
    cells = {c.letter: cell for c, cell in zip(t.columns, t.cells[row], strict=True)}
    assert cells["C"].suppressed and cells["C"].letters == ""
    # befolkning 2021 is far above almene here, but that contrast is hidden: no letter C
    assert "C" not in cells["E"].letters and "B" in cells["E"].letters
    total = {c.letter: cell for c, cell in zip(t.columns, t.cells[0], strict=True)}
    assert "C" in total["E"].letters  # where shown, the same comparison gives its letter
