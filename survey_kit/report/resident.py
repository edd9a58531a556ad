"""Resident-facing summaries in Danish, one per helhedsplan area (HTML and PDF).

Content, in plain words: who answered; a few lines "Kort fortalt"; a table of the area in each
round against the almene boliger and the whole population in the latest round; two charts; one
short section per dimension (what it means, the figure, the uncertainty in words, the
comparisons and the change since the first round, each said to be *en reel forskel* or *så
lille, at den kan skyldes tilfældigheder*); how to read the numbers; a method note.

Only aggregated, suppressed results go in: the input frames are checked for the
``suppressed`` column and for respondent-id or free-text columns, and only known columns are
read.  Suppressed figures become "For få besvarelser til at vise et tal."
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from survey_kit.report.area_input import DEFAULT_COMPARISONS, AreaSummaryInput, ComparisonGroup
from survey_kit.report.cells import CellValue, contrast_value
from survey_kit.report.charts import figure_png, png_data_uri, profile_figure
from survey_kit.report.document import (
    FigureBlock,
    Section,
    SummaryDocument,
    TableBlock,
    html_to,
)
from survey_kit.report.escape import fmt_int, join_danish
from survey_kit.report.inputs import VariableInfo, key_text
from survey_kit.report.pdf import render_pdf, write_document
from survey_kit.report.prose import (
    direction_note,
    footer_line,
    method_paragraphs,
    reading_paragraphs,
)
from survey_kit.report.text import (
    CHANCE,
    REAL,
    SUPPRESSED_SENTENCE,
    change_noun,
    change_statement,
    difference_statement,
    judgement,
    lower_first,
    shown_difference,
    shown_value,
    uncertainty_statement,
    value_phrase,
    value_text,
)


def _respondents(data: AreaSummaryInput) -> list[tuple[str, int]]:
    if data.respondents:
        return [(key_text(r), int(c)) for r, c in data.respondents]
    out = []
    for rnd in data.round_keys:
        n = pd.to_numeric(data.area_estimates.loc[
            data.area_estimates[data.round_column].map(key_text) == rnd, "n"], errors="coerce")
        if n.notna().any():
            out.append((rnd, int(n.max())))
    return out


def _cell(v: VariableInfo, hit: CellValue | None) -> str:
    if hit is None:
        return "Ikke målt"
    return "For få svar" if math.isnan(hit[0]) else value_text(v, hit[0])


Point = tuple[str, str, str]
"""A key point: (sentence start, label, sentence end); points with the same start and end are
joined into one sentence."""


class _Said:
    """The paragraphs and key points of one dimension, and the claims they make."""

    def __init__(self) -> None:
        self.paragraphs: list[str] = []
        self.points: list[Point] = []
        self.claims: set[str] = set()


def _comparisons(data: AreaSummaryInput, v: VariableInfo, here: CellValue, said: _Said) -> None:
    """The area against each comparison group in the latest round."""
    now = data.round_keys[-1]
    for g in data.comparison_groups:
        c = contrast_value(data.comparisons, v.id, data.area_id, g.id)
        if c is None:
            continue
        other = data.comparison_cells.get(variable=v.id, **{data.group_column: g.id,
                                                            data.round_column: now})
        shown = (here[0], other[0]) if other is not None else None
        statement = difference_statement(v, "Området", g.phrase, c[0], c[1], shown)
        said.paragraphs.append(statement.text)
        said.claims |= statement.claims
        diff = c[0]
        if shown is not None and not math.isnan(shown[1]):
            diff = shown_difference(v, *shown)
        if c[1] and not math.isnan(diff) and shown_value(v, abs(diff)) > 0:
            word = "højere" if diff > 0 else "lavere"
            said.points.append((f"{data.area_name} ligger {word} end {g.phrase}, når det gælder",
                                v.label, judgement(v, diff)))


def _change(data: AreaSummaryInput, v: VariableInfo, here: CellValue, said: _Said) -> None:
    """The change since the first round."""
    first, now = data.round_keys[0], data.round_keys[-1]
    before = data.area_cells.get(variable=v.id, **{data.round_column: first})
    if before is None or first == now:
        return
    ch = contrast_value(data.changes, v.id, now, first)
    diff, sig = ch if ch is not None else (math.nan, False)
    statement = change_statement(v, first, before[0], here[0], diff, sig)
    said.paragraphs.append(statement.text)
    said.claims |= statement.claims
    if not math.isnan(before[0]) and not math.isnan(diff):
        diff = shown_difference(v, here[0], before[0])
    if sig and not math.isnan(diff) and shown_value(v, abs(diff)) > 0:
        said.points.append((f"Siden {first} er der sket {change_noun(diff)} i", v.label,
                            judgement(v, diff, change=True)))
        said.claims.add(REAL)


def _variable_section(data: AreaSummaryInput, v: VariableInfo) -> tuple[Section, _Said]:
    """One dimension in plain words, and the key points and claims it adds."""
    now = data.round_keys[-1]
    here = data.area_cells.get(variable=v.id, **{data.round_column: now})
    said = _Said()
    if here is None or math.isnan(here[0]):
        said.paragraphs.append(f"I {now}: {SUPPRESSED_SENTENCE}" if here is not None
                               else f"{v.label} blev ikke målt i {now}.")
        return Section(v.label, v.description, tuple(said.paragraphs)), said
    uncertainty = uncertainty_statement(v, here[1], here[2])
    said.paragraphs.append(f"I {now} var resultatet i {data.area_name} "
                           f"{value_phrase(v, here[0])}. {uncertainty.text}")
    said.claims |= uncertainty.claims
    _comparisons(data, v, here, said)
    _change(data, v, here, said)
    return Section(v.label, v.description, tuple(said.paragraphs)), said


def _overview_table(data: AreaSummaryInput) -> TableBlock:
    rc, gc, now = data.round_column, data.group_column, data.round_keys[-1]
    header = ["", *(f"{data.area_name} {r}" for r in data.round_keys),
              *(f"{g.label} {now}" for g in data.comparison_groups)]
    rows = []
    for v in data.variables:
        cells = [_cell(v, data.area_cells.get(variable=v.id, **{rc: r}))
                 for r in data.round_keys]
        cells += [_cell(v, data.comparison_cells.get(variable=v.id, **{gc: g.id, rc: now}))
                  for g in data.comparison_groups]
        rows.append((v.label, *cells))
    others = join_danish([g.phrase for g in data.comparison_groups])
    return TableBlock(
        f"Resultater for {data.area_name} sammenlignet med {others}",
        tuple(header), tuple(rows),
        "Dimensionerne er målt på en skala fra 0 til 100, hvor højere er bedre. Andele er i "
        "procent. " + direction_note(data.variables)
        + "\"For få svar\" betyder, at tallet ikke vises, fordi for få har svaret.",
    )


def _figures(data: AreaSummaryInput) -> tuple[FigureBlock, ...]:
    rc, gc = data.round_column, data.group_column
    first, now = data.round_keys[0], data.round_keys[-1]
    scores = [v for v in data.variables if v.kind == "score"]
    if not scores:
        return ()
    compare: dict[str, dict[str, tuple[float, float, float]]] = {data.area_name: {}}
    change: dict[str, dict[str, tuple[float, float, float]]] = {first: {}, now: {}}
    for v in scores:
        for rnd in (first, now):
            hit = data.area_cells.get(variable=v.id, **{rc: rnd})
            if hit is not None:
                change[rnd][v.id] = hit
        if now in change and v.id in change[now]:
            compare[data.area_name][v.id] = change[now][v.id]
        for g in data.comparison_groups:
            hit = data.comparison_cells.get(variable=v.id, **{gc: g.id, rc: now})
            if hit is not None:
                compare.setdefault(g.label, {})[v.id] = hit
    figures = []
    specs = [(compare, list(compare), f"{data.area_name} og sammenligningsgrupper i {now}")]
    if first != now:
        specs.append((change, [first, now], f"Udviklingen i {data.area_name} fra {first} til "
                                           f"{now}"))
    for values, labels, title in specs:
        fig, alt = profile_figure(values, scores, labels, title, width=4.8, font_size=12)
        caption = (f"{title}. Prikken viser resultatet, og stregen viser usikkerheden. "
                   "Jo længere til højre, jo bedre.")
        png = figure_png(fig, dpi=150)
        figures.append(FigureBlock(caption, alt, png_data_uri(png), png))
    return tuple(figures)


def _key_points(found: list[Point], many: bool, first: str) -> tuple[list[str], set[str]]:
    """The "Kort fortalt" bullets (points with the same start and end joined), and the
    claims of the closing bullet."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for start, label, end in found:
        grouped.setdefault((start, end), []).append(lower_first(label))
    points = [f"{start} {join_danish(labels)}{end}." for (start, end), labels in grouped.items()]
    if points:
        points.append("Alle andre forskelle og ændringer er så små, at de kan skyldes "
                      "tilfældigheder." if many else
                      "Alle andre forskelle er så små, at de kan skyldes tilfældigheder.")
        return points, {CHANCE}
    points.append("Der er ingen reelle forskelle mellem området og sammenligningsgrupperne"
                  + (f", og ingen reelle ændringer siden {first}." if many else "."))
    return points, {REAL}


