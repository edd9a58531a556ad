"""Checking respondent data against a questionnaire: every problem in one report.

An invalid answer (a code the spec does not declare, text that is neither a number nor a
label of the item's scale, a value outside or between the codes of a numeric scale) is
*blanked*: the cell is missing in ``report.valid``, the problem is one row of
``report.rejects`` with ``action == "blanked"``, and the respondent stays.  A row is
*rejected* as a whole only when it cannot be used: its id is blank or repeats an earlier
one, its survey round is not one of the spec's, a column the caller requires (e.g. the
weight) is blank, or the caller marks it unusable.  Answers given as label text
(``"Tryg"``) are read as their codes.  A missing item column is structural and raises
:class:`DataValidationError`.  Blank answers are item nonresponse, not problems.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from survey_kit.errors import DataValidationError
from survey_kit.respondents.answers import label_codes, raw_codes
from survey_kit.respondents.recode import (
    YEAR_COLUMN,
    Rounds,
    Segment,
    apply_recode,
    check_columns,
    member,
    read_rounds,
    segments,
    to_codes,
)
from survey_kit.respondents.report import (
    BLANKED,
    COUNT_COLUMNS,
    REJECT_COLUMNS,
    REJECTED,
    Thresholds,
    ValidationLimitError,
    ValidationReport,
)
from survey_kit.spec.model import Item, Questionnaire

__all__ = ["REJECT_COLUMNS", "Thresholds", "ValidationLimitError", "ValidationReport", "validate"]
SOURCE_COLUMNS = ("source_file", "source_row")
COPY_ON_WRITE = int(pd.__version__.split(".")[0]) >= 3
"""pandas 3 shares unchanged columns between frames and copies one only when it is written:
the valid rows need no copy of the whole respondent table."""


@dataclass
class _Cells:
    """What the item checks found, per data column (masks over all data rows)."""

    n: int
    invalid: dict[str, np.ndarray] = field(default_factory=dict)
    answered: dict[str, np.ndarray] = field(default_factory=dict)
    mapped: dict[str, np.ndarray] = field(default_factory=dict)
    info: dict[str, tuple[str, str, str]] = field(default_factory=dict)

    def add(self, column: str, item: Item, answered: np.ndarray, invalid: np.ndarray,
            mapped: np.ndarray | None) -> None:
        """Record a segment's findings (``mapped``: codes read from label text, or None
        when no answer of the segment was text: then nothing is stored for it)."""
        known = self.invalid.get(column)
        self.invalid[column] = invalid if known is None else known | invalid
        known = self.answered.get(column)
        self.answered[column] = answered if known is None else known | answered
        if mapped is not None:
            known = self.mapped.get(column, np.full(self.n, np.nan))
            self.mapped[column] = np.where(np.isnan(mapped), known, mapped)
        self.info.setdefault(column, (item.id, item.scale.id, _expected_codes(item)))


def validate(
    questionnaire: Questionnaire,
    data: pd.DataFrame,
    id_column: str = "resp_id",
    *,
    required: Mapping[str, str] | Sequence[str] = (),
    unusable: Mapping[str, pd.Series | np.ndarray] | None = None,
    map_labels: bool = True,
    max_blank_share: float = Thresholds.max_blank_share,
    max_reject_share: float = Thresholds.max_reject_share,
) -> ValidationReport:
    """Check every item answer, the survey round, the respondent id and required columns.

    Parameters
    ----------
    questionnaire
        The spec to check against.
    data
        Raw data, one row per respondent; columns not in the spec pass through.  With
        ``source_row`` (and ``source_file``) columns (``read_data(..., row_column=
        "source_row")``) the rejects and the summary name the row in the file.
    id_column
        Respondent id column; a blank or repeated id rejects the row (every occurrence
        after the first).  Ids are compared as text (``1`` and ``1.0`` are the same
        respondent, ``01`` another).
    required
        Columns every usable row needs (e.g. the weight): a mapping column -> role
        (``{"design_weight": "weight"}``) or a list of columns; a blank rejects the row,
        an absent column raises.
    unusable
        Rows the caller marks as unusable: reason -> boolean mask (aligned with
        ``data``); such rows are rejected with that reason.
    map_labels
        Read text answers that are labels of the item's scale as their codes.
    max_blank_share, max_reject_share
        Limits kept in the report for :meth:`ValidationReport.failures`: the share of an
        item column's answers that may be blanked, and of the rows that may be rejected.

    Returns
    -------
    ValidationReport
        ``valid`` (kept rows, original index, invalid answers blanked), ``rejects`` (one
        row per problem), ``summary()``.

    Raises
    ------
    DataValidationError
        An item column required by the spec, or a ``required`` column, is missing.

    Examples
    --------
    >>> from survey_kit.spec import load_questionnaire
    >>> q = load_questionnaire("tryghed_trivsel")
    >>> raw = pd.DataFrame({i.id: [1, 1, 1] for i in q.items})
    >>> raw["resp_id"] = [1, 2, 2]
    >>> raw.loc[0, "ot1_tryg_omraade"] = 7
    >>> report = validate(q, raw)
    >>> len(report.valid), report.rejects[["row", "problem", "action"]].values.tolist()
    (2, [[0, 'unknown_code', 'blanked'], [2, 'duplicate_id', 'rejected']])
    >>> report.valid["ot1_tryg_omraade"].tolist()
    [nan, 1.0]
    """
    rounds = read_rounds(questionnaire, data)
    check_columns(questionnaire, data, rounds)
    roles = _roles(data, required)
    cells = _Cells(len(data))
    found = [_year_problems(data, rounds, questionnaire.rounds), _id_problems(data, id_column)]
    found += [_required_problems(data, column, role) for column, role in roles.items()]
    found += [_unusable_problems(data, reason, mask) for reason, mask in (unusable or {}).items()]
    row_level = pd.concat([f for f in found if f is not None] or [_empty()], ignore_index=True)
    found += [_item_problems(data, item, seg, cells, map_labels)
              for item in questionnaire.items for seg in segments(item, rounds)]
    rejected = np.zeros(len(data), dtype=bool)
    rejected[row_level["_position"].to_numpy(dtype=int)] = True
    rejects = _assemble(data, [f for f in found if f is not None], id_column, rejected)
    return ValidationReport(
        _valid_frame(data, rejected, cells), rejects, len(data), questionnaire.name,
        counts=_counts(cells, rejected), mapped=_n_mapped(cells, rejected),
        thresholds=Thresholds(max_blank_share, max_reject_share),
        source=data.attrs.get("source"), files=_files(data),
        notes=round_notes(questionnaire, rounds),
    )


def round_notes(questionnaire: Questionnaire, rounds: Rounds) -> tuple[str, ...]:
    """One line per data round the spec does not list, saying how its items are read.

    Examples
    --------
    >>> from survey_kit.spec import load_questionnaire
    >>> q = load_questionnaire("tryghed_trivsel")
    >>> round_notes(q, read_rounds(q, pd.DataFrame({"year": [2021, 2024]})))[0]
    "round 2024 is not among the rounds of questionnaire 'tryghed_trivsel' (2018, 2021): \
its items are read as in 2021, the latest; add it to 'rounds:' in the spec to say so there"
    """
    if not rounds.undeclared:
        return ()
    listed = ", ".join(map(str, questionnaire.rounds))
    latest = max(questionnaire.rounds)
    return tuple(
        f"round {year} is not among the rounds of questionnaire {questionnaire.name!r} "
        f"({listed}): its items are read as in {latest}, the latest; add it to 'rounds:' in "
        "the spec to say so there" for year in rounds.undeclared)


def _roles(data: pd.DataFrame, required: Mapping[str, str] | Sequence[str]) -> dict[str, str]:
    roles = dict(required) if isinstance(required, Mapping) else {c: c for c in required}
    absent = [c for c in roles if c not in data.columns]
    if absent:
        shown = ", ".join(f"{c!r} ({roles[c]})" for c in absent)
        raise DataValidationError(f"data lacks required column(s) {shown}")
    return roles


def _empty() -> pd.DataFrame:
    return pd.DataFrame({"_position": pd.Series(dtype=int)})


def _frame(
    data: pd.DataFrame, mask: np.ndarray, column: str, reason: str | pd.Series, problem: str
) -> pd.DataFrame | None:
    positions = np.flatnonzero(mask)
    if positions.size == 0:
        return None
    values = (data[column].iloc[positions].to_numpy(dtype=object) if column in data.columns
              else np.full(positions.size, None, dtype=object))
    reasons = reason if isinstance(reason, str) else reason.to_numpy(dtype=object)
    return pd.DataFrame(
        {"_position": positions, "column": column, "value": values, "reason": reasons,
         "problem": problem}
    )


def _year_problems(
    data: pd.DataFrame, rounds: Rounds, declared: tuple[int, ...]
) -> pd.DataFrame | None:
    expected = ", ".join(map(str, declared))
    reason = (f"unknown survey round (expected a year in {expected}; add the round to "
              "'rounds:' in the spec, or set 'unknown_rounds: latest' there)")
    return _frame(data, rounds.unknown, YEAR_COLUMN, reason, "unknown_year")


def canonical_ids(ids: pd.Series) -> pd.Series:
    """Respondent ids as text: whole numbers without ``.0``, text stripped, blanks NaN.

    Examples
    --------
    >>> canonical_ids(pd.Series([1.0, "1", "01", " ", None], dtype=object)).tolist()
    ['1', '1', '01', nan, nan]
    """
    text = ids.astype("string").str.strip()
    text = text.str.replace(r"^([+-]?\d+)\.0*$", r"\1", regex=True)
    return text.mask(text == "").astype(object).where(text.notna() & (text != ""), np.nan)


def _id_problems(data: pd.DataFrame, id_column: str) -> pd.DataFrame | None:
    if id_column not in data.columns:
        return None
    values = data[id_column]
    if isinstance(values.dtype, np.dtype) and values.dtype.kind in "iu":
        codes, _ = pd.factorize(values)  # whole numbers: equal as text exactly when equal
        blank = np.zeros(len(values), dtype=bool)
    else:
        ids = canonical_ids(values)
        blank = ids.isna().to_numpy(dtype=bool)
        codes, _ = pd.factorize(ids)
    first = first_positions(codes)
    dup = ~blank & (first != np.arange(len(codes)))
    reasons = "duplicate " + id_column + " (first in " + _places(data, first[dup]) + ")"
    parts = [
        _frame(data, blank, id_column, "missing respondent id", "missing_id"),
        _frame(data, dup, id_column, reasons, "duplicate_id"),
    ]
    kept = [p for p in parts if p is not None]
    return pd.concat(kept, ignore_index=True) if kept else None


def first_positions(codes: np.ndarray) -> np.ndarray:
    """For each row, the position of the first row with its code (codes from
    ``pd.factorize``, numbered in order of first appearance; ``-1`` rows point to
    themselves).

    Examples
    --------
    >>> first_positions(np.array([0, 1, 0, -1, 2, 1])).tolist()
    [0, 1, 0, 3, 4, 1]
    """
    rows = np.arange(len(codes))
    if len(codes) == 0:
        return rows
    seen = np.maximum.accumulate(codes)
    new = codes > np.concatenate(([-1], seen[:-1]))  # the first row of each code, in order
    starts = rows[new]
    return np.where(codes >= 0, starts[np.maximum(codes, 0)], rows)


def _places(data: pd.DataFrame, positions: np.ndarray) -> pd.Series:
    """'row <index label>', or 'row N of <file>' when the data carries its source rows."""
    if "source_row" not in data.columns:
        labels = data.index.to_numpy(dtype=object)[positions]
        return "row " + pd.Series(labels, dtype=object).astype(str)
    rows = data["source_row"].to_numpy()[positions]
    text = "row " + pd.Series(rows, dtype=object).astype(str)
    if "source_file" in data.columns:
        text = text + " of " + pd.Series(data["source_file"].to_numpy()[positions]).astype(str)
    return text


def _required_problems(data: pd.DataFrame, column: str, role: str) -> pd.DataFrame | None:
    values = data[column]
    blank = values.isna().to_numpy(dtype=bool)
    if not pd.api.types.is_numeric_dtype(values):
        blank = blank | (values.astype("string").str.strip() == "").fillna(True).to_numpy(
            dtype=bool)
    return _frame(data, blank, column, f"missing {role} (every respondent needs one)",
                  "missing_value")


def _unusable_problems(
    data: pd.DataFrame, reason: str, mask: pd.Series | np.ndarray
) -> pd.DataFrame | None:
    if isinstance(mask, pd.Series):
        mask = mask.reindex(data.index).fillna(False)
    flags = np.asarray(mask, dtype=bool)
    if flags.shape != (len(data),):
        raise DataValidationError(
            f"unusable rows {reason!r}: expected one flag per data row ({len(data)}), "
            f"found {flags.size}"
        )
    return _frame(data, flags, "", reason, "unusable")


def _item_problems(
    data: pd.DataFrame, item: Item, seg: Segment, cells: _Cells, map_labels: bool
) -> pd.DataFrame | None:
    values = data[seg.column]
    codes, not_numeric = to_codes(values)
    mapped = None
    if map_labels and (not_numeric & seg.rows).any():
        mapped = raw_codes(label_codes(values, not_numeric & seg.rows, item.scale), seg.recode)
        hit = ~np.isnan(mapped)
        codes, not_numeric = np.where(hit, mapped, codes), not_numeric & ~hit
    codes = apply_recode(codes, seg.recode)
    scale = item.scale
    allowed = member(codes, scale.codes) | member(codes, scale.missing_codes)
    bad = seg.rows & ~np.isnan(codes) & ~allowed
    text = seg.rows & not_numeric
    cells.add(seg.column, item, seg.rows & (~np.isnan(codes) | not_numeric), bad | text, mapped)
    expected = _expected(item)
    if seg.recode:
        expected += f", after the recode of round {_years(seg)}"
    parts = [_frame(data, text, seg.column, f"not a number ({expected})",
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


def _expected_codes(item: Item) -> str:
    scale = item.scale
    if scale.kind == "numeric":
        valid = f"{scale.low}-{scale.high}"
    else:
        valid = ", ".join(map(str, scale.codes))
    if scale.missing_codes:
        valid += " or missing code " + ", ".join(map(str, scale.missing_codes))
    return valid


def _expected(item: Item) -> str:
    return f"expected {_expected_codes(item)} for item {item.id!r}"


def _years(seg: Segment) -> str:
    return ", ".join(map(str, seg.years))


def _assemble(
    data: pd.DataFrame, found: list[pd.DataFrame], id_column: str, rejected: np.ndarray
) -> pd.DataFrame:
    rejects = pd.concat(found, ignore_index=True) if found else _empty()
    for column in ("column", "value", "reason", "problem"):
        if column not in rejects.columns:
            rejects[column] = pd.Series(dtype=object)
    rejects = rejects.iloc[np.argsort(rejects["_position"].to_numpy(), kind="stable")]
    positions = rejects.pop("_position").to_numpy(dtype=int)
    rejects.insert(0, "row", data.index.to_numpy(dtype=object)[positions])
    rejects["action"] = np.where(rejected[positions], REJECTED, BLANKED)
    if id_column in data.columns:
        rejects["id"] = data[id_column].to_numpy(dtype=object)[positions]
    for column in SOURCE_COLUMNS:
        if column in data.columns:
            rejects[column] = data[column].to_numpy(dtype=object)[positions]
    return rejects.reset_index(drop=True)


def _valid_frame(data: pd.DataFrame, rejected: np.ndarray, cells: _Cells) -> pd.DataFrame:
    """The kept rows with invalid answers blanked and label answers as codes."""
    kept = ~rejected
    out = data.loc[kept]
    if not COPY_ON_WRITE:  # pandas 2: a separate frame; pandas 3 copies a column on write
        out = out.copy()
    for column, invalid in cells.invalid.items():
        mapped = cells.mapped.get(column)
        if mapped is not None and (~np.isnan(mapped[kept])).any():
            codes, _ = to_codes(data[column])
            codes = np.where(np.isnan(mapped), codes, mapped)
            out[column] = np.where(invalid, np.nan, codes)[kept]
        elif invalid[kept].any():
            out[column] = data[column].mask(invalid)[kept]
    return out


def _counts(cells: _Cells, rejected: np.ndarray) -> pd.DataFrame:
    """Answers and blanked cells per item column, among the kept rows."""
    kept = ~rejected
    rows = [(column, *cells.info[column], int((cells.answered[column] & kept).sum()),
             int((invalid & kept).sum())) for column, invalid in cells.invalid.items()]
    return pd.DataFrame(rows, columns=list(COUNT_COLUMNS))


def _n_mapped(cells: _Cells, rejected: np.ndarray) -> int:
    return int(sum((~np.isnan(m) & ~rejected).sum() for m in cells.mapped.values()))


def _files(data: pd.DataFrame) -> tuple[tuple[str, int], ...]:
    """Rows per source file, in order of appearance, when the data says."""
    if "source_file" not in data.columns:
        return ()
    counts = data["source_file"].astype(str).value_counts(sort=False)
    return tuple((str(k), int(v)) for k, v in counts.items())
