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
import re
import time
import unicodedata
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from survey_kit.report import (
    Banner,
    Breakdown,
    SignificanceInput,
    SuppressionRule,
    VariableInfo,
    make_charts,
    suppress,
    variables_from_labels,
    write_significance_workbook,
    write_tidy_csv,
)
from survey_kit.report.escape import neutralise_frame
from survey_kit.report.resident import AreaSummaryInput, ComparisonGroup, render_area
from survey_kit.report.youth import YouthSummaryInput, render_youth
from survey_kit.respondents import reliability_table
from survey_kit.run.analysis import UNIT, breakdowns
from survey_kit.run.config import RunConfig
from survey_kit.run.result import RunResult
from survey_kit.run.stages import file_sha256

HEADINGS = {"gender": "Køn", "menapt": "Herkomst", "age_group": "Alder"}
GROUP_PHRASES = {"almene": "de almene boliger i hele landet", "befolkning": "hele befolkningen"}
DEPENDENCIES = ("numpy", "pandas", "scipy", "statsmodels", "matplotlib", "XlsxWriter",
                "openpyxl", "pyreadstat", "reportlab", "Jinja2", "PyYAML")


def _label(cfg: RunConfig, column: str, value: object) -> str:
    labels = cfg.labels.get(column, {})
    return labels.get(str(value), str(value))


def _levels(frame: pd.DataFrame, cols: tuple[str, ...], cfg: RunConfig
            ) -> tuple[tuple[object, str], ...]:
    present = frame[list(cols)].dropna().drop_duplicates().sort_values(list(cols))
    out = []
    for row in present.itertuples(index=False):
        values = tuple(row)
        text = " / ".join(_label(cfg, c, v) for c, v in zip(cols, values, strict=True))
        out.append((values if len(cols) > 1 else values[0], text))
    return tuple(out)


def _breakdowns(cfg: RunConfig, estimates: pd.DataFrame) -> tuple[Breakdown, ...]:
    out = []
    for cols in breakdowns(cfg):
        parts = [HEADINGS.get(c, c) for c in cols]
        heading = " og ".join([parts[0], *(p[:1].lower() + p[1:] for p in parts[1:])])
        out.append(Breakdown(cols if len(cols) > 1 else cols[0], heading,
                             _levels(estimates, cols, cfg)))
    return tuple(out)


def variable_infos(result: RunResult) -> tuple[VariableInfo, ...]:
    """Report descriptions of the run's variables (unfavourable shares marked as such)."""
    v = result.analysis.variables
    infos = variables_from_labels({k: v.labels[k] for k in v.all}, shares=v.shares)
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
        out[cfg.group] = _plain(c[c["family"] == "groups"])
    if cfg.year:
        out[cfg.year] = _plain(c[c["family"] == "change"])
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


