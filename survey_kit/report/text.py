"""Plain Danish sentences for the report: what the dimensions mean, differences, uncertainty.

Written for residents: short sentences, numbers with decimal comma, no "signifikant".  A
difference is called *en reel forskel* when the (multiplicity-adjusted) test says so, and
otherwise *så lille, at den kan skyldes tilfældigheder*.  The functions take raw 0-1 numbers and
return ``str``; HTML escaping happens in the templates.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from survey_kit.report.descriptions import DIMENSION_DESCRIPTIONS
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

SUPPRESSED_SENTENCE = "For få besvarelser til at vise et tal."
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
    if math.isnan(ci_low) or math.isnan(ci_high):
        return "Usikkerheden kan ikke beregnes."
    half = (ci_high - ci_low) / 2 * 100
    if half < 0.5:
        return f"Usikkerheden er under ±1\u00a0{variable.unit}."
    return f"Usikkerheden er omkring ±{fmt_dec(half, 0)}\u00a0{variable.unit}."


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
    if math.isnan(difference):
        return NOT_TESTED_SENTENCE
    if shown is not None and not any(math.isnan(x) for x in shown):
        difference = shown_difference(variable, *shown)
    if round(abs(difference) * 100, variable.shown_decimals) == 0:
        return f"{subject} ligger på samme niveau som {other}."
    direction = "højere" if difference > 0 else "lavere"
    first = f"{subject} ligger {amount_phrase(variable, difference)} {direction} end {other}"
    if not variable.higher_is_better:
        first += (" – det er et dårligere resultat" if difference > 0
                  else " – det er et bedre resultat")
    first += "."
    if significant:
        return first + " Det er en reel forskel."
    return first + " Forskellen er så lille, at den kan skyldes tilfældigheder."


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
    if any(math.isnan(x) for x in (earlier, later, difference)):
        return f"Udviklingen siden {earlier_round} kan ikke vises, fordi der er for få besvarelser."
    a, b = value_text(variable, earlier), value_text(variable, later)
    shown = shown_difference(variable, later, earlier)
    if a == b or round(abs(shown) * 100, variable.shown_decimals) == 0:
        return f"Siden {earlier_round} er tallet uændret på {b}."
    worse = (shown < 0) == variable.higher_is_better
    judged = "" if variable.higher_is_better else (
        " – det er en forværring" if worse else " – det er en forbedring")
    if shown > 0:
        first = f"Siden {earlier_round} er tallet steget fra {a} til {b}{judged}."
        verdict = ("Det er en reel stigning." if significant
                   else "Stigningen er så lille, at den kan skyldes tilfældigheder.")
    else:
        first = f"Siden {earlier_round} er tallet faldet fra {a} til {b}{judged}."
        verdict = ("Det er et reelt fald." if significant
                   else "Faldet er så lille, at det kan skyldes tilfældigheder.")
    return f"{first} {verdict}"


def change_noun(difference: float) -> str:
    """The change with its article, for "Siden 2018 er der sket ...": gender agrees.

    Examples
    --------
    >>> change_noun(0.1), change_noun(-0.1)
    ('en reel stigning', 'et reelt fald')
    """
    return "en reel stigning" if difference > 0 else "et reelt fald"


__all__ = [
    "ADJUST_METHOD_TEXT",
    "DIMENSION_DESCRIPTIONS",
    "NOT_TESTED_SENTENCE",
    "SUPPRESSED_SENTENCE",
    "adjust_text",
    "amount_phrase",
    "change_noun",
    "change_sentence",
    "difference_sentence",
    "lower_first",
    "shown_difference",
    "shown_value",
    "test_footnote",
    "uncertainty_sentence",
    "value_phrase",
    "value_text",
]
