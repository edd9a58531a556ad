"""``survey-kit init DATA``: a draft questionnaire and run configuration from a data file.

The draft questionnaire (YAML) takes its items, scales and missing codes from the SPSS value
labels and user-missing definitions, or from the distinct codes of a CSV/Excel column; every
item is ``provisional: true``.  The draft run configuration (TOML) names the design columns
guessed from the column names, each marked ``# TODO``.  Both are written next to the data
(or into ``out_dir``) as ``<name>.yaml`` and ``<name>.toml``; existing files are kept
unless ``force``.
"""

from __future__ import annotations

import os
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from survey_kit.errors import ConfigError, DataValidationError
from survey_kit.io import read_data
from survey_kit.io.archive import file_kind
from survey_kit.scaffold.config_draft import render_config
from survey_kit.scaffold.infer import infer_items
from survey_kit.scaffold.roles import guess_roles, is_subgroup
from survey_kit.scaffold.spec_draft import is_item_id, render_spec, spec_name
from survey_kit.spec import Questionnaire, build_questionnaire

__all__ = ["InitResult", "init_project"]


@dataclass(frozen=True)
class InitResult:
    """What ``init`` wrote and guessed."""

    data_path: Path
    spec_path: Path
    config_path: Path
    questionnaire: Questionnaire
    roles: dict[str, str]
    subgroups: tuple[str, ...]
    notes: tuple[str, ...]

    def report(self) -> str:
        """What was written and what to check next, for the console."""
        q = self.questionnaire
        guessed = ", ".join(f"{role} {col!r}" for role, col in self.roles.items()) or "nothing"
        lines = [
            f"wrote {self.spec_path} ({len(q.items)} items in {len(q.dimensions)} dimensions, "
            f"{len(q.scales)} scales; every item provisional)",
            f"wrote {self.config_path} (guessed from column names: {guessed})",
        ]
        if self.notes:
            lines += ["notes:", *(f"  - {note}" for note in self.notes)]
        id_option = ("" if self.roles.get("id", "resp_id") == "resp_id"
                     else f" --id-column {self.roles['id']}")
        lines += [
            "next:",
            f"  1. check {self.spec_path}: question wording, dimension names, positive_end of "
            "every scale (which end is favourable), reverse-worded items, missing codes",
            f"  2. survey-kit validate {self.data_path} --questionnaire {self.spec_path}"
            f"{id_option}",
            f"  3. check the lines marked TODO in {self.config_path}",
            f"  4. survey-kit run {self.config_path}",
        ]
        return "\n".join(lines)


def init_project(
    data_path: str | Path, out_dir: str | Path | None = None, force: bool = False
) -> InitResult:
    """Write a draft questionnaire and run configuration for ``data_path``.

    Raises
    ------
    DataValidationError
        The data cannot be read, or no column looks like answer codes.
    FileExistsError
        A target file exists and ``force`` is False.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> pd.DataFrame({"resp_id": [1, 2, 3], "vaegt": [1.0, 2.0, 1.5],
    ...               "q1": [1, 2, 3], "q2": [3, 2, 9]}).to_csv(folder / "svar.csv", index=False)
    >>> result = init_project(folder / "svar.csv")
    >>> [i.id for i in result.questionnaire.items], result.roles
    (['q1', 'q2'], {'id': 'resp_id', 'weight': 'vaegt'})
    """
    path = Path(data_path)
    data = read_data(path)
    out = Path(out_dir) if out_dir is not None else path.parent
    name = spec_name(_stem(path))
    spec_path, config_path = out / f"{name}.yaml", out / f"{name}.toml"
    existing = [str(p) for p in (spec_path, config_path) if p.exists()]
    if existing and not force:
        verb = "exists" if len(existing) == 1 else "exist"
        raise FileExistsError(f"{' and '.join(existing)} already {verb}; use --force to "
                              "overwrite")
    columns = [str(c) for c in data.columns]
    roles = guess_roles(columns)
    inferred = infer_items(data)
    items = [i for i in inferred.items if is_item_id(i.column)]
    notes = list(inferred.notes) + _bad_names([i.column for i in inferred.items
                                              if not is_item_id(i.column)])
    if not items:
        raise DataValidationError(
            f"{path}: no column looks like answer codes (expected columns of whole-number "
            "codes or SPSS value labels, named in lowercase snake_case)"
        )
    spec_text = render_spec(name, path.name, items, _rounds(data, roles.get("year")))
    questionnaire = build_questionnaire(yaml.safe_load(spec_text), str(spec_path))
    subgroups = tuple(c for c in columns if is_subgroup(c))
    config_text = render_config(name, os.path.relpath(path, out), spec_path.name, roles,
                                subgroups, str(path))
    try:
        tomllib.loads(config_text)
    except tomllib.TOMLDecodeError as exc:  # a column name TOML cannot hold
        raise ConfigError(f"{config_path}: cannot write a valid configuration ({exc})") from None
    out.mkdir(parents=True, exist_ok=True)
    _write(spec_path, spec_text)
    _write(config_path, config_text)
    return InitResult(path, spec_path, config_path, questionnaire, roles, subgroups,
                      tuple(notes))


def _stem(path: Path) -> str:
    kind = file_kind(path.name)
    return path.name[: -len(kind)] if kind else path.stem


def _bad_names(columns: list[str]) -> list[str]:
    if not columns:
        return []
    shown = ", ".join(repr(c) for c in columns[:5]) + (" ..." if len(columns) > 5 else "")
    return [f"{len(columns)} column(s) hold answer codes but cannot be item ids: {shown}; "
            "rename them in the data (lowercase a-z, 0-9 and _, e.g. Q1 -> q1) and run init "
            "again"]


def _rounds(data: pd.DataFrame, column: str | None) -> list[int]:
    """The survey rounds in the year column (whole numbers 1900-2100), else none."""
    if column is None or not pd.api.types.is_numeric_dtype(data[column]):
        return []
    years = np.unique(data[column].dropna().to_numpy(dtype=float))
    if years.size == 0 or not np.all(np.mod(years, 1) == 0):
        return []
    if not np.all((years >= 1900) & (years <= 2100)):
        return []
    return [int(y) for y in years]


def _write(target: Path, text: str) -> None:
    """Write via a temporary file in the same folder, so no partial file remains."""
    handle, tmp_name = tempfile.mkstemp(suffix=target.suffix, prefix=f".{target.stem}.",
                                        dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp_name, target)
    finally:
        if os.path.exists(tmp_name):
            os.remove(tmp_name)
