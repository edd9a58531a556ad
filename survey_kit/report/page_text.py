"""The sentences of an area page, generated from its shown figures and tested statements.

Every sentence about a difference or change comes from one
:class:`~survey_kit.report.statements.TestedStatement`: "højere/lavere end" and "en reel
stigning/et reelt fald" only when its page interval excludes zero, otherwise "så lille, at den
kan skyldes tilfældigheder".  Whether a direction is good ("et bedre resultat", "en
forbedring") is said only of real differences, and only from the statement's ``favourable``,
which follows the variable's direction.  Short sentences, decimal comma, no "signifikant".
"""

from __future__ import annotations

from collections.abc import Sequence

from survey_kit.report.escape import NBSP, fmt_dec, fmt_pct, join_danish
from survey_kit.report.inputs import VariableInfo
from survey_kit.report.shown import (
    MISSING,
    MODEL,
    SUPPRESSED,
    TOO_UNCERTAIN,
    UNCERTAIN,
    ShownFigure,
)
from survey_kit.report.statements import CHANGE, VS_GROUP, TestedStatement
from survey_kit.report.text import (
    CHANCE,
    REAL,
    SUPPRESSED_SENTENCE,
    UNCERTAINTY,
    Statement,
    adjust_text,
    value_phrase,
    value_text,
)

MODEL_CLAIM = "model"
"""Claim of a sentence that says a figure also draws on similar areas."""
UNCERTAIN_CLAIM = "uncertain"
"""Claim of a sentence that calls a direct figure uncertain or too uncertain to show."""


def half_width(variable: VariableInfo, figure: ShownFigure) -> str:
    """The interval's half width in words: "±4 point" ("under ±1 point" when tiny).

    Examples
    --------
    >>> half_width(VariableInfo("t", "T"), ShownFigure("direct", 0.5, 0.46, 0.54))
    '±4\\xa0point'
    """
    half = (figure.high - figure.low) / 2 * 100
    if half < 0.5:
        return f"under ±1{NBSP}{variable.unit}"
    return f"±{fmt_dec(half, 0)}{NBSP}{variable.unit}"


def level_statement(variable: VariableInfo, area: str, rnd: str, figure: ShownFigure | None
                    ) -> Statement:
    """What the page says about the area's figure in round ``rnd``.

    Examples
    --------
    >>> v = VariableInfo("t", "Tillid")
    >>> level_statement(v, "HP49", "2021", ShownFigure("model", 0.59, 0.56, 0.62)).text
    ... # doctest: +NORMALIZE_WHITESPACE
    'I 2021 var resultatet i HP49 59,0 point ud af 100. Usikkerheden er omkring ±3\\xa0point.
    Tallet bygger også på lignende områder.'
    """
    if figure is None or figure.basis == MISSING:
        return Statement(f"{variable.label} blev ikke målt i {rnd}.")
    if figure.basis == SUPPRESSED:
        return Statement(f"I {rnd}: {SUPPRESSED_SENTENCE}")
    if figure.basis == TOO_UNCERTAIN:
        return Statement(f"Tallet for {rnd} er for usikkert til at blive vist, fordi der er "
                         f"svar fra for få boligafdelinger i {area}.",
                         frozenset({UNCERTAIN_CLAIM}))
    start = f"I {rnd} var resultatet i {area} {value_phrase(variable, figure.value)}."
    width = half_width(variable, figure)
    if figure.basis == MODEL:
        return Statement(f"{start} Usikkerheden er omkring {width}. Tallet bygger også på "
                         "lignende områder.",
                         frozenset({UNCERTAINTY, MODEL_CLAIM}))
    if figure.basis == UNCERTAIN:
        return Statement(f"{start} Tallet er meget usikkert: usikkerheden er omkring {width}.",
                         frozenset({UNCERTAINTY, UNCERTAIN_CLAIM}))
    return Statement(f"{start} Usikkerheden er omkring {width}.", frozenset({UNCERTAINTY}))


def amount(variable: VariableInfo, statement: TestedStatement) -> str:
    """The stated size of a difference: "4,2 point", "5 procentpoint" (from the shown
    figures; "under 0,1 point" for a real difference that the rounding hides).

    Examples
    --------
    >>> v = VariableInfo("t", "T")
    >>> s = TestedStatement("t", "vs_group", "almene", "2021", 0.042, 0.6, 0.558, 0.042,
    ...                     0.01, 0.07, True, 1, True, 10)
    >>> amount(v, s)
    '4,2\\xa0point'
    """
    shown = abs(statement.shown_difference) * 100
    d = variable.shown_decimals
    if round(shown, d) == 0:
        smallest = fmt_dec(10.0 ** -d, d)
        return f"under {smallest}{NBSP}{variable.unit}"
    return f"{fmt_dec(shown, d)}{NBSP}{variable.unit}"


def _verdict(statement: TestedStatement, change: bool) -> str:
    """The second sentence: real (with its judgement) or possibly chance."""
    up = statement.direction > 0
    if not statement.significant:
        if not change:
            return "Forskellen er så lille, at den kan skyldes tilfældigheder."
        return ("Stigningen er så lille, at den kan skyldes tilfældigheder." if up
                else "Faldet er så lille, at det kan skyldes tilfældigheder.")
    good = statement.favourable
    if change:
        noun = "en reel stigning" if up else "et reelt fald"
        judged = "en forbedring" if good else "en forværring"
    else:
        noun, judged = "en reel forskel", ("et bedre resultat" if good else "et dårligere resultat")
    return f"Det er {noun}, og det er {judged}."


