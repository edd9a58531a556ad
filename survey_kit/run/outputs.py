"""Writing a run's outputs: suppression first, then workbook, CSV, charts, summaries, manifest.

Everything is written into the folder the caller gives (the pipeline gives a temporary one
and moves it into place when complete).  Resident-facing files only ever see suppressed
tables; respondent ids appear only in the analysts' rejects file under ``kontrol/``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import multiprocessing as mp
import os
import platform
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from survey_kit.disclosure import Contrasts, ProtectedSet, TableSet, protect
from survey_kit.report import (
    Banner,
    Breakdown,
    SignificanceInput,
    SuppressionRule,
    VariableInfo,
    make_charts,
    variables_from_labels,
    write_significance_workbook,
    write_tidy_csv,
)
from survey_kit.report.escape import neutralise_frame, slug
from survey_kit.report.resident import AreaSummaryInput, ComparisonGroup, render_area
from survey_kit.report.youth import YouthSummaryInput, render_youth
from survey_kit.respondents import reliability_table
from survey_kit.run.analysis import CHANGE, GROUPS, SUBGROUPS, UNIT, breakdowns
from survey_kit.run.areas import AREA_CHANGE, AREA_VS_GROUP
from survey_kit.run.config import RunConfig
from survey_kit.run.result import RunResult
from survey_kit.run.stages import file_sha256

DEPENDENCIES = ("numpy", "pandas", "scipy", "statsmodels", "matplotlib", "XlsxWriter",
                "openpyxl", "pyreadstat", "reportlab", "Jinja2", "PyYAML")


def _levels(frame: pd.DataFrame, cols: tuple[str, ...], cfg: RunConfig
            ) -> tuple[tuple[object, str], ...]:
    present = frame[list(cols)].dropna().drop_duplicates().sort_values(list(cols))
    out = []
    for row in present.itertuples(index=False):
        values = tuple(row)
        text = " / ".join(cfg.label(c, v) for c, v in zip(cols, values, strict=True))
        out.append((values if len(cols) > 1 else values[0], text))
    return tuple(out)


def _breakdowns(cfg: RunConfig, estimates: pd.DataFrame) -> tuple[Breakdown, ...]:
    out = []
    for cols in breakdowns(cfg):
        parts = [cfg.heading(c) for c in cols]
        heading = " og ".join([parts[0], *(p[:1].lower() + p[1:] for p in parts[1:])])
        out.append(Breakdown(cols if len(cols) > 1 else cols[0], heading,
                             _levels(estimates, cols, cfg)))
    return tuple(out)


def variable_infos(result: RunResult) -> tuple[VariableInfo, ...]:
    """Report descriptions of the run's variables (unfavourable shares marked as such), with
    the questionnaire's sentences (the bundled ones when it has none)."""
    v = result.analysis.variables
    infos = variables_from_labels({k: v.labels[k] for k in v.all}, shares=v.shares,
                                  descriptions=v.descriptions or None)
    return tuple(dataclasses.replace(i, higher_is_better=i.id not in v.unfavourable)
                 for i in infos)


def _plain(frame: pd.DataFrame, drop: Sequence[str] = ("family", "subgroup", "area")
           ) -> pd.DataFrame:
    return frame.drop(columns=[c for c in drop if c in frame.columns])


COLUMN_NAMES = {"year": "runde", "group": "gruppe", "gender": "køn", "age_group": "aldersgruppe",
                "menapt": "MENAPT-baggrund", "area": "område"}


def _sources(result: RunResult) -> tuple[str, ...]:
    out = []
    for item in result.log.inputs:
        name = str(item["file"])
        if name.startswith("survey_kit.datasets"):
            name = "Syntetiske demodata fra survey_kit (ingen rigtige personer)"
        out.append(f"{name}: {item['rows']} rækker")
    return tuple(out)


