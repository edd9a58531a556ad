"""An attacker holding every published file of a run (test helper).

It reads what a reader can read: the CSVs, the workbook (openpyxl) and the HTML pages, never
the run's internal tables and nothing under ``kontrol/``, and it does not use
``survey_kit.disclosure``.  Every figure it finds becomes a *fact* about a domain (a set of
respondents named by classification values, e.g. ``{group: helhedsplan, year: 2021,
area: HP04}``) and a variable: a count and, where shown, a mean.  Then it tries:

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
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
from scipy.optimize import linprog

Domain = frozenset[tuple[str, str]]
RESPONDENTS = "(respondents)"


def text(value: object) -> str:
    """A key value as text ("" when missing; 2021.0 -> "2021")."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True)
class Schema:
    """What the attacker knows of the layout (all of it visible in the published files)."""

    columns: tuple[str, ...]
    group: str = "group"
    focus: str = ""
    derived: tuple[str, ...] = ()
    year: str = "year"
    single_year: str = ""
    labels: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass
class Knowledge:
    """Facts from the files: (variable, domain) -> (count, mean); hidden cells seen."""

    facts: dict[tuple[str, Domain], tuple[float, float]] = field(default_factory=dict)
    bounds: dict[tuple[str, Domain], tuple[float, float, float]] = field(default_factory=dict)
    hidden: set[tuple[str, Domain]] = field(default_factory=set)
    inverted: dict[tuple[str, Domain], float] = field(default_factory=dict)
    levels: dict[str, set[str]] = field(default_factory=dict)

    def add(self, variable: str, domain: Domain, n: object, mean: object) -> None:
        for col, val in domain:
            self.levels.setdefault(col, set()).add(val)
        nn, mm = pd.to_numeric(pd.Series([n, mean]), errors="coerce").tolist()
        if np.isnan(nn):
            self.hidden.add((variable, domain))
            return
        old = self.facts.get((variable, domain))
        if old is None or np.isnan(old[1]):
            self.facts[(variable, domain)] = (nn, mm)

    def bound(self, variable: str, domain: Domain, n_max: float = np.inf,
              low: float = np.nan, high: float = np.nan) -> None:
        """A rounded figure: count at most ``n_max``, mean in [low, high]."""
        for col, val in domain:
            self.levels.setdefault(col, set()).add(val)
        old = self.bounds.get((variable, domain), (np.inf, np.nan, np.nan))
        self.bounds[(variable, domain)] = (
            min(old[0], n_max), low if np.isnan(old[1]) else old[1],
            high if np.isnan(old[2]) else old[2])


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.parts.append(data.strip())


