"""Estimation and comparison stage of an annual run: every table the reports need.

One design, all variables and domains at once per call; every contrast uses the joint
covariance from the variance engine; multiplicity is corrected within each declared
family (one dimension/indicator of one table).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from survey_kit.compare import compare, did, trend
from survey_kit.design.design import Design
from survey_kit.io.compact import as_objects, compact_text_column
from survey_kit.respondents import reliability_table
from survey_kit.run import area_model, areas
from survey_kit.run.background import Beside
from survey_kit.run.config import RunConfig
from survey_kit.run.progress import Count, Progress, quiet
from survey_kit.spec import Questionnaire

TABLES_DONE = "tabeller beregnet"
"""The text of the progress count while the tables are computed."""

UNIT = "unit"
"""Column holding the reporting unit: the area for the focus group, else the group."""

GROUPS = "groups"
"""``family`` of the contrasts between the comparison groups within each round."""
CHANGE = "change"
"""``family`` of the contrasts between rounds within each group."""
SUBGROUPS = "subgroups"
"""``family`` of the contrasts between the levels of a subgroup breakdown."""
RELATIVE = "relative"
"""``family`` of the relative development (difference in differences) of the focus group."""
TREND = "trend"
"""``family`` of the linear trend across all rounds within each group (three rounds or more):
``difference`` is the slope per year, ``group_a``/``group_b`` the last and first round."""

BreakdownColumns = tuple[str, ...]
"""The columns of one subgroup breakdown: ``("gender",)`` or a crossing ``("gender",
"menapt")``; ``()`` for the totals.  The ``subgroup`` column of the contrasts holds it."""


@dataclass(frozen=True)
class Variables:
    """The variables of a run: 0-1 scores (dimensions, index) and 0/1 share indicators."""

    scores: tuple[str, ...]
    shares: tuple[str, ...]
    labels: dict[str, str]
    unfavourable: tuple[str, ...] = ()
    descriptions: dict[str, str] = dataclasses.field(default_factory=dict)

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
    summary_estimates: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    summary_contrasts: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    small_area: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    reliability: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    """Cronbach's alpha and item-rest correlations of the dimensions (weighted)."""


def run_variables(q: Questionnaire, scored: pd.DataFrame,
                  extra_shares: Mapping[str, str] | None = None) -> Variables:
    """Dimension scores + index, the share indicators of the headline items, and any extra
    0/1 indicators the run derived (id -> Danish label)."""
    labels = {dim.id: dim.label for dim in q.dimensions}
    labels["index"] = q.index.label if getattr(q.index, "label", None) else "Samlet indeks"
    shares: list[str] = []
    unfavourable: list[str] = []
    for measure, item in q.headline_items().items():
        col = item.indicator
        if col and col in scored.columns and col not in shares:
            shares.append(col)
            text = re.sub(r"\s*\(negatively worded\)", "", measure)
            labels[col] = text[:1].upper() + text[1:]
            if not item.positive_favourable:
                unfavourable.append(col)
    for col, label in (extra_shares or {}).items():
        shares.append(col)
        labels[col] = label
    scores = [dim.id for dim in q.dimensions] + ["index"]
    return Variables(tuple(scores), tuple(shares), labels, tuple(unfavourable),
                     q.descriptions())


def _estimates(design: Design, variables: Variables, by: list[str], level: float
               ) -> pd.DataFrame:
    """Means of every variable in one pass (shared with the comparisons through the design's
    estimate cache); shares get the logit intervals of ``Design.proportion`` (R
    ``svyciprop``)."""
    table = design.mean(variables.all, by=by, level=level).to_frame()
    if variables.shares:
        props = design.proportion(list(variables.shares), by=by, level=level).to_frame()
        shares = table["variable"].isin(variables.shares).to_numpy()
        table.loc[shares, "ci_low"] = props["ci_low"].to_numpy()
        table.loc[shares, "ci_high"] = props["ci_high"].to_numpy()
    return table