def _significance(result: RunResult, out: Path, created: str) -> pd.DataFrame:
    """Suppressed tables, the significance workbook, tidy CSVs and charts."""
    cfg = result.config
    sup = suppress(result.analysis.estimates, _contrast_sets(result), _rule(cfg))
    infos = variable_infos(result)
    est = result.analysis.estimates
    if cfg.group and cfg.year:
        ids = cfg.groups or tuple(sorted(est[cfg.group].dropna().unique()))
        groups = tuple((g, _label(cfg, cfg.group, g)) for g in ids)
        rounds = tuple(sorted(est[cfg.year].dropna().unique()))
        banner = Banner(group_column=cfg.group, groups=groups, round_column=cfg.year,
                        rounds=rounds, breakdowns=_breakdowns(cfg, result.analysis.estimates))
        data = SignificanceInput(
            estimates=sup.estimates, variables=infos,
            group_contrasts=sup.contrasts.get(cfg.group), change_contrasts=sup.contrasts.get(
                cfg.year), banner=banner, title=f"{cfg.name} – signifikanstabeller",
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
        _write_csv(_suppressed_contrasts(contrasts, sup.estimates, cfg),
                   out / "sammenligninger.csv")
    return sup.log


def _suppressed_contrasts(contrasts: pd.DataFrame, estimates: pd.DataFrame, cfg: RunConfig
                          ) -> pd.DataFrame:
    """Every contrast, with the numbers blanked where a compared cell is suppressed."""
    raw = estimates.drop(columns=["suppressed", "suppression_reason"])
    parts = []
    for (family, subgroup), frame in contrasts.groupby(
            ["family", contrasts["subgroup"].fillna("")], sort=False):
        if family == "subgroups":
            column = subgroup if " x " not in subgroup else None
        else:
            column = cfg.year if family == "change" else cfg.group
        if column is None:
            parts.append(_hide_crossed(frame, estimates, subgroup.split(" x "), cfg))
            continue
        part = suppress(raw, {column: _plain(frame)}, _rule(cfg)).contrasts[column]
        part.insert(0, "family", family)
        part.insert(1, "subgroup", frame["subgroup"].to_numpy())
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def _hide_crossed(frame: pd.DataFrame, estimates: pd.DataFrame, cols: list[str],
                  cfg: RunConfig) -> pd.DataFrame:
    """Contrasts between crossed subgroup levels: hidden when either base is small, and all of
    a line's contrasts hidden when any of its cells is suppressed (so nothing is recovered)."""
    frame = frame.copy()
    keys = ["variable", *(c for c in (cfg.group, cfg.year)
                          if c and c in frame.columns and c in estimates.columns)]
    crossed = estimates[estimates[cols].notna().all(axis=1)]
    hidden = crossed.groupby(keys, dropna=False)["suppressed"].any().rename("line_hidden")
    line = frame.merge(hidden.reset_index(), on=keys, how="left")["line_hidden"]
    small = ((frame["n_a"] < cfg.suppression_threshold)
             | (frame["n_b"] < cfg.suppression_threshold)).to_numpy()
    hide = small | line.fillna(False).to_numpy(dtype=bool)
    numbers = ["estimate_a", "estimate_b", "difference", "se", "ci_low", "ci_high", "statistic",
               "p_value", "p_adjusted", "n_a", "n_b"]
    frame.loc[hide, numbers] = np.nan
    frame.loc[hide, "significant"] = False
    frame["suppressed"] = hide
    frame["suppression_reason"] = np.where(small, "primary", np.where(hide, "complementary", ""))
    return frame


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text.replace("æ", "ae").replace("ø", "oe")
                                       .replace("å", "aa").replace("Æ", "Ae").replace("Ø", "Oe")
                                       .replace("Å", "Aa")).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-").lower() or "omraade"


def _area_summaries(result: RunResult, out: Path, created: str) -> pd.DataFrame:
    """One resident summary per area of the focus group, HTML and PDF."""
    cfg, a = result.config, result.analysis
    if a.area_estimates.empty or not (cfg.group and cfg.year):
        return pd.DataFrame()
    infos = variable_infos(result)
    rounds = tuple(sorted(a.area_estimates[cfg.year].dropna().unique()))
    others = [g for g in cfg.groups if g != cfg.focus_group]
    folder = out / "omraader"
    folder.mkdir()
    logs, jobs, used = [], [], set()
    for area in sorted(set(a.area_contrasts["area"].dropna())):
        data, log = _area_input(result, str(area), others, rounds, infos, created)
        stem = _slug(str(area))
        while stem in used:
            stem += "-x"
        used.add(stem)
        jobs.append((data, folder / f"{stem}.html", folder / f"{stem}.pdf"))
        logs.append(log.assign(area=str(area)))
    _render_all(jobs)
    return pd.concat(logs, ignore_index=True)


