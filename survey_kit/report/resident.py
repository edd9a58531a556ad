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
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from survey_kit.report.charts import figure_png, png_data_uri, profile_figure
from survey_kit.report.document import (
    FigureBlock,
    Section,
    SummaryDocument,
    TableBlock,
    html_to,
)
from survey_kit.report.escape import NBSP, fmt_date, fmt_int, fmt_pct, join_danish
from survey_kit.report.inputs import (
    VariableInfo,
    check_frame,
    check_suppressed,
    check_unit_interval,
    check_variables,
    key_text,
    raise_if,
)
from survey_kit.report.pdf import render_pdf, write_document
from survey_kit.report.text import (
    SUPPRESSED_SENTENCE,
    adjust_text,
    change_noun,
    change_sentence,
    difference_sentence,
    lower_first,
    shown_difference,
    shown_value,
    uncertainty_sentence,
    value_phrase,
    value_text,
)

NAN3 = (math.nan, math.nan, math.nan)


@dataclass(frozen=True)
class ComparisonGroup:
    """A group the area is compared with: id in the tables, table header, name in sentences."""

    id: str
    label: str
    phrase: str


DEFAULT_COMPARISONS = (
    ComparisonGroup("almene", "Almene boliger", "de almene boliger i hele landet"),
    ComparisonGroup("befolkning", "Hele befolkningen", "hele befolkningen"),
)


@dataclass(frozen=True, eq=False)
class AreaSummaryInput:
    """What one area's resident summary needs (all tables after ``suppress``).

    Parameters
    ----------
    area_name : str
        The area's name as residents know it.
    area_estimates : pandas.DataFrame
        The area's totals: ``variable, <round_column>, estimate, ci_low, ci_high, n,
        suppressed``.
    comparison_estimates : pandas.DataFrame
        Totals of the comparison groups: ``variable, <group_column>, <round_column>,
        estimate, ci_low, ci_high, n, suppressed``.
    comparisons : pandas.DataFrame
        Contrasts of the area with each comparison group in the latest round: ``variable,
        group_a, group_b, difference, significant, suppressed``; one of group_a/group_b is
        ``area_id`` (the sign is turned so the difference is area - group).
    changes : pandas.DataFrame
        Contrasts between rounds for the area: ``variable, group_a, group_b, difference,
        significant, suppressed`` with rounds in group_a/group_b.
    variables : tuple of VariableInfo
        Variables in display order; their ``description`` is the one-sentence explanation.
    area_id : str
        The area's value in ``comparisons`` (default: ``area_name``).
    comparison_groups : tuple of ComparisonGroup
        Groups compared with, in order.
    rounds : tuple
        Rounds, oldest first; the last one is "now".
    respondents : tuple of (round, count)
        How many answered per round; default: the largest shown ``n`` per round.
    alpha, min_n, adjust_method : float, int, str
        Test level, suppression threshold and multiplicity correction (for the method note).
    survey_name, created : str
        Name of the survey in sentences, and a date for the footer (ISO dates are shown as
        Danish long dates: "Udarbejdet 22. november 2026").
    weighted : bool
        True when the answers are weighted to register margins (said in the method note).
    clustered : bool
        True for a clustered/stratified design (kept for the method facts; the resident text
        does not go into the design).
    """

    area_name: str
    area_estimates: pd.DataFrame
    comparison_estimates: pd.DataFrame
    comparisons: pd.DataFrame
    changes: pd.DataFrame
    variables: tuple[VariableInfo, ...]
    area_id: str = ""
    comparison_groups: tuple[ComparisonGroup, ...] = DEFAULT_COMPARISONS
    rounds: tuple[object, ...] = (2018, 2021)
    round_column: str = "year"
    group_column: str = "group"
    respondents: tuple[tuple[object, int], ...] = ()
    alpha: float = 0.05
    min_n: int = 10
    adjust_method: str = "holm"
    survey_name: str = "trygheds- og trivselsmålingen"
    created: str = ""
    organisation: str = ""
    weighted: bool = True
    clustered: bool = True

    def __post_init__(self) -> None:
        problems: list[str] = []
        est_cols = ["variable", "estimate", "ci_low", "ci_high", "n"]
        con_cols = ["variable", "group_a", "group_b", "difference", "significant"]
        checks = (
            ("area_estimates", [*est_cols, self.round_column]),
            ("comparison_estimates", [*est_cols, self.round_column, self.group_column]),
            ("comparisons", con_cols),
            ("changes", con_cols),
        )
        for name, cols in checks:
            frame = check_frame(getattr(self, name), cols, name, problems)
            check_suppressed(frame, name, problems)
            check_variables(frame, self.variables, name, problems)
            if "estimate" in cols:
                check_unit_interval(frame, "estimate", name, problems)
            object.__setattr__(self, name, frame[[c for c in frame.columns if c in
                                                  {*cols, "suppressed"}]])
        if not self.area_name.strip():
            problems.append("area_name must be non-empty")
        if self.min_n < 5:
            problems.append(f"min_n must be at least 5, found {self.min_n}")
        raise_if(problems, f"resident summary {self.area_name!r}")
        if not self.area_id:
            object.__setattr__(self, "area_id", self.area_name)

    @property
    def round_keys(self) -> tuple[str, ...]:
        """Rounds as text, oldest first."""
        return tuple(key_text(r) for r in self.rounds)


