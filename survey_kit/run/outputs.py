"""Writing a run's outputs: disclosure control first, then workbook, CSV, charts, summaries,
the analysts' control files and the manifest.

Everything is written into the folder the caller gives (the pipeline gives a temporary one
and moves it into place when complete).  Resident-facing files only ever see the tables that
:func:`survey_kit.disclosure.protect` returns; respondent ids appear only in the analysts'
rejects file under ``kontrol/``.  The wording comes from :mod:`survey_kit.run.wording`, the
table sets from :mod:`survey_kit.run.tablesets`, the manifest from
:mod:`survey_kit.run.manifest`.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pandas as pd

from survey_kit.disclosure import ProtectedSet, protect
from survey_kit.report import (
    Banner,
    Breakdown,
    SignificanceInput,
    VariableInfo,
    make_charts,
    write_significance_workbook,
    write_tidy_csv,
)
from survey_kit.report.escape import neutralise_frame, slug
from survey_kit.report.resident import AreaSummaryInput, ComparisonGroup
from survey_kit.report.shown import PageRule
from survey_kit.report.youth import YouthSummaryInput, render_youth
from survey_kit.run import manifest, render, tablesets, wording
from survey_kit.run.analysis import UNIT
from survey_kit.run.folders import short_stem
from survey_kit.run.result import RunResult


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    """UTF-8 CSV (with BOM for Excel), formula-safe text, whole-number rounds as integers."""
    frame = frame.copy()
    for column in ("year", "time_a", "time_b"):
        if column in frame.columns and pd.api.types.is_float_dtype(frame[column]):
            frame[column] = frame[column].astype("Int64")
    neutralise_frame(frame).to_csv(path, index=False, encoding="utf-8-sig")


def _significance(result: RunResult, out: Path, created: str, sup: ProtectedSet) -> None:
    """The significance workbook, tidy CSVs and charts from the protected tables."""
    cfg = result.config
    n_sets = len(tablesets.contrast_sets(result))
    workbook = dict(zip(tablesets.contrast_sets(result), sup.contrasts[:n_sets], strict=True))
    infos = wording.variable_infos(result)
    est = result.analysis.estimates
    if cfg.group and cfg.year:
        ids = cfg.groups or tuple(sorted(est[cfg.group].dropna().unique()))
        groups = tuple((g, cfg.label(cfg.group, g)) for g in ids)
        rounds = tuple(sorted(est[cfg.year].dropna().unique()))
        banner = Banner(group_column=cfg.group, groups=groups, round_column=cfg.year,
                        rounds=rounds, breakdowns=wording.banner_breakdowns(cfg, est))
        data = SignificanceInput(
            estimates=sup.estimates, variables=infos,
            group_contrasts=workbook.get(cfg.group), change_contrasts=workbook.get(cfg.year),
            banner=banner, title=f"{cfg.name} – signifikanstabeller",
            sources=wording.sources(result), created=created,
            alpha=round(1 - cfg.level, 10), min_n=cfg.suppression_threshold,
            method_notes=wording.method_notes(result), weighted=wording.weighted(result),
            clustered=wording.clustered(result),
        )
        write_significance_workbook(data, out / "signifikanstabeller.xlsx")
        write_tidy_csv(data, out / "signifikanstabeller.csv")
        figures = out / "figurer"
        figures.mkdir()
        make_charts(sup.estimates, infos, banner, figures,
                    profile_group=cfg.focus_group or ids[0])
    _write_csv(sup.estimates, out / "estimater.csv")
    contrasts = result.analysis.contrasts
    if not contrasts.empty:
        shown = tablesets.all_contrasts(contrasts, sup.contrasts[n_sets:])
        _write_csv(tablesets.subgroup_text(shown), out / "sammenligninger.csv")


def _area_summaries(result: RunResult, out: Path, created: str,
                    protected: tuple[ProtectedSet, ...]) -> None:
    """One resident summary per area of the focus group, HTML and PDF."""
    cfg, a = result.config, result.analysis
    areas = [area for area, _ in tablesets.area_sets(result)]
    if not areas:
        return
    infos = wording.variable_infos(result)
    rounds = tuple(sorted(a.area_estimates[str(cfg.year)].dropna().unique()))
    others = [g for g in cfg.groups if g != cfg.focus_group]
    folder = out / "omraader"
    folder.mkdir()
    jobs, used = [], set()
    for area, sup in zip(areas, protected, strict=True):
        data = _area_input(result, area, others, rounds, infos, created, sup)
        stem = short_stem(slug(area, empty="omraade"))
        while stem in used:
            stem += "-x"
        used.add(stem)
        jobs.append((data, folder / f"{stem}.html", folder / f"{stem}.pdf"))
    render.render_all(jobs)


def _area_input(result: RunResult, area: str, others: list[str], rounds: tuple[Any, ...],
                infos: tuple[VariableInfo, ...], created: str, sup: ProtectedSet
                ) -> AreaSummaryInput:
    """One area's summary input from its protected tables."""
    cfg = result.config
    group, year = str(cfg.group), str(cfg.year)
    shown = sup.estimates
    groups = tuple(ComparisonGroup(g, cfg.label(group, g), cfg.phrase(g))
                   for g in others)
    return AreaSummaryInput(
        area_name=cfg.label(cfg.area or "", area),
        survey_name=cfg.text("survey_name", AreaSummaryInput.survey_name),
        topic=cfg.text("topic", AreaSummaryInput.topic),
        population=cfg.text("population", AreaSummaryInput.population),
        area_estimates=shown[shown[UNIT] == area].drop(columns=[UNIT]),
        comparison_estimates=shown[shown[UNIT] != area].rename(columns={UNIT: group}),
        comparisons=sup.contrasts[0], changes=sup.contrasts[1], variables=infos,
        area_id=area, comparison_groups=groups, rounds=rounds, round_column=year,
        group_column=group, alpha=round(1 - cfg.level, 10),
        min_n=cfg.suppression_threshold, adjust_method=cfg.adjust, created=created,
        weighted=wording.weighted(result), clustered=wording.clustered(result),
        small_area=wording.area_small_area(result.analysis.small_area, year, area,
                                           shown[shown[UNIT] == area]),
        rule=PageRule(cfg.small_area.min_df, cfg.small_area.max_cv, cfg.level),
    )


