"""Guessing what a column is from its name: respondent id, design columns, demographics.

Names are compared in a normal form: lower case, æ/ø/å as ae/oe/aa, every other
non-alphanumeric character as ``_``; "tokens" are the parts between underscores and digits.
A role word counts as the whole name or as the first or last of at most two tokens
(``design_weight``, ``vaegt_2024``), so an item such as ``ot1_tryg_omraade`` is no area.
Every guess is a draft for the user to check (``survey-kit init`` marks them TODO).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

ROLES = ("id", "weight", "strata", "psu", "fpc", "year", "area", "group")
_TOKENS: dict[str, frozenset[str]] = {
    "weight": frozenset({"weight", "weights", "wgt", "vaegt", "vgt", "vaegte"}),
    "strata": frozenset({"stratum", "strata", "strat"}),
    "psu": frozenset({"psu", "afdeling", "boligafdeling", "cluster", "klynge"}),
    "fpc": frozenset({"fpc"}),
    "area": frozenset({"area", "omraade", "boligomraade"}),
}
_NAMES: dict[str, frozenset[str]] = {
    "id": frozenset({"resp_id", "respid", "respondent", "respondent_id", "id", "lbnr",
                     "loebenr", "case_id", "caseid", "serial", "svar_id"}),
    "year": frozenset({"year", "aar", "runde", "round", "survey_year", "aargang"}),
    "group": frozenset({"group", "gruppe", "sammenligningsgruppe"}),
}
SUBGROUP_TOKENS = frozenset({"gender", "koen", "sex", "age", "alder", "aldersgruppe",
                             "menapt", "education", "uddannelse", "herkomst"})
_TRANSLATE = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})


def normal_name(name: str) -> str:
    """A column name in normal form.

    Examples
    --------
    >>> normal_name("Vægt 2024"), normal_name("År")
    ('vaegt_2024', 'aar')
    """
    text = str(name).lower().translate(_TRANSLATE)
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def tokens(name: str) -> list[str]:
    """The alphabetic parts of a normalised name.

    Examples
    --------
    >>> tokens("design_weight2")
    ['design', 'weight']
    """
    return [t for t in re.split(r"[_0-9]+", normal_name(name)) if t]


def role_of(name: str) -> str | None:
    """The design role a column name suggests, or None.

    Examples
    --------
    >>> [role_of(c) for c in ["resp_id", "vægt", "afdeling", "år", "omraade", "q1"]]
    ['id', 'weight', 'psu', 'year', 'area', None]
    >>> role_of("design_weight"), role_of("ot1_tryg_omraade")
    ('weight', None)
    """
    normal, parts = normal_name(name), tokens(name)
    ends = {parts[0], parts[-1]} if 0 < len(parts) <= 2 else set()
    for role in ROLES:
        if normal in _NAMES.get(role, ()) or ends & _TOKENS.get(role, set()):
            return role
    if normal.endswith("_id"):
        return "id"
    return None


def is_subgroup(name: str) -> bool:
    """Whether the name suggests a respondent characteristic (gender, age, MENAPT, ...).

    Examples
    --------
    >>> is_subgroup("age_group"), is_subgroup("koen"), is_subgroup("q1")
    (True, True, False)
    """
    found = tokens(name)
    return bool(found) and found[0] in SUBGROUP_TOKENS


def guess_roles(columns: Sequence[str]) -> dict[str, str]:
    """role -> the first column that suggests it (``id``, ``weight``, ``strata``, ...).

    Examples
    --------
    >>> guess_roles(["resp_id", "aar", "vaegt", "q1"])
    {'id': 'resp_id', 'weight': 'vaegt', 'year': 'aar'}
    """
    out: dict[str, str] = {}
    for column in columns:
        role = role_of(column)
        if role is not None and role not in out:
            out[role] = str(column)
    return {role: out[role] for role in ROLES if role in out}