_Index = dict[tuple[str, ...], tuple]
_INDEX_CACHE: dict[tuple[int, tuple[str, ...]], tuple[pd.DataFrame, _Index]] = {}


def _index(frame: pd.DataFrame, columns: tuple[str, ...]) -> _Index:
    """Rows of ``frame`` keyed by the text of ``columns`` (first row wins), built once."""
    cached = _INDEX_CACHE.get((id(frame), columns))
    if cached is not None and cached[0] is frame:
        return cached[1]
    if len(_INDEX_CACHE) > 256:
        _INDEX_CACHE.clear()
    keys = zip(*(frame[c].map(key_text) for c in columns), strict=True)
    rows = zip(frame["suppressed"].astype(bool), frame["estimate"], frame["ci_low"],
               frame["ci_high"], strict=True)
    index: _Index = {}
    for key, row in zip(keys, rows, strict=True):
        index.setdefault(key, row)
    _INDEX_CACHE[(id(frame), columns)] = (frame, index)
    return index


def _value(frame: pd.DataFrame, **keys: str) -> tuple[float, float, float] | None:
    """(estimate, ci_low, ci_high) for the row matching keys; NaNs if suppressed; None if absent."""
    columns = tuple(keys)
    rec = _index(frame, columns).get(tuple(keys[c] for c in columns))
    if rec is None:
        return None
    if bool(rec[0]):
        return NAN3
    return float(rec[1]), float(rec[2]), float(rec[3])


def _contrast(frame: pd.DataFrame, variable: str, a: str, b: str) -> tuple[float, bool] | None:
    """(difference a - b, significant) from a contrasts table; NaN when suppressed."""
    for rec in frame[frame["variable"].map(key_text) == variable].to_dict("records"):
        pair = (key_text(rec["group_a"]), key_text(rec["group_b"]))
        if pair in ((a, b), (b, a)):
            if bool(rec["suppressed"]):
                return math.nan, False
            sign = 1.0 if pair == (a, b) else -1.0
            return sign * float(rec["difference"]), bool(rec["significant"])
    return None


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


def _cell(v: VariableInfo, hit: tuple[float, float, float] | None) -> str:
    if hit is None:
        return "Ikke målt"
    return "For få svar" if math.isnan(hit[0]) else value_text(v, hit[0])


Point = tuple[str, str, str]
"""A key point: (sentence start, label, sentence end); points with the same start and end are
joined into one sentence."""


def _variable_section(
    data: AreaSummaryInput, v: VariableInfo
) -> tuple[Section, list[Point]]:
    """One dimension in plain words, and the key points it adds."""
    first, now = data.round_keys[0], data.round_keys[-1]
    rc, gc = data.round_column, data.group_column
    here = _value(data.area_estimates, variable=v.id, **{rc: now})
    paras: list[str] = []
    points: list[Point] = []
    if here is None or math.isnan(here[0]):
        paras.append(f"I {now}: {SUPPRESSED_SENTENCE}" if here is not None
                     else f"{v.label} blev ikke målt i {now}.")
        return Section(v.label, v.description, tuple(paras)), points
    paras.append(f"I {now} var resultatet i {data.area_name} {value_phrase(v, here[0])}. "
                 + uncertainty_sentence(v, here[1], here[2]))
    for g in data.comparison_groups:
        c = _contrast(data.comparisons, v.id, data.area_id, g.id)
        if c is None:
            continue
        other = _value(data.comparison_estimates, variable=v.id, **{gc: g.id, rc: now})
        shown = (here[0], other[0]) if other is not None else None
        paras.append(difference_sentence(v, "Området", g.phrase, c[0], c[1], shown))
        diff = c[0]
        if shown is not None and not math.isnan(shown[1]):
            diff = shown_difference(v, *shown)
        if c[1] and not math.isnan(diff) and shown_value(v, abs(diff)) > 0:
            word = "højere" if diff > 0 else "lavere"
            end = ""
            if not v.higher_is_better:
                end = (" – det er et dårligere resultat" if diff > 0
                       else " – det er et bedre resultat")
            points.append((f"{data.area_name} ligger {word} end {g.phrase}, når det gælder",
                           v.label, end))
    before = _value(data.area_estimates, variable=v.id, **{rc: first})
    ch = _contrast(data.changes, v.id, now, first)
    if before is not None and first != now:
        diff, sig = ch if ch is not None else (math.nan, False)
        paras.append(change_sentence(v, first, before[0], here[0], diff, sig))
        if not math.isnan(before[0]) and not math.isnan(diff):
            diff = shown_difference(v, here[0], before[0])
        if sig and not math.isnan(diff) and shown_value(v, abs(diff)) > 0:
            end = ""
            if not v.higher_is_better:
                end = " – det er en forværring" if diff > 0 else " – det er en forbedring"
            points.append((f"Siden {first} er der sket {change_noun(diff)} i", v.label, end))
    return Section(v.label, v.description, tuple(paras)), points


