"""The run manifest: input hashes, rows at every step, versions, configuration, warnings,
timings and the hash of every output file."""

from __future__ import annotations

import dataclasses
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from survey_kit.run.result import RunResult
from survey_kit.run.stages import file_sha256

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


def build_manifest(result: RunResult, out: Path, suppression: pd.DataFrame, created: str,
              timings: dict[str, float], target: str) -> dict[str, Any]:
    """The manifest of a written run (see the module docstring)."""
    report = result.validation
    weighting = result.design.weighting
    return _jsonable({
        "run": result.config.name,
        "created": created,
        "versions": versions(),
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


__all__ = [
    "DEPENDENCIES",
    "build_manifest",
    "versions",
]