def _method_notes(result: RunResult) -> tuple[str, ...]:
    cfg, weighting = result.config, result.design.weighting
    if weighting is None:
        return ("Vægte: ingen (alle svar tæller lige meget).",)
    cells = " og ".join(COLUMN_NAMES.get(c, c) for c in cfg.weighting_by) or "hele stikprøven"
    bounds = ""
    if cfg.bounds:
        low, high = (f"{b:g}".replace(".", ",") for b in cfg.bounds)
        bounds = f", med vægtjustering mellem {low} og {high} gange designvægten"
    return (f"Vægte: designvægte rettet til registermarginer (raking) inden for hver "
            f"{cells}{bounds}.",)


def _contrast_sets(result: RunResult) -> dict[str, pd.DataFrame]:
    """The contrasts the significance tables show: groups within rounds, change in groups."""
    c = result.analysis.contrasts
    if c.empty:
        return {}
    cfg = result.config
    out = {}
    if cfg.group:
        out[cfg.group] = _plain(c[c["family"] == GROUPS])
    if cfg.year:
        out[cfg.year] = _plain(c[c["family"] == CHANGE])
    return out


def _weighted(result: RunResult) -> bool:
    """Whether the answers are weighted to register margins."""
    return result.design.weighting is not None


def _clustered(result: RunResult) -> bool:
    """Whether the design has strata or clusters (else a simple random sample)."""
    return bool(result.config.psu or result.config.strata)


def _rule(cfg: RunConfig, extra: Sequence[str] = ()) -> SuppressionRule:
    columns = tuple(dict.fromkeys([*cfg.subgroups, *(c for x in cfg.crossings for c in x),
                                   *extra]))
    return SuppressionRule(min_n=cfg.suppression_threshold, subgroup_columns=columns)


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    """UTF-8 CSV (with BOM for Excel), formula-safe text, whole-number rounds as integers."""
    frame = frame.copy()
    for column in ("year", "time_a", "time_b"):
        if column in frame.columns and pd.api.types.is_float_dtype(frame[column]):
            frame[column] = frame[column].astype("Int64")
    neutralise_frame(frame).to_csv(path, index=False, encoding="utf-8-sig")


def _table_sets(result: RunResult) -> list[TableSet]:
    """Every table set the run publishes: the significance tables with all contrasts, then
    each area page or the youth summary."""
    sets = [_significance_set(result)]
    if result.config.group_summary:
        sets.append(_youth_set(result))
    else:
        sets += [table_set for _, table_set in _area_sets(result)]
    return sets


def _significance_set(result: RunResult) -> TableSet:
    """The estimates with the workbook's contrasts (logged) and every contrast of the CSV."""
    cfg = result.config
    shown = [Contrasts(frame, (column,)) for column, frame in _contrast_sets(result).items()]
    contrasts = result.analysis.contrasts
    if not contrasts.empty:
        for (family, subgroup), frame in contrasts.groupby(["family", "subgroup"], sort=False):
            if family == SUBGROUPS and len(subgroup) > 1:
                shown.append(Contrasts(frame, tuple(subgroup), _line_keys(cfg), logged=False))
            else:
                shown.append(Contrasts(_plain(frame), (_compared_column(family, subgroup, cfg),),
                                       logged=False))
    return TableSet("significance", result.analysis.estimates, tuple(shown))


def _line_keys(cfg: RunConfig) -> tuple[str, ...]:
    """What a line of crossed cells shares besides the variable: the group and the round."""
    return tuple(c for c in (cfg.group, cfg.year) if c)