def _overview_table(data: AreaSummaryInput) -> TableBlock:
    rc, gc, now = data.round_column, data.group_column, data.round_keys[-1]
    header = ["", *(f"{data.area_name} {r}" for r in data.round_keys),
              *(f"{g.label} {now}" for g in data.comparison_groups)]
    rows = []
    for v in data.variables:
        cells = [_cell(v, _value(data.area_estimates, variable=v.id, **{rc: r}))
                 for r in data.round_keys]
        cells += [_cell(v, _value(data.comparison_estimates, variable=v.id,
                                  **{gc: g.id, rc: now})) for g in data.comparison_groups]
        rows.append((v.label, *cells))
    others = join_danish([g.phrase for g in data.comparison_groups])
    return TableBlock(
        f"Resultater for {data.area_name} sammenlignet med {others}",
        tuple(header), tuple(rows),
        "Dimensionerne er målt på en skala fra 0 til 100, hvor højere er bedre. Andele er i "
        "procent. " + direction_note(data.variables)
        + "\"For få svar\" betyder, at tallet ikke vises, fordi for få har svaret.",
    )


def direction_note(variables: tuple[VariableInfo, ...] | list[VariableInfo]) -> str:
    """"For ... er lavere bedre. " naming the unfavourable indicators, or ""."""
    worse = [f"'{v.label}'" for v in variables if not v.higher_is_better]
    if not worse:
        return ""
    return f"For {join_danish(worse)} er lavere bedre. "


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
            hit = _value(data.area_estimates, variable=v.id, **{rc: rnd})
            if hit is not None:
                change[rnd][v.id] = hit
        if now in change and v.id in change[now]:
            compare[data.area_name][v.id] = change[now][v.id]
        for g in data.comparison_groups:
            hit = _value(data.comparison_estimates, variable=v.id, **{gc: g.id, rc: now})
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


def method_paragraphs(
    survey_name: str, population: str, alpha: float, min_n: int, adjust_method: str,
    *, weighted: bool = True, variables: tuple[VariableInfo, ...] = (),
) -> tuple[str, ...]:
    """The short method note, in plain Danish.

    ``population`` completes "en spørgeskemaundersøgelse blandt ...", e.g. "beboere på 18 år
    og derover".  ``weighted`` says whether the answers are weighted; ``variables`` lets the
    note name the indicators where lower is better.
    """
    first = f"Tallene kommer fra {survey_name}, en spørgeskemaundersøgelse blandt {population}."
    if weighted:
        first += " Svarene er vægtet, så de ligner hele gruppen med hensyn til fx køn og alder."
    else:
        first += " Svarene er ikke vægtet; alle svar tæller lige meget."
    scores_worse = [v for v in variables if v.kind == "score" and not v.higher_is_better]
    shares_worse = [v for v in variables if v.kind == "share" and not v.higher_is_better]
    scale = ("Hver dimension bygger på flere spørgsmål. Svarene er lagt sammen til en score fra 0 "
             "til 100, hvor højere " + ("er bedre." if scores_worse else "altid er bedre."))
    if shares_worse or scores_worse:
        names = join_danish([f"'{v.label}'" for v in (*scores_worse, *shares_worse)])
        scale += (" Andre spørgsmål vises som andele i procent. For de fleste spørgsmål er højere "
                  f"bedre; for {names} er lavere bedre.")
    return (
        first,
        scale,
        "Ikke alle har svaret. Derfor er der en usikkerhed på tallene. Vi kalder en forskel "
        f"reel, når der er mindre end {fmt_pct(alpha)} risiko for, at den kun skyldes "
        "tilfældigheder. Fordi vi laver mange sammenligninger på én gang, har vi gjort kravet "
        f"strengere ({adjust_text([adjust_method])}).",
        f"Tal, der bygger på færre end {min_n} svar, vises ikke. Det beskytter de personer, der "
        "har svaret. Ingen kan genkendes i tallene.",
    )