def _youth_summary(result: RunResult, out: Path, created: str, sup: ProtectedSet) -> None:
    """The livsmestring summary for the youth workers, HTML and PDF."""
    cfg, a = result.config, result.analysis
    infos = wording.variable_infos(result)
    cols = list(cfg.group_from)
    differences = None
    if sup.contrasts:
        diff = sup.contrasts[0]
        differences = diff.assign(
            group_a=diff["group_a"].map(lambda x: wording.cross_label(cfg, x)),
            group_b=diff["group_b"].map(lambda x: wording.cross_label(cfg, x)))
    est = a.summary_estimates
    crossed = est[cols].dropna().drop_duplicates().sort_values(cols, ascending=False)
    cross = Breakdown(tuple(cols), cfg.heading(str(cfg.group)), tuple(
        (tuple(row), wording.cross_label(cfg, " / ".join(str(x) for x in row)))
        for row in crossed.itertuples(index=False)))
    age = next((c for c in cfg.subgroups if c not in cols), "age_group")
    ages = tuple((a_, cfg.label(age, a_)) for a_ in sorted(est[age].dropna().unique())) \
        if age in est.columns else ()
    data = YouthSummaryInput(
        cross=cross, age=Breakdown(age, cfg.heading(age), ages),
        estimates=sup.estimates, variables=infos,
        low_several="low_several" if "low_several" in a.variables.shares else "",
        low_several_rule=None if cfg.low_min_dimensions is None
        else (cfg.low_min_dimensions, len(result.questionnaire.dimensions)),
        differences=differences, alpha=round(1 - cfg.level, 10),
        survey_name=cfg.text("survey_name", YouthSummaryInput.survey_name),
        title=cfg.text("title", YouthSummaryInput.title),
        population=cfg.text("population", YouthSummaryInput.population),
        min_n=cfg.suppression_threshold, adjust_method=cfg.adjust, created=created,
        weighted=wording.weighted(result), clustered=wording.clustered(result),
    )
    render_youth(data, out / "livsmestring.html", out / "livsmestring.pdf")


def write_outputs(result: RunResult, out: Path, target: Path | None = None) -> list[str]:
    """Write every output of a run into ``out`` (an empty folder; ``target`` is where it will
    be moved, recorded in the manifest); returns the written files, relative to ``out``."""
    cfg = result.config
    created = manifest.run_date(cfg)
    timings: dict[str, float] = {}
    start = time.perf_counter()
    significance, *summaries = protect(tablesets.table_sets(result), tablesets.rule(cfg))
    _significance(result, out, created, significance)
    timings["write significance tables and charts"] = time.perf_counter() - start
    start = time.perf_counter()
    if cfg.group_summary:
        _youth_summary(result, out, created, summaries[0])
    else:
        _area_summaries(result, out, created, tuple(summaries))
    timings["write summaries"] = time.perf_counter() - start
    logs = [significance.log, *(s.log for s in summaries)]
    control = out / "kontrol"
    control.mkdir()
    _write_csv(result.rejects, control / "afviste_svar.csv")
    _write_csv(result.reliability, control / "reliabilitet.csv")
    weighting = result.design.weighting
    if weighting is not None:
        _write_csv(weighting.margins, control / "vaegtning_marginer.csv")
        _write_csv(weighting.to_frame(), control / "vaegtning_grupper.csv")
    logs = [log for log in logs if len(log)]
    suppression = (pd.concat(logs, ignore_index=True) if logs
                   else pd.DataFrame(columns=["reason"]))
    _write_csv(suppression, control / "undertrykkelse.csv")
    record = manifest.build_manifest(result, out, suppression, created, timings, str(target or out))
    (out / "manifest.json").write_text(json.dumps(record, indent=2, ensure_ascii=False),
                                       encoding="utf-8")
    manifest.write_timings(result, out, timings)
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
