"""Plain Danish sentences for the report: what the dimensions mean, differences, uncertainty.

Written for residents: short sentences, numbers with decimal comma, no "signifikant".  A
difference is called *en reel forskel* when the (multiplicity-adjusted) test says so, and
otherwise *så lille, at den kan skyldes tilfældigheder*.  The functions take raw 0-1 numbers and
return ``str``; HTML escaping happens in the templates.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from survey_kit.report.escape import fmt_dec, fmt_pct, join_danish
from survey_kit.report.inputs import VariableInfo

ADJUST_METHOD_TEXT: dict[str, str] = {
    "holm": "Holms metode",
    "bonferroni": "Bonferroni-korrektion",
    "BH": "Benjamini–Hochbergs metode (falsk opdagelsesrate)",
    "fdr": "Benjamini–Hochbergs metode (falsk opdagelsesrate)",
    "BY": "Benjamini–Yekutielis metode",
    "hochberg": "Hochbergs metode",
    "hommel": "Hommels metode",
    "none": "ingen korrektion",
}
"""Danish names of R's ``p.adjust`` methods."""

SUPPRESSED_SENTENCE = ("Tallet vises ikke: for få har svaret, eller det kunne afsløre tal for en "
                       "lille gruppe.")
"""What residents read instead of a suppressed figure."""

NOT_TESTED_SENTENCE = "Forskellen kan ikke vurderes, fordi der er for få besvarelser."
"""What residents read instead of a suppressed or untestable difference."""


def lower_first(text: str) -> str:
    """Lower-case the first letter for use inside a sentence, unless it starts an acronym.

    Examples
    --------
    >>> lower_first("Køn og MENAPT-baggrund"), lower_first("MENAPT-piger"), lower_first("")
    ('køn og MENAPT-baggrund', 'MENAPT-piger', '')
    """
    if len(text) >= 2 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def adjust_text(methods: Iterable[str]) -> str:
    """Danish text naming the multiplicity correction(s) used.

    Examples
    --------
    >>> adjust_text(["holm"]), adjust_text([])
    ('Holms metode', 'ikke oplyst')
    """
    names = [ADJUST_METHOD_TEXT.get(m, m) for m in dict.fromkeys(methods) if m]
    return join_danish(names) if names else "ikke oplyst"


def test_footnote(
    alpha: float, methods: Iterable[str], *, weighted: bool = True, clustered: bool = True,
    rounds: int = 2,
) -> str:
    """The footnote that names the test, the level and the multiplicity correction.

    ``weighted``, ``clustered`` and ``rounds`` describe the actual design, so that the text
    never mentions weights, strata/klynger or "begge runder" where there are none.

    Examples
    --------
    >>> print(test_footnote(0.05, ["holm"]))  # doctest: +ELLIPSIS
    Test: design-baseret t-test... Signifikansniveau: 5 %. Korrektion ...: Holms metode.
    >>> text = test_footnote(0.05, ["holm"], weighted=False, clustered=False, rounds=1)
    >>> "simpel tilfældig stikprøve" in text, "klynger" in text, "runder" in text
    (True, False, False)
    """
    if clustered:
        parts = ["vægte, strata og klynger" if weighted else "strata og klynger"]
        test = ("Test: design-baseret t-test; standardfejl beregnet ved Taylor-linearisering, "
                f"der tager højde for {parts[0]} i stikprøven")
    else:
        test = "Test: t-test for en simpel tilfældig stikprøve"
        if weighted:
            test += "; standardfejl beregnet ved Taylor-linearisering, der tager højde for vægtene"
    if rounds >= 2:
        test += (", og for at de samme personer kan indgå i begge runder" if rounds == 2
                 else ", og for at de samme personer kan indgå i flere runder")
    return (
        f"{test}. Signifikansniveau: {fmt_pct(alpha, 0 if alpha * 100 >= 1 else 1)}. "
        f"Korrektion for flere sammenligninger: {adjust_text(methods)}."
    )


test_footnote.__test__ = False  # type: ignore[attr-defined]  # not a pytest test


