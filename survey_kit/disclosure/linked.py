"""Linked tables: every published row rests on *domains* of one universe of *atoms*.

An **atom** is one combination of the classification columns a run publishes by (round,
group, area, gender, MENAPT, age group, ...; a missing value is a level of its own).  A
**domain** is the set of atoms a published figure counts: "helhedsplan, 2021, men" is every
atom with those three values.  Two figures in different files that count the same atoms are
the same domain, whatever their columns are called (the area page's "almene 2021" and the
significance table's total of almene in 2021), so they are shown or hidden together.

A published table is a :class:`Published`: its frame and, per :class:`Side`, which domain each
row rests on (an estimate has one side, a contrast two, a relative development four) and which
columns state that domain's count and mean.  :func:`link` reads every table into one
:class:`Linked` structure: the domains with their atoms, and the *facts* (count and, when
given, mean) that the published rows state about each domain and variable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from survey_kit.disclosure.tables import ReportInputError, key_text

Conditions = tuple[tuple[str, str], ...]
"""A domain as its conditions: sorted ``(column, value text)`` pairs; ``()`` is everyone."""

RESPONDENTS = "(respondents)"
"""Pseudo-variable of the facts that state a domain's number of respondents (any answer)."""


@dataclass(frozen=True, eq=False)
class Side:
    """One domain that the rows of a published table rest on.

    Parameters
    ----------
    keys : pandas.DataFrame
        Aligned with the table's rows: one column per classification column the domain is
        defined by; a missing value means "every level" (the total).
    n, value : str
        Columns of the table stating this domain's unweighted count and its mean ("" when
        the table states neither).
    respondents : numpy.ndarray, optional
        Per row, the domain's number of respondents whatever they answered, when the row
        states it (e.g. degrees of freedom + 1 when every respondent is its own PSU).
    rows : numpy.ndarray, optional
        Which rows have this side (default: all).
    blank : tuple of str
        Columns blanked when this side is hidden; default: the table's ``hidden`` columns.
    """

    keys: pd.DataFrame
    n: str = ""
    value: str = ""
    respondents: np.ndarray | None = None
    rows: np.ndarray | None = None
    blank: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class Published:
    """A table as it will be published, with the domains its rows rest on.

    Parameters
    ----------
    name : str
        Its name in the log and the manifest (e.g. the file name ``"estimater.csv"``).
    frame : pandas.DataFrame
        The table; must have ``variable`` (the variable of each row).
    sides : tuple of Side
        The domains each row rests on; a row is hidden when any of its sides is.
    hidden : tuple of str
        Columns blanked in a hidden row (numbers become NaN, flags False, text empty).
    """

    name: str
    frame: pd.DataFrame
    sides: tuple[Side, ...]
    hidden: tuple[str, ...] = ()


@dataclass
class Domain:
    """One domain: its atoms and the conditions it is published under."""

    atoms: np.ndarray
    conditions: list[Conditions] = field(default_factory=list)

    @property
    def label(self) -> str:
        """Readable text of its first conditions: ``"gender=mand, year=2021"``."""
        return describe(self.conditions[0]) if self.conditions else "(everyone)"


@dataclass(frozen=True, eq=False)
class Linked:
    """Every published table read as domains of one atom universe.

    Attributes
    ----------
    atoms : pandas.DataFrame
        The universe: one row per atom, text values.
    domains : list of Domain
        Every domain any row rests on.
    refs : dict
        Table name -> per side, the domain id of each row (-1: the row has no such side).
    facts : dict
        Variable -> domain id -> (count, mean); mean NaN when no table states it.
    """

    atoms: pd.DataFrame
    domains: list[Domain]
    refs: dict[str, list[np.ndarray]]
    facts: dict[str, dict[int, tuple[float, float]]]

    def membership(self, ids: Sequence[int]) -> np.ndarray:
        """Boolean matrix ``len(ids) x atoms``: which atoms each domain counts."""
        if not len(ids):
            return np.zeros((0, len(self.atoms)), dtype=bool)
        return np.vstack([self.domains[i].atoms for i in ids])


def describe(conditions: Conditions) -> str:
    """Readable text of conditions.

    Examples
    --------
    >>> describe((("gender", "mand"), ("year", "2021")))
    'gender=mand, year=2021'
    """
    return ", ".join(f"{c}={v}" for c, v in conditions) or "(everyone)"


def universe(levels: Mapping[str, Sequence[object]],
             nested: Mapping[str, tuple[str, Mapping[object, Sequence[object]]]] | None = None
             ) -> pd.DataFrame:
    """The atoms: every combination of the columns' levels, as text.

    Parameters
    ----------
    levels : Mapping
        Column -> its levels (``None``/NaN for respondents with the value missing).
    nested : Mapping, optional
        Column -> (the column it is nested in, that column's level -> its levels there); e.g.
        ``{"area": ("group", {"helhedsplan": ["HP01", ...], "almene": [None]})}``.  A nested
        column is left out of ``levels``.

    Examples
    --------
    >>> universe({"year": [2021], "gender": ["f", "m", None]})["gender"].tolist()
    ['f', 'm', '']
    >>> universe({"group": ["hp", "al"]},
    ...          {"area": ("group", {"hp": ["a1", "a2"], "al": [None]})}).to_dict("list")
    {'group': ['hp', 'hp', 'al'], 'area': ['a1', 'a2', '']}
    """
    frame = pd.DataFrame({"_": [0]})
    for column, values in levels.items():
        texts = list(dict.fromkeys(key_text(v) for v in values))
        frame = frame.merge(pd.DataFrame({column: texts}), how="cross")
    for column, (parent, within) in (nested or {}).items():
        pairs = pd.DataFrame([(key_text(p), key_text(v)) for p, vs in within.items()
                              for v in vs], columns=[parent, column])
        frame = frame.merge(pairs, on=parent, how="inner")
    return frame.drop(columns="_").reset_index(drop=True)