def _significance(result: RunResult, out: Path, created: str, sup: ProtectedSet) -> None:
    """The significance workbook, tidy CSVs and charts from the protected tables."""
    cfg = result.config
    n_sets = len(_contrast_sets(result))
    workbook = dict(zip(_contrast_sets(result), sup.contrasts[:n_sets], strict=True))
    infos = variable_infos(result)
    est = result.analysis.estimates
    if cfg.group and cfg.year:
        ids = cfg.groups or tuple(sorted(est[cfg.group].dropna().unique()))
        groups = tuple((g, cfg.label(cfg.group, g)) for g in ids)
        rounds = tuple(sorted(est[cfg.year].dropna().unique()))
        banner = Banner(group_column=cfg.group, groups=groups, round_column=cfg.year,
                        rounds=rounds, breakdowns=_breakdowns(cfg, result.analysis.estimates))
        data = SignificanceInput(
            estimates=sup.estimates, variables=infos,
            group_contrasts=workbook.get(cfg.group), change_contrasts=workbook.get(cfg.year),
            banner=banner, title=f"{cfg.name} – signifikanstabeller",
            sources=_sources(result), created=created,
            alpha=round(1 - cfg.level, 10), min_n=cfg.suppression_threshold,
            method_notes=_method_notes(result), weighted=_weighted(result),
            clustered=_clustered(result),
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
        _write_csv(_subgroup_text(_all_contrasts(contrasts, sup.contrasts[n_sets:])),
                   out / "sammenligninger.csv")


def _all_contrasts(contrasts: pd.DataFrame, protected: tuple[pd.DataFrame, ...]) -> pd.DataFrame:
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


def _compared_column(family: str, subgroup: tuple[str, ...], cfg: RunConfig) -> str:
    """The column whose levels a family of contrasts compares (a family exists only when its
    column is configured)."""
    if family == SUBGROUPS:
        return subgroup[0]
    return str(cfg.year if family == CHANGE else cfg.group)


def _subgroup_text(frame: pd.DataFrame) -> pd.DataFrame:
    """The contrasts with each breakdown (a tuple of columns) written as its analysts' label,
    ``gender x menapt`` (empty for the totals), for the CSV."""
    return frame.assign(subgroup=frame["subgroup"].map(lambda cols: " x ".join(cols) or None))


def _area_sets(result: RunResult) -> list[tuple[str, TableSet]]:
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
            Contrasts(_plain(vs, ("family", "subgroup", "area", UNIT)), (UNIT,)),
            Contrasts(_plain(change, ("family", "subgroup", "area")), (cfg.year,))),
            lines=(UNIT,), tags={"area": str(area)})))
    return out


def _area_summaries(result: RunResult, out: Path, created: str,
                    protected: tuple[ProtectedSet, ...]) -> None:
    """One resident summary per area of the focus group, HTML and PDF."""
    cfg, a = result.config, result.analysis
    areas = [area for area, _ in _area_sets(result)]
    if not areas:
        return
    infos = variable_infos(result)
    rounds = tuple(sorted(a.area_estimates[str(cfg.year)].dropna().unique()))
    others = [g for g in cfg.groups if g != cfg.focus_group]
    folder = out / "omraader"
    folder.mkdir()
    jobs, used = [], set()
    for area, sup in zip(areas, protected, strict=True):
        data = _area_input(result, area, others, rounds, infos, created, sup)
        stem = slug(area, empty="omraade")
        while stem in used:
            stem += "-x"
        used.add(stem)
        jobs.append((data, folder / f"{stem}.html", folder / f"{stem}.pdf"))
    _render_all(jobs)


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
        area_estimates=shown[shown[UNIT] == area].drop(columns=[UNIT]),
        comparison_estimates=shown[shown[UNIT] != area].rename(columns={UNIT: group}),
        comparisons=sup.contrasts[0], changes=sup.contrasts[1], variables=infos,
        area_id=area, comparison_groups=groups, rounds=rounds, round_column=year,
        group_column=group, alpha=round(1 - cfg.level, 10),
        min_n=cfg.suppression_threshold, adjust_method=cfg.adjust, created=created,
        weighted=_weighted(result), clustered=_clustered(result),
    )


def _render_one(job: tuple[AreaSummaryInput, Path, Path]) -> None:
    render_area(*job)


