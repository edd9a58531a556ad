"""The run manifest: input hashes, rows at every step, versions, configuration, warnings
and the hash of every output file; the timings go to a file of their own.

Identical inputs give a byte-identical ``manifest.json`` (and byte-identical outputs): paths
are recorded as the configuration names them (relative to it), never as absolute paths of
the machine; the date is the run's (``[report] date``, else ``SOURCE_DATE_EPOCH``, else
today); the timings, which differ from run to run, are in ``timings.json`` beside it, which
the manifest's list of outputs leaves out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from survey_kit.run.config import RunConfig
from survey_kit.run.folders import MARKER, shown_path
from survey_kit.run.result import RunResult
from survey_kit.run.stages import file_sha256

TIMINGS = "timings.json"
"""The file of a run's timings, beside ``manifest.json``."""

DEPENDENCIES = ("numpy", "pandas", "scipy", "statsmodels", "matplotlib", "XlsxWriter",
                "openpyxl", "pyreadstat", "reportlab", "Jinja2", "PyYAML")


def versions() -> dict[str, str]:
    """Versions of Python, survey_kit and its main dependencies."""
    out = {"survey_kit": metadata.version("survey_kit"), "python": platform.python_version()}
    for name in DEPENDENCIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def run_date(cfg: RunConfig) -> str:
    """The date a run's reports carry (ISO): ``[report] date``, else the date of the
    ``SOURCE_DATE_EPOCH`` environment variable (reproducible builds), else today."""
    if cfg.date:
        return cfg.date
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date().isoformat()
    return dt.date.today().isoformat()


def _jsonable(value: Any, base: Path | None) -> Any:
    if isinstance(value, Path):
        return shown_path(value, base)
    if isinstance(value, dict):
        return {str(k): _jsonable(v, base) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v, base) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def config_record(cfg: RunConfig) -> dict[str, Any]:
    """The configuration as the manifest records it: paths relative to the configuration
    file (as the user wrote them), the file itself by name."""
    record = dataclasses.asdict(cfg)
    for key in ("base", "questionnaire_file", "own_labels"):
        record.pop(key)
    record["source"] = None if cfg.source is None else cfg.source.name
    record["files"] = [{"path": f.path, "year": f.year} for f in cfg.files]
    return {k: _jsonable(v, cfg.base) for k, v in record.items()}


def build_manifest(result: RunResult, out: Path, suppression: pd.DataFrame, created: str,
                   timings: dict[str, float], target: str) -> dict[str, Any]:
    """The manifest of a written run (see the module docstring).  ``timings`` and
    ``target`` (where the folder will be moved) are not recorded here: they differ between
    runs of identical inputs (:func:`write_timings` writes the timings)."""
    report = result.validation
    weighting = result.design.weighting
    return _jsonable({
        "run": result.config.name,
        "created": created,
        "versions": versions(),
        "configuration": config_record(result.config),
        "inputs": result.log.inputs,
        "steps": result.log.steps,
        "rows": {"read": report.n_rows, "valid": len(report.valid),
                 "rejected": len(report.rejected_rows), "problems": len(report.rejects),
                 "blanked_cells": report.blanked_cells},
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
        "timings": TIMINGS,
        "outputs": {p.relative_to(out).as_posix(): file_sha256(p)
                    for p in sorted(out.rglob("*"))
                    if p.is_file() and p.name not in (MARKER, TIMINGS)},
    }, result.config.base)


def write_timings(result: RunResult, out: Path, timings: dict[str, float]) -> None:
    """``timings.json``: seconds per stage of this run (not part of the manifest)."""
    record = {k: round(v, 3) for k, v in {**result.timings, **timings}.items()}
    (out / TIMINGS).write_text(json.dumps(record, indent=2, ensure_ascii=False),
                               encoding="utf-8")


__all__ = [
    "DEPENDENCIES",
    "TIMINGS",
    "build_manifest",
    "config_record",
    "run_date",
    "versions",
    "write_timings",
]
