"""The annual run: read -> validate -> score -> weight -> estimate -> compare -> write.

:func:`process` does the statistics and returns a :class:`RunResult` in memory;
:func:`run` also writes every output into a temporary folder next to the target and moves
it into place only when everything is written, so an interrupted run never leaves a
half-written folder that looks complete.
"""

from __future__ import annotations

import dataclasses
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import numpy as np
import pandas as pd

from survey_kit.errors import ConfigError
from survey_kit.io.compact import release_unused
from survey_kit.report.text import low_several_label
from survey_kit.run import analysis, checks, folders, stages
from survey_kit.run.config import RunConfig, load_config
from survey_kit.run.outputs import write_outputs
from survey_kit.run.progress import Progress
from survey_kit.run.result import RunLog, RunResult
from survey_kit.spec import load_questionnaire

if TYPE_CHECKING:
    from survey_kit.datasets import Demo

T = TypeVar("T")


def low_on_several(scored: pd.DataFrame, dimensions: list[str], threshold: float,
                   at_least: int) -> pd.Series:
    """1 when at least ``at_least`` dimension scores are below ``threshold``, 0 when that
    cannot happen even if every missing score were low, NaN when it is undecided."""
    scores = scored[dimensions].to_numpy(dtype=float)
    low = (scores < threshold).sum(axis=1)
    unknown = np.isnan(scores).sum(axis=1)
    out = np.where(low >= at_least, 1.0, np.where(low + unknown < at_least, 0.0, np.nan))
    return pd.Series(out, index=scored.index, name="low_several")


def _quiet(_: str) -> None:
    return None


def process(cfg: RunConfig, progress: Progress = _quiet, demo: Demo | None = None,
            summary: Progress = _quiet) -> RunResult:
    """Run every statistical stage of an annual run and return the results in memory.

    ``demo``: for a demo run, these data instead of ``load_demo()`` (a fresh sample of the
    demo population in a simulation study, analysed exactly as the annual run does).
    ``summary`` is given the console summary of the data (rows read per file, cells blanked,
    rows rejected, top reasons) once they are validated; when the rejects exceed the limits
    of ``[validation]`` the run then stops with :class:`ValidationLimitError`."""
    log = RunLog()
    timings: dict[str, float] = {}

    def timed(name: str, fn: Callable[[], T]) -> T:
        progress(name)
        start = time.perf_counter()
        out = fn()
        timings[name] = time.perf_counter() - start
        return out

    q = load_questionnaire(cfg.spec)
    cfg, text_notes = stages.with_spec_texts(cfg, q)
    raw = timed("read", lambda: stages.read_inputs(cfg, log, demo, q, progress))
    notes = [*log.warnings, *stages.check_required(cfg, raw), *text_notes]
    notes += _named(cfg, lambda: checks.check_values(cfg, stages.derived_group(cfg, raw)))
    notes += checks.psu_note(cfg, raw)
    labels, long_notes = checks.shortened_labels(cfg, stages.derived_group(cfg, raw))
    cfg, notes = dataclasses.replace(cfg, labels=labels), notes + long_notes
    log.warnings[:] = notes
    report = timed("validate", lambda: stages.validate(q, raw, cfg, log))
    summary(stages.run_summary(report, log, notes))
    report.raise_if_failed()
    rejects = stages.rejects_with_source(report, raw)
    margins = stages.load_margins(cfg, demo)
    checks.check_rounds(cfg, report.valid, margins,
                        [(f.shown, f.year) for f in cfg.files])
    scored = timed("score", lambda: stages.score(q, report.valid, log))
    extra: dict[str, str] = {}
    if cfg.low_min_dimensions is not None:
        dims = [d.id for d in q.dimensions]
        scored = scored.assign(low_several=low_on_several(
            scored, dims, cfg.low_threshold, cfg.low_min_dimensions))
        extra["low_several"] = low_several_label(cfg.low_min_dimensions, len(dims))
    scored = analysis.with_units(cfg, stages.derived_group(cfg, scored))
    area_margins = stages.load_area_margins(cfg, demo)
    design = timed("weight", lambda: stages.weight(cfg, scored, margins, log))
    variables = analysis.run_variables(q, scored, extra)
    result = timed("analyse", lambda: analysis.analyse(design, cfg, variables, area_margins,
                                                           progress, q))
    log.step("analyse", len(scored), len(scored), estimates=len(result.estimates),
             contrasts=len(result.contrasts), area_contrasts=len(result.area_contrasts))
    design.drop_caches()  # the writers read only the data and the weights
    release_unused()
    return RunResult(cfg, q, report, rejects, design, result, log, timings, result.reliability)


def _named(cfg: RunConfig, check: Callable[[], T]) -> T:
    """A check of the configuration against the data, its errors naming the file."""
    try:
        return check()
    except ConfigError as exc:
        if cfg.source is None:
            raise
        raise ConfigError(f"{cfg.source}: {exc}") from None


def run(config: RunConfig | str | Path, out: str | Path | None = None,
        progress: Progress = _quiet, summary: Progress = _quiet) -> Path:
    """Process a run and write all outputs to ``out`` (default: the configured folder).

    Outputs are written to a temporary sibling folder ``.<name>.XXXXXXXX`` first and moved
    into place only when complete; an existing output folder is replaced as a whole.  On any
    failure or interrupt the temporary folder is removed; temporary folders that earlier,
    killed runs left behind are removed at the start (see :mod:`survey_kit.run.folders`).
    ``summary``: see :func:`process`.
    """
    started = time.time()
    cfg = config if isinstance(config, RunConfig) else load_config(config)
    target = Path(out) if out is not None else cfg.output
    if target.exists() and not target.is_dir():
        raise ConfigError(f"output {target} exists and is not a folder")
    stale = folders.remove_stale(target, started)
    if stale:
        progress(f"removed {len(stale)} temporary folder(s) left by interrupted runs")
    result = process(cfg, progress, summary=summary)
    tmp: Path | None = None
    try:
        tmp = folders.make_temporary(target, started)
        progress("write")
        write_outputs(result, tmp, target, progress)
        folders.unmark(tmp)
        if target.exists():
            old = target.with_name(f".{folders.short_stem(target.name)}.old")
            shutil.rmtree(old, ignore_errors=True)
            target.rename(old)
            tmp.rename(target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(target)
    except BaseException:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target