def shown_value(variable: VariableInfo, x: float) -> float:
    """``x`` (0-1) rounded as it is displayed, back on 0-1 (so differences match the tables).

    Examples
    --------
    >>> shown_value(VariableInfo("tryg", "Tryg", kind="share"), 0.7349)
    0.73
    >>> shown_value(VariableInfo("tillid", "Tillid"), 0.53349)
    0.533
    """
    d = variable.shown_decimals
    scaled = abs(x) * 100 * 10**d
    rounded = math.floor(scaled + 0.5 + 1e-9) / 10**d
    return round(math.copysign(rounded, x) / 100, 10)


def shown_difference(variable: VariableInfo, a: float, b: float) -> float:
    """``a - b`` computed from the displayed, rounded values (0-1 scale).

    Examples
    --------
    >>> v = VariableInfo("tryg", "Tryg", kind="share")
    >>> round(shown_difference(v, 0.7349, 0.7151), 4)  # shown as 73 % and 72 %
    0.01
    """
    return round(shown_value(variable, a) - shown_value(variable, b), 10)


def value_text(variable: VariableInfo, x: float, decimals: int | None = None) -> str:
    """A 0-1 value as shown: scores as points out of 100, shares as a percentage.

    Examples
    --------
    >>> value_text(VariableInfo("tillid", "Tillid"), 0.5334)
    '53,3'
    >>> value_text(VariableInfo("tryg", "Tryg", kind="share"), 0.734)
    '73\xa0%'
    """
    d = variable.shown_decimals if decimals is None else decimals
    if variable.kind == "share":
        return fmt_pct(x, d)
    return fmt_dec(x * 100, d)


def value_phrase(variable: VariableInfo, x: float) -> str:
    """A value with its unit in words: "53,3 point ud af 100" or "73 %".

    Examples
    --------
    >>> value_phrase(VariableInfo("tillid", "Tillid"), 0.5334)
    '53,3 point ud af 100'
    """
    if variable.kind == "share":
        return value_text(variable, x)
    return value_text(variable, x) + " point ud af 100"


def amount_phrase(variable: VariableInfo, difference: float) -> str:
    """The size of a difference in its unit: "4,2 point" or "5 procentpoint"."""
    return f"{fmt_dec(abs(difference) * 100, variable.shown_decimals)}\u00a0{variable.unit}"


HIDDEN = "Vises ikke"
"""A hidden cell in a resident table or chart: the same words for a cell with too few answers
and a cell hidden so that it cannot be worked out (telling them apart would tell an attacker
which cells are small)."""
HIDDEN_NOTE = ("\"Vises ikke\": for få har svaret, eller tallet er skjult, så man ikke kan "
               "regne sig frem til tal for en lille gruppe.")
"""The note under a resident table with hidden cells."""

UNCERTAINTY = "uncertainty"
"""Claim of a sentence that states an interval's half width ("Usikkerheden er omkring ...")."""
REAL = "real"
"""Claim of a sentence that calls a difference or change real (or says there is none)."""
CHANCE = "chance"
"""Claim of a sentence that says a difference may be due to chance."""


@dataclass(frozen=True)
class Statement:
    """A sentence and the claims it makes (:data:`UNCERTAINTY`, :data:`REAL`, :data:`CHANCE`),
    so that a summary explains exactly the kinds of statement it made."""

    text: str
    claims: frozenset[str] = frozenset()


def judgement(variable: VariableInfo, difference: float, *, change: bool = False) -> str:
    """" – det er et dårligere resultat" (or a better one; for a change: "en forværring" or
    "en forbedring") for a variable where lower is better; "" otherwise.

    Examples
    --------
    >>> bad = VariableInfo("alene", "Alene", kind="share", higher_is_better=False)
    >>> judgement(bad, 0.1), judgement(bad, -0.1, change=True)
    (' – det er et dårligere resultat', ' – det er en forbedring')
    >>> judgement(VariableInfo("tillid", "Tillid"), 0.1)
    ''
    """
    if variable.higher_is_better:
        return ""
    if change:
        return " – det er en forværring" if difference > 0 else " – det er en forbedring"
    return " – det er et dårligere resultat" if difference > 0 else " – det er et bedre resultat"


