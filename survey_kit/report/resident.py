"""Resident-facing summaries in Danish, one per helhedsplan area (HTML and PDF).

Content, in plain words: who answered; a few lines "Kort fortalt"; a table of the area in each
round against the comparison groups in the latest round; charts of the figures, of their
development and of the differences and changes with their intervals; one short section per
dimension; how to read the numbers; a method note.

What the page shows and says comes from two tables built once by :class:`AreaSummaryInput`:
the figure per variable and round (the area's own estimate, or a small-area estimate that
also draws on similar areas: :mod:`survey_kit.report.shown`) and the tested statements
(:mod:`survey_kit.report.statements`), from which every sentence about a difference, every
key point and every chart mark is generated (:mod:`survey_kit.report.page_text`,
:mod:`survey_kit.report.page_charts`).

Only aggregated, suppressed results go in: the input frames are checked for the
``suppressed`` column and for respondent-id or free-text columns, and only known columns are
read.  Suppressed figures become :data:`~survey_kit.report.text.SUPPRESSED_SENTENCE`.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pandas as pd

from survey_kit.report.area_input import DEFAULT_COMPARISONS, AreaSummaryInput, ComparisonGroup
from survey_kit.report.chart_render import vector_chart
from survey_kit.report.document import (
    FigureBlock,
    Section,
    SummaryDocument,
    TableBlock,
    html_to,
)
from survey_kit.report.escape import fmt_int, join_danish
from survey_kit.report.inputs import VariableInfo, key_text
from survey_kit.report.page_charts import (
    PageChart,
    difference_chart,
    trend_chart,
    values_chart,
)
from survey_kit.report.page_text import (
    MODEL_CLAIM,
    change_text,
    difference_text,
    family_sentence,
    half_width,
    level_statement,
    not_stated_text,
    tested_with,
)
from survey_kit.report.pdf import render_pdf, write_document
from survey_kit.report.prose import (
    area_method_paragraphs,
    direction_note,
    footer_line,
    reading_paragraphs,
)
from survey_kit.report.shown import MISSING, MODEL, SUPPRESSED, TOO_UNCERTAIN, UNCERTAIN
from survey_kit.report.statements import CHANGE, VS_GROUP, TestedStatement
from survey_kit.report.text import (
    CHANCE,
    HIDDEN,
    HIDDEN_NOTE,
    REAL,
    UNCERTAINTY,
    Statement,
    lower_first,
    value_phrase,
    value_text,
)


def _respondents(data: AreaSummaryInput) -> list[tuple[str, int]]:
    if data.respondents:
        return [(key_text(r), int(c)) for r, c in data.respondents]
    est = data.area_estimates
    counts: dict[str, list[float]] = {}
    for rnd, n in zip(est[data.round_column].tolist(),
                      pd.to_numeric(est["n"], errors="coerce").tolist(), strict=True):
        if not pd.isna(n):
            counts.setdefault(key_text(rnd), []).append(n)
    return [(rnd, int(max(counts[rnd]))) for rnd in data.round_keys if rnd in counts]


def _area_cell(data: AreaSummaryInput, v: VariableInfo, rnd: str) -> str:
    fig = data.figures.get((v.id, rnd))
    if fig is None or fig.basis == MISSING:
        return "Ikke målt"
    if fig.basis == SUPPRESSED:
        return HIDDEN
    if fig.basis == TOO_UNCERTAIN:
        return "For usikkert"
    text = value_text(v, fig.value)
    return text + ("\u00a0*" if fig.basis == MODEL else " (usikkert)" if fig.basis == UNCERTAIN
                   else "")


def _overview_table(data: AreaSummaryInput) -> TableBlock:
    now = data.round_keys[-1]
    header = ["", *(f"{data.area_name} {r}" for r in data.round_keys),
              *(f"{g.label} {now}" for g in data.comparison_groups)]
    rows = []
    for v in data.variables:
        cells = [_area_cell(data, v, r) for r in data.round_keys]
        for g in data.comparison_groups:
            fig = data.group_figures.get((v.id, g.id))
            cells.append("Ikke målt" if fig is None else HIDDEN if not fig.shown
                         else value_text(v, fig.value))
        rows.append((v.label, *cells))
    others = join_danish([g.phrase for g in data.comparison_groups])
    notes = ["Dimensionerne er målt på en skala fra 0 til 100. Andele er i procent.",
             direction_note(data.variables).strip()]
    shown = {f.basis for f in data.figures.values()}
    if MODEL in shown:
        notes.append(f"* Tallet bygger også på svar fra lignende områder, fordi der er "
                     f"forholdsvis få svar fra {data.area_name}.")
    if UNCERTAIN in shown:
        notes.append("\"Usikkert\": tallet bygger på svar fra få boligafdelinger.")
    if any(HIDDEN in c for r in rows for c in r[1:]):
        notes.append(HIDDEN_NOTE)
    if any("For usikkert" in c for r in rows for c in r[1:]):
        notes.append("\"For usikkert\": tallet bygger på svar fra for få boligafdelinger.")
    return TableBlock(f"Resultater for {data.area_name} sammenlignet med {others}",
                      tuple(header), tuple(rows), " ".join(n for n in notes if n))


def _family_note(data: AreaSummaryInput) -> str:
    return family_sentence(data.area_name, data.family_size, data.alpha,
                           data.page_adjust_method)


def page_charts(data: AreaSummaryInput) -> tuple[PageChart, ...]:
    """The charts of the page as data, in page order: the values (with two rounds: both
    rounds of the area), the trend (three rounds or more), the differences, the changes."""
    now = data.round_keys[-1]
    groups = [(g.id, g.label) for g in data.comparison_groups]
    names = {(VS_GROUP, g.id): f"Forskel til {lower_first(g.label)}"
             for g in data.comparison_groups}
    names.update({(CHANGE, r): f"Ændring siden {r}" for r in reversed(data.round_keys[:-1])})
    several = len(data.round_keys) >= 3
    note = tested_with(data.alpha, data.family_size, data.page_adjust_method)
    scores = [v for v in data.variables if v.kind == "score"]
    shares = [v for v in data.variables if v.kind == "share"]
    charts = [
        values_chart(data.area_name, (now,) if several else data.round_keys, data.variables,
                     data.figures, groups, data.group_figures),
        trend_chart(data.area_name, data.round_keys, data.variables, data.figures)
        if several else None,
        difference_chart(f"Dimensionerne i {data.area_name}: forskelle og ændringer",
                         data.statements, scores, names, note),
        difference_chart(f"Enkelte spørgsmål i {data.area_name}: forskelle og ændringer",
                         data.statements, shares, names, note),
    ]
    return tuple(c for c in charts if c is not None)


def _variable_section(data: AreaSummaryInput, v: VariableInfo) -> tuple[Section, set[str]]:
    """One dimension in plain words, and the kinds of claim it makes."""
    now = data.round_keys[-1]
    level = level_statement(v, data.area_name, now, data.figures.get((v.id, now)))
    claims = set(level.claims)
    said = []
    phrases = {g.id: g.phrase for g in data.comparison_groups}
    own = [s for s in data.statements if s.variable == v.id]
    for s in own:
        if not s.stated:
            continue
        st = (difference_text(v, s, phrases[s.compared_with]) if s.kind == VS_GROUP
              else change_text(v, s))
        said.append(st.text)
        claims |= st.claims
    shown_now = data.figures.get((v.id, now))
    if shown_now is not None and shown_now.shown and shown_now.basis != MODEL:
        quiet = not_stated_text(own, phrases)
        if quiet:
            said.append(quiet)
    paragraphs = (level.text, " ".join(said)) if said else (level.text,)
    return Section(v.label, v.description, paragraphs), claims


Point = tuple[str, str, str]
"""A key point: (sentence start, label, sentence end); points with the same start and end are
joined into one sentence."""


def _point(data: AreaSummaryInput, s: TestedStatement, v: VariableInfo) -> Point:
    phrases = {g.id: g.phrase for g in data.comparison_groups}
    label = lower_first(v.label) if v.kind == "score" else f"\"{v.label}\""
    if s.kind == VS_GROUP:
        word = "højere" if s.direction > 0 else "lavere"
        start = f"{data.area_name} ligger {word} end {phrases[s.compared_with]}, når det gælder"
        end = "bedre" if s.favourable else "dårligere"
    else:
        noun = "en reel stigning" if s.direction > 0 else "et reelt fald"
        start = f"Siden {s.compared_with} er der sket {noun} i"
        end = "forbedring" if s.favourable else "forværring"
    return start, label, end


_ENDS = {"bedre": (" – et bedre resultat", " – bedre resultater"),
         "dårligere": (" – et dårligere resultat", " – dårligere resultater"),
         "forbedring": (" – en forbedring", " – forbedringer"),
         "forværring": (" – en forværring", " – forværringer")}
"""The judgement at the end of a key point, for one label and for several."""


def _key_points(data: AreaSummaryInput) -> tuple[list[str], set[str]]:
    """The "Kort fortalt" bullets from the statements, and the kinds of claim they make."""
    by_id = {v.id: v for v in data.variables}
    grouped: dict[tuple[str, str], list[str]] = {}
    stated = [s for s in data.statements if s.stated]
    for s in stated:
        if s.significant:
            start, label, end = _point(data, s, by_id[s.variable])
            grouped.setdefault((start, end), []).append(label)
    points = [f"{start} {join_danish(found)}{_ENDS[end][len(found) > 1]}."
              for (start, end), found in grouped.items()]
    claims: set[str] = {REAL} if grouped else set()
    if any(not s.significant for s in stated):
        other = "andre " if grouped else "de "
        points.append(f"Alle {other}forskelle og ændringer, vi har set på, er så små, at de kan "
                      "skyldes tilfældigheder.")
        claims.add(CHANCE)
    points += _model_points(data)
    headline = _headline(data)
    if not points and not headline:
        points = [f"Der er for få svar fra {data.area_name} til at sige noget sikkert om området "
                  f"i {data.round_keys[-1]}."]
    return ([headline.text] if headline else []) + points, claims | (
        set(headline.claims) if headline else set())


def _headline(data: AreaSummaryInput) -> Statement | None:
    """The overall index in the latest round, as the first key point (when shown)."""
    now = data.round_keys[-1]
    v = next((v for v in data.variables if v.id == "index"), None)
    fig = data.figures.get((v.id, now)) if v is not None else None
    if v is None or fig is None or not fig.shown:
        return None
    return Statement(f"I {now} var resultatet for {lower_first(v.label)} i {data.area_name} "
                     f"{value_phrase(v, fig.value)}. Usikkerheden er omkring "
                     f"{half_width(v, fig)}.", frozenset({UNCERTAINTY}))


def _model_points(data: AreaSummaryInput) -> list[str]:
    """A bullet on the figures that also draw on similar areas (not compared)."""
    now = data.round_keys[-1]
    model = [v for v in data.variables if (f := data.figures.get((v.id, now))) is not None
             and f.basis == MODEL]
    if not model:
        return []
    if len(model) == len(data.variables):
        return [f"Der er forholdsvis få svar fra {data.area_name}. Derfor bygger alle tallene "
                f"for {now} også på svar fra lignende områder, og vi sammenligner dem ikke med "
                "andre grupper eller med tidligere år."]
    return [f"For {len(model)} af de {len(data.variables)} tal i {now} bygger resultatet også på "
            f"svar fra lignende områder, fordi der er forholdsvis få svar fra {data.area_name}. "
            "Dem sammenligner vi ikke med andre grupper eller med tidligere år."]


def build_area_document(data: AreaSummaryInput) -> SummaryDocument:
    """The resident summary of one area as a :class:`SummaryDocument`."""
    first, now = data.round_keys[0], data.round_keys[-1]
    many = len(data.round_keys) >= 2
    who = [f"I {r} svarede {fmt_int(c)} beboere." for r, c in _respondents(data)]
    sections, claims = [], set()
    for v in data.variables:
        sec, said = _variable_section(data, v)
        sections.append(sec)
        claims |= said
    points, point_claims = _key_points(data)
    claims |= point_claims
    stated = any(s.stated for s in data.statements)
    charts = page_charts(data)
    values = tuple(FigureBlock(c.caption, c.alt, vector=partial(vector_chart, c))
                   for c in charts if c.kind in ("values", "trend"))
    differences = tuple(FigureBlock(c.caption, c.alt, vector=partial(vector_chart, c))
                        for c in charts if c.kind == "differences")
    family = _family_note(data) if stated else ""
    body = [
        Section("Hvem har svaret?",
                paragraphs=tuple(who) or (f"Antallet af svar fra {data.area_name} vises ikke: "
                                          "der er for få, eller tallet kunne afsløre tal for "
                                          "en lille gruppe.",)),
        Section("Kort fortalt", bullets=tuple(points), note=family),
        Section("Resultaterne i tal", table=_overview_table(data), figures=values),
    ]
    if differences:
        body.append(Section("Forskelle og ændringer", figures=differences))
    body.append(Section("De enkelte dimensioner", subsections=tuple(sections)))
    lead = (f"Her kan du læse, hvad beboerne i {data.area_name} svarede i {data.survey_name} "
            f"i {now}" + (f", og hvordan det er gået siden {first}." if many else "."))
    reading = reading_paragraphs(claims, model=MODEL_CLAIM in claims)
    return SummaryDocument(
        title=f"{data.topic} i {data.area_name}",
        lead=lead,
        sections=(
            *body,
            Section("Sådan skal du læse tallene", paragraphs=reading),
            Section("Om undersøgelsen", paragraphs=area_method_paragraphs(data)),
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
    "page_charts",
    "render_area",
    "render_area_html",
    "render_area_pdf",
]
