"""What an attacker reads: every published file of a run (test helper for attacker.py).

The CSVs, the workbook (openpyxl) and the HTML pages, never the run's internal tables and
nothing under ``kontrol/``; it does not use ``survey_kit.disclosure``.  Every figure becomes
a fact about a domain (a set of respondents named by classification values, e.g.
``{group: helhedsplan, year: 2021, area: HP04}``) and a variable: a count and, where shown, a
mean; a rounded figure on a page becomes bounds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

Domain = frozenset[tuple[str, str]]
RESPONDENTS = "(respondents)"


def text(value: object) -> str:
    """A key value as text ("" when missing; 2021.0 -> "2021")."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def number(value: object) -> float:
    """A published figure as a float (NaN when blank or not a number)."""
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return np.nan


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
        nn, mm = number(n), number(mean)
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
        if family in ("change", "trend"):  # a trend: the last and the first round
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
