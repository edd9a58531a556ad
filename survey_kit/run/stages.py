"""The data stages of an annual run: read, check, validate, score, weight.

Each stage takes immutable inputs and returns a new object plus a log entry (rows in and
out, warnings) for the run manifest.  Only :func:`read_inputs` touches the filesystem.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from survey_kit.design.auxiliaries import empty_level
from survey_kit.design.design import Design
from survey_kit.errors import ConfigError, DataValidationError
from survey_kit.io import read_data, read_margins
from survey_kit.io.compact import compact_codes, compact_text, release_unused
from survey_kit.respondents.recode import YEAR_COLUMN
from survey_kit.respondents.scoring import score as score_data
from survey_kit.respondents.validation import ValidationReport
from survey_kit.respondents.validation import validate as validate_data
from survey_kit.run.checks import check_item_columns, config_columns, item_columns, match_columns
from survey_kit.run.config import DataFile, RunConfig
from survey_kit.run.config_labels import own_texts
from survey_kit.run.folders import shown_path
from survey_kit.run.progress import Count, Progress, quiet
from survey_kit.run.result import RunLog
from survey_kit.run.strict import did_you_mean, listing
from survey_kit.spec import Questionnaire

if TYPE_CHECKING:
    from survey_kit.datasets import Demo

FILES_READ = "filer læst"
"""The text of the progress count while the data files are read."""


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

    return load_demo(rounds=cfg.demo_rounds) if demo is None else demo


def read_inputs(cfg: RunConfig, log: RunLog, demo: Demo | None = None,
                q: Questionnaire | None = None, progress: Progress = quiet) -> pd.DataFrame:
    """Read every data file of the run (or the demo data) into one table.

    The result has a fresh 0..n-1 index; ``source_file`` (the file as the configuration
    names it) and ``source_row`` (the row in that file as a spreadsheet shows it, header
    and title rows counted; the case number for SPSS) say where each respondent came from.
    With the questionnaire ``q``, column names are matched ignoring case (a note in the log)
    and each file must have the item columns of its rounds.
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
        return _compact_text(cfg, _compact(frame.reset_index(drop=True), q), q)
    parts = []
    for i, spec in enumerate(cfg.files, start=1):
        parts.append(_read_file(cfg, spec, log, q))
        progress(Count(FILES_READ, i, len(cfg.files)))
    data = pd.concat(parts, ignore_index=True, sort=False) if len(parts) > 1 else parts[0]
    del parts
    data.attrs = {}
    data = _compact_text(cfg, data, q)
    release_unused()  # the readers' buffers, kept by Arrow's allocator for reuse
    return data


def _compact(data: pd.DataFrame, q: Questionnaire | None) -> pd.DataFrame:
    """The item columns in the smallest type that holds their codes exactly
    (:func:`survey_kit.io.compact_codes`): a quarter of the memory or less."""
    return data if q is None else compact_codes(data, item_columns(q))


def _compact_text(cfg: RunConfig, data: pd.DataFrame, q: Questionnaire | None
                  ) -> pd.DataFrame:
    """Text columns that repeat their values (group, area, PSU, the file name) as compact
    categoricals with the same values (:func:`survey_kit.io.compact_text`): 1-2 bytes a row
    instead of 12-27.  The respondent id and item columns answered as text (validation maps
    their labels to codes) stay as they are."""
    items = item_columns(q) if q is not None else []
    return compact_text(data, skip=[*_cases(cfg.id_column), *items])


def with_spec_texts(cfg: RunConfig, q: Questionnaire) -> tuple[RunConfig, list[str]]:
    """For an own questionnaire, the report texts ``[labels.texts]`` leaves out taken from
    the spec and the configuration (never the bundled survey's), with a note saying so."""
    if cfg.questionnaire_file is None:
        return cfg, []
    labels, note = own_texts(cfg.labels, q.title, cfg.name, cfg.survey)
    return dataclasses.replace(cfg, labels=labels), [note] if note else []


def shown(cfg: RunConfig, path: Path) -> str:
    """A file of the run as the user named it (relative to the configuration)."""
    return shown_path(path, cfg.base)