def _tag(frame: pd.DataFrame, family: str, subgroup: BreakdownColumns = ()) -> pd.DataFrame:
    """The contrasts of one call, named by ``family`` and breakdown, with ``family_size``:
    the number of tests their multiplicity correction ran over (one family per variable,
    as every call of the run adjusts with ``family="variable"``)."""
    frame = frame.copy()
    frame["family_size"] = frame.groupby("variable")["p_value"].transform(
        lambda p: int(p.notna().sum())).astype("int64")
    frame.insert(0, "family", family)
    frame.insert(1, "subgroup", pd.Series([subgroup] * len(frame), index=frame.index,
                                          dtype=object))
    return frame


def breakdowns(cfg: RunConfig) -> list[BreakdownColumns]:
    """The subgroup breakdowns of a run: each subgroup column, then each crossing."""
    return [(sub,) for sub in cfg.subgroups] + [tuple(c) for c in cfg.crossings]


Job = Callable[[], pd.DataFrame]
"""One table of a run, computed when called (the run counts them as they finish)."""


def _contrast_jobs(design: Design, cfg: RunConfig, variables: Variables) -> list[Job]:
    """Per breakdown (the total, each subgroup, each crossing): the groups within each round,
    the change within each group (every pair of rounds) and, with three rounds or more, the
    linear trend; the subgroup levels within each group and round; relative development for
    the totals.  One multiplicity family per call and variable; one job per call."""
    names, group, year = variables.all, cfg.group, cfg.year
    jobs: list[Job] = []

    def add(family: str, subgroup: BreakdownColumns, **kwargs: object) -> None:
        jobs.append(lambda: _tag(compare(design, names, adjust=cfg.adjust, level=cfg.level,
                                         family="variable", **kwargs  # type: ignore[arg-type]
                                         ).to_frame(), family, subgroup))

    def add_trend(cols: BreakdownColumns, time: str) -> None:
        jobs.append(lambda: _tag(trend(
            design, names, time=time, by=[c for c in (group, *cols) if c] or None,
            adjust=cfg.adjust, level=cfg.level, family="variable").to_frame(), TREND, cols))

    cols: BreakdownColumns
    for cols in [(), *breakdowns(cfg)]:
        if group:
            add(GROUPS, cols, between=group, by=[c for c in (year, *cols) if c] or None)
        if year:
            add(CHANGE, cols, between=year, by=[c for c in (group, *cols) if c] or None)
        if year and len(_levels(design, year)) >= 3:
            add_trend(cols, year)
        if cols:
            add(SUBGROUPS, cols, between=list(cols) if len(cols) > 1 else cols[0],
                by=[c for c in (group, year) if c] or None)
    if group and year and cfg.focus_group:
        controls = [g for g in _levels(design, group) if g != cfg.focus_group]
        if controls:
            jobs.append(lambda: _tag(did(design, names, group=group, time=year,
                                         treated=cfg.focus_group, control=controls,
                                         adjust=cfg.adjust, level=cfg.level,
                                         family="variable").to_frame(), RELATIVE))
    return jobs


def _levels(design: Design, column: str) -> list[object]:
    _, keys = design.domains([column])
    return list(keys[column])


def with_units(cfg: RunConfig, scored: pd.DataFrame) -> pd.DataFrame:
    """Add the reporting-unit column: the area for the focus group, else the group."""
    if not (cfg.area and cfg.group and cfg.focus_group):
        return scored
    focus = scored[cfg.group] == cfg.focus_group
    unit = as_objects(scored[cfg.group]).where(~focus, as_objects(scored[cfg.area]))
    return scored.assign(**{UNIT: compact_text_column(unit)})


