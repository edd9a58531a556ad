"""An attacker holding every published file of a run (test helper).

It reads what a reader can read (attack_files.py: the CSVs, the workbook and the HTML pages,
nothing under ``kontrol/``), and it does not use ``survey_kit.disclosure``.  Every figure it
finds is a *fact* about a domain (a set of respondents named by classification values, e.g.
``{group: helhedsplan, year: 2021, area: HP04}``) and a variable: a count and, where shown, a
mean.  Then it tries:

* **subtraction**, within a file and across files, in every combination: for each hidden
  cell, whether its count (and its sum of answers, count x mean, in an unweighted survey) is
  a linear combination of shown facts (least squares over the atoms of the tables: exact
  recovery of ``total - sum(shown)`` and of anything longer);
* **bounds**: the smallest and largest count and share of the hidden cell that every shown
  fact allows (counts >= 0, answers in [0, 1]), by linear programming;
* **model inversion**: ``direct = (eblup - (1 - gamma) synthetic) / gamma`` on the small-area
  file;
* **degrees of freedom**: under simple random sampling a shown cell's ``df + 1`` counts its
  respondents, a fact about every variable at once;
* **one-sided contrasts**: a shown difference with one side shown gives the other side;
* **rounded figures**: the pages' figures (one decimal of a 0-100 score, whole percent) bound
  a cell's mean, and "N svarede" bounds every variable's count, inside the same LPs.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from attack_files import RESPONDENTS, Domain, Knowledge, Schema, text
from scipy.optimize import linprog


@dataclass(frozen=True)
class Finding:
    """What the attacker learnt about one hidden cell."""

    variable: str
    domain: Domain
    count: float = np.nan
    mean: float = np.nan
    count_range: tuple[float, float] = (np.nan, np.nan)
    share_range: tuple[float, float] = (np.nan, np.nan)
    how: str = ""


def _atoms(levels: dict[str, set[str]], columns: Iterable[str], schema: Schema
           ) -> list[dict[str, str]]:
    cols = [c for c in columns if c in levels and c != "area"]
    atoms = [dict(zip(cols, combo, strict=True)) for combo in
             itertools.product(*(sorted(levels[c]) for c in cols))]
    if "area" not in levels:
        return atoms
    out = []
    for atom in atoms:
        areas = sorted(levels["area"]) if atom.get(schema.group) == schema.focus else [""]
        out += [{**atom, "area": a} if a else dict(atom) for a in areas]
    return out


def _member(domain: Domain, atoms: pd.DataFrame) -> np.ndarray:
    mask = np.ones(len(atoms), dtype=bool)
    for col, val in domain:
        mask &= atoms[col].to_numpy() == val if col in atoms else False
    return mask.astype(float)


def attack(know: Knowledge, schema: Schema, additive: bool,
           wanted: Callable[[str, Domain], bool] = lambda v, d: True) -> list[Finding]:
    """Everything the attacker can learn about each hidden cell it ``wanted`` (see the module
    docstring)."""
    atoms = pd.DataFrame(_atoms(know.levels, schema.columns, schema)).fillna("")
    findings = []
    for variable in sorted({v for v, _ in know.hidden}):
        rows = _rows(know, variable)
        if not rows:
            continue
        a = np.vstack([_member(r[0], atoms) for r in rows])
        table = np.array([r[1:] for r in rows], dtype=float)  # n_lo, n_hi, m_lo, m_hi
        for v, dom in sorted(know.hidden, key=lambda x: sorted(x[1])):
            if v != variable or (v, dom) in know.facts or not wanted(v, dom):
                continue
            target = _member(dom, atoms)
            keep, cols = _connected(a, target)
            findings.append(_one(variable, dom, target[cols], a[np.ix_(keep, cols)],
                                 table[keep], additive and variable != RESPONDENTS,
                                 know.inverted.get((variable, dom), np.nan)))
    return findings


def _rows(know: Knowledge, variable: str) -> list[tuple[Domain, float, float, float, float]]:
    """The facts about a variable: (domain, count low, count high, mean low, mean high); a
    mean found by inverting a model or a contrast counts as known, its count not."""
    rows = [(d, n, n, m, m) for (v, d), (n, m) in know.facts.items() if v == variable]
    rows += [(d, 0.0, n_max, lo, hi) for (v, d), (n_max, lo, hi) in know.bounds.items()
             if v == variable]
    rows += [(d, 0.0, np.inf, m, m) for (v, d), m in know.inverted.items()
             if v == variable and (v, d) not in know.facts and np.isfinite(m)]
    return rows


def _connected(a: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The facts and atoms linked to the target's atoms (through facts sharing atoms)."""
    atoms = target > 0
    rows = np.zeros(len(a), dtype=bool)
    while True:
        grown = rows | (a[:, atoms].sum(axis=1) > 0)
        atoms_now = atoms | (a[grown].sum(axis=0) > 0)
        if (grown == rows).all() and (atoms_now == atoms).all():
            return rows, atoms
        rows, atoms = grown, atoms_now


def _solve(a: np.ndarray, b: np.ndarray, target: np.ndarray) -> float:
    """target . x when target is a combination of the rows of ``a`` (then x's value is
    determined by ``b``), else NaN."""
    if not len(a):
        return np.nan
    coef, *_ = np.linalg.lstsq(a.T, target, rcond=None)
    if np.abs(a.T @ coef - target).max() > 1e-8:
        return np.nan
    return float(coef @ b)