def _read_file(cfg: RunConfig, spec: DataFile, log: RunLog, q: Questionnaire | None
               ) -> pd.DataFrame:
    """One data file: read with its row numbers, columns matched, round added and checked."""
    name = shown(cfg, spec.path)
    numeric = [c for c in (cfg.weight, cfg.fpc) if c]
    try:
        df = read_data(spec.path, row_column="source_row", text_columns=_cases(cfg.id_column),
                       numeric_columns=[v for c in numeric for v in _cases(c)])
    except DataValidationError as exc:
        raise DataValidationError(str(exc).replace(str(spec.path), name)) from None
    wanted = config_columns(cfg) + (item_columns(q) if q is not None else [])
    df, note = match_columns(df, wanted, name)
    if note:
        log.warnings.append(note)
    year_col = cfg.year or YEAR_COLUMN
    if spec.year is not None:
        if year_col in df.columns:
            found = set(pd.to_numeric(df[year_col], errors="coerce").dropna().astype(int))
            if found - {spec.year}:
                raise DataValidationError(
                    f"{name}: column {year_col!r} holds {sorted(found)} but the "
                    f"configuration says this file is round {spec.year}")
        df[year_col] = spec.year
    if year_col != YEAR_COLUMN and year_col in df.columns and YEAR_COLUMN not in df.columns:
        df[YEAR_COLUMN] = df[year_col]  # the questionnaire reads its rounds from 'year'
    if q is not None:
        check_item_columns(q, df, name)
    df = _compact(df, q)
    df["source_file"] = name
    log.inputs.append({"file": name, "rows": len(df), "sha256": file_sha256(spec.path)})
    return df


def _cases(column: str) -> list[str]:
    """A column name in the spellings an export may give it (SPSS: upper case)."""
    return list(dict.fromkeys([column, column.upper(), column.lower()]))


def required_columns(cfg: RunConfig) -> list[tuple[str, str]]:
    """(column, role) pairs the run needs besides the questionnaire items."""
    group = None if cfg.group_from else cfg.group
    pairs = [(cfg.id_column, "respondent id"), (cfg.weight, "weight"),
             (cfg.strata, "strata"), (cfg.psu, "psu"), (cfg.fpc, "fpc"),
             (group, "comparison group"), (cfg.year, "round"), (cfg.area, "area"),
             (cfg.area_group, "area group")]
    pairs += [(col, "comparison group part") for col in cfg.group_from]
    pairs += [(col, "subgroup") for col in cfg.subgroups]
    pairs += [(col, "crossing") for crossing in cfg.crossings for col in crossing]
    pairs += [(col, "weighting by") for col in cfg.weighting_by]
    return list(dict.fromkeys((col, role) for col, role in pairs if col))


ROW_ROLES = ("weight", "strata", "psu", "fpc", "comparison group", "round")
"""Roles without which a row cannot be used: a blank rejects the row."""


def check_required(cfg: RunConfig, raw: pd.DataFrame) -> list[str]:
    """Stop with one line naming the first required column that no input file has; return
    notes (rows of the focus group without an area)."""
    where = {"respondent id": "[data] id_column", "area": "[comparison] area",
             "area group": "[comparison] area_group",
             "round": "[comparison] year", "weighting by": "[weighting] by"}
    for column, role in required_columns(cfg):
        if column not in raw.columns:
            files = ", ".join(f.shown for f in cfg.files) or "the demo data"
            key = where.get(role, "[design]" if role in ROW_ROLES[:4] else "[comparison]")
            columns = [str(c) for c in raw.columns if c not in ("source_file", "source_row")]
            raise DataValidationError(
                f"{files}: the {role} column {column!r} ({key}) is not in the data"
                f"{did_you_mean(column, columns)}")
    if not (cfg.area and cfg.group and cfg.focus_group):
        return []
    lost = (raw[cfg.group] == cfg.focus_group) & raw[cfg.area].isna()
    if not lost.any():
        return []
    first = raw.loc[lost].iloc[0]
    return [f"{int(lost.sum()):,} rows of {cfg.focus_group!r} have no {cfg.area!r} (first: "
            f"{first['source_file']} row {first['source_row']}): they count in the group's "
            "figures but on no area's page"]