def uncertainty_statement(variable: VariableInfo, ci_low: float, ci_high: float) -> Statement:
    """:func:`uncertainty_sentence` with its claims."""
    if math.isnan(ci_low) or math.isnan(ci_high):
        return Statement("Usikkerheden kan ikke beregnes.")
    half = (ci_high - ci_low) / 2 * 100
    if half < 0.5:
        return Statement(f"Usikkerheden er under ±1\u00a0{variable.unit}.",
                         frozenset({UNCERTAINTY}))
    return Statement(f"Usikkerheden er omkring ±{fmt_dec(half, 0)}\u00a0{variable.unit}.",
                     frozenset({UNCERTAINTY}))


def uncertainty_sentence(variable: VariableInfo, ci_low: float, ci_high: float) -> str:
    """The 95 % interval said in words, from its half width.

    Examples
    --------
    The number and its unit are joined by a no-break space.

    >>> uncertainty_sentence(VariableInfo("tryg", "Tryg", kind="share"), 0.70, 0.78)
    'Usikkerheden er omkring ±4\xa0procentpoint.'
    >>> uncertainty_sentence(VariableInfo("tillid", "Tillid"), 0.531, 0.537)
    'Usikkerheden er under ±1\xa0point.'
    """
    return uncertainty_statement(variable, ci_low, ci_high).text


def difference_statement(
    variable: VariableInfo, subject: str, other: str, difference: float, significant: bool,
    shown: tuple[float, float] | None = None,
) -> Statement:
    """:func:`difference_sentence` with its claims."""
    if math.isnan(difference):
        return Statement(NOT_TESTED_SENTENCE)
    if shown is not None and not any(math.isnan(x) for x in shown):
        difference = shown_difference(variable, *shown)
    if round(abs(difference) * 100, variable.shown_decimals) == 0:
        return Statement(f"{subject} ligger på samme niveau som {other}.")
    direction = "højere" if difference > 0 else "lavere"
    judged = judgement(variable, difference) if significant else ""  # only what is real
    first = (f"{subject} ligger {amount_phrase(variable, difference)} {direction} end {other}"
             f"{judged}.")
    if significant:
        return Statement(first + " Det er en reel forskel.", frozenset({REAL}))
    return Statement(first + " Forskellen er så lille, at den kan skyldes tilfældigheder.",
                     frozenset({CHANCE}))


def difference_sentence(
    variable: VariableInfo, subject: str, other: str, difference: float, significant: bool,
    shown: tuple[float, float] | None = None,
) -> str:
    """Compare ``subject`` with ``other`` in one or two short sentences.

    Parameters
    ----------
    variable : VariableInfo
        The variable compared (gives the unit and whether higher is better).
    subject, other : str
        Danish names, e.g. ``"Området"`` and ``"de almene boliger"``.
    difference : float
        ``subject - other`` on 0-1.  NaN: the difference cannot be shown.
    significant : bool
        Whether the test found a real difference.
    shown : (float, float), optional
        The two values (subject, other) on 0-1 as shown in the tables; when given, the stated
        size is computed from their rounded values, so text and table agree.

    Examples
    --------
    >>> v = VariableInfo("tillid", "Tillid")
    >>> difference_sentence(v, "Området", "de almene boliger", 0.042, True)
    'Området ligger 4,2\xa0point højere end de almene boliger. Det er en reel forskel.'
    >>> difference_sentence(v, "Området", "hele befolkningen", -0.013, False)  # doctest: +ELLIPSIS
    'Området ligger 1,3\xa0point lavere end hele befolkningen. Forskellen er så lille, at den ...'
    >>> bad = VariableInfo("alene", "Vil helst passe sig selv", kind="share",
    ...                    higher_is_better=False)
    >>> difference_sentence(bad, "Området", "hele befolkningen", 0.12, True)  # doctest: +ELLIPSIS
    'Området ligger 12\xa0procentpoint højere end hele befolkningen – det er et dårligere ...'
    """
    return difference_statement(variable, subject, other, difference, significant, shown).text


