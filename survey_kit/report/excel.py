"""The subgroup significance tables as one formatted Excel workbook (XlsxWriter).

Layout:

* sheet ``Indhold``: title, date, data sources, contents with links to every sheet, how to read
  the tables and the method notes (test, level, multiplicity correction, suppression);
* one sheet per variable: a title, three header rows (group, round, column letter), then the
  total and subgroup rows.  Each table row takes three sheet rows: the value (percent, or
  points 0-100), the base ``n`` and the effective base.  Each banner column takes two sheet
  columns: the number and a narrow "Sig." column with the letters of the columns this cell is
  significantly higher than and ▲/▼ for change since the previous round.  Suppressed cells show
  "–".  Panes are frozen below the headers and right of the row labels; footnotes follow.

Every text cell is written with ``write_string`` in a workbook created with
``strings_to_formulas=False``, so a label that starts with "=" is stored as text, never as a
formula.  The caller gives the path; the file is written in one go (the pipeline moves it into
place atomically).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import xlsxwriter

from survey_kit.report.escape import MISSING_TEXT, NBSP, display_label, fmt_date, fmt_int
from survey_kit.report.inputs import SignificanceInput
from survey_kit.report.tables import (
    DOWN,
    UP,
    SignificanceTable,
    adjust_methods,
    build_significance_tables,
    family_sizes,
)
from survey_kit.report.text import adjust_text, test_footnote

INDEX_SHEET = "Indhold"
HEADER_ROWS = 3
FIRST_BODY_ROW = 3 + HEADER_ROWS
"""Sheet row (0-based) of the first table row: title, subtitle, blank, three header rows."""

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\']")
_DANGLING = frozenset({
    "i", "på", "af", "om", "til", "med", "for", "fra", "ved", "og", "eller", "en", "et", "de",
    "den", "det", "at", "som", "under", "over", "mellem", "efter", "før", "uden",
})
"""Short words a cut name should not end on."""


def _cut_words(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary, without trailing space.

    A single word longer than ``limit`` is cut inside the word (there is no boundary).
    """
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[: limit + 1]
    space = cut.rfind(" ")
    if space <= 0:
        return text[:limit].rstrip()
    words = cut[:space].split()
    while len(words) > 1 and words[-1].lower() in _DANGLING:
        words.pop()  # "Grundlæggende tryg i" -> "Grundlæggende tryg"
    return " ".join(words).rstrip(" -–,;.") or text[:limit].rstrip()


def sheet_name(label: str, used: set[str]) -> str:
    """A valid, unique Excel sheet name from a label (max 31 characters, no ``[]:*?/\\'``).

    Long labels are cut at a word boundary (no trailing space); a name already used gets
    " (2)", " (3)", ... (the label is cut shorter to make room).

    Examples
    --------
    >>> used = {"Indhold"}
    >>> sheet_name("Tilfredshed: boligområdet", used), sheet_name("Tilfredshed: boligområdet", used)
    ('Tilfredshed boligområdet', 'Tilfredshed boligområdet (2)')
    >>> sheet_name("Stemte ved seneste kommunalvalg (2017)", used)
    'Stemte ved seneste kommunalvalg'
    >>> sheet_name("Grundlæggende tryg i boligområdet", used)
    'Grundlæggende tryg'
    """
    clean = display_label(" ".join(_BAD_SHEET_CHARS.sub(" ", label).split()))
    base = _cut_words(clean, 31) or "Ark"
    taken = {u.lower() for u in used}
    name, k = base, 2
    while name.lower() in taken:
        suffix = f" ({k})"
        name = (_cut_words(clean, 31 - len(suffix)) or "Ark") + suffix
        k += 1
    used.add(name)
    return name


