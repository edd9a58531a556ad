"""What a run publishes, as table sets for disclosure control
(:func:`survey_kit.disclosure.protect`): the significance tables with every contrast, each area
page, the youth summary."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from survey_kit.disclosure import Contrasts, SuppressionRule, TableSet
from survey_kit.run.analysis import CHANGE, GROUPS, SUBGROUPS, UNIT
from survey_kit.run.areas import AREA_CHANGE, AREA_VS_GROUP
from survey_kit.run.config import RunConfig
from survey_kit.run.result import RunResult


def plain(frame: pd.DataFrame, drop: Sequence[str] = ("family", "subgroup", "area")
           ) -> pd.DataFrame:
    """The contrasts without the run's bookkeeping columns (as the writers take them)."""
    return frame.drop(columns=[c for c in drop if c in frame.columns])


def contrast_sets(result: RunResult) -> dict[str, pd.DataFrame]:
    """The contrasts the significance tables show: groups within rounds, change in groups."""
    c = result.analysis.contrasts
    if c.empty:
        return {}
    cfg = result.config
    out = {}
    if cfg.group:
        out[cfg.group] = plain(c[c["family"] == GROUPS])
    if cfg.year:
        out[cfg.year] = plain(c[c["family"] == CHANGE])
    return out


def rule(cfg: RunConfig, extra: Sequence[str] = ()) -> SuppressionRule:
    """The run's suppression rule: threshold and the subgroup columns that form lines."""
    columns = tuple(dict.fromkeys([*cfg.subgroups, *(c for x in cfg.crossings for c in x),
                                   *extra]))
    return SuppressionRule(min_n=cfg.suppression_threshold, subgroup_columns=columns)


def table_sets(result: RunResult) -> list[TableSet]:
    """Every table set the run publishes: the significance tables with all contrasts, then
    each area page or the youth summary."""
    sets = [significance_set(result)]
    if result.config.group_summary:
        sets.append(youth_set(result))
    else:
        sets += [table_set for _, table_set in area_sets(result)]
    return sets


def significance_set(result: RunResult) -> TableSet:
    """The estimates with the workbook's contrasts (logged) and every contrast of the CSV."""
    cfg = result.config
    shown = [Contrasts(frame, (column,)) for column, frame in contrast_sets(result).items()]
    contrasts = result.analysis.contrasts
    if not contrasts.empty:
        for (family, subgroup), frame in contrasts.groupby(["family", "subgroup"], sort=False):
            if family == SUBGROUPS and len(subgroup) > 1:
                shown.append(Contrasts(frame, tuple(subgroup), line_keys(cfg), logged=False))
            else:
                shown.append(Contrasts(plain(frame), (compared_column(family, subgroup, cfg),),
                                       logged=False))
    return TableSet("significance", result.analysis.estimates, tuple(shown))


def line_keys(cfg: RunConfig) -> tuple[str, ...]:
    """What a line of crossed cells shares besides the variable: the group and the round."""
    return tuple(c for c in (cfg.group, cfg.year) if c)


def compared_column(family: str, subgroup: tuple[str, ...], cfg: RunConfig) -> str:
    """The column whose levels a family of contrasts compares (a family exists only when its
    column is configured)."""
    if family == SUBGROUPS:
        return subgroup[0]
    return str(cfg.year if family == CHANGE else cfg.group)


def all_contrasts(contrasts: pd.DataFrame, protected: tuple[pd.DataFrame, ...]) -> pd.DataFrame:
    """Every contrast as protected, family by family, with its family and breakdown."""
    parts = []
    groups = contrasts.groupby(["family", "subgroup"], sort=False)
    for ((family, subgroup), frame), part in zip(groups, protected, strict=True):
        if not (family == SUBGROUPS and len(subgroup) > 1):  # crossed ones keep their columns
            part = part.copy()
            part.insert(0, "family", family)
            part.insert(1, "subgroup", frame["subgroup"].to_numpy())
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def subgroup_text(frame: pd.DataFrame) -> pd.DataFrame:
    """The contrasts with each breakdown (a tuple of columns) written as its analysts' label,
    ``gender x menapt`` (empty for the totals), for the CSV."""
    return frame.assign(subgroup=frame["subgroup"].map(lambda cols: " x ".join(cols) or None))


def area_sets(result: RunResult) -> list[tuple[str, TableSet]]:
    """Per area of the focus group: its estimates with the comparison groups', and the contrasts
    its page states (against each group in the latest round, change), protected together."""
    cfg, a = result.config, result.analysis
    if a.area_estimates.empty or not (cfg.group and cfg.year):
        return []
    rounds = sorted(a.area_estimates[cfg.year].dropna().unique())
    others = [g for g in cfg.groups if g != cfg.focus_group]
    out = []
    for area in sorted(set(a.area_contrasts["area"].dropna())):
        est = a.area_estimates[a.area_estimates[UNIT].isin([str(area), *others])]
        rows = a.area_contrasts[a.area_contrasts["area"] == str(area)]
        vs = rows[(rows["comparison"] == AREA_VS_GROUP) & (rows[cfg.year] == rounds[-1])]
        change = rows[rows["comparison"] == AREA_CHANGE]
        out.append((str(area), TableSet("summary", est, (
            Contrasts(plain(vs, ("family", "subgroup", "area", UNIT)), (UNIT,)),
            Contrasts(plain(change, ("family", "subgroup", "area")), (cfg.year,))),
            lines=(UNIT,), tags={"area": str(area)})))
    return out


def youth_set(result: RunResult) -> TableSet:
    """The youth summary's estimates (crossed cells, subgroups) and the contrasts between the
    crossed cells."""
    cfg, a = result.config, result.analysis
    cols = tuple(cfg.group_from)
    crossed = () if a.summary_contrasts.empty else (
        Contrasts(a.summary_contrasts, cols, line_keys(cfg), logged=False),)
    return TableSet("summary", a.summary_estimates, crossed, lines=cols)


__all__ = [
    "all_contrasts",
    "area_sets",
    "compared_column",
    "contrast_sets",
    "line_keys",
    "plain",
    "rule",
    "significance_set",
    "subgroup_text",
    "table_sets",
    "youth_set",
]
