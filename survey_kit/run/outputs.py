"""Writing a run's outputs: disclosure control first (one pattern and one audit over every
published table: :mod:`survey_kit.run.tablesets`), then workbook, CSVs, charts, area tables
and summaries, the analysts' control files and the manifest.

Everything is written into the folder the caller gives (the pipeline gives a temporary one
and moves it into place when complete).  Resident-facing files only ever see the tables that
:func:`survey_kit.disclosure.protect` returns; respondent ids appear only in the analysts'
rejects file under ``kontrol/``.  The wording comes from :mod:`survey_kit.run.wording`, the
table sets from :mod:`survey_kit.run.tablesets`, the manifest from
:mod:`survey_kit.run.manifest`.
"""

from __future__ import annotations

import functools
import json
import time
from pathlib import Path
from typing import Any

import pandas as pd

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
from survey_kit.run import manifest, page_inputs, render, site, tablesets, wording
from survey_kit.run.analysis import CHANGE, GROUPS
from survey_kit.run.background import Beside, workers_for
from survey_kit.run.folders import short_stem
from survey_kit.run.progress import Progress, quiet
from survey_kit.run.result import RunResult
from survey_kit.run.tablesets import ProtectedTables


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    """UTF-8 CSV (with BOM for Excel), formula-safe text, whole-number rounds as integers."""
    frame = frame.copy()
    for column in ("year", "time_a", "time_b"):
        if column in frame.columns and pd.api.types.is_float_dtype(frame[column]):
            frame[column] = frame[column].astype("Int64")
    neutralise_frame(frame).to_csv(path, index=False, encoding="utf-8-sig")


def _significance(result: RunResult, out: Path, created: str, tables: ProtectedTables,
                  beside: list[Beside] | None = None) -> None:
    """The significance workbook, tidy CSVs and charts from the protected tables.  With
    ``beside`` (a list), the charts are drawn in forked processes started first
    (:class:`~survey_kit.run.background.Beside`, appended to the list: the caller waits for
    it before the manifest lists the files); without, at once."""
    cfg = result.config
    infos = wording.variable_infos(result)
    est = tables.estimates
    if cfg.group and cfg.year:
        ids = cfg.groups or tuple(sorted(est[cfg.group].dropna().unique()))
        groups = tuple((g, cfg.label(cfg.group, g)) for g in ids)
        rounds = tuple(sorted(est[cfg.year].dropna().unique()))
        banner = Banner(group_column=cfg.group, groups=groups, round_column=cfg.year,
                        rounds=rounds, breakdowns=wording.banner_breakdowns(cfg, est))
        data = SignificanceInput(
            estimates=est, variables=infos,
            group_contrasts=tablesets.family(tables.contrasts, GROUPS),
            change_contrasts=tablesets.family(tables.contrasts, CHANGE),
            banner=banner, title=f"{cfg.name} – signifikanstabeller",
            sources=wording.sources(result), created=created,
            alpha=round(1 - cfg.level, 10), min_n=cfg.suppression_threshold,
            method_notes=wording.method_notes(result), weighted=wording.weighted(result),
            clustered=wording.clustered(result),
        )
        figures = out / "figurer"
        figures.mkdir()
        charts = functools.partial(make_charts, est, infos, banner, figures,
                                   profile_group=cfg.focus_group or ids[0])
        if beside is None:
            charts()
        else:  # in as many forked processes as there are cores (at most two): the charts
            parts = workers_for(2)  # are the longest piece of writing after the pages
            beside += [Beside(functools.partial(charts, share=(k, parts))) for k in range(parts)]
        write_significance_workbook(data, out / "signifikanstabeller.xlsx")
        write_tidy_csv(data, out / "signifikanstabeller.csv")
    _write_csv(est, out / "estimater.csv")
    if not tables.contrasts.empty:
        _write_csv(tablesets.subgroup_text(tables.contrasts), out / "sammenligninger.csv")


def _area_summaries(result: RunResult, out: Path, created: str, tables: ProtectedTables,
                    progress: Progress = quiet) -> None:
    """The analysts' area tables (direct estimates, page contrasts, Fay-Herriot) and one
    resident summary per area of the focus group, HTML and PDF, and their index."""
    cfg = result.config
    est, con = tables.area_estimates, tables.area_contrasts
    if est.empty or con.empty or not (cfg.group and cfg.year):
        return
    folder = out / "omraader"
    folder.mkdir()
    _write_csv(est, folder / "estimater.csv")
    _write_csv(con, folder / "sammenligninger.csv")
    if not tables.small_area.empty:
        _write_csv(tables.small_area, folder / "smaaomraademodel.csv")
    infos = wording.variable_infos(result)
    rounds = tuple(sorted(est[str(cfg.year)].dropna().unique()))
    others = [g for g in cfg.groups if g != cfg.focus_group]
    jobs: list[render.LazyJob] = []
    used = {Path(site.INDEX_NAME).stem}
    split = page_inputs.split_area_tables(tables, str(cfg.year), str(cfg.group), others,
                                          rounds[-1])
    for area in sorted(set(con["area"].dropna().astype(str))):
        # built by the page workers, in parallel (render.LazyJob)
        data = functools.partial(_area_input, result, area, others, rounds, infos, created,
                                 tables, split)
        stem = short_stem(slug(area, empty="omraade"))
        while stem in used:
            stem += "-x"
        used.add(stem)
        jobs.append((data, folder / f"{stem}.html", folder / f"{stem}.pdf"))
    built = render.render_all(jobs, progress, index=site.INDEX_NAME)
    site.write_site_index(cfg, result.design.data, built, folder, created)