def _formats(wb: Any) -> dict[str, Any]:
    font = {"font_name": "Calibri", "font_size": 11}
    grey = {"font_color": "#595959", "font_size": 9, "font_name": "Calibri"}
    return {
        "title": wb.add_format({**font, "bold": True, "font_size": 14}),
        "subtitle": wb.add_format({**font, "italic": True}),
        "group": wb.add_format({**font, "bold": True, "align": "center", "bottom": 1,
                                "text_wrap": True, "valign": "vcenter"}),
        "round": wb.add_format({**font, "bold": True, "align": "center"}),
        "letter": wb.add_format({**font, "align": "center", "font_color": "#595959",
                                 "bottom": 1}),
        "heading": wb.add_format({**font, "bold": True, "top": 1}),
        "label": wb.add_format({**font}),
        "measure": wb.add_format({**grey}),
        "share": wb.add_format({**font, "num_format": "0%", "align": "right"}),
        "share1": wb.add_format({**font, "num_format": "0.0%", "align": "right"}),
        "score": wb.add_format({**font, "num_format": "0.0", "align": "right"}),
        "score0": wb.add_format({**font, "num_format": "0", "align": "right"}),
        "count": wb.add_format({**grey, "num_format": "#,##0", "align": "right"}),
        "dash": wb.add_format({**font, "align": "right"}),
        "dash_grey": wb.add_format({**grey, "align": "right"}),
        "sig": wb.add_format({**font, "bold": True, "font_color": "#0B5394", "align": "left"}),
        "note": wb.add_format({**grey, "font_size": 10, "text_wrap": False}),
        "text": wb.add_format({**font, "text_wrap": True, "valign": "top"}),
        "link": wb.add_format({**font, "font_color": "#0B5394", "underline": 1}),
        "bold": wb.add_format({**font, "bold": True}),
    }


def _value_format(table: SignificanceTable) -> tuple[str, float]:
    """Format name and multiplier of the value cells."""
    var = table.variable
    if var.kind == "share":
        return ("share1" if var.shown_decimals >= 1 else "share"), 1.0
    return ("score" if var.shown_decimals >= 1 else "score0"), 100.0


def _write_header(ws: Any, fmt: dict[str, Any], table: SignificanceTable) -> None:
    var = table.variable
    ws.write_string(0, 0, var.label, fmt["title"])
    unit = ("Andel i procent" if var.kind == "share"
            else "Gennemsnitlig score på en skala fra 0 til 100 (højere er bedre)")
    if var.kind == "score" and not var.higher_is_better:
        unit = "Gennemsnitlig score på en skala fra 0 til 100"
    ws.write_string(1, 0, unit, fmt["subtitle"])
    top = 3
    ws.write_string(top + 2, 0, "", fmt["letter"])
    ws.write_string(top + 2, 1, "", fmt["letter"])
    col = 2
    groups: dict[str, list[int]] = {}
    for bc in table.columns:
        groups.setdefault(bc.group_label, []).append(col)
        ws.write_string(top + 1, col, display_label(bc.round), fmt["round"])
        ws.write_string(top + 2, col, f"({bc.letter})", fmt["letter"])
        ws.write_string(top + 2, col + 1, "Sig.", fmt["letter"])
        col += 2
    for label, cols in groups.items():
        first, last = cols[0], cols[-1] + 1
        ws.merge_range(top, first, top, last, display_label(label), fmt["group"])


def _write_cell(ws: Any, fmt: dict[str, Any], row: int, col: int, cell: Any,
                vfmt: str, scale: float) -> None:
    if not cell.present:
        return
    if cell.suppressed:
        ws.write_string(row, col, MISSING_TEXT, fmt["dash"])
        ws.write_string(row + 1, col, MISSING_TEXT, fmt["dash_grey"])
        ws.write_string(row + 2, col, MISSING_TEXT, fmt["dash_grey"])
        return
    ws.write_number(row, col, cell.estimate * scale, fmt[vfmt])
    marks = " ".join(m for m in (cell.letters, cell.change) if m)
    if marks:
        ws.write_string(row, col + 1, marks, fmt["sig"])
    for offset, value in ((1, cell.n), (2, cell.n_eff)):
        if value == value:  # not NaN
            ws.write_number(row + offset, col, round(value), fmt["count"])


def _footnotes(data: SignificanceInput, table: SignificanceTable) -> list[str]:
    letters = ", ".join(f"{c.letter} = {display_label(c.group_label)} {c.round}"
                        for c in table.columns)
    rounds = len(data.banner.rounds)
    notes = [
        f"Kolonner: {letters}.",
        "Bogstaver i kolonnen Sig.: tallet er signifikant højere end tallet i kolonnen med det "
        "bogstav (samme runde).",
    ]
    if rounds >= 2:
        notes.append(f"{UP} / {DOWN}: signifikant stigning / fald siden forrige runde i samme "
                     "gruppe.")
    notes += [
        _test_note(data),
        *_family_notes(data, table.variable.id),
        f"{MISSING_TEXT}: Tallet vises ikke, fordi det bygger på under {data.min_n} besvarelser, "
        "eller fordi det ellers ville kunne regnes ud fra de viste tal.",
        "n: antal besvarelser (uvægtet). Effektivt n: (summen af vægtene)² / summen af de "
        "kvadrerede vægte (Kish), dvs. n rettet for vægtenes spredning.",
    ]
    if not table.variable.higher_is_better:
        notes.append("Bemærk: for dette spørgsmål er en lavere værdi bedre.")
    if table.variable.kind == "score":
        notes.append("Scoren er gennemsnittet af dimensionens spørgsmål, omregnet til 0–100.")
    return notes