class _Tables(HTMLParser):
    """The tables of a page: per table its caption and rows of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[str, list[list[str]]]] = []
        self._cell: list[str] | None = None
        self._caption = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append(("", []))
        elif tag == "caption":
            self._caption = True
        elif tag == "tr" and self.tables:
            self.tables[-1][1].append([])
        elif tag in ("td", "th") and self.tables:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self.tables:
            self.tables[-1][1][-1].append(" ".join(self._cell).strip())
            self._cell = None
        elif tag == "caption":
            self._caption = False

    def handle_data(self, data: str) -> None:
        if self._caption and self.tables:
            self.tables[-1] = (self.tables[-1][0] + data.strip(), self.tables[-1][1])
        elif self._cell is not None:
            self._cell.append(data.strip())


def page_tables(path: Path) -> list[tuple[str, list[list[str]]]]:
    """Every table of an HTML page: (caption, rows of cell texts)."""
    parser = _Tables()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.tables


def figure(cell: str) -> tuple[float, float] | None:
    """A page's figure as the interval its rounding leaves: ``"76,8"`` (a 0-100 score with one
    decimal) -> [0.7675, 0.7685]; ``"23 %"`` -> [0.225, 0.235]; None when not a number."""
    m = re.fullmatch(r"(-?\d+(?:,\d+)?)\s*(%?)", cell.replace("\xa0", " ").strip())
    if m is None:
        return None
    decimals = len(m.group(1).split(",")[1]) if "," in m.group(1) else 0
    value = float(m.group(1).replace(",", ".")) / 100
    half = 0.5 * 10 ** -decimals / 100
    return value - half, value + half


def page_text(path: Path) -> list[str]:
    """The visible text pieces of an HTML page."""
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.parts


class Reader:
    """Reads a run's published files into :class:`Knowledge`."""

    def __init__(self, folder: Path, schema: Schema) -> None:
        self.folder, self.schema = folder, schema
        self.know = Knowledge()
        self.areas: set[str] = set()
        self.page_counts: list[tuple[str, str, int]] = []

    def domain(self, values: dict[str, object]) -> Domain:
        s = self.schema
        out: dict[str, str] = {}
        for col, val in values.items():
            v = text(val)
            if not v:
                continue
            if col == "unit":
                out.update({s.group: s.focus, "area": v} if v in self.areas else {s.group: v})
            elif col == s.group and s.derived:
                out.update(zip(s.derived, v.split(" / "), strict=True))
            elif col in s.columns or col == "area":
                out[col] = v
        if s.single_year:
            out.setdefault(s.year, s.single_year)
        return frozenset(out.items())

    def estimates(self, name: str) -> None:
        path = self.folder / name
        if not path.is_file():
            return
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        if "unit" in frame.columns:
            groups = set(pd.read_csv(self.folder / "estimater.csv", dtype=str)[self.schema.group])
            self.areas = set(frame["unit"]) - groups
        for rec in frame.to_dict("records"):
            dom = self.domain(rec)
            self.know.add(rec["variable"], dom, rec["n"], rec["estimate"])
            if "df" in rec and self.schema.derived and rec["df"]:  # simple random sample
                self.know.add(RESPONDENTS, dom, float(rec["df"]) + 1, np.nan)

    def contrasts(self, name: str) -> None:
        path = self.folder / name
        if not path.is_file():
            return
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for rec in frame.to_dict("records"):
            for side in ("a", "b"):
                values = self._side(rec, side)
                if values is None:
                    continue
                dom = self.domain(values)
                self.know.add(rec["variable"], dom, rec[f"n_{side}"], rec[f"estimate_{side}"])
                other = "b" if side == "a" else "a"
                if rec["difference"] and rec[f"estimate_{other}"] and not rec[f"estimate_{side}"]:
                    sign = 1 if side == "a" else -1
                    self.know.inverted[(rec["variable"], dom)] = (
                        float(rec[f"estimate_{other}"]) + sign * float(rec["difference"]))

    def _side(self, rec: dict[str, str], side: str) -> dict[str, object] | None:
        s, value = self.schema, rec[f"group_{side}"]
        keys = {c: rec[c] for c in (*s.columns, s.group) if rec.get(c)}
        comparison = rec.get("comparison", "")
        family = rec.get("family", "")
        if comparison == "area vs group":
            return {s.year: rec[s.year], "unit": value}
        if comparison == "area change":
            return {"unit": rec["unit"], s.year: value}
        if family == "relative":
            return None
        if family == "groups" or (not family and s.derived):
            return {**keys, s.group: value}
        if family == "change":
            return {**keys, s.year: value}
        cols = rec["subgroup"].split(" x ")
        return {**keys, **dict(zip(cols, value.split(" / "), strict=True))}

    def small_area(self) -> None:
        path = self.folder / "omraader" / "smaaomraademodel.csv"
        if not path.is_file():
            return
        frame = pd.read_csv(path)
        self._regression(frame)
        for rec in frame.to_dict("records"):
            dom = self.domain({"unit": rec["area"], self.schema.year: rec[self.schema.year]})
            self.know.add(rec["variable"], dom, rec["n"], rec["direct"])
            if all(np.isfinite(rec[c]) for c in ("eblup", "gamma", "synthetic")) and \
                    rec["gamma"] > 0:
                self.know.inverted[(rec["variable"], dom)] = (
                    rec["eblup"] - (1 - rec["gamma"]) * rec["synthetic"]) / rec["gamma"]

    def _regression(self, frame: pd.DataFrame) -> None:
        """``synthetic = b0 + b1 * previous``: fit (b0, b1) on the areas whose previous
        direct estimate is shown, and invert it where the previous one is hidden."""
        year = self.schema.year
        rounds = sorted(frame[year].unique())
        before = dict(zip(rounds[1:], rounds[:-1], strict=False))
        for (variable, rnd), part in frame[frame["formula"] == "~ previous"].groupby(
                ["variable", year]):
            prev = frame[(frame["variable"] == variable) & (frame[year] == before.get(rnd))]
            x = part["area"].map(prev.set_index("area")["direct"])
            ok = x.notna() & part["synthetic"].notna()
            if ok.sum() < 2 or x[ok].nunique() < 2:
                continue
            b1, b0 = np.polyfit(x[ok], part.loc[ok, "synthetic"], 1)
            for area, synthetic in zip(part["area"][~x.notna()], part["synthetic"][~x.notna()],
                                       strict=True):
                if np.isfinite(synthetic) and b1:
                    dom = self.domain({"unit": area, year: before[rnd]})
                    self.know.inverted[(variable, dom)] = (synthetic - b0) / b1

    def workbook(self, labels: dict[str, str]) -> None:
        """Counts and figures of the workbook (sheet per variable; banner of group x round)."""
        path = self.folder / "signifikanstabeller.xlsx"
        tidy = pd.read_csv(self.folder / "signifikanstabeller.csv", dtype=str)
        names = dict(zip(tidy["variable_label"], tidy["variable"], strict=False))
        wb = openpyxl.load_workbook(path, read_only=True)
        for ws in wb.worksheets[1:]:
            rows = list(ws.iter_rows(values_only=True))
            variable = names.get(str(rows[0][0]))
            if variable is None:
                continue
            self._sheet(variable, rows, labels)

    def _sheet(self, variable: str, rows: list[tuple[object, ...]], labels: dict[str, str]
               ) -> None:
        s = self.schema
        groups = [labels.get(norm(v), "") for v in rows[3]]
        rounds = [text(v) for v in rows[4]]
        for col in range(1, len(groups)):  # a label cell spans its group's rounds
            if not groups[col]:
                groups[col] = groups[col - 1]
        heading, level = "", ""
        for i, row in enumerate(rows[6:], start=6):
            first, kind = norm(row[0]), row[1]
            if first and kind is None:
                heading = labels.get(f"heading:{first}", "")
                continue
            if kind is None or str(kind) in ("n", "Effektivt n"):
                continue
            level = "" if first == "I alt" else labels.get(first, first)
            counts = rows[i + 1]
            for col in range(2, len(row), 2):
                values = {s.group: groups[col], s.year: rounds[col]}
                if level:
                    values.update(dict(zip(heading.split(" x "), level.split(" / "),
                                           strict=True)))
                figure = row[col]
                n = counts[col] if isinstance(counts[col], (int, float)) else np.nan
                mean = figure / 100 if isinstance(figure, (int, float)) else np.nan
                self.know.add(variable, self.domain(values), n, mean)

    def pages(self, variables: dict[str, str], labels: dict[str, str]) -> list[tuple[str, str,
                                                                                     int]]:
        """Read every HTML page: "N svarede" bounds every variable's count of the page's
        cell; each shown figure bounds the cell's mean.  Returns (page, round, N) found."""
        s = self.schema
        found = []
        for page in sorted(self.folder.rglob("*.html")):
            joined = " ".join(page_text(page))
            area = page.stem.upper() if page.parent.name == "omraader" else ""
            for year, n in re.findall(r"I (\d{4}) svarede ([\d.]+) beboere", joined):
                found.append((page.stem, year, int(n.replace(".", ""))))
                for v in variables.values():
                    self.know.bound(v, self.domain({"unit": area, s.year: year}),
                                    n_max=int(n.replace(".", "")))
            for n in re.findall(r"([\d.]+) unge har svaret", joined):
                found.append((page.stem, "", int(n.replace(".", ""))))
                for v in variables.values():
                    self.know.bound(v, self.domain({}), n_max=int(n.replace(".", "")))
            for _, rows in page_tables(page):
                self._page_table(rows, area, variables, labels)
        return found

    def _page_table(self, rows: list[list[str]], area: str, variables: dict[str, str],
                    labels: dict[str, str]) -> None:
        if not rows or len(rows) < 2:
            return
        s = self.schema
        columns = []
        for head in rows[0][1:]:
            m = re.fullmatch(r"(.*) (\d{4})", head)
            name, year = (m.group(1), m.group(2)) if m else (head, "")
            values: dict[str, object] = {s.year: year} if year else {}
            if name == area:
                values["unit"] = area
            elif f"column:{norm(name)}" in labels:  # a subgroup level
                column, value = labels[f"column:{norm(name)}"], labels[norm(name)]
                values.update(dict(zip(column.split(" x "), value.split(" / "), strict=True)))
            elif norm(name) in labels:  # a comparison group
                values[s.group] = labels[norm(name)]
            elif name != "Alle":
                columns.append(None)
                continue
            columns.append(self.domain(values))
        for row in rows[1:]:
            variable = variables.get(row[0])
            for dom, cell in zip(columns, row[1:], strict=False):
                hit = figure(cell)
                if variable is None or dom is None or hit is None:
                    continue
                self.know.bound(variable, dom, low=hit[0], high=hit[1])