def _area_input(result: RunResult, area: str, others: list[str], rounds: tuple[Any, ...],
                infos: tuple[VariableInfo, ...], created: str, tables: ProtectedTables,
                split: page_inputs.AreaTables | None = None) -> AreaSummaryInput:
    """One area's summary input: its rows of the protected area tables (``split``: the
    tables split by area once per run, :func:`~survey_kit.run.page_inputs.split_area_tables`;
    made here when not given)."""
    cfg = result.config
    group, year = str(cfg.group), str(cfg.year)
    if split is None:
        split = page_inputs.split_area_tables(tables, year, group, others, rounds[-1])
    rows = split.frames(area)
    groups = tuple(ComparisonGroup(g, cfg.label(group, g), cfg.phrase(g)) for g in others)
    return AreaSummaryInput(
        area_name=cfg.label(cfg.area or "", area),
        survey_name=cfg.text("survey_name", AreaSummaryInput.survey_name),
        topic=cfg.text("topic", AreaSummaryInput.topic),
        population=cfg.text("population", AreaSummaryInput.population),
        area_estimates=rows.area_estimates, comparison_estimates=rows.comparison_estimates,
        comparisons=rows.comparisons, changes=rows.changes,
        variables=infos, area_id=area, comparison_groups=groups, rounds=rounds,
        round_column=year, group_column=group, alpha=round(1 - cfg.level, 10),
        min_n=cfg.suppression_threshold, adjust_method=cfg.adjust, created=created,
        weighted=wording.weighted(result), clustered=wording.clustered(result),
        small_area=rows.small_area,
        rule=PageRule(cfg.small_area.min_df, cfg.small_area.max_cv, cfg.level),
    )


def _youth_summary(result: RunResult, out: Path, created: str, tables: ProtectedTables
                   ) -> None:
    """The livsmestring summary for the youth workers, HTML and PDF."""
    cfg, a = result.config, result.analysis
    infos = wording.variable_infos(result)
    cols = list(cfg.group_from)
    differences = None
    if not tables.summary_contrasts.empty:
        diff = tables.summary_contrasts
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
        estimates=tables.summary_estimates, variables=infos,
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


def write_outputs(result: RunResult, out: Path, target: Path | None = None,
                  progress: Progress = quiet) -> list[str]:
    """Protect every table (:func:`survey_kit.run.tablesets.protect_run`), refuse to publish
    when the audit finds a hidden cell unprotected (:class:`~survey_kit.errors.DisclosureError`,
    before anything is written), then write every output of a run into ``out`` (an empty
    folder; ``target`` is where it will be moved, recorded in the manifest); returns the
    written files, relative to ``out``.  ``progress`` is told how many area pages are
    written (:mod:`survey_kit.run.progress`)."""
    start = time.perf_counter()
    tables = tablesets.protect_run(result)
    seconds = time.perf_counter() - start
    tables.protection.check()
    return write_protected(result, tables, out, target,
                           {"disclosure control (suppression and audit)": seconds}, progress)


def write_protected(result: RunResult, tables: ProtectedTables, out: Path,
                    target: Path | None = None, timings: dict[str, float] | None = None,
                    progress: Progress = quiet) -> list[str]:
    """Write every output of a run from its protected tables (no check of the audit: use
    :func:`write_outputs`)."""
    cfg = result.config
    created = manifest.run_date(cfg)
    timings = {**(timings or {}),
               "disclosure audit (linear programs)": tables.protection.audit.seconds}
    start = time.perf_counter()
    beside: list[Beside] = []
    try:
        _significance(result, out, created, tables, beside)
        timings["write significance tables"] = time.perf_counter() - start
        start = time.perf_counter()
        if cfg.group_summary:
            _youth_summary(result, out, created, tables)
        else:
            _area_summaries(result, out, created, tables, progress)
        timings["write summaries"] = time.perf_counter() - start
    finally:
        start = time.perf_counter()
        for job in beside:
            job.wait()
    timings["wait for the charts (drawn beside)"] = time.perf_counter() - start
    control = out / "kontrol"
    control.mkdir()
    _write_csv(result.rejects, control / "afviste_svar.csv")
    _write_csv(result.reliability, control / "reliabilitet.csv")
    weighting = result.design.weighting
    if weighting is not None:
        _write_csv(weighting.margins, control / "vaegtning_marginer.csv")
        _write_csv(weighting.to_frame(), control / "vaegtning_grupper.csv")
    log = tables.protection.log
    _write_csv(log, control / "undertrykkelse.csv")
    record = manifest.build_manifest(result, out, log, created, timings, str(target or out))
    record["disclosure"] = {"threshold": cfg.suppression_threshold,
                            "protection_share": cfg.protection_share,
                            "additive": tablesets.additive(result),
                            **tables.protection.summary()}
    (out / "manifest.json").write_text(json.dumps(record, indent=2, ensure_ascii=False),
                                       encoding="utf-8")
    manifest.write_timings(result, out, timings)
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