def _family_notes(data: SignificanceInput, variable: str) -> list[str]:
    """Which comparisons each correction runs over (the family of the letters, of the arrows),
    with the number of comparisons per row block when the contrasts carry it."""
    method = adjust_text(adjust_methods(data))
    out = []
    for which, frame, what, start in (
        ("group", data.group_contrasts, "alle parvise sammenligninger af grupperne i samme "
         "rækkeblok og alle runder", "Bogstaver"),
        ("change", data.change_contrasts, "alle sammenligninger mellem runder i samme "
         "rækkeblok, for alle grupper og alle par af runder, også dem, der ikke vises med pile",
         f"{UP} / {DOWN}"),
    ):
        if frame is None or frame.empty or (which == "change" and len(data.banner.rounds) < 2):
            continue
        sizes = family_sizes(data, which).get(variable, {})
        counts = ""
        if sizes:
            counts = " Antal sammenligninger pr. rækkeblok: " + ", ".join(
                f"{display_label(k)} {n}" for k, n in sizes.items()) + "."
        out.append(f"{start}: {method} over {what}.{counts}")
    return out


def _test_note(data: SignificanceInput) -> str:
    """The test footnote; plain spaces (cells do not wrap, and "5 %" stays searchable)."""
    return test_footnote(data.alpha, adjust_methods(data), weighted=data.weighted,
                         clustered=data.clustered, rounds=len(data.banner.rounds)
                         ).replace(NBSP, " ")


def _print_setup(ws: Any, label_columns: bool, header_rows: tuple[int, int] | None) -> None:
    """Landscape A4, fit to the page width; repeat label columns A:B and header rows."""
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    if label_columns:
        ws.repeat_columns(0, 1)
    if header_rows is not None:
        ws.repeat_rows(*header_rows)


def write_variable_sheet(
    wb: Any, fmt: dict[str, Any], name: str, table: SignificanceTable, data: SignificanceInput
) -> None:
    """Write the banner table of one variable to a new sheet ``name``."""
    ws = wb.add_worksheet(name)
    _write_header(ws, fmt, table)
    vfmt, scale = _value_format(table)
    value_label = "Andel" if table.variable.kind == "share" else "Score"
    row = FIRST_BODY_ROW
    heading = None
    for r, trow in enumerate(table.rows):
        if trow.heading and trow.heading != heading:
            ws.write_string(row, 0, display_label(trow.heading), fmt["heading"])
            row += 1
        heading = trow.heading
        ws.write_string(row, 0, display_label(trow.label), fmt["label"])
        ws.write_string(row, 1, value_label, fmt["measure"])
        ws.write_string(row + 1, 1, "n", fmt["measure"])
        ws.write_string(row + 2, 1, "Effektivt n", fmt["measure"])
        for c in range(len(table.columns)):
            _write_cell(ws, fmt, row, 2 + 2 * c, table.cells[r][c], vfmt, scale)
        row += 3
    row += 1
    for note in _footnotes(data, table):
        ws.write_string(row, 0, note, fmt["note"])
        row += 1
    ws.write_url(row + 1, 0, f"internal:'{INDEX_SHEET}'!A1", fmt["link"],
                 string="Tilbage til indholdsfortegnelsen")
    ws.freeze_panes(FIRST_BODY_ROW, 2)
    ws.set_column(0, 0, 30)
    ws.set_column(1, 1, 11)
    for c in range(len(table.columns)):
        ws.set_column(2 + 2 * c, 2 + 2 * c, 10)
        ws.set_column(3 + 2 * c, 3 + 2 * c, 7)
    ws.set_row(3, 32)
    _print_setup(ws, True, (3, FIRST_BODY_ROW - 1))