def difference_text(variable: VariableInfo, statement: TestedStatement, other: str) -> Statement:
    """The sentences of one stated difference against a group (``other``: its phrase).

    Examples
    --------
    >>> v = VariableInfo("t", "Tillid")
    >>> s = TestedStatement("t", "vs_group", "almene", "2021", 0.042, 0.6, 0.558, 0.042,
    ...                     0.01, 0.07, True, 1, True, 10)
    >>> print(difference_text(v, s, "de almene boliger").text.replace("\xa0", " "))
    Området ligger 4,2 point højere end de almene boliger. Det er en reel forskel, og det er et
    bedre resultat.
    """
    if statement.direction == 0:
        return Statement(f"Området ligger på samme niveau som {other}.", frozenset({CHANCE}))
    word = "højere" if statement.direction > 0 else "lavere"
    first = f"Området ligger {amount(variable, statement)} {word} end {other}."
    return Statement(f"{first} {_verdict(statement, change=False)}",
                     frozenset({REAL if statement.significant else CHANCE}))


def change_text(variable: VariableInfo, statement: TestedStatement) -> Statement:
    """The sentences of one stated change since an earlier round.

    Examples
    --------
    >>> v = VariableInfo("tryg", "Tryg", kind="share")
    >>> s = TestedStatement("tryg", "change", "2018", "2021", 0.03, 0.77, 0.74, 0.03,
    ...                     -0.02, 0.08, False, 1, True, 10)
    >>> print(change_text(v, s).text.replace("\xa0", " "))
    Siden 2018 er tallet steget fra 74 % til 77 %. Stigningen er så lille, at den kan skyldes
    tilfældigheder.
    """
    since = statement.compared_with
    a, b = value_text(variable, statement.other_value), value_text(variable, statement.value)
    if statement.direction == 0:
        return Statement(f"Siden {since} er tallet uændret på {b}.", frozenset({CHANCE}))
    verb = "steget" if statement.direction > 0 else "faldet"
    first = f"Siden {since} er tallet {verb} fra {a} til {b}."
    return Statement(f"{first} {_verdict(statement, change=True)}",
                     frozenset({REAL if statement.significant else CHANCE}))


def not_stated_text(statements: Sequence[TestedStatement], phrases: dict[str, str]) -> str:
    """One sentence on the differences of a variable that the page does not state, or "".

    Examples
    --------
    >>> s = TestedStatement("t", "vs_group", "almene", "2021", *[float("nan")] * 6, False, 0,
    ...                     None, 39, stated=False, reason="model")
    >>> not_stated_text([s], {"almene": "de almene boliger"})
    'Vi sammenligner ikke tallet med de almene boliger, fordi det også bygger på lignende områder.'
    """
    quiet = [s for s in statements if not s.stated]
    if not quiet:
        return ""
    targets = [phrases.get(s.compared_with, s.compared_with) if s.kind == VS_GROUP
               else f"{s.compared_with}" for s in quiet]
    groups = [t for s, t in zip(quiet, targets, strict=True) if s.kind == VS_GROUP]
    rounds = [t for s, t in zip(quiet, targets, strict=True) if s.kind == CHANGE]
    what = join_danish([*groups, *(["tallet for " + join_danish(rounds)] if rounds else [])])
    reasons = {s.reason for s in quiet}
    if reasons <= {MODEL}:
        model_round = rounds and not groups
        why = ("fordi tallet for det år også bygger på lignende områder" if model_round
               else "fordi det også bygger på lignende områder")
        return f"Vi sammenligner ikke tallet med {what}, {why}."
    if reasons & {SUPPRESSED, MISSING}:
        return (f"Sammenligningen med {what} kan ikke vises, fordi et af tallene ikke vises "
                "eller ikke er målt.")
    return f"Vi sammenligner ikke tallet med {what}, fordi det er for usikkert."


def family_sentence(area: str, family_size: int, alpha: float, method: str) -> str:
    """The test, level and multiplicity family behind every "reel" on the page.

    Examples
    --------
    >>> family_sentence("HP04", 39, 0.05, "bonferroni")  # doctest: +NORMALIZE_WHITESPACE
    'Vi kalder en forskel reel, når en statistisk test (t-test) viser, at der er under 5\\xa0%
    risiko for, at den kun skyldes tilfældigheder. Vi har i alt lavet 39 sammenligninger for
    HP04 og har taget højde for det (Bonferroni-korrektion).'
    """
    first = ("Vi kalder en forskel reel, når en statistisk test (t-test) viser, at der er under "
             f"{fmt_pct(alpha, 0 if alpha * 100 >= 1 else 1)} risiko for, at den kun skyldes "
             "tilfældigheder.")
    if family_size <= 1:
        return first
    return (f"{first} Vi har i alt lavet {family_size} sammenligninger for {area} og har taget "
            f"højde for det ({adjust_text([method])}).")


def tested_with(alpha: float, family_size: int, method: str) -> str:
    """The test, level and family in a few words, for a chart's caption.

    Examples
    --------
    >>> tested_with(0.05, 39, "bonferroni")
    't-test på 5\xa0%-niveau med Bonferroni-korrektion for 39 sammenligninger'
    """
    level = f"t-test på {fmt_pct(alpha, 0 if alpha * 100 >= 1 else 1)}-niveau"
    if family_size <= 1:
        return level
    return f"{level} med {adjust_text([method])} for {family_size} sammenligninger"


__all__ = [
    "MODEL_CLAIM",
    "UNCERTAIN_CLAIM",
    "amount",
    "change_text",
    "difference_text",
    "family_sentence",
    "half_width",
    "level_statement",
    "not_stated_text",
    "tested_with",
]
