"""The data stages of an annual run: read, check, validate, score, weight.

Each stage takes immutable inputs and returns a new object plus a log entry (rows in and
out, warnings) for the run manifest.  Only :func:`read_inputs` touches the filesystem.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from survey_kit.design.design import Design
from survey_kit.errors import DataValidationError
from survey_kit.io import read_data, read_margins
from survey_kit.respondents.validation import ValidationReport
from survey_kit.run.config import RunConfig
from survey_kit.run.result import RunLog
from survey_kit.spec import Questionnaire

if TYPE_CHECKING:
    from survey_kit.datasets import Demo


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _frame_hash(df: pd.DataFrame) -> str:
    hashed = pd.util.hash_pandas_object(df, index=False).to_numpy()
    return hashlib.sha256(hashed.tobytes()).hexdigest()


def demo_data(cfg: RunConfig, demo: Demo | None = None) -> Demo:
    """The demo data of a demo run: ``demo`` when given (e.g. a fresh sample of the demo
    population in a simulation study), else :func:`survey_kit.datasets.load_demo`."""
    from survey_kit.datasets import load_demo

    return load_demo() if demo is None else demo


def read_inputs(cfg: RunConfig, log: RunLog, demo: Demo | None = None) -> pd.DataFrame:
    """Read every data file of the run (or the demo data) into one table.

    The result has a fresh 0..n-1 index; ``source_file`` and ``source_row`` (1-based data
    row in its file) say where each respondent came from, so rejects can be traced.
    """
    if cfg.demo:
        frame = getattr(demo_data(cfg, demo), cfg.survey)  # the demo holds one table per survey
        frame = frame.copy()
        if cfg.year and cfg.year not in frame.columns and cfg.default_year is not None:
            frame[cfg.year] = cfg.default_year
        frame["source_file"] = f"demo:{cfg.survey}"
        frame["source_row"] = np.arange(1, len(frame) + 1)
        log.inputs.append({"file": f"survey_kit.datasets.load_demo().{cfg.survey}",
                           "rows": len(frame), "sha256": _frame_hash(frame)})
        return frame.reset_index(drop=True)
    parts = []
    for spec in cfg.files:
        df = read_data(spec.path)
        if spec.year is not None:
            year_col = cfg.year or "year"
            if year_col in df.columns:
                found = set(pd.to_numeric(df[year_col], errors="coerce").dropna().astype(int))
                if found - {spec.year}:
                    raise DataValidationError(
                        f"{spec.path}: column {year_col!r} holds {sorted(found)} but the "
                        f"configuration says this file is round {spec.year}"
                    )
            df[year_col] = spec.year
        df["source_file"] = spec.path.name
        df["source_row"] = np.arange(1, len(df) + 1)
        log.inputs.append({"file": str(spec.path), "rows": len(df),
                           "sha256": file_sha256(spec.path)})
        parts.append(df)
    return pd.concat(parts, ignore_index=True, sort=False)


def required_columns(cfg: RunConfig) -> list[tuple[str, str]]:
    """(column, role) pairs the run needs besides the questionnaire items."""
    group = None if cfg.group_from else cfg.group
    pairs = [(cfg.weight, "weight"), (cfg.strata, "strata"), (cfg.psu, "psu"),
             (cfg.fpc, "fpc"), (group, "comparison group"), (cfg.year, "round"),
             (cfg.area, "area")]
    pairs += [(col, "comparison group part") for col in cfg.group_from]
    pairs += [(col, "subgroup") for col in cfg.subgroups]
    pairs += [(col, "weighting by") for col in cfg.weighting_by]
    return [(col, role) for col, role in pairs if col]


def check_required(cfg: RunConfig, raw: pd.DataFrame) -> None:
    """Stop with one line naming the first required column that no input file has."""
    for column, role in required_columns(cfg):
        if column not in raw.columns:
            files = ", ".join(str(f.path) for f in cfg.files) or "the demo data"
            raise DataValidationError(
                f"{files}: required {role} column {column!r} is missing; the configuration "
                f"{cfg.source or ''} names it under its [design]/[comparison]/[weighting] section"
            )
        missing = raw[column].isna()
        if role in ("weight", "strata", "psu", "comparison group", "round") and missing.any():
            first = raw.loc[missing].iloc[0]
            raise DataValidationError(
                f"{first['source_file']}: row {int(first['source_row'])}, column {column!r}: "
                f"missing value; every respondent needs a {role}"
            )


def validate(q: Questionnaire, raw: pd.DataFrame, cfg: RunConfig, log: RunLog
             ) -> ValidationReport:
    """Validate against the spec; rejects are kept in the report, never dropped silently."""
    report = q.validate(raw, id_column=cfg.id_column)
    log.warnings.extend(report.notes)
    log.step("validate", len(raw), len(report.valid), rejected_rows=len(report.rejected_rows),
             problems=len(report.rejects))
    if len(report.rejects):
        log.warnings.append(report.summary())
    return report


def rejects_with_source(report: ValidationReport, raw: pd.DataFrame) -> pd.DataFrame:
    """The rejects table with the file and 1-based row each problem came from."""
    rejects = report.rejects.copy()
    if rejects.empty:
        return rejects.assign(source_file=pd.Series(dtype=object),
                              source_row=pd.Series(dtype="int64"))
    origin = raw[["source_file", "source_row"]]
    rows = rejects["row"]
    known = rows.isin(origin.index)
    rejects["source_file"] = origin["source_file"].reindex(rows.where(known)).to_numpy()
    rejects["source_row"] = origin["source_row"].reindex(rows.where(known)).to_numpy()
    return rejects


def derived_group(cfg: RunConfig, frame: pd.DataFrame) -> pd.DataFrame:
    """Add the comparison-group column built from several columns (``group_from``), e.g.
    gender x MENAPT as ``"pige / True"``; rows with a missing part get no group."""
    if not (cfg.group and cfg.group_from):
        return frame
    parts = frame[list(cfg.group_from)]
    text = parts.astype(str).agg(" / ".join, axis=1)
    return frame.assign(**{cfg.group: text.where(parts.notna().all(axis=1))})


def score(q: Questionnaire, valid: pd.DataFrame, log: RunLog) -> pd.DataFrame:
    """Dimension scores, index and share indicators for the valid rows."""
    scored = q.score(valid)
    log.step("score", len(valid), len(scored),
             index_missing=int(scored["index"].isna().sum()))
    return scored


def weight(cfg: RunConfig, scored: pd.DataFrame, margins: pd.DataFrame | None,
           log: RunLog) -> Design:
    """Build the design and rake it to the register margins per round and group."""
    design = Design(scored, weight=cfg.weight, strata=cfg.strata, psu=cfg.psu, fpc=cfg.fpc,
                    lonely_psu=cfg.lonely_psu)
    if margins is not None:
        by = list(cfg.weighting_by) or None
        design = design.rake(margins, by=by, bounds=cfg.bounds)
        if cfg.trim_upper is not None:
            design = design.trim(upper=cfg.trim_upper, relative=True, by=by, rerake=margins,
                                 rerake_by=by)
        report = design.weighting
        if report is not None:
            log.step("weight", len(scored), len(scored), converged=bool(report.converged),
                     iterations=int(report.iterations), kish_deff=float(report.kish_deff),
                     effective_n=float(report.effective_n))
    else:
        log.step("weight", len(scored), len(scored), note="no margins: base weights used")
    return design


def load_margins(cfg: RunConfig, demo: Demo | None = None) -> pd.DataFrame | None:
    """The rake targets: the configured CSV, the demo margins, or None (no weighting)."""
    if cfg.margins is not None:
        return read_margins(cfg.margins)
    if cfg.demo and cfg.demo_margins and cfg.weighting_by:
        return demo_data(cfg, demo).margins
    return None


def load_area_margins(cfg: RunConfig, demo: Demo | None = None) -> pd.DataFrame | None:
    """Register counts per area and round for the small-area models (``[small_area]
    area_margins``): the configured file, the demo's, or None."""
    sa = cfg.small_area
    if sa.area_margins is not None:
        return read_margins(sa.area_margins, check_totals=False)
    if cfg.demo and sa.demo_area_margins:
        return demo_data(cfg, demo).area_margins
    return None
