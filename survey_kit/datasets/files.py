"""Writing the demo data to files: SPSS (.sav with labels), CSV and Parquet."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyreadstat

from survey_kit.datasets.demo import DEFAULT_SEED, load_demo
from survey_kit.spec import load_questionnaire
from survey_kit.spec.model import Questionnaire

FORMATS: tuple[str, ...] = ("sav", "csv", "parquet")
BOOL_LABELS = {0: "Nej", 1: "Ja"}


def write_demo_files(
    out_dir: str | Path,
    formats: Sequence[str] = FORMATS,
    seed: int = DEFAULT_SEED,
) -> list[Path]:
    """Write ``tryghed``, ``livsmestring``, ``margins`` and ``area_margins`` in each of
    ``formats``.

    Item columns in the .sav files carry the spec's value labels, question texts as
    variable labels and the missing codes (98, 99) as SPSS user-missing values.

    Parameters
    ----------
    out_dir
        Folder to write to (created if needed).
    formats
        Any of ``"sav"``, ``"csv"``, ``"parquet"``.
    seed
        Seed passed to :func:`load_demo`.

    Returns
    -------
    list of Path
        The files written, in order.

    Raises
    ------
    ValueError
        An unknown format.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     [p.name for p in write_demo_files(tmp, formats=("csv",))]
    ['tryghed.csv', 'livsmestring.csv', 'margins.csv', 'area_margins.csv']
    """
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown format(s) {unknown}: expected any of {list(FORMATS)}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    demo = load_demo(seed)
    tables = {
        "tryghed": (demo.tryghed, load_questionnaire("tryghed_trivsel")),
        "livsmestring": (demo.livsmestring, load_questionnaire("livsmestring")),
        "margins": (demo.margins, None),
        "area_margins": (demo.area_margins, None),
    }
    written = []
    for fmt in formats:
        for name, (table, spec) in tables.items():
            path = out / f"{name}.{fmt}"
            _write(table, spec, path, fmt)
            written.append(path)
    return written


def _write(table: pd.DataFrame, spec: Questionnaire | None, path: Path, fmt: str) -> None:
    if fmt == "csv":
        table.to_csv(path, index=False)
    elif fmt == "parquet":
        mixed = [c for c in table.columns if table[c].dtype == object]
        table.astype({c: str for c in mixed}).to_parquet(path, index=False)
    else:
        write_sav(table, spec, path)


def write_sav(table: pd.DataFrame, spec: Questionnaire | None, path: Path) -> None:
    """Write ``table`` as SPSS with value labels, variable labels and user-missing codes."""
    data = table.copy()
    value_labels: dict[str, dict[int | float, str]] = {}
    for column in data.columns:
        if data[column].dtype == bool:
            data[column] = data[column].astype(int)
            value_labels[column] = {float(k): v for k, v in BOOL_LABELS.items()}
        elif data[column].dtype == object or pd.api.types.is_string_dtype(data[column]):
            data[column] = data[column].astype(object)
        else:
            data[column] = data[column].astype(float)
    names: dict[str, str | None] = {}
    missing: dict[str, list[Any]] = {}
    for item in spec.items if spec is not None else ():
        value_labels[item.id] = {float(k): v for k, v in item.scale.value_labels.items()}
        names[item.id] = item.text
        missing[item.id] = [float(code) for code in item.missing_codes]
    pyreadstat.write_sav(
        data, str(path), column_labels=names or None, variable_value_labels=value_labels,
        missing_ranges=missing or None,
    )