def _constraints(a: np.ndarray, table: np.ndarray, sums: bool
                 ) -> tuple[list[np.ndarray], list[float], list[np.ndarray], list[float]]:
    """Linear constraints over [counts, sums] of the atoms, each with its right-hand side:
    (equality rows, their values, upper-bound rows, their values)."""
    zero = np.zeros_like(a)
    eq, eq_b, ub, ub_b = [], [], [], []
    for row, (n_lo, n_hi, m_lo, m_hi) in zip(a, table, strict=True):
        z = np.zeros_like(row)
        if n_lo == n_hi:
            eq.append(np.r_[row, z])
            eq_b.append(n_lo)
        elif np.isfinite(n_hi):
            ub.append(np.r_[row, z])
            ub_b.append(n_hi)
        if not sums or np.isnan(m_lo):
            continue
        if n_lo == n_hi and m_lo == m_hi:
            eq.append(np.r_[z, row])
            eq_b.append(n_lo * m_lo)
        elif not np.isnan(m_lo):  # lo * count <= sum <= hi * count
            ub += [np.r_[m_lo * row, -row], np.r_[-m_hi * row, row]]
            ub_b += [0.0, 0.0]
    k = a.shape[1]
    ub += list(np.hstack([-np.eye(k), np.eye(k)]))  # a sum never exceeds its count
    ub_b += [0.0] * k
    del zero
    return eq, eq_b, ub, ub_b


def _ranges(target: np.ndarray, a: np.ndarray, table: np.ndarray, additive: bool
            ) -> tuple[tuple[float, float], tuple[float, float]]:
    """Count range (LP over counts and sums) and share range (Charnes-Cooper: variables
    scaled by t = 1 / count of the target)."""
    eq, eq_b, ub, ub_b = _constraints(a, table, additive)
    k = a.shape[1]
    aeq, aub = np.array(eq).reshape(-1, 2 * k), np.array(ub).reshape(-1, 2 * k)
    count = np.r_[target, np.zeros(k)]
    ends = [linprog(sign * count, A_eq=aeq, b_eq=eq_b, A_ub=aub, b_ub=ub_b,
                    bounds=(0, None), method="highs") for sign in (1.0, -1.0)]
    crange = (ends[0].fun if ends[0].status == 0 else np.nan,
              -ends[1].fun if ends[1].status == 0 else np.inf if ends[1].status == 3
              else np.nan)
    if not additive:
        return crange, (np.nan, np.nan)
    ceq = np.vstack([np.c_[aeq, -np.array(eq_b)], np.r_[count, 0.0][None, :]])
    cub = np.c_[aub, -np.array(ub_b)]
    share = np.r_[np.zeros(k), target, 0.0]
    ends = [linprog(sign * share, A_eq=ceq, b_eq=np.r_[np.zeros(len(aeq)), 1.0], A_ub=cub,
                    b_ub=np.zeros(len(cub)), bounds=(0, None), method="highs")
            for sign in (1.0, -1.0)]
    return crange, (ends[0].fun if ends[0].status == 0 else np.nan,
                    -ends[1].fun if ends[1].status == 0 else np.nan)


def _one(variable: str, dom: Domain, target: np.ndarray, a: np.ndarray, table: np.ndarray,
         additive: bool, inverted: float) -> Finding:
    exact = table[:, 0] == table[:, 1]
    sums = exact & (table[:, 2] == table[:, 3])
    count = _solve(a[exact], table[exact, 0], target)
    total = (_solve(a[sums], table[sums, 0] * table[sums, 2], target) if additive
             else np.nan)
    mean = total / count if count and not np.isnan(total) else inverted
    crange, srange = _ranges(target, a, table, additive)
    how = ", ".join(w for w, ok in (("count by subtraction", not np.isnan(count)),
                                   ("mean by subtraction", not np.isnan(total)),
                                   ("mean by model inversion", not np.isnan(inverted)))
                    if ok)
    return Finding(variable, dom, count, mean, crange, srange, how)


_TEXTS: dict[tuple[int, str], np.ndarray] = {}


def _texts(data: pd.DataFrame, column: str) -> np.ndarray:
    key = (id(data), column)
    if key not in _TEXTS:
        _TEXTS[key] = np.array([text(v) for v in data[column].tolist()], dtype=object)
    return _TEXTS[key]


def truth(data: pd.DataFrame, variable: str, domain: Domain, schema: Schema
          ) -> tuple[int, float]:
    """The true count and mean of a cell, from the microdata (the test knows them)."""
    mask = np.ones(len(data), dtype=bool)
    for col, val in domain:
        mask &= _texts(data, col) == val
    if variable == RESPONDENTS:
        return int(mask.sum()), np.nan
    values = data[variable].to_numpy(dtype=float)[mask]
    values = values[~np.isnan(values)]
    return len(values), float(values.mean()) if len(values) else np.nan


def disclosed(findings: list[Finding], data: pd.DataFrame, schema: Schema, threshold: int,
              share: float = 0.10) -> list[str]:
    """The hidden cells below the threshold that the attacker pins down: its exact count,
    its share to within +/- ``share`` (an exact mean, or a range narrower than that)."""
    out = []
    for f in findings:
        n, mean = truth(data, f.variable, f.domain, schema)
        if not 0 < n < threshold:
            continue
        label = f"{f.variable} {dict(sorted(f.domain))}"
        if f.count == n or f.count_range[1] < threshold - 1e-6:
            out.append(f"{label}: count {n} ({f.how or 'bounds'})")
        elif not np.isnan(f.mean) and abs(f.mean - mean) <= share:
            out.append(f"{label}: mean {mean:.3f} ({f.how})")
        elif f.share_range[1] - f.share_range[0] < 2 * share - 1e-6:
            out.append(f"{label}: share within {f.share_range}")
    return out
