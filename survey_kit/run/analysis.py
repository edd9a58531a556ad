"""Estimation and comparison stage of an annual run: every table the reports need.

One design, all variables and domains at once per call; every contrast uses the joint
covariance from the variance engine; multiplicity is corrected within each declared
family (one dimension/indicator of one table).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from survey_kit.compare import compare, did
from survey_kit.compare.multiplicity import adjust_by_family
from survey_kit.design.design import Design
from survey_kit.estimate.estimators import proportion_ci
from survey_kit.run.config import RunConfig
from survey_kit.spec import Questionnaire

UNIT = "unit"
"""Column holding the reporting unit: the area for the focus group, else the group."""


@dataclass(frozen=True)
class Variables:
    """The variables of a run: 0-1 scores (dimensions, index) and 0/1 share indicators."""

    scores: tuple[str, ...]
    shares: tuple[str, ...]
    labels: dict[str, str]
    unfavourable: tuple[str, ...] = ()

    @property
    def all(self) -> list[str]:
        """Scores then shares."""
        return [*self.scores, *self.shares]


@dataclass(frozen=True)
class Analysis:
    """The tidy results of a run (raw numbers; rounding and suppression are for reports)."""

    variables: Variables
    estimates: pd.DataFrame
    contrasts: pd.DataFrame
    area_estimates: pd.DataFrame
    area_contrasts: pd.DataFrame


def run_variables(q: Questionnaire, scored: pd.DataFrame, extra_shares: Sequence[str] = ()
                  ) -> Variables:
    """Dimension scores + index, and the share indicators of the headline items."""
    labels = {dim.id: dim.label for dim in q.dimensions}
    labels["index"] = q.index.label if getattr(q.index, "label", None) else "Samlet indeks"
    shares: list[str] = []
    unfavourable: list[str] = []
    for measure, item in q.headline_items().items():
        col = item.indicator
        if col and col in scored.columns and col not in shares:
            shares.append(col)
            labels[col] = measure[:1].upper() + measure[1:]
            if not item.positive_favourable:
                unfavourable.append(col)
    for col in extra_shares:
        shares.append(col)
    scores = [dim.id for dim in q.dimensions] + ["index"]
    return Variables(tuple(scores), tuple(shares), labels, tuple(unfavourable))


def _estimates(design: Design, variables: Variables, by: list[str], level: float
               ) -> pd.DataFrame:
    """Means of every variable in one pass (shared with the comparisons through the design's
    estimate cache); shares get logit intervals as ``svyciprop``."""
    table = design.mean(variables.all, by=by, level=level).to_frame()
    shares = table["variable"].isin(variables.shares).to_numpy()
    if shares.any():
        domain, keys = design.domains(by)
        rows = np.bincount(domain[domain >= 0], minlength=len(keys)).astype(float)
        part = table.loc[shares]
        low, high = proportion_ci(part["estimate"].to_numpy(), part["se"].to_numpy(),
                                  design.df, level, "logit", np.tile(rows, len(variables.shares)))
        table.loc[shares, "ci_low"] = low
        table.loc[shares, "ci_high"] = high
    return table


def _tag(frame: pd.DataFrame, family: str, **columns: object) -> pd.DataFrame:
    frame = frame.copy()
    frame.insert(0, "family", family)
    for name, value in columns.items():
        frame[name] = value
    return frame


def _contrasts(design: Design, cfg: RunConfig, variables: Variables) -> pd.DataFrame:
    """Groups within rounds, change within groups, relative development, subgroups."""
    names, level, adjust = variables.all, cfg.level, cfg.adjust
    group, year = cfg.group, cfg.year
    out: list[pd.DataFrame] = []
    if group:
        by = [year] if year else None
        out.append(_tag(compare(design, names, between=group, by=by, adjust=adjust,
                                level=level, family="variable").to_frame(), "groups"))
    if year:
        by = [group] if group else None
        out.append(_tag(compare(design, names, between=year, by=by, adjust=adjust,
                                level=level, family="variable").to_frame(), "change"))
    if group and year and cfg.focus_group:
        controls = [g for g in _levels(design, group) if g != cfg.focus_group]
        if controls:
            out.append(_tag(did(design, names, group=group, time=year,
                                treated=cfg.focus_group, control=controls, adjust=adjust,
                                level=level, family="variable").to_frame(), "relative"))
    for sub in cfg.subgroups:
        cells = [c for c in (year,) if c]
        if group:
            out.append(_tag(compare(design, names, between=group, by=[*cells, sub],
                                    adjust=adjust, level=level, family="variable").to_frame(),
                            f"groups within {sub}", subgroup=sub))
        within = [c for c in (group, year) if c]
        out.append(_tag(compare(design, names, between=sub, by=within or None, adjust=adjust,
                                level=level, family="variable").to_frame(),
                        f"{sub} within groups", subgroup=sub))
    for crossing in cfg.crossings:
        within = [c for c in (group, year) if c]
        out.append(_tag(compare(design, names, between=list(crossing), by=within or None,
                                adjust=adjust, level=level, family="variable").to_frame(),
                        f"{' x '.join(crossing)} within groups", subgroup=" x ".join(crossing)))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame()


def _levels(design: Design, column: str) -> list[object]:
    _, keys = design.domains([column])
    return list(keys[column])


def with_units(cfg: RunConfig, scored: pd.DataFrame) -> pd.DataFrame:
    """Add the reporting-unit column: the area for the focus group, else the group."""
    if not (cfg.area and cfg.group and cfg.focus_group):
        return scored
    focus = scored[cfg.group] == cfg.focus_group
    unit = scored[cfg.group].astype(object).where(~focus, scored[cfg.area].astype(object))
    return scored.assign(**{UNIT: unit})


def _area_tables(design: Design, cfg: RunConfig, variables: Variables
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per area: estimates, the area against each comparison group, change since the start."""
    if UNIT not in design.data.columns or not cfg.year:
        return pd.DataFrame(), pd.DataFrame()
    names, level = variables.all, cfg.level
    estimates = _estimates(design, variables, [UNIT, cfg.year], level)
    assert cfg.group is not None  # with_units only adds the unit column with a group
    groups = [g for g in _levels(design, cfg.group) if g != cfg.focus_group]
    areas = set(design.data.loc[design.data[cfg.group] == cfg.focus_group, UNIT])
    parts = []
    for reference in groups:
        table = compare(design, names, between=UNIT, by=[cfg.year], reference=reference,
                        adjust="none", level=level).to_frame()
        parts.append(_tag(table[table["group_a"].isin(areas)], f"area vs {reference}"))
    change = compare(design, names, between=cfg.year, by=[UNIT], adjust="none",
                     level=level).to_frame()
    parts.append(_tag(change[change[UNIT].isin(areas)].rename(columns={UNIT: "area"}),
                      "area change"))
    contrasts = pd.concat(parts, ignore_index=True)
    contrasts["area"] = contrasts["area"].where(contrasts["area"].notna(),
                                                contrasts["group_a"])
    # one family per area and variable: what one resident summary says about one dimension
    contrasts["p_adjusted"] = adjust_by_family(contrasts, cfg.adjust, ["area", "variable"])
    contrasts["adjust_method"] = cfg.adjust
    contrasts["significant"] = np.nan_to_num(contrasts["p_adjusted"], nan=1.0) < 1 - level
    return estimates, contrasts


def analyse(design: Design, cfg: RunConfig, variables: Variables) -> Analysis:
    """All estimates and contrasts of a run."""
    group_cols = [c for c in (cfg.group, cfg.year) if c]
    parts = [_estimates(design, variables, group_cols, cfg.level)]
    for sub in cfg.subgroups:
        parts.append(_estimates(design, variables, [*group_cols, sub], cfg.level))
    for crossing in cfg.crossings:
        parts.append(_estimates(design, variables, [*group_cols, *crossing], cfg.level))
    estimates = pd.concat(parts, ignore_index=True)
    contrasts = _contrasts(design, cfg, variables)
    area_estimates, area_contrasts = _area_tables(design, cfg, variables)
    return Analysis(variables, estimates, contrasts, area_estimates, area_contrasts)