def validate(q: Questionnaire, raw: pd.DataFrame, cfg: RunConfig, log: RunLog
             ) -> ValidationReport:
    """Validate against the spec: invalid answers blanked, unusable rows (no weight, no
    group, no round, a repeated id) rejected; every problem is kept in the report."""
    roles = {column: role for column, role in required_columns(cfg)
             if role in ROW_ROLES and column in raw.columns}
    report = validate_data(q, raw, id_column=cfg.id_column, required=roles,
                           max_blank_share=cfg.thresholds.max_blank_share,
                           max_reject_share=cfg.thresholds.max_reject_share)
    log.warnings.extend(report.notes)
    log.step("validate", len(raw), len(report.valid), rejected_rows=len(report.rejected_rows),
             problems=len(report.rejects), blanked_cells=report.blanked_cells)
    release_unused()  # each step's freed arrays (see survey_kit.io.compact.release_unused)
    return report


def run_summary(report: ValidationReport, log: RunLog,
                notes: Sequence[str] = ()) -> str:
    """The console summary of a run's data: rows read per file, then the validation
    summary (cells blanked, rows rejected, top reasons with a hint, the limits) and notes."""
    files = ", ".join(f"{item['file']} {int(str(item['rows'])):,}" for item in log.inputs)
    text = dataclasses.replace(report, files=(), source=None).summary()
    head, *rest = text.splitlines()
    lines = [head, f"  rows read per file: {files}", *rest]
    lines += [f"  note: {note}" for note in notes]
    return "\n".join(lines)


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
    # the 0/1 answer indicators (1.0, 0.0 or NaN: exact in float32) in half the memory;
    # every estimate reads them as float64, the same numbers
    scored = score_data(q, valid, indicator_dtype=np.float32)
    log.step("score", len(valid), len(scored),
             index_missing=int(scored["index"].isna().sum()))
    release_unused()
    return scored


def weight(cfg: RunConfig, scored: pd.DataFrame, margins: pd.DataFrame | None,
           log: RunLog) -> Design:
    """Build the design and rake (or calibrate) it to the register margins per round and
    group, as ``[weighting]`` says."""
    design = Design(scored, weight=cfg.weight, strata=cfg.strata, psu=cfg.psu, fpc=cfg.fpc,
                    lonely_psu=cfg.lonely_psu)
    if margins is None:
        log.step("weight", len(scored), len(scored), note="no margins: base weights used")
        return design
    by = list(cfg.weighting_by) or None
    if cfg.weighting_method == "calibrate":
        design = design.calibrate(margins, by=by, calfun=cfg.calfun, bounds=cfg.bounds)
    else:
        numeric = margins.loc[empty_level(margins["level"]), "variable"]
        if len(numeric):
            raise ConfigError(
                f"[weighting]: the margins hold totals of numeric column(s) "
                f"{listing(sorted(set(map(str, numeric))))} (rows with an empty level), which "
                "raking cannot meet; set method = \"calibrate\"")
        design = design.rake(margins, by=by, bounds=cfg.bounds)
        if cfg.trim_upper is not None:
            design = design.trim(upper=cfg.trim_upper, relative=True, by=by, rerake=margins,
                                 rerake_by=by)
    report = design.weighting
    if report is not None:
        log.step("weight", len(scored), len(scored), method=report.method,
                 converged=bool(report.converged), iterations=int(report.iterations),
                 kish_deff=float(report.kish_deff), effective_n=float(report.effective_n))
    release_unused()
    return design


def load_margins(cfg: RunConfig, demo: Demo | None = None) -> pd.DataFrame | None:
    """The rake targets: the configured CSV, the demo margins, or None (no weighting)."""
    if cfg.margins is not None:
        return _margins(cfg, cfg.margins)
    if cfg.demo and cfg.demo_margins and cfg.weighting_by:
        return demo_data(cfg, demo).margins
    return None


def load_area_margins(cfg: RunConfig, demo: Demo | None = None) -> pd.DataFrame | None:
    """Register counts per area and round for the small-area models (``[small_area]
    area_margins``): the configured file, the demo's, or None."""
    sa = cfg.small_area
    if sa.area_margins is not None:
        return _margins(cfg, sa.area_margins, check_totals=False)
    if cfg.demo and sa.demo_area_margins:
        return demo_data(cfg, demo).area_margins
    return None


def _margins(cfg: RunConfig, path: Path, check_totals: bool = True) -> pd.DataFrame:
    """A margins file, its messages and ``attrs["source"]`` naming it as the user did."""
    name = shown(cfg, path)
    try:
        margins = read_margins(path, check_totals=check_totals)
    except DataValidationError as exc:
        raise DataValidationError(str(exc).replace(str(path), name)) from None
    margins.attrs["source"] = name
    return margins
