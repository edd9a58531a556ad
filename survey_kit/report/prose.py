"""Shared prose of the resident summaries (areas and youth): the method note, how to read the
numbers, the footer and the note on indicators where lower is better.

Fixed paragraphs in plain Danish; the sentences about numbers are in
:mod:`survey_kit.report.text`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from survey_kit.report.escape import NBSP, fmt_date, fmt_dec, fmt_pct, join_danish
from survey_kit.report.inputs import VariableInfo
from survey_kit.report.text import CHANCE, REAL, UNCERTAINTY, adjust_text

if TYPE_CHECKING:
    from survey_kit.report.area_input import AreaSummaryInput


def direction_note(variables: tuple[VariableInfo, ...] | list[VariableInfo]) -> str:
    """"For ... er lavere bedre. " naming the unfavourable indicators, or ""."""
    worse = [f"'{v.label}'" for v in variables if not v.higher_is_better]
    if not worse:
        return ""
    return f"For {join_danish(worse)} er lavere bedre. "


def method_paragraphs(
    survey_name: str, population: str, alpha: float, min_n: int, adjust_method: str,
    *, weighted: bool = True, variables: tuple[VariableInfo, ...] = (), family: str = "",
) -> tuple[str, ...]:
    """The short method note, in plain Danish.

    ``population`` completes "en spørgeskemaundersøgelse blandt ...", e.g. "beboere på 18 år
    og derover".  ``weighted`` says whether the answers are weighted; ``variables`` lets the
    note name the indicators where lower is better; ``family`` (e.g. "alle 39 sammenligninger
    på siden") says which comparisons the correction runs over.
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
        "tilfældigheder (t-test). Fordi vi laver mange sammenligninger på én gang, har vi gjort "
        f"kravet strengere ({adjust_text([adjust_method])}"
        + (f" over {family}" if family else "") + ").",
        f"Tal, der bygger på færre end {min_n} svar, vises ikke. Det beskytter de personer, der "
        "har svaret. Ingen kan genkendes i tallene.",
    )


UNCERTAINTY_PARAGRAPH = (
    "Tallene er usikre, fordi ikke alle har svaret. Når der står \"usikkerheden er omkring "
    f"±4{NBSP}point\", ligger det rigtige tal med stor sandsynlighed højst 4{NBSP}point over "
    "eller under."
)
MODEL_PARAGRAPH = (
    "Når der er forholdsvis få svar fra et område, bygger vi tallet både på områdets egne svar "
    "og på resultaterne i lignende områder. Det giver et mere sikkert tal. Jo færre svar, jo "
    "mere vægt får de lignende områder. Sådan et tal er markeret med *. Vi sammenligner det "
    "ikke med andre grupper eller med tidligere år: forskelle tester vi kun på områdets egne svar."
)
REAL_PARAGRAPH = ("\"En reel forskel\" betyder, at forskellen er så stor, at den næppe skyldes "
                  "tilfældigheder.")
SMALL_PARAGRAPH = ("Når forskellen er så lille, at den kan skyldes tilfældigheder, kan vi ikke "
                   "sige, om der er en forskel.")
READING_PARAGRAPHS = (UNCERTAINTY_PARAGRAPH, f"{REAL_PARAGRAPH} {SMALL_PARAGRAPH}")
"""How to read the numbers: uncertainty and real differences, in plain words."""


def reading_paragraphs(claims: Iterable[str], model: bool = False) -> tuple[str, ...]:
    """The reading guide, explaining only the kinds of statement the summary made (the claims
    of its :class:`~survey_kit.report.text.Statement` s); ``model``: the page shows figures
    that also draw on similar areas.

    Examples
    --------
    >>> [p[:25] for p in reading_paragraphs({REAL})]
    ['"En reel forskel" betyder']
    >>> len(reading_paragraphs({UNCERTAINTY, REAL, CHANCE})), reading_paragraphs(())
    (2, ())
    """
    said = set(claims)
    out = []
    if UNCERTAINTY in said:
        out.append(UNCERTAINTY_PARAGRAPH)
    real, small = REAL in said, CHANCE in said
    if real and small:
        out.append(f"{REAL_PARAGRAPH} {SMALL_PARAGRAPH}")
    elif real:
        out.append(REAL_PARAGRAPH)
    elif small:
        out.append(SMALL_PARAGRAPH)
    if model:
        out.append(MODEL_PARAGRAPH)
    return tuple(out)


def page_rule_paragraph(min_df: float, max_cv: float) -> str:
    """The page rule in plain Danish (the method note of an area page).

    Examples
    --------
    >>> page_rule_paragraph(5, 0.2)[:60]
    'Vi viser områdets egne tal, når der er svar fra nok boligafd'
    """
    return (
        "Vi viser områdets egne tal, når der er svar fra nok boligafdelinger (mindst "
        f"{fmt_dec(min_df, 0)} frihedsgrader) og tallet er præcist nok (standardfejlen er højst "
        f"{fmt_pct(max_cv)} af tallet). Ellers viser vi et tal fra en statistisk model for små "
        "områder (Fay-Herriot-modellen), som også bygger på lignende områder. Hvis modellen ikke "
        "kan skelne områderne fra hinanden, viser vi områdets eget tal og skriver, at det er "
        "usikkert. Forskelle og ændringer tester vi kun på områdets egne svar."
    )


def area_method_paragraphs(data: AreaSummaryInput) -> tuple[str, ...]:
    """The method note of an area page: the survey, the scores, the test with its family,
    the page rule (when the page uses it) and the suppression."""
    size = data.family_size if any(s.stated for s in data.statements) else 0
    family = f"alle {size} sammenligninger for {data.area_name}" if size > 1 else ""
    base = method_paragraphs(
        data.survey_name, data.population, data.alpha, data.min_n, data.page_adjust_method,
        weighted=data.weighted, variables=data.variables, family=family)
    if data.small_area is None:
        return base
    return (*base[:3], page_rule_paragraph(data.rule.min_df, data.rule.max_cv), *base[3:])


def footer_line(organisation: str, created: str) -> str:
    """"Organisation · Udarbejdet 22. november 2026" (ISO dates as Danish long dates)."""
    date = fmt_date(created) if created else ""
    if date and date != created:
        date = f"Udarbejdet {date}"
    return " · ".join(x for x in (organisation, date) if x)


__all__ = [
    "MODEL_PARAGRAPH",
    "READING_PARAGRAPHS",
    "area_method_paragraphs",
    "direction_note",
    "footer_line",
    "method_paragraphs",
    "page_rule_paragraph",
    "reading_paragraphs",
]
