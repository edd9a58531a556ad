"""The area tables split by area once per run give every page the input that filtering the
whole tables for that area gives (the way the run built each page's input before)."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from demo_pages import demo_pages

from survey_kit.report.area_input import FRAMES, AreaSummaryInput, ComparisonGroup
from survey_kit.report.inputs import key_text
from survey_kit.report.shown import PageRule
from survey_kit.run import outputs, page_inputs, tablesets, wording
from survey_kit.run.analysis import UNIT
from survey_kit.run.areas import AREA_CHANGE, AREA_VS_GROUP
from survey_kit.run.result import RunResult
from survey_kit.run.tablesets import ProtectedTables

BOOKKEEPING = ("family", "subgroup", "area", "comparison", "reference", "multiplicity_family")


def _drop(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    return frame.drop(columns=[c for c in columns if c in frame.columns])


def one_area_small_area(small: pd.DataFrame, year: str, area: str, shown: pd.DataFrame
                    ) -> pd.DataFrame | None:
    """The Fay-Herriot rows of one area for its page, filtered and merged area by area (the
    way the run did it before the tables were split once): hidden wherever the area's
    protected direct estimate is (``shown``: its rows after disclosure control); None when
    the run has no small-area models."""
    if small.empty:
        return None
    own = small[small["area"].astype(str) == area].drop(columns=["area"])
    keys = shown[["variable", year, "suppressed"]].assign(
        **{year: shown[year].map(key_text)}).drop_duplicates(["variable", year])
    own = own.drop(columns=[c for c in ("suppressed", "suppression_reason") if c in own])
    hidden = small.get("suppressed", pd.Series(False, index=small.index)).reindex(own.index)
    own = own.assign(**{year: own[year].map(key_text)}, own_hidden=hidden.fillna(False).astype(
        bool)).merge(keys, on=["variable", year], how="left")
    suppressed = own["suppressed"].fillna(True).astype(bool) | own["own_hidden"]
    return own.drop(columns=["own_hidden"]).assign(suppressed=suppressed)


def filtered_input(result: RunResult, area: str, others: list[str], rounds: tuple[object, ...],
                   tables: ProtectedTables) -> AreaSummaryInput:
    """One page's input by boolean masks over the whole tables, area by area."""
    cfg = result.config
    group, year = str(cfg.group), str(cfg.year)
    est = tables.area_estimates
    shown = est[est[UNIT].astype(str).isin([area, *others])]
    rows = tables.area_contrasts[tables.area_contrasts["area"].astype(str) == area]
    vs = rows[(rows["comparison"] == AREA_VS_GROUP) & (rows[year] == rounds[-1])]
    change = rows[rows["comparison"] == AREA_CHANGE]
    own = shown[shown[UNIT].astype(str) == area]
    return AreaSummaryInput(
        area_name=cfg.label(cfg.area or "", area),
        area_estimates=own.drop(columns=[UNIT]),
        comparison_estimates=shown[shown[UNIT].astype(str) != area].rename(
            columns={UNIT: group}),
        comparisons=_drop(vs, (*BOOKKEEPING, UNIT)), changes=_drop(change, BOOKKEEPING),
        variables=wording.variable_infos(result), area_id=area,
        comparison_groups=tuple(ComparisonGroup(g, cfg.label(group, g), cfg.phrase(g))
                                for g in others),
        rounds=rounds, round_column=year, group_column=group, alpha=round(1 - cfg.level, 10),
        min_n=cfg.suppression_threshold, adjust_method=cfg.adjust, created="2026-11-30",
        small_area=one_area_small_area(tables.small_area, year, area, own),
        rule=PageRule(cfg.small_area.min_df, cfg.small_area.max_cv, cfg.level),
    )


def assert_same_input(split: AreaSummaryInput, filtered: AreaSummaryInput) -> None:
    for name in (*FRAMES, "small_area"):
        pd.testing.assert_frame_equal(getattr(split, name), getattr(filtered, name))
    assert repr(split.figures) == repr(filtered.figures)
    assert repr(split.group_figures) == repr(filtered.group_figures)
    assert repr(split.statements) == repr(filtered.statements)


def _setting(result: RunResult) -> tuple[list[str], tuple[object, ...]]:
    cfg = result.config
    est = result.analysis.area_estimates
    return ([g for g in cfg.groups if g != cfg.focus_group],
            tuple(sorted(est[str(cfg.year)].dropna().unique())))


@pytest.mark.parametrize("rounds", [2, 3])
def test_every_page_gets_the_rows_filtering_gives(rounds: int) -> None:
    demo = demo_pages(rounds)
    tables = tablesets.protect_run(demo.result)
    others, years = _setting(demo.result)
    assert len(demo.pages) == 66
    for area, data in demo.pages.items():
        assert not data.small_area.empty and not data.changes.empty
        assert_same_input(data, filtered_input(demo.result, area, others, years, tables))


def test_an_area_named_as_a_comparison_group_keeps_its_own_rows() -> None:
    """Also: contrasts with the groups in an earlier round are not the page's."""
    demo = demo_pages(2)
    tables = tablesets.protect_run(demo.result)
    others, years = _setting(demo.result)

    def rename(frame: pd.DataFrame, column: str) -> pd.DataFrame:
        return frame.assign(**{column: frame[column].replace({"HP07": others[0]})})

    con = rename(rename(rename(tables.area_contrasts, "area"), "group_a"), "group_b")
    earlier = con[con["comparison"] == AREA_VS_GROUP].assign(year=float(years[0]))
    con = pd.concat([con, earlier], ignore_index=True)
    tables = dataclasses.replace(tables, area_estimates=rename(tables.area_estimates, UNIT),
                                 area_contrasts=con,
                                 small_area=rename(tables.small_area, "area"))
    split = page_inputs.split_area_tables(tables, "year", "group", others, years[-1])
    data = outputs._area_input(demo.result, others[0], others, years,
                               wording.variable_infos(demo.result), "2026-11-30", tables, split)
    filtered = filtered_input(demo.result, others[0], others, years, tables)
    assert_same_input(data, filtered)
    assert set(data.comparison_estimates["group"]) == set(others[1:])