def _area_input(result: RunResult, area: str, others: list[str], rounds: tuple[Any, ...],
                infos: tuple[VariableInfo, ...], created: str
                ) -> tuple[AreaSummaryInput, pd.DataFrame]:
    """The suppressed tables of one area's summary, and the suppression log."""
    cfg, a = result.config, result.analysis
    assert cfg.group is not None and cfg.year is not None
    est = a.area_estimates[a.area_estimates[UNIT].isin([area, *others])]
    rows = a.area_contrasts[a.area_contrasts["area"] == area]
    vs = rows[rows["family"].str.startswith("area vs") & (rows[cfg.year] == rounds[-1])]
    change = rows[rows["family"] == "area change"]
    sup = suppress(est, {UNIT: _plain(vs, ("family", "subgroup", "area", UNIT)),
                         cfg.year: _plain(change, ("family", "subgroup", "area"))},
                   _rule(cfg, (UNIT,)))
    shown = sup.estimates
    groups = tuple(ComparisonGroup(g, _label(cfg, cfg.group, g),
                                   GROUP_PHRASES.get(g, _label(cfg, cfg.group, g).lower()))
                   for g in others)
    data = AreaSummaryInput(
        area_name=_label(cfg, cfg.area or "", area),
        area_estimates=shown[shown[UNIT] == area].drop(columns=[UNIT]),
        comparison_estimates=shown[shown[UNIT] != area].rename(columns={UNIT: cfg.group}),
        comparisons=sup.contrasts[UNIT], changes=sup.contrasts[cfg.year], variables=infos,
        area_id=area, comparison_groups=groups, rounds=rounds, round_column=cfg.year,
        group_column=cfg.group, alpha=round(1 - cfg.level, 10),
        min_n=cfg.suppression_threshold, adjust_method=cfg.adjust, created=created,
        weighted=_weighted(result), clustered=_clustered(result),
    )
    return data, sup.log


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


def _youth_summary(result: RunResult, out: Path, created: str) -> pd.DataFrame:
    """The livsmestring summary for the youth workers, HTML and PDF."""
    cfg, a = result.config, result.analysis
    infos = variable_infos(result)
    cols = list(cfg.group_from)
    sup = suppress(a.summary_estimates, None, _rule(cfg, cols))
    differences = None
    if not a.summary_contrasts.empty:
        diff = _hide_crossed(a.summary_contrasts, sup.estimates, cols, cfg)
        differences = diff.assign(group_a=diff["group_a"].map(lambda x: _cross_label(cfg, x)),
                                  group_b=diff["group_b"].map(lambda x: _cross_label(cfg, x)))
    est = a.summary_estimates
    crossed = est[cols].dropna().drop_duplicates().sort_values(cols, ascending=False)
    cross = Breakdown(tuple(cols), "Køn og MENAPT-baggrund", tuple(
        (tuple(row), _cross_label(cfg, " / ".join(str(x) for x in row)))
        for row in crossed.itertuples(index=False)))
    ages = tuple((a_, _label(cfg, "age_group", a_))
                 for a_ in sorted(est["age_group"].dropna().unique())) \
        if "age_group" in est.columns else ()
    data = YouthSummaryInput(
        cross=cross, age=Breakdown("age_group", "Alder", ages),
        estimates=sup.estimates, variables=infos,
        low_several="low_several" if "low_several" in a.variables.shares else "",
        differences=differences, alpha=round(1 - cfg.level, 10),
        min_n=cfg.suppression_threshold, adjust_method=cfg.adjust, created=created,
        weighted=_weighted(result), clustered=_clustered(result),
    )
    render_youth(data, out / "livsmestring.html", out / "livsmestring.pdf")
    return sup.log


def _cross_label(cfg: RunConfig, value: object) -> str:
    """'pige / True' -> the Danish label of that group ([labels.<group>] in the config)."""
    return _label(cfg, cfg.group, value) if cfg.group else str(value)


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
    logs = [_significance(result, out, created).assign(table="significance")]
    timings["write significance tables and charts"] = time.perf_counter() - start
    start = time.perf_counter()
    summary = _youth_summary if cfg.survey == "livsmestring" else _area_summaries
    logs.append(summary(result, out, created).assign(table="summary"))
    timings["write summaries"] = time.perf_counter() - start
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
