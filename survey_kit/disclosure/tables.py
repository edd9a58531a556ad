"""The tidy-table contract shared by disclosure control and the report writers.

Tidy estimates (one row per cell)::

    variable, <by columns>, estimate, se, ci_low, ci_high, df, deff, n  [, n_eff, level]

Tidy contrasts (one row per comparison)::

    variable, <by columns>, group_a, group_b, estimate_a, estimate_b, difference, se,
    ci_low, ci_high, statistic, df, p_value, p_adjusted, adjust_method, significant
    [, n_a, n_b, note]

Every column that is not a number or result column (:data:`STAT_COLUMNS`) is part of a cell's
key; key values are compared as text (:func:`key_text`), so ``2021``, ``2021.0`` and
``"2021"`` name the same round.  Columns that identify respondents or hold free text
(:data:`FORBIDDEN_COLUMNS`) are never accepted by a publishing step.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from survey_kit.errors import DataValidationError

ESTIMATE_COLUMNS: tuple[str, ...] = (
    "variable", "estimate", "se", "ci_low", "ci_high", "df", "deff", "n",
)
"""Columns every tidy estimates table has."""

CONTRAST_COLUMNS: tuple[str, ...] = (
    "variable", "group_a", "group_b", "difference", "ci_low", "ci_high",
    "p_value", "p_adjusted", "adjust_method", "significant",
)
"""Columns of a tidy contrasts table that the report uses (more may be present)."""

STAT_COLUMNS: frozenset[str] = frozenset({
    "estimate", "se", "ci_low", "ci_high", "df", "deff", "n", "n_eff", "n_psu", "level",
    "estimate_a", "estimate_b", "difference", "statistic", "p_value", "p_adjusted",
    "adjust_method", "significant", "n_a", "n_b", "note", "suppressed", "suppression_reason",
    "group_a", "group_b",
})
"""Columns that hold numbers or results, never part of a cell's key."""

FORBIDDEN_COLUMNS: frozenset[str] = frozenset({
    "resp_id", "respondent_id", "respondent", "id", "cpr", "name", "email", "free_text",
    "comment", "kommentar", "fritekst",
})
"""Columns that identify respondents or hold free text: never accepted by a report writer."""

class ReportInputError(DataValidationError):
    """A table handed to a publishing step (suppression, a report writer) lacks a column, holds a
    wrong value or a forbidden one."""


def key_text(value: object) -> str:
    """Normalise a key value to text: missing -> ``""``, ``2021.0`` -> ``"2021"``.

    Examples
    --------
    >>> key_text(2021.0), key_text("2021"), key_text(True), key_text(np.bool_(False))
    ('2021', '2021', 'True', 'False')
    >>> key_text(None), key_text(float("nan")), key_text(pd.NA)
    ('', '', '')
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, (float, np.floating)) and math.isnan(float(value)):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def check_frame(
    frame: object, required: Sequence[str], what: str, problems: list[str]
) -> pd.DataFrame:
    """Append to ``problems`` what is wrong with ``frame``; return it as a DataFrame copy.

    Checks: it is a DataFrame, has the ``required`` columns and no column of
    :data:`FORBIDDEN_COLUMNS`.
    """
    if not isinstance(frame, pd.DataFrame):
        problems.append(f"{what}: expected a pandas DataFrame, found {type(frame).__name__}")
        return pd.DataFrame(columns=list(required))
    missing = [c for c in required if c not in frame.columns]
    if missing:
        problems.append(
            f"{what}: missing column(s) {missing}; found {[str(c) for c in frame.columns]}"
        )
    forbidden = sorted(str(c) for c in frame.columns if str(c).lower() in FORBIDDEN_COLUMNS)
    if forbidden:
        problems.append(
            f"{what}: column(s) {forbidden} identify respondents or hold free text; "
            "report tables take aggregated results only"
        )
    return frame.copy()


def raise_if(problems: list[str], context: str) -> None:
    """Raise one :class:`ReportInputError` listing every problem, if there are any."""
    if problems:
        raise ReportInputError(f"{context}: " + "; ".join(problems))


__all__ = [
    "CONTRAST_COLUMNS",
    "ESTIMATE_COLUMNS",
    "FORBIDDEN_COLUMNS",
    "STAT_COLUMNS",
    "ReportInputError",
    "check_frame",
    "key_text",
    "raise_if",
]
