"""Checking respondent data against a questionnaire: every problem in one report.

A missing item column is a structural problem and raises :class:`DataValidationError`
(no row can be checked without it).  Every other problem is one row of
``ValidationReport.rejects``; a row with at least one problem is left out of
``ValidationReport.valid``.  Blank answers are item nonresponse, not problems.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from survey_kit.respondents.recode import (
    YEAR_COLUMN,
    Rounds,
    Segment,
    apply_recode,
    check_columns,
    read_rounds,
    segments,
    to_codes,
)
from survey_kit.spec.model import Item, Questionnaire

REJECT_COLUMNS = ("row", "column", "value", "reason", "problem")


@dataclass(frozen=True, eq=False)
class ValidationReport:
    """Result of :func:`validate`.

    Attributes
    ----------
    valid : DataFrame
        The rows without problems, unchanged, with their original index.
    rejects : DataFrame
        One row per problem: ``row`` (index label), ``column``, ``value`` (as read),
        ``reason`` (what was expected), ``problem`` (a short kind) and, when the data has
        the id column, ``id``.
    n_rows : int
        Number of rows checked.
    questionnaire : str
        Name of the questionnaire.
    """

    valid: pd.DataFrame
    rejects: pd.DataFrame
    n_rows: int
    questionnaire: str

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return self.rejects.empty

    @property
    def rejected_rows(self) -> pd.Index:
        """Index labels of the rows with at least one problem."""
        return pd.Index(self.rejects["row"].unique())

    def problem_counts(self) -> dict[str, int]:
        """Number of problems of each kind, most frequent first."""
        return {str(k): int(v) for k, v in self.rejects["problem"].value_counts().items()}

    def summary(self) -> str:
        """One line: rows checked, valid and rejected, problems by kind."""
        head = f"{self.questionnaire}: {self.n_rows} rows"
        if self.ok:
            return f"{head}, all valid"
        kinds = ", ".join(f"{n} {kind}" for kind, n in self.problem_counts().items())
        return (
            f"{head}, {len(self.valid)} valid, {len(self.rejected_rows)} rejected "
            f"({len(self.rejects)} problems: {kinds})"
        )

    def to_frame(self) -> pd.DataFrame:
        """The rejects table (a copy)."""
        return self.rejects.copy()


def validate(
    questionnaire: Questionnaire, data: pd.DataFrame, id_column: str = "resp_id"
) -> ValidationReport:
    """Check every item column, the survey round and the respondent id.

    Parameters
    ----------
    questionnaire
        The spec to check against.
    data
        Raw data, one row per respondent; columns not in the spec pass through.
    id_column
        Respondent id column; checked for blanks and duplicates when present (every
        occurrence after the first is rejected).

    Returns
    -------
    ValidationReport

    Raises
    ------
    DataValidationError
        An item column required by the spec is missing (all are named).

    Examples
    --------
    >>> from survey_kit.spec import load_questionnaire
    >>> q = load_questionnaire("tryghed_trivsel")
    >>> raw = pd.DataFrame({i.id: [1, 1, 1] for i in q.items})
    >>> raw["resp_id"] = [1, 2, 2]
    >>> raw.loc[0, "ot1_tryg_omraade"] = 7
    >>> report = validate(q, raw)
    >>> report.summary()
    'tryghed_trivsel: 3 rows, 1 valid, 2 rejected (2 problems: 1 unknown_code, 1 duplicate_id)'
    """
    rounds = read_rounds(questionnaire, data)
    check_columns(questionnaire, data, rounds)
    found = [_year_problems(data, rounds, questionnaire.rounds)]
    found += [_id_problems(data, id_column)]
    found += [_item_problems(data, item, seg) for item in questionnaire.items
              for seg in segments(item, rounds)]
    rejects = _assemble(data, [f for f in found if f is not None], id_column)
    bad = np.zeros(len(data), dtype=bool)
    bad[rejects.pop("_position").to_numpy(dtype=int)] = True
    return ValidationReport(data.loc[~bad], rejects, len(data), questionnaire.name)


def _frame(
    data: pd.DataFrame, mask: np.ndarray, column: str, reason: str | pd.Series, problem: str
) -> pd.DataFrame | None:
    positions = np.flatnonzero(mask)
    if positions.size == 0:
        return None
    values = data[column].iloc[positions].to_numpy(dtype=object)
    reasons = reason if isinstance(reason, str) else reason.to_numpy(dtype=object)
    return pd.DataFrame(
        {"_position": positions, "column": column, "value": values, "reason": reasons,
         "problem": problem}
    )


def _year_problems(
    data: pd.DataFrame, rounds: Rounds, declared: tuple[int, ...]
) -> pd.DataFrame | None:
    expected = ", ".join(map(str, declared))
    reason = f"unknown survey round (expected a year in {expected})"
    return _frame(data, rounds.unknown, YEAR_COLUMN, reason, "unknown_year")


def _id_problems(data: pd.DataFrame, id_column: str) -> pd.DataFrame | None:
    if id_column not in data.columns:
        return None
    ids = data[id_column]
    blank = ids.isna().to_numpy(dtype=bool)
    codes, _ = pd.factorize(ids)
    first = pd.Series(np.arange(len(ids))).groupby(codes).transform("min").to_numpy()
    dup = ~blank & (first != np.arange(len(ids)))
    first_rows = pd.Series(data.index.to_numpy(dtype=object)[first[dup]]).astype(str)
    reasons = "duplicate " + id_column + " (first in row " + first_rows + ")"
    parts = [
        _frame(data, blank, id_column, "missing respondent id", "missing_id"),
        _frame(data, dup, id_column, reasons, "duplicate_id"),
    ]
    kept = [p for p in parts if p is not None]
    return pd.concat(kept, ignore_index=True) if kept else None


def _item_problems(data: pd.DataFrame, item: Item, seg: Segment) -> pd.DataFrame | None:
    codes, not_numeric = to_codes(data[seg.column])
    codes = apply_recode(codes, seg.recode)
    scale = item.scale
    allowed = np.isin(codes, scale.codes) | np.isin(codes, scale.missing_codes)
    bad = seg.rows & ~np.isnan(codes) & ~allowed
    expected = _expected(item)
    if seg.recode:
        expected += f", after the recode of round {_years(seg)}"
    parts = [_frame(data, seg.rows & not_numeric, seg.column, f"not a number ({expected})",
                    "not_a_number")]
    if scale.kind == "numeric":
        outside = bad & ((codes < scale.low) | (codes > scale.high))
        parts.append(_frame(data, outside, seg.column, f"out of range ({expected})",
                            "out_of_range"))
        parts.append(_frame(data, bad & ~outside, seg.column,
                            f"not a whole number ({expected})", "not_whole_number"))
    else:
        parts.append(_frame(data, bad, seg.column, f"unknown code ({expected})", "unknown_code"))
    kept = [p for p in parts if p is not None]
    return pd.concat(kept, ignore_index=True) if kept else None


def _expected(item: Item) -> str:
    scale = item.scale
    if scale.kind == "numeric":
        valid = f"expected {scale.low}-{scale.high}"
    else:
        valid = "expected " + ", ".join(map(str, scale.codes))
    if scale.missing_codes:
        valid += " or missing code " + ", ".join(map(str, scale.missing_codes))
    return f"{valid} for item {item.id!r}"


def _years(seg: Segment) -> str:
    return ", ".join(map(str, seg.years))


def _assemble(data: pd.DataFrame, found: list[pd.DataFrame], id_column: str) -> pd.DataFrame:
    if not found:
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in REJECT_COLUMNS})
        empty.insert(0, "_position", pd.Series(dtype=int))
        if id_column in data.columns:
            empty["id"] = pd.Series(dtype=object)
        return empty
    rejects = pd.concat(found, ignore_index=True)
    rejects = rejects.iloc[np.argsort(rejects["_position"].to_numpy(), kind="stable")]
    positions = rejects["_position"].to_numpy(dtype=int)
    rejects.insert(1, "row", data.index.to_numpy(dtype=object)[positions])
    if id_column in data.columns:
        rejects["id"] = data[id_column].to_numpy(dtype=object)[positions]
    return rejects.reset_index(drop=True)
