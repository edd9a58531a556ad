"""Writing SPSS files with the questionnaire's value labels and user-missing codes."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import pyreadstat

from survey_kit.errors import DataValidationError
from survey_kit.spec.model import Questionnaire

_MEASURE = {"ordinal": "ordinal", "nominal": "nominal", "numeric": "scale"}
MAX_LABEL_BYTES = 255


def write_sav(data: pd.DataFrame, path: str | Path, questionnaire: Questionnaire) -> Path:
    """Write ``data`` as an SPSS .sav file labelled from the questionnaire.

    Item columns get the Danish item text as variable label, the scale's value labels
    (valid and missing codes), the missing codes declared as SPSS user-missing values and
    a measurement level.  Other columns keep labels found in ``data.attrs`` (as set by
    :func:`read_data` for .sav input).  Item columns absent from ``data`` are skipped.
    The file is written to a temporary name and moved into place, so a failed write
    leaves no partial file.

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    DataValidationError
        pyreadstat cannot write the data (e.g. a column of mixed types); names the file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from survey_kit.spec import load_questionnaire
    >>> from survey_kit.io import read_data
    >>> q = load_questionnaire("tryghed_trivsel")
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> out = write_sav(pd.DataFrame({"ot1_tryg_omraade": [1.0, 98.0]}), folder / "a.sav", q)
    >>> back = read_data(out)
    >>> back["ot1_tryg_omraade"].tolist(), back.attrs["value_labels"]["ot1_tryg_omraade"][98]
    ([1.0, 98.0], 'Ved ikke')
    """
    path = Path(path)
    options = _labels(data, questionnaire)
    handle, tmp_name = tempfile.mkstemp(suffix=".sav", prefix=f".{path.stem}.", dir=path.parent)
    os.close(handle)
    try:
        pyreadstat.write_sav(data, tmp_name, **options)
        os.replace(tmp_name, path)
    except (ValueError, TypeError, OSError, pyreadstat.ReadstatError,
            pyreadstat.PyreadstatError) as exc:
        detail = " ".join(str(exc).split()) or type(exc).__name__
        raise DataValidationError(f"{path}: cannot write SPSS file: {detail}") from exc
    finally:
        if os.path.exists(tmp_name):
            os.remove(tmp_name)
    return path


def _labels(data: pd.DataFrame, questionnaire: Questionnaire) -> dict[str, Any]:
    """Keyword arguments of ``pyreadstat.write_sav`` for the columns present."""
    value_labels = {
        k: v for k, v in data.attrs.get("value_labels", {}).items() if k in data.columns
    }
    missing = {k: v for k, v in data.attrs.get("missing_ranges", {}).items() if k in data.columns}
    column_labels = {
        k: v for k, v in data.attrs.get("column_labels", {}).items() if k in data.columns
    }
    measure = {}
    for item in questionnaire.items:
        if item.id not in data.columns:
            continue
        value_labels[item.id] = {float(k): v for k, v in item.scale.value_labels.items()}
        if item.missing_codes:
            missing[item.id] = [float(code) for code in item.missing_codes]
        column_labels[item.id] = _truncate(item.text)
        measure[item.id] = _MEASURE[item.scale.kind]
    return {
        "column_labels": {c: column_labels.get(str(c)) for c in data.columns},
        "variable_value_labels": value_labels,
        "missing_ranges": missing,
        "variable_measure": measure,
    }


def _truncate(text: str) -> str:
    """Cut a label to SPSS's 255-byte limit without splitting a UTF-8 character."""
    raw = text.encode("utf-8")[:MAX_LABEL_BYTES]
    return raw.decode("utf-8", errors="ignore")