def norm(value: object) -> str:
    """Workbook/page label text with en dashes as hyphens."""
    return text(value).replace("–", "-").strip()


def read_all(folder: Path, schema: Schema, labels: dict[str, str]) -> Reader:
    """Every published file of a run folder (outside ``kontrol/``)."""
    reader = Reader(folder, schema)
    reader.estimates("estimater.csv")
    reader.estimates("omraader/estimater.csv")
    reader.contrasts("sammenligninger.csv")
    reader.contrasts("omraader/sammenligninger.csv")
    reader.small_area()
    reader.workbook(labels)
    tidy = pd.read_csv(folder / "signifikanstabeller.csv", dtype=str)
    reader.page_counts = reader.pages(dict(zip(tidy["variable_label"], tidy["variable"],
                                               strict=False)), labels)
    return reader


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


def _member(domain: Domain, atoms: list[dict[str, str]]) -> np.ndarray:
    return np.array([all(a.get(c) == v for c, v in domain) for a in atoms], dtype=float)


def attack(know: Knowledge, schema: Schema, additive: bool,
           wanted: Callable[[str, Domain], bool] = lambda v, d: True) -> list[Finding]:
    """Everything the attacker can learn about each hidden cell it ``wanted`` (see the module
    docstring)."""
    atoms = _atoms(know.levels, schema.columns, schema)
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


def truth(data: pd.DataFrame, variable: str, domain: Domain, schema: Schema
          ) -> tuple[int, float]:
    """The true count and mean of a cell, from the microdata (the test knows them)."""
    mask = pd.Series(True, index=data.index)
    for col, val in domain:
        mask &= data[col].map(text) == val
    values = data.loc[mask, variable].dropna() if variable in data else data.loc[mask]
    if variable == RESPONDENTS:
        return int(mask.sum()), np.nan
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