UNCERTAINTY_PARAGRAPH = (
    "Tallene er usikre, fordi ikke alle har svaret. Når der står \"usikkerheden er omkring "
    f"±4{NBSP}point\", ligger det rigtige tal med stor sandsynlighed højst 4{NBSP}point over "
    "eller under."
)
REAL_PARAGRAPH = ("\"En reel forskel\" betyder, at forskellen er så stor, at den næppe skyldes "
                  "tilfældigheder.")
SMALL_PARAGRAPH = ("Når forskellen er så lille, at den kan skyldes tilfældigheder, kan vi ikke "
                   "sige, om der er en forskel.")
READING_PARAGRAPHS = (UNCERTAINTY_PARAGRAPH, f"{REAL_PARAGRAPH} {SMALL_PARAGRAPH}")
"""How to read the numbers: uncertainty and real differences, in plain words."""


def reading_paragraphs(used_text: str) -> tuple[str, ...]:
    """The reading guide, explaining only the phrases that occur in ``used_text``."""
    out = []
    if "Usikkerheden er omkring" in used_text or "Usikkerheden er under" in used_text:
        out.append(UNCERTAINTY_PARAGRAPH)
    real = "reel" in used_text
    small = "kan skyldes tilfældigheder" in used_text
    if real and small:
        out.append(f"{REAL_PARAGRAPH} {SMALL_PARAGRAPH}")
    elif real:
        out.append(REAL_PARAGRAPH)
    elif small:
        out.append(SMALL_PARAGRAPH)
    return tuple(out)


def footer_line(organisation: str, created: str) -> str:
    """"Organisation · Udarbejdet 22. november 2026" (ISO dates as Danish long dates)."""
    date = fmt_date(created) if created else ""
    if date and date != created:
        date = f"Udarbejdet {date}"
    return " · ".join(x for x in (organisation, date) if x)


def _section_text(sections: list[Section]) -> str:
    parts: list[str] = []
    for sec in sections:
        parts += [sec.intro, *sec.paragraphs, *sec.bullets]
        parts.append(_section_text(list(sec.subsections)))
    return " ".join(parts)


def build_area_document(data: AreaSummaryInput) -> SummaryDocument:
    """The resident summary of one area as a :class:`SummaryDocument`."""
    first, now = data.round_keys[0], data.round_keys[-1]
    who = [f"I {r} svarede {fmt_int(c)} beboere." for r, c in _respondents(data)]
    sections, found = [], []
    for v in data.variables:
        sec, pts = _variable_section(data, v)
        sections.append(sec)
        found.extend(pts)
    grouped: dict[tuple[str, str], list[str]] = {}
    for start, label, end in found:
        grouped.setdefault((start, end), []).append(lower_first(label))
    points = [f"{start} {join_danish(labels)}{end}." for (start, end), labels in grouped.items()]
    many = len(data.round_keys) >= 2 and first != now
    if points:
        points.append("Alle andre forskelle og ændringer er så små, at de kan skyldes "
                      "tilfældigheder." if many else
                      "Alle andre forskelle er så små, at de kan skyldes tilfældigheder.")
    else:
        points.append("Der er ingen reelle forskelle mellem området og sammenligningsgrupperne"
                      + (f", og ingen reelle ændringer siden {first}." if many else "."))
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
        title=f"Tryghed og trivsel i {data.area_name}",
        lead=lead,
        sections=(
            *body,
            Section("Sådan skal du læse tallene",
                    paragraphs=reading_paragraphs(_section_text(body))),
            Section("Om undersøgelsen", paragraphs=method_paragraphs(
                data.survey_name, "beboere på 18 år og derover", data.alpha, data.min_n,
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
    "READING_PARAGRAPHS",
    "AreaSummaryInput",
    "ComparisonGroup",
    "build_area_document",
    "direction_note",
    "footer_line",
    "method_paragraphs",
    "reading_paragraphs",
    "render_area",
    "render_area_html",
    "render_area_pdf",
]

