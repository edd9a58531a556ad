"""A short Danish summary of the youth *livsmestring* survey, for youth workers (HTML and PDF).

Content: how many answered; "Kort fortalt" with the share who score low on several dimensions
and the real differences between groups; a table and a chart of the dimensions by gender x
MENAPT; a table by age group; how to read the numbers; a method note.  Inputs are suppressed,
aggregated tables only (see :class:`YouthSummaryInput`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from survey_kit.report.cells import CellValue, ShownCells
from survey_kit.report.charts import figure_data_uri, figure_png, profile_figure
from survey_kit.report.document import (
    FigureBlock,
    Section,
    SummaryDocument,
    TableBlock,
    html_to,
)
from survey_kit.report.escape import display_label, fmt_int
from survey_kit.report.inputs import (
    Breakdown,
    VariableInfo,
    check_frame,
    check_suppressed,
    check_unit_interval,
    check_variables,
    key_text,
    raise_if,
)
from survey_kit.report.pdf import render_pdf, write_document
from survey_kit.report.prose import (
    direction_note,
    footer_line,
    method_paragraphs,
    reading_paragraphs,
)
from survey_kit.report.text import (
    HIDDEN,
    HIDDEN_NOTE,
    REAL,
    SUPPRESSED_SENTENCE,
    difference_statement,
    lower_first,
    shown_difference,
    shown_value,
    value_text,
)

YOUTH_CROSS = Breakdown(("gender", "menapt"), "Køn og MENAPT-baggrund", (
    (("pige", True), "Piger med MENAPT-baggrund"),
    (("pige", False), "Piger uden MENAPT-baggrund"),
    (("dreng", True), "Drenge med MENAPT-baggrund"),
    (("dreng", False), "Drenge uden MENAPT-baggrund"),
))
YOUTH_AGE = Breakdown("age_group", "Alder", (("13-15", "13–15 år"), ("16-30", "16–30 år")))
MENAPT_EXPLAINED = (
    "MENAPT-baggrund betyder, at den unge selv eller forældrene kommer fra et land i "
    "Mellemøsten eller Nordafrika, fra Pakistan eller fra Tyrkiet."
)
"""MENAPT said once in plain Danish."""
MAX_DIFFERENCE_POINTS = 4
"""At most this many differences between groups in "Kort fortalt" (the rest is in the tables)."""
MAX_PER_PAIR = 2
"""At most this many of them about the same two groups, so the points are not all alike."""


@dataclass(frozen=True, eq=False)
class YouthSummaryInput:
    """What the livsmestring summary needs (tables after ``suppress``).

    Parameters
    ----------
    estimates : pandas.DataFrame
        ``variable, gender, menapt, age_group, estimate, ci_low, ci_high, n, suppressed``;
        the total has the three breakdown columns missing, a gender x MENAPT cell has gender
        and menapt set, an age row has age_group set.
    variables : tuple of VariableInfo
        Rows of the tables, in order (dimension scores, and the low-on-several share).
    low_several : str
        Id of the 0/1 indicator "scores low on several dimensions" ("" if not estimated).
    low_several_rule : (int, int), optional
        (at least, of): the indicator is 1 when at least that many of that many dimensions
        are low; said in words in "Kort fortalt" (None: the variable's label is quoted).
    differences : pandas.DataFrame, optional
        Contrasts between the groups: ``variable, group_a, group_b, difference, significant,
        suppressed`` with group_a/group_b given as the Danish group labels.
    cross, age : Breakdown
        The gender x MENAPT and the age breakdowns with their labels.
    title, population, survey_name, alpha, min_n, adjust_method, created, organisation
        Texts and method facts for the summary (``created``: an ISO date is shown as a Danish
        long date).
    weighted : bool
        True when the answers are weighted to register margins (said in the method note).
    clustered : bool
        True for a clustered/stratified design (kept for the method facts).
    """

    estimates: pd.DataFrame
    variables: tuple[VariableInfo, ...]
    low_several: str = ""
    low_several_rule: tuple[int, int] | None = None
    differences: pd.DataFrame | None = None
    cross: Breakdown = field(default_factory=lambda: YOUTH_CROSS)
    age: Breakdown = field(default_factory=lambda: YOUTH_AGE)
    title: str = "Livsmestring blandt unge i de boligsociale aktiviteter"
    population: str = "unge mellem 13 og 30 år, der deltager i boligsociale aktiviteter"
    survey_name: str = "livsmestringsundersøgelsen"
    alpha: float = 0.05
    min_n: int = 10
    adjust_method: str = "holm"
    created: str = ""
    organisation: str = ""
    weighted: bool = True
    clustered: bool = True

    def __post_init__(self) -> None:
        problems: list[str] = []
        cols = ["variable", "estimate", "ci_low", "ci_high", "n",
                *self.cross.column_names, *self.age.column_names]
        est = check_frame(self.estimates, cols, "estimates", problems)
        check_suppressed(est, "estimates", problems)
        check_variables(est, self.variables, "estimates", problems)
        check_unit_interval(est, "estimate", "estimates", problems)
        object.__setattr__(self, "estimates", est[[c for c in est.columns
                                                   if c in {*cols, "suppressed"}]])
        diff_cols = ["variable", "group_a", "group_b", "difference", "significant"]
        if self.differences is not None:
            d = check_frame(self.differences, diff_cols, "differences", problems)
            check_suppressed(d, "differences", problems)
            object.__setattr__(self, "differences", d[[c for c in d.columns
                                                       if c in {*diff_cols, "suppressed"}]])
        if self.low_several and self.low_several not in {v.id for v in self.variables}:
            problems.append(f"low_several {self.low_several!r} is not among the variables")
        if self.min_n < 5:
            problems.append(f"min_n must be at least 5, found {self.min_n}")
        raise_if(problems, "livsmestring summary")


def _row_mask(data: YouthSummaryInput, set_cols: tuple[str, ...]) -> pd.Series:
    est = data.estimates
    mask = pd.Series(True, index=est.index)
    for c in (*data.cross.column_names, *data.age.column_names):
        present = est[c].map(key_text) != ""
        mask &= present if c in set_cols else ~present
    return mask


def _values(data: YouthSummaryInput, breakdown: Breakdown | None
            ) -> dict[str, dict[str, CellValue]]:
    """label -> variable -> (estimate, low, high); the total is labelled "Alle"."""
    cols = breakdown.column_names if breakdown else ()
    cells = ShownCells(data.estimates[_row_mask(data, cols)], ("variable", *cols))
    levels = breakdown.level_keys() if breakdown else (((), "Alle"),)
    out: dict[str, dict[str, CellValue]] = {}
    for key, label in levels:
        for v in data.variables:
            hit = cells.key((v.id, *key))
            if hit is not None:
                out.setdefault(display_label(label), {})[v.id] = hit
    return out


def _table(data: YouthSummaryInput, values: dict[str, dict[str, CellValue]],
           labels: list[str], caption: str) -> TableBlock:
    rows = []
    for v in data.variables:
        cells = []
        for lab in labels:
            hit = values.get(lab, {}).get(v.id)
            cells.append("–" if hit is None else HIDDEN if math.isnan(hit[0])
                         else value_text(v, hit[0]))
        rows.append((v.label, *cells))
    return TableBlock(caption, ("", *labels), tuple(rows),
                      "Dimensionerne er scorer fra 0 til 100, hvor højere er bedre. Andele er i "
                      "procent. " + direction_note(data.variables)
                      + HIDDEN_NOTE)


def low_several_sentence(v: VariableInfo, share: float, at_least: int, of: int) -> str:
    """The share scoring low on at least ``at_least`` of ``of`` dimensions, in words.

    Examples
    --------
    >>> v = VariableInfo("low", "Lav score på mindst 3 af 6 områder", kind="share")
    >>> low_several_sentence(v, 0.16, 3, 6)
    '16\xa0% af de unge scorer lavt på mindst 3 af de 6 områder på én gang. De øvrige 84\xa0% \
scorer lavt på højst 2 områder.'
    """
    shown = value_text(v, share)
    rest = value_text(v, 1 - shown_value(v, share))
    fewer = at_least - 1
    return (f"{shown} af de unge scorer lavt på mindst {at_least} af de {of} områder på én "
            f"gang. De øvrige {rest} scorer lavt på højst {fewer} "
            f"{'områder' if fewer != 1 else 'område'}.")


def _low_several_point(data: YouthSummaryInput, total: dict[str, CellValue]) -> list[str]:
    """The share low on several dimensions, or why it is not shown."""
    v = next(x for x in data.variables if x.id == data.low_several)
    hit = total.get(v.id)
    if hit is None:
        return []
    if math.isnan(hit[0]):
        return [f"{v.label}: {SUPPRESSED_SENTENCE}"]
    if data.low_several_rule is None:
        return [f"{value_text(v, hit[0])} af de unge: {lower_first(v.label)}."]
    return [low_several_sentence(v, hit[0], *data.low_several_rule)]


Found = tuple[float, str, frozenset[str], str, frozenset[str]]
"""A real difference: (shown size, variable, the two groups, bullet text, its claims)."""


def _real_differences(data: YouthSummaryInput, cells: dict[str, dict[str, CellValue]]
                      ) -> list[Found]:
    """Every real difference between two groups, each comparison once, largest first."""
    labels = {v.id: v for v in data.variables}
    found: list[Found] = []
    seen: set[tuple[str, frozenset[str]]] = set()
    records = [] if data.differences is None else data.differences.to_dict("records")
    for rec in records:
        var = labels.get(str(rec["variable"]))
        if var is None or bool(rec["suppressed"]) or not bool(rec["significant"]):
            continue
        a, b = display_label(str(rec["group_a"])), display_label(str(rec["group_b"]))
        pair = (var.id, frozenset((a, b)))
        if pair in seen or var.id == data.low_several:
            continue
        seen.add(pair)
        diff = float(rec["difference"])
        va, vb = cells.get(a, {}).get(var.id), cells.get(b, {}).get(var.id)
        shown = (va[0], vb[0]) if va is not None and vb is not None else None
        if shown is not None and not any(math.isnan(x) for x in shown):
            diff = shown_difference(var, *shown)
        if math.isnan(diff) or shown_value(var, abs(diff)) == 0:
            continue
        said = difference_statement(var, a, lower_first(b), diff, True, shown)
        found.append((abs(diff), var.id, frozenset((a, b)), f"{var.label}: {said.text}",
                      said.claims))
    found.sort(key=lambda x: -x[0])
    return found


def _key_points(data: YouthSummaryInput, total: dict[str, CellValue],
                cells: dict[str, dict[str, CellValue]]) -> tuple[list[str], set[str]]:
    """The share low on several dimensions and the 3-5 largest real differences, and the
    claims the bullets make.

    Differences are ranked by their size as shown in the tables; a comparison is named once
    (never also the mirrored one), each variable at most once and each pair of groups at most
    :data:`MAX_PER_PAIR` times.
    """
    points = _low_several_point(data, total) if data.low_several else []
    found = _real_differences(data, cells)
    claims: set[str] = set()
    used_vars: set[str] = set()
    pair_count: dict[frozenset[str], int] = {}
    for _, vid, groups, text, said in found:
        if vid in used_vars or pair_count.get(groups, 0) >= MAX_PER_PAIR:
            continue
        used_vars.add(vid)
        pair_count[groups] = pair_count.get(groups, 0) + 1
        points.append(text)
        claims |= said
        if len(used_vars) == MAX_DIFFERENCE_POINTS:
            break
    if not found:
        points.append("Der er ingen reelle forskelle mellem grupperne.")
        claims.add(REAL)
    elif len(found) > len(used_vars):
        points.append("Flere forskelle mellem grupperne kan ses i tabellerne nedenfor.")
    return points, claims


def build_youth_document(data: YouthSummaryInput) -> SummaryDocument:
    """The livsmestring summary as a :class:`SummaryDocument`."""
    total = _values(data, None).get("Alle", {})
    cross = _values(data, data.cross)
    age = _values(data, data.age)
    cross_labels = [display_label(lab) for _, lab in data.cross.level_keys()
                    if display_label(lab) in cross]
    age_labels = [display_label(lab) for _, lab in data.age.level_keys()
                  if display_label(lab) in age]
    totals = data.estimates[_row_mask(data, ())]
    n = pd.to_numeric(totals["n"], errors="coerce").max()
    who = (f"{fmt_int(int(n))} unge har svaret." if pd.notna(n)
           else "Antallet af svar er ikke oplyst.")
    scores = [v for v in data.variables if v.kind == "score"]
    figures = []
    if scores and cross_labels:
        title = "Dimensionerne fordelt på køn og MENAPT-baggrund"
        fig, alt = profile_figure(cross, scores, cross_labels, title, width=4.8, font_size=12)
        figures.append(FigureBlock(f"{title}. Prikken viser resultatet, og stregen viser "
                                   "usikkerheden.", alt, figure_data_uri(fig), figure_png(fig)))
    points, claims = _key_points(data, total, cross)
    intro = MENAPT_EXPLAINED if "MENAPT" in " ".join([data.cross.heading, *cross_labels]) else ""
    sections = [
        Section("Hvem har svaret?", paragraphs=(who,)),
        Section("Kort fortalt", bullets=tuple(points)),
        Section(data.cross.heading, intro=intro, table=_table(
            data, {"Alle": total, **cross}, ["Alle", *cross_labels],
            f"Resultater fordelt på {lower_first(data.cross.heading)}"), figures=tuple(figures)),
    ]
    if age_labels:
        sections.append(Section(data.age.heading, table=_table(
            data, age, age_labels, f"Resultater fordelt på {lower_first(data.age.heading)}")))
    sections += [
        Section("Sådan skal du læse tallene", paragraphs=reading_paragraphs(claims)),
        Section("Om undersøgelsen", paragraphs=method_paragraphs(
            data.survey_name, data.population, data.alpha, data.min_n,
            data.adjust_method, weighted=data.weighted, variables=data.variables)),
    ]
    return SummaryDocument(
        title=data.title,
        lead=("Et kort overblik til medarbejdere, der arbejder med unge: hvordan de unge har "
              "det i skolen, i fællesskaber og med livet, og hvor der er forskelle mellem "
              "grupper."),
        sections=tuple(sections),
        footer=footer_line(data.organisation, data.created),
    )


def render_youth_html(data: YouthSummaryInput, path: str | Path | None = None) -> str:
    """Render the livsmestring summary as self-contained HTML; write it when ``path`` is given."""
    return html_to(build_youth_document(data), path)


def render_youth_pdf(data: YouthSummaryInput, path: str | Path) -> Path:
    """Render the livsmestring summary as an A4 PDF at ``path``."""
    return render_pdf(build_youth_document(data), path)


def render_youth(data: YouthSummaryInput, html_path: str | Path, pdf_path: str | Path) -> None:
    """Render the livsmestring summary as HTML and PDF from a single document."""
    write_document(build_youth_document(data), html_path, pdf_path)


__all__ = [
    "MENAPT_EXPLAINED",
    "YOUTH_AGE",
    "YOUTH_CROSS",
    "YouthSummaryInput",
    "build_youth_document",
    "low_several_sentence",
    "render_youth",
    "render_youth_html",
    "render_youth_pdf",
]