def build_area_document(data: AreaSummaryInput) -> SummaryDocument:
    """The resident summary of one area as a :class:`SummaryDocument`."""
    first, now = data.round_keys[0], data.round_keys[-1]
    who = [f"I {r} svarede {fmt_int(c)} beboere." for r, c in _respondents(data)]
    sections, found, claims = [], [], set()
    for v in data.variables:
        sec, said = _variable_section(data, v)
        sections.append(sec)
        found.extend(said.points)
        claims |= said.claims
    many = len(data.round_keys) >= 2 and first != now
    points, closing = _key_points(found, many, first)
    body = [
        Section("Hvem har svaret?",
                paragraphs=tuple(who) or ("Antallet af svar er ikke oplyst.",)),
        Section("Kort fortalt", bullets=tuple(points)),
        Section("Resultaterne i tal", table=_overview_table(data), figures=_figures(data)),
        Section("De enkelte dimensioner", subsections=tuple(sections)),
    ]
    lead = (f"Her kan du læse, hvad beboerne i {data.area_name} svarede i {data.survey_name} "
            f"i {now}" + (f", og hvordan det er gået siden {first}." if many else "."))
    return SummaryDocument(
        title=f"{data.topic} i {data.area_name}",
        lead=lead,
        sections=(
            *body,
            Section("Sådan skal du læse tallene",
                    paragraphs=reading_paragraphs(claims | closing)),
            Section("Om undersøgelsen", paragraphs=method_paragraphs(
                data.survey_name, data.population, data.alpha, data.min_n,
                data.adjust_method, weighted=data.weighted, variables=data.variables)),
        ),
        footer=footer_line(data.organisation, data.created),
    )


def render_area_html(data: AreaSummaryInput, path: str | Path | None = None) -> str:
    """Render the area summary as self-contained HTML; write it to ``path`` when given.

    Returns
    -------
    str
        The HTML text (UTF-8 when written).
    """
    return html_to(build_area_document(data), path)


def render_area_pdf(data: AreaSummaryInput, path: str | Path) -> Path:
    """Render the area summary as an A4 PDF (reportlab) at ``path``."""
    return render_pdf(build_area_document(data), path)


def render_area(data: AreaSummaryInput, html_path: str | Path, pdf_path: str | Path) -> None:
    """Render one area summary as HTML and PDF from a single document (figures drawn once)."""
    write_document(build_area_document(data), html_path, pdf_path)


__all__ = [
    "DEFAULT_COMPARISONS",
    "AreaSummaryInput",
    "ComparisonGroup",
    "build_area_document",
    "render_area",
    "render_area_html",
    "render_area_pdf",
]