def write_index_sheet(
    ws: Any, fmt: dict[str, Any], data: SignificanceInput,
    contents: list[tuple[str, str]],
) -> None:
    """Write the contents sheet: title, date, sources, links, reading guide, method notes."""
    ws.write_string(0, 0, data.title, fmt["title"])
    row = 2
    if data.created:
        ws.write_string(row, 0, "Udarbejdet", fmt["bold"])
        ws.write_string(row, 1, fmt_date(data.created), fmt["label"])
        row += 1
    row += 1
    ws.write_string(row, 0, "Indhold", fmt["bold"])
    row += 1
    for sheet, label in contents:
        ws.write_url(row, 0, f"internal:'{sheet}'!A1", fmt["link"], string=label)
        row += 1
    if data.weighted:
        weights = "Alle tal er vægtede."
    else:
        weights = "Tallene er ikke vægtede; alle svar tæller lige meget."
    if data.clustered:
        df_text = ("Konfidensintervaller og test bygger på t-fordelingen med frihedsgrader = "
                   "antal klynger (PSU) minus antal strata.")
    else:
        df_text = ("Konfidensintervaller og test bygger på t-fordelingen som for en simpel "
                   "tilfældig stikprøve.")
    reading = [
        "Andele vises i procent, dimensionsscorer på en skala fra 0 til 100.",
        "Bogstaverne (A, B, ...) navngiver kolonnerne. Et bogstav ved et tal betyder, at tallet"
        " er signifikant højere end tallet i kolonnen med det bogstav i samme runde.",
    ]
    if len(data.banner.rounds) >= 2:
        reading.append(f"{UP} og {DOWN} markerer en signifikant stigning eller et signifikant "
                       "fald siden forrige runde.")
    reading.append(f"{MISSING_TEXT} betyder, at tallet ikke vises af hensyn til de svarendes "
                   "anonymitet.")
    worse = [v.label for v in data.variables if not v.higher_is_better]
    if worse:
        reading.append("For de fleste spørgsmål er højere bedre; for "
                       + ", ".join(f"'{w}'" for w in worse) + " er lavere bedre.")
    sections = (
        ("Datakilder", list(data.sources) or ["Ikke oplyst."]),
        ("Sådan læses tabellerne", reading),
        ("Metode", [
            _test_note(data),
            f"{weights} {df_text}",
            f"Tal, der bygger på under {data.min_n} besvarelser, vises ikke; det samme gælder "
            "tal, der ellers ville kunne regnes ud fra totaler (komplementær diskretionering).",
            *data.method_notes,
        ]),
    )
    for heading, lines in sections:
        row += 1
        ws.write_string(row, 0, heading, fmt["bold"])
        row += 1
        for line in lines:
            ws.write_string(row, 0, line, fmt["label"])
            row += 1
    ws.set_column(0, 0, 60)
    ws.set_column(1, 1, 18)
    _print_setup(ws, False, None)


def _created(created: str) -> dt.datetime:
    """The workbook's creation time: midnight (UTC) of the run's date, so that the same
    inputs give the same bytes (XlsxWriter would store the current time); a fixed date when
    the input has none or not an ISO date."""
    try:
        day = dt.date.fromisoformat(created)
    except ValueError:
        day = dt.date(2000, 1, 1)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def write_significance_workbook(data: SignificanceInput, path: str | Path) -> Path:
    """Write the subgroup significance tables to one Excel workbook.

    Parameters
    ----------
    data : SignificanceInput
        Suppressed estimates and contrasts, variables, banner, sources and notes.
    path : str or pathlib.Path
        Where to write the ``.xlsx`` file (its folder must exist).

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    path = Path(path)
    tables = build_significance_tables(data)
    wb = xlsxwriter.Workbook(str(path), {
        "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
    })
    wb.set_properties({"title": data.title, "comments": "survey_kit",
                       "created": _created(data.created)})
    if data.created:
        wb.set_custom_property("Udarbejdet", data.created)
    fmt = _formats(wb)
    index = wb.add_worksheet(INDEX_SHEET)
    used = {INDEX_SHEET}
    contents = []
    for table in tables:
        name = sheet_name(table.variable.label, used)
        write_variable_sheet(wb, fmt, name, table, data)
        contents.append((name, display_label(table.variable.label)))
    write_index_sheet(index, fmt, data, contents)
    index.activate()
    wb.close()
    return path


def base_summary(table: SignificanceTable) -> str:
    """One line naming the smallest shown base of a table (for logs).

    Examples
    --------
    >>> from survey_kit.report.inputs import VariableInfo
    >>> base_summary(SignificanceTable(VariableInfo("x", "X"), (), (), ()))
    'X: ingen viste celler'
    """
    shown = [c.n for row in table.cells for c in row if c.present and not c.suppressed]
    if not shown:
        return f"{table.variable.label}: ingen viste celler"
    return f"{table.variable.label}: mindste viste n = {fmt_int(min(shown))}"


__all__ = [
    "INDEX_SHEET",
    "base_summary",
    "sheet_name",
    "write_index_sheet",
    "write_significance_workbook",
    "write_variable_sheet",
]