def _conditions(keys: pd.DataFrame, columns: Sequence[str]) -> list[Conditions]:
    texts = {c: [key_text(v) for v in keys[c].tolist()] for c in sorted(columns)}
    return [tuple((c, texts[c][i]) for c in sorted(columns) if texts[c][i])
            for i in range(len(keys))]


class _Registry:
    """Domains by their atoms (so that equal sets of respondents are one domain)."""

    def __init__(self, atoms: pd.DataFrame) -> None:
        self.atoms = atoms
        self.codes = {c: atoms[c].to_numpy(dtype=object) for c in atoms.columns}
        self.by_atoms: dict[bytes, int] = {}
        self.by_conditions: dict[Conditions, int] = {}
        self.domains: list[Domain] = []

    def domain(self, conditions: Conditions, where: str) -> int:
        found = self.by_conditions.get(conditions)
        if found is not None:
            return found
        mask = np.ones(len(self.atoms), dtype=bool)
        for column, value in conditions:
            if column not in self.codes:
                raise ReportInputError(f"{where}: column {column!r} is not a classification "
                                       f"column of the linked tables ({list(self.codes)})")
            mask &= self.codes[column] == value
        key = np.packbits(mask).tobytes()
        idx = self.by_atoms.get(key)
        if idx is None:
            idx = len(self.domains)
            self.by_atoms[key] = idx
            self.domains.append(Domain(mask))
        self.domains[idx].conditions.append(conditions)
        self.by_conditions[conditions] = idx
        return idx


def _side_ids(registry: _Registry, table: Published, k: int, side: Side) -> np.ndarray:
    where = f"{table.name}, side {k + 1}"
    if len(side.keys) != len(table.frame):
        raise ReportInputError(f"{where}: {len(side.keys)} key rows for {len(table.frame)} rows")
    conds = _conditions(side.keys, [str(c) for c in side.keys.columns])
    present = np.ones(len(conds), dtype=bool) if side.rows is None else np.asarray(side.rows,
                                                                                   dtype=bool)
    return np.array([registry.domain(c, where) if p else -1
                     for c, p in zip(conds, present, strict=True)], dtype=np.int64)


def _add_facts(facts: dict[str, dict[int, tuple[float, float]]], table: Published, side: Side,
               ids: np.ndarray) -> None:
    frame = table.frame
    variables = frame["variable"].map(key_text).to_numpy(dtype=object)
    if side.n:
        n = pd.to_numeric(frame[side.n], errors="coerce").to_numpy(dtype=float)
        mean = (pd.to_numeric(frame[side.value], errors="coerce").to_numpy(dtype=float)
                if side.value else np.full(len(frame), np.nan))
        for i in np.flatnonzero((ids >= 0) & ~np.isnan(n)):
            _fact(facts.setdefault(str(variables[i]), {}), int(ids[i]), n[i], mean[i],
                  table.name)
    if side.respondents is not None:
        n = np.asarray(side.respondents, dtype=float)
        for i in np.flatnonzero((ids >= 0) & ~np.isnan(n)):
            _fact(facts.setdefault(RESPONDENTS, {}), int(ids[i]), n[i], np.nan, table.name)


def _fact(known: dict[int, tuple[float, float]], domain: int, n: float, mean: float,
          where: str) -> None:
    """Record a count (and mean) of a domain; two tables must not state different counts."""
    fact = (float(n), float(mean) if n > 0 else 0.0)
    old = known.get(domain)
    if old is None or (np.isnan(old[1]) and not np.isnan(fact[1])):
        known[domain] = fact if old is None or old[0] == fact[0] else old
    if old is not None and old[0] != fact[0]:
        raise ReportInputError(f"{where}: a cell is published with two different counts "
                               f"({old[0]:g} and {fact[0]:g}); the linked tables disagree")


def link(tables: Sequence[Published], atoms: pd.DataFrame) -> Linked:
    """Read every table into one :class:`Linked` structure (see the module docstring).

    Examples
    --------
    >>> atoms = universe({"gender": ["f", "m"]})
    >>> est = pd.DataFrame({"variable": "v", "gender": [None, "f", "m"], "n": [30, 12, 18],
    ...                     "estimate": [0.5, 0.25, 2 / 3]})
    >>> linked = link([Published("est", est, (Side(est[["gender"]], "n", "estimate"),))], atoms)
    >>> [d.label for d in linked.domains], linked.facts["v"][1]
    (['(everyone)', 'gender=f', 'gender=m'], (12.0, 0.25))
    """
    registry = _Registry(atoms)
    refs: dict[str, list[np.ndarray]] = {}
    facts: dict[str, dict[int, tuple[float, float]]] = {}
    for table in tables:
        if "variable" not in table.frame.columns:
            raise ReportInputError(f"{table.name}: missing column 'variable'")
        refs[table.name] = []
        for k, side in enumerate(table.sides):
            ids = _side_ids(registry, table, k, side)
            refs[table.name].append(ids)
            _add_facts(facts, table, side, ids)
    return Linked(atoms, registry.domains, refs, facts)


__all__ = [
    "RESPONDENTS",
    "Conditions",
    "Domain",
    "Linked",
    "Published",
    "Side",
    "describe",
    "link",
    "universe",
]