def _render_all(jobs: list[tuple[AreaSummaryInput, Path, Path]]) -> None:
    """Render the area summaries, on every core where the platform can fork."""
    workers = min(os.cpu_count() or 1, 4, len(jobs))
    if workers < 2 or "fork" not in mp.get_all_start_methods():
        for job in jobs:
            _render_one(job)
        return
    with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
        list(pool.map(_render_one, jobs, chunksize=max(1, len(jobs) // (4 * workers))))


def _youth_set(result: RunResult) -> TableSet:
    """The youth summary's estimates (crossed cells, subgroups) and the contrasts between the
    crossed cells."""
    cfg, a = result.config, result.analysis
    cols = tuple(cfg.group_from)
    crossed = () if a.summary_contrasts.empty else (
        Contrasts(a.summary_contrasts, cols, _line_keys(cfg), logged=False),)
    return TableSet("summary", a.summary_estimates, crossed, lines=cols)


def _youth_summary(result: RunResult, out: Path, created: str, sup: ProtectedSet) -> None:
    """The livsmestring summary for the youth workers, HTML and PDF."""
    cfg, a = result.config, result.analysis
    infos = variable_infos(result)
    cols = list(cfg.group_from)
    differences = None
    if sup.contrasts:
        diff = sup.contrasts[0]
        differences = diff.assign(group_a=diff["group_a"].map(lambda x: _cross_label(cfg, x)),
                                  group_b=diff["group_b"].map(lambda x: _cross_label(cfg, x)))
    est = a.summary_estimates
    crossed = est[cols].dropna().drop_duplicates().sort_values(cols, ascending=False)
    cross = Breakdown(tuple(cols), cfg.heading(str(cfg.group)), tuple(
        (tuple(row), _cross_label(cfg, " / ".join(str(x) for x in row)))
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
        min_n=cfg.suppression_threshold, adjust_method=cfg.adjust, created=created,
        weighted=_weighted(result), clustered=_clustered(result),
    )
    render_youth(data, out / "livsmestring.html", out / "livsmestring.pdf")


def _cross_label(cfg: RunConfig, value: object) -> str:
    """'pige / True' -> the Danish label of that group ([labels.<group>] in the config)."""
    return cfg.label(cfg.group, value) if cfg.group else str(value)


def _versions() -> dict[str, str]:
    out = {"survey_kit": metadata.version("survey_kit"), "python": platform.python_version()}
    for name in DEPENDENCIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _manifest(result: RunResult, out: Path, suppression: pd.DataFrame, created: str,
              timings: dict[str, float], target: str) -> dict[str, Any]:
    report = result.validation
    weighting = result.design.weighting
    return _jsonable({
        "run": result.config.name,
        "created": created,
        "versions": _versions(),
        "configuration": {**dataclasses.asdict(result.config), "output": target},
        "inputs": result.log.inputs,
        "steps": result.log.steps,
        "rows": {"read": report.n_rows, "valid": len(report.valid),
                 "rejected": len(report.rejected_rows), "problems": len(report.rejects)},
        "weighting": None if weighting is None else {
            "method": weighting.method, "converged": weighting.converged,
            "iterations": weighting.iterations, "kish_deff": weighting.kish_deff,
            "effective_n": weighting.effective_n},
        "warnings": result.log.warnings,
        "suppression": {
            "threshold": result.config.suppression_threshold,
            "cells": len(suppression),
            "by_reason": suppression["reason"].value_counts().to_dict() if len(suppression)
            else {},
        },
        "timings_seconds": {k: round(v, 3) for k, v in {**result.timings, **timings}.items()},
        "outputs": {p.relative_to(out).as_posix(): file_sha256(p)
                    for p in sorted(out.rglob("*")) if p.is_file()},
    })


def write_outputs(result: RunResult, out: Path, target: Path | None = None) -> list[str]:
    """Write every output of a run into ``out`` (an empty folder; ``target`` is where it will
    be moved, recorded in the manifest); returns the written files, relative to ``out``."""
    cfg = result.config
    created = dt.date.today().isoformat()
    timings: dict[str, float] = {}
    start = time.perf_counter()
    significance, *summaries = protect(_table_sets(result), _rule(cfg))
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
    _write_csv(reliability_table(result.questionnaire, result.design.data,
                                 weights=result.design.weights), control / "reliabilitet.csv")
    weighting = result.design.weighting
    if weighting is not None:
        _write_csv(weighting.margins, control / "vaegtning_marginer.csv")
        _write_csv(weighting.to_frame(), control / "vaegtning_grupper.csv")
    logs = [log for log in logs if len(log)]
    suppression = (pd.concat(logs, ignore_index=True) if logs
                   else pd.DataFrame(columns=["reason"]))
    _write_csv(suppression, control / "undertrykkelse.csv")
    manifest = _manifest(result, out, suppression, created, timings, str(target or out))
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False),
                                       encoding="utf-8")
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