def _area_tables(design: Design, cfg: RunConfig, variables: Variables,
                 area_margins: pd.DataFrame | None
                 ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Per area: direct estimates with the area's own df, the contrasts its page states
    (against each comparison group in the latest round, change since the previous and the
    first round, adjusted within one family per page: :mod:`survey_kit.run.areas`), and the
    Fay-Herriot estimates (:mod:`survey_kit.run.area_model`)."""
    if UNIT not in design.data.columns or not cfg.year or not cfg.group or not cfg.focus_group:
        return pd.DataFrame(), pd.DataFrame(), pd.DataFrame()
    groups = tuple(str(g) for g in _levels(design, cfg.group) if g != cfg.focus_group)
    settings = areas.AreaSettings(unit=UNIT, group=cfg.group, focus=cfg.focus_group,
                                  year=cfg.year, references=groups, level=cfg.level)
    tables = areas.area_tables(design, variables.all, variables.shares, settings)
    small = pd.DataFrame()
    sa = cfg.small_area
    if sa.enabled:
        focus = areas.focus_areas(design, settings)
        small = area_model.small_area_table(
            tables.estimates, UNIT, cfg.year, focus, variables.all, area_margins,
            area_model.SmallAreaSettings(sa.method, sa.variance, sa.covariates))
    return tables.estimates, tables.contrasts, small


def analyse(design: Design, cfg: RunConfig, variables: Variables,
            area_margins: pd.DataFrame | None = None, progress: Progress = quiet,
            questionnaire: Questionnaire | None = None) -> Analysis:
    """All estimates and contrasts of a run (``area_margins``: register counts per area for
    the small-area models) and, given the ``questionnaire``, the reliability of its
    dimensions.  ``progress`` is told each table as it is done: a
    :class:`~survey_kit.run.progress.Count` ``"tabeller beregnet 12/40"``.

    The area tables and the small-area models are computed in a forked process
    (:class:`~survey_kit.run.background.Beside`) while this one computes the national tables
    and the reliability table (about as much work on each core); the child starts after the
    first table, so the design's columns, fine cells and factorised domains that it built
    are shared, not built twice."""
    group_cols = [c for c in (cfg.group, cfg.year) if c]
    design = design.prepare([c for c in (*group_cols, *cfg.group_from, *cfg.subgroups,
                                         *(c for cross in cfg.crossings for c in cross), UNIT)
                             if c in design.data.columns])  # one pass per variable for all tables
    estimate_jobs: list[Job] = [
        functools.partial(_estimates, design, variables, [*group_cols, *cols], cfg.level)
        for cols in [(), *breakdowns(cfg)]]
    contrast_jobs = _contrast_jobs(design, cfg, variables)
    total = len(estimate_jobs) + len(contrast_jobs) + 2
    done = 0

    def count() -> None:
        nonlocal done
        done += 1
        progress(Count(TABLES_DONE, done, total))

    def run(jobs: list[Job]) -> list[pd.DataFrame]:
        out = []
        for job in jobs:
            out.append(job())
            count()
        return out

    def concat(tables: list[pd.DataFrame]) -> pd.DataFrame:
        return pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()

    first = run(estimate_jobs[:1])
    beside = Beside(functools.partial(_area_tables, design, cfg, variables, area_margins))
    try:
        estimates = concat([*first, *run(estimate_jobs[1:])])
        contrasts = concat(run(contrast_jobs))
        summary = _parts_tables(design, cfg, variables)
        count()
        reliability = pd.DataFrame() if questionnaire is None else reliability_table(
            questionnaire, design.data, weights=design.weights)
    except BaseException:
        beside.stop()
        raise
    area_estimates, area_contrasts, small = beside.wait()
    count()
    return Analysis(variables, estimates, contrasts, area_estimates, area_contrasts, *summary,
                    small_area=small, reliability=reliability)


def _parts_tables(design: Design, cfg: RunConfig, variables: Variables
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """For a comparison group built from several columns (``group_from``, e.g. gender x
    MENAPT): estimates of everyone, of each crossed cell and of each subgroup level, and
    the contrasts between the crossed cells, with those columns as they are."""
    if not cfg.group_from:
        return pd.DataFrame(), pd.DataFrame()
    cols = list(cfg.group_from)
    tables = [_estimates(design, variables, by, cfg.level)
              for by in ([], cols, *([s] for s in cfg.subgroups if s not in cols))]
    contrasts = compare(design, variables.all, between=cols, adjust=cfg.adjust,
                        level=cfg.level, family="variable").to_frame()
    return pd.concat(tables, ignore_index=True), contrasts
