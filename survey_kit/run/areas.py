"""Area-level inference of an annual run: what one area's page may say, and on what evidence.

For every area of the focus group (a helhedsplan area) and every variable:

* **direct estimates** per round with the area's own degrees of freedom (PSUs minus strata
  among the area's respondents: 2 for an area of 3 afdelinger), never the whole design's;
* the **contrasts its page states**: the area against each comparison group in the latest
  round (PSU-disjoint: Welch-Satterthwaite df, but never more than the area's own df:
  :func:`with_area_df`) and the change since the previous round and
  since the baseline round (PSUs shared across rounds: the area's df);
* one **multiplicity family per area page**: every contrast the page states, over all its
  variables, is adjusted together by Bonferroni, so that the chance that a page calls any
  true zero difference "real" stays at or below ``1 - level``.  The family is named in
  ``multiplicity_family`` and its size ``m`` in ``family_size``.  Bonferroni, not Holm,
  because a resident page shows the interval of every difference next to its sentence and
  the two must never disagree: a difference is called real exactly when its interval at the
  simultaneous level ``1 - (1 - level) / m`` (``ci_low_page``, ``ci_high_page``) excludes
  zero, which is the Bonferroni test.  (Holm rejects a little more often, and then an
  interval that includes zero would stand next to "reel forskel".)  ``ci_low`` and
  ``ci_high`` stay the unadjusted intervals for analysts.

The tables are tidy and raw (no rounding, no suppression): the report layer shows them, and
the analysts' CSVs carry them in full.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from survey_kit.compare import compare
from survey_kit.compare.multiplicity import adjust_by_family
from survey_kit.compare.table import t_tests
from survey_kit.design.design import Design
from survey_kit.estimate.distributions import t_ppf

#: ``comparison`` of a contrast between the area and a comparison group in one round.
AREA_VS_GROUP = "area vs group"
#: ``comparison`` of a contrast between two rounds within the area.
AREA_CHANGE = "area change"
#: The multiplicity correction of a page's family (see the module docstring).
PAGE_ADJUST = "bonferroni"


@dataclass(frozen=True)
class AreaSettings:
    """Where the areas are and what their pages compare.

    Parameters
    ----------
    unit
        Column holding the reporting unit: the area for the focus group, the group name for
        the others (see :func:`survey_kit.run.analysis.with_units`).
    group, focus
        The comparison-group column and the focus group whose areas get pages.
    year
        The round column.
    references
        The groups every area is compared with (e.g. almene, befolkning).
    level
        Confidence level; ``1 - level`` is the error rate of a page.
    baseline
        The round changes are measured from besides the previous round (default: the first).
    """

    unit: str
    group: str
    focus: str
    year: str
    references: tuple[str, ...]
    level: float = 0.95
    baseline: object | None = None


@dataclass(frozen=True)
class AreaTables:
    """Direct estimates and page contrasts of every area (raw numbers)."""

    estimates: pd.DataFrame
    contrasts: pd.DataFrame


def change_pairs(rounds: Sequence[Any], baseline: object | None = None
                 ) -> list[tuple[object, object]]:
    """The (later, earlier) round pairs a page states: latest vs previous and vs baseline.

    Examples
    --------
    >>> change_pairs([2018, 2021, 2024])
    [(2024, 2021), (2024, 2018)]
    >>> change_pairs([2018, 2021])
    [(2021, 2018)]
    """
    ordered = sorted(rounds)
    if len(ordered) < 2:
        return []
    latest = ordered[-1]
    base = ordered[0] if baseline is None else baseline
    pairs = [(latest, ordered[-2])]
    if base != ordered[-2] and base in ordered[:-1]:
        pairs.append((latest, base))
    return pairs


def focus_areas(design: Design, s: AreaSettings) -> list[object]:
    """The units of the focus group (the areas that get a page), sorted."""
    data = design.data
    return sorted(data.loc[data[s.group] == s.focus, s.unit].dropna().unique())


def _vs_groups(design: Design, names: list[str], s: AreaSettings, areas: list[object],
               latest: object, estimates: pd.DataFrame) -> list[pd.DataFrame]:
    parts = []
    own = estimates[estimates[s.year] == latest].set_index([s.unit, "variable"])["df"]
    for reference in s.references:
        table = compare(design, names, between=s.unit, by=[s.year], reference=reference,
                        adjust="none", level=s.level).to_frame()
        keep = table["group_a"].isin(areas) & (table[s.year] == latest)
        part = table[keep].assign(area=table["group_a"][keep])
        part = with_area_df(part, own.reindex(pd.MultiIndex.from_arrays(
            [part["area"], part["variable"]])).to_numpy(dtype=float), s.level)
        part.insert(0, "family", f"area vs {reference}")
        part.insert(1, "comparison", AREA_VS_GROUP)
        part.insert(2, "reference", reference)
        parts.append(part)
    return parts


def with_area_df(table: pd.DataFrame, area_df: np.ndarray, level: float) -> pd.DataFrame:
    """Contrasts of an area against a comparison group judged on at most the area's own df.

    The Welch-Satterthwaite df (kept in ``df_welch``) is built from the estimated variances;
    when the area's variance, resting on 2-9 df, comes out small by chance, the group's
    precise variance dominates the formula and the df jumps to 20-50 exactly when the test
    is already too liberal.  Welch-Satterthwaite never goes below the smaller of the two
    dfs, so ``df = min(Welch-Satterthwaite, area df)`` is its conservative end; in the
    simulation study (``benchmarks/area_inference.py``, every true difference 0) it brings
    the share of pages calling a zero difference real from 10 % to below 5 %.  ``p_value``,
    ``statistic`` and ``ci_low``/``ci_high`` follow the df used.

    Examples
    --------
    >>> t = pd.DataFrame({"difference": [0.05], "se": [0.02], "statistic": [2.5],
    ...                   "df": [40.0], "p_value": [0.0166], "ci_low": [0.0], "ci_high": [0.1]})
    >>> out = with_area_df(t, np.array([4.0]), 0.95)
    >>> out[["df", "df_welch"]].to_numpy().tolist(), round(float(out["p_value"][0]), 4)
    ([[4.0, 40.0]], 0.0668)
    """
    welch = table["df"].to_numpy(dtype=float)
    df = np.fmin(welch, area_df)  # an area df that is missing leaves Welch-Satterthwaite
    tests = t_tests(table["difference"].to_numpy(dtype=float),
                    table["se"].to_numpy(dtype=float), df, level)
    out = table.assign(df=df, **tests)
    out.insert(list(out.columns).index("df") + 1, "df_welch", welch)
    return out


def _changes(design: Design, names: list[str], s: AreaSettings, areas: list[object],
             pairs: list[tuple[object, object]]) -> list[pd.DataFrame]:
    if not pairs:
        return []
    table = compare(design, names, between=s.year, by=[s.unit], adjust="none",
                    level=s.level).to_frame()
    wanted = pd.DataFrame(pairs, columns=["group_a", "group_b"])
    part = table[table[s.unit].isin(areas)].merge(wanted, on=["group_a", "group_b"])
    part = part.assign(area=part[s.unit])
    part.insert(0, "family", "area change")
    part.insert(1, "comparison", AREA_CHANGE)
    part.insert(2, "reference", None)
    return [part]


def page_contrasts(design: Design, variables: Sequence[str], s: AreaSettings,
                   estimates: pd.DataFrame) -> pd.DataFrame:
    """Every contrast the areas' pages state, adjusted within one family per page
    (``estimates``: :func:`area_estimates`, whose df caps the contrasts against a group)."""
    names = list(variables)
    areas = focus_areas(design, s)
    rounds = sorted(design.data[s.year].dropna().unique())
    if not areas or not rounds:
        return pd.DataFrame()
    parts = _vs_groups(design, names, s, areas, rounds[-1], estimates)
    parts += _changes(design, names, s, areas, change_pairs(rounds, s.baseline))
    table = pd.concat(parts, ignore_index=True)
    table["multiplicity_family"] = "page of " + table["area"].astype(str)
    table["family_size"] = table.groupby("area")["p_value"].transform(
        lambda p: int(p.notna().sum())).astype(np.int64)
    table["p_adjusted"] = adjust_by_family(table, PAGE_ADJUST, ["area"])
    table["adjust_method"] = PAGE_ADJUST
    table["significant"] = np.nan_to_num(table["p_adjusted"], nan=1.0) < 1 - s.level
    low, high = page_intervals(table, s.level)
    table["ci_low_page"], table["ci_high_page"] = low, high
    first = ["family", "comparison", "reference", "variable", "area"]
    return table[[*first, *(c for c in table.columns if c not in first)]]


def page_intervals(table: pd.DataFrame, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Simultaneous intervals of a page's contrasts: ``difference ± t(1 - α/(2m), df) se``
    with ``m`` the page's family size; they exclude zero exactly when the Bonferroni test
    calls the difference real.

    Examples
    --------
    >>> t = pd.DataFrame({"difference": [0.05], "se": [0.02], "df": [4.0],
    ...                   "family_size": [10]})
    >>> [round(float(x), 4) for x in np.concatenate(page_intervals(t, 0.95))]
    [-0.062, 0.162]
    """
    m = table["family_size"].to_numpy(dtype=float)
    df = table["df"].to_numpy(dtype=float)
    usable = (df >= 1) & (m >= 1)
    q = 1 - (1 - level) / (2 * np.where(usable, m, 1.0))
    half = np.where(usable, t_ppf(q, np.where(usable, df, 1.0)), np.nan) * table["se"].to_numpy()
    diff = table["difference"].to_numpy(dtype=float)
    return diff - half, diff + half


def area_estimates(design: Design, variables: Sequence[str], shares: Sequence[str],
                   s: AreaSettings) -> pd.DataFrame:
    """Direct estimates of every unit and round, each with its own df (shares with logit
    intervals as ``svyciprop``)."""
    by = [s.unit, s.year]
    scores = [v for v in variables if v not in set(shares)]
    parts = []
    if scores:
        parts.append(design.mean(scores, by=by, level=s.level).to_frame())
    if shares:
        parts.append(design.proportion(list(shares), by=by, level=s.level).to_frame())
    table = pd.concat(parts, ignore_index=True)
    order = {v: i for i, v in enumerate(variables)}
    return table.sort_values("variable", key=lambda c: c.map(order), kind="stable",
                             ignore_index=True)


def area_tables(design: Design, variables: Sequence[str], shares: Sequence[str],
                s: AreaSettings) -> AreaTables:
    """Direct estimates and page contrasts of every area (see the module docstring)."""
    estimates = area_estimates(design, variables, shares, s)
    return AreaTables(estimates, page_contrasts(design, variables, s, estimates))