def change_statement(
    variable: VariableInfo, earlier_round: str, earlier: float, later: float,
    difference: float, significant: bool,
) -> Statement:
    """:func:`change_sentence` with its claims."""
    if any(math.isnan(x) for x in (earlier, later, difference)):
        return Statement(f"Udviklingen siden {earlier_round} kan ikke vises, fordi der er for få "
                         "besvarelser.")
    a, b = value_text(variable, earlier), value_text(variable, later)
    shown = shown_difference(variable, later, earlier)
    if a == b or round(abs(shown) * 100, variable.shown_decimals) == 0:
        return Statement(f"Siden {earlier_round} er tallet uændret på {b}.")
    judged = judgement(variable, shown, change=True) if significant else ""
    claims = frozenset({REAL if significant else CHANCE})
    if shown > 0:
        first = f"Siden {earlier_round} er tallet steget fra {a} til {b}{judged}."
        verdict = ("Det er en reel stigning." if significant
                   else "Stigningen er så lille, at den kan skyldes tilfældigheder.")
    else:
        first = f"Siden {earlier_round} er tallet faldet fra {a} til {b}{judged}."
        verdict = ("Det er et reelt fald." if significant
                   else "Faldet er så lille, at det kan skyldes tilfældigheder.")
    return Statement(f"{first} {verdict}", claims)


def change_sentence(
    variable: VariableInfo, earlier_round: str, earlier: float, later: float,
    difference: float, significant: bool,
) -> str:
    """Say how a value changed since an earlier round, and whether the change is real.

    The change is stated from the displayed, rounded values; equal displayed values are said to
    be unchanged.

    Examples
    --------
    >>> v = VariableInfo("tryg", "Tryg", kind="share")
    >>> print(change_sentence(v, "2018", 0.74, 0.77, 0.03, False))
    Siden 2018 er tallet steget fra 74 % til 77 %. Stigningen er så lille, at den kan skyldes
    tilfældigheder.
    >>> change_sentence(v, "2018", 0.76, 0.83, 0.07, True)
    'Siden 2018 er tallet steget fra 76\xa0% til 83\xa0%. Det er en reel stigning.'
    >>> change_sentence(v, "2018", 0.794, 0.786, -0.008, False)
    'Siden 2018 er tallet uændret på 79\xa0%.'
    """
    return change_statement(variable, earlier_round, earlier, later, difference,
                            significant).text


def change_noun(difference: float) -> str:
    """The change with its article, for "Siden 2018 er der sket ...": gender agrees.

    Examples
    --------
    >>> change_noun(0.1), change_noun(-0.1)
    ('en reel stigning', 'et reelt fald')
    """
    return "en reel stigning" if difference > 0 else "et reelt fald"


def low_several_label(at_least: int, of: int) -> str:
    """The label of the indicator "low on at least ``at_least`` of ``of`` dimensions".

    Examples
    --------
    >>> low_several_label(3, 6)
    'Lav score på mindst 3 af 6 områder'
    """
    return f"Lav score på mindst {at_least} af {of} områder"


__all__ = [
    "ADJUST_METHOD_TEXT",
    "CHANCE",
    "HIDDEN",
    "HIDDEN_NOTE",
    "NOT_TESTED_SENTENCE",
    "REAL",
    "SUPPRESSED_SENTENCE",
    "UNCERTAINTY",
    "Statement",
    "adjust_text",
    "amount_phrase",
    "change_noun",
    "change_sentence",
    "change_statement",
    "difference_sentence",
    "difference_statement",
    "judgement",
    "low_several_label",
    "lower_first",
    "shown_difference",
    "shown_value",
    "test_footnote",
    "uncertainty_sentence",
    "uncertainty_statement",
    "value_phrase",
    "value_text",
]
