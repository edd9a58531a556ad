"""The result of validation: kept rows, every problem, counts, limits and a short summary."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from survey_kit.errors import DataValidationError
from survey_kit.respondents.summary import BLANKED, REJECTED, failures, summary_text

REJECT_COLUMNS = ("row", "column", "value", "reason", "problem", "action")
COUNT_COLUMNS = ("column", "item", "scale", "expected", "answered", "blanked")


@dataclass(frozen=True)
class Thresholds:
    """Limits beyond which validation fails.

    ``max_blank_share``: the share of an item column's answers (non-blank cells of the
    kept rows) that may be blanked as invalid; ``max_reject_share``: the share of all rows
    that may be rejected.
    """

    max_blank_share: float = 0.05
    max_reject_share: float = 0.01


class ValidationLimitError(DataValidationError):
    """Validation found more problems than its limits allow; ``report`` holds them all."""

    def __init__(self, message: str, report: ValidationReport) -> None:
        super().__init__(message)
        self.report = report


def _empty_counts() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in COUNT_COLUMNS})


@dataclass(frozen=True, eq=False, repr=False)
class ValidationReport:
    """Result of :func:`survey_kit.respondents.validate`.

    Attributes
    ----------
    valid : DataFrame
        The kept rows, with their original index; invalid answers are blanked (NaN) and
        answers given as label text hold their codes.  Everything else is unchanged.
    rejects : DataFrame
        One row per problem: ``row`` (index label), ``column``, ``value`` (as read),
        ``reason`` (what was expected), ``problem`` (a short kind), ``action``
        (``"blanked"``: the cell was set missing; ``"rejected"``: the whole row was left
        out), plus ``id`` when the data has the id column and ``source_file``/``source_row``
        when the data has them.
    n_rows : int
        Number of rows checked.
    questionnaire : str
        Name of the questionnaire.
    counts : DataFrame
        Per item column: ``column, item, scale, expected, answered, blanked`` (kept rows).
    mapped : int
        Text answers read as codes through the scale labels.
    thresholds : Thresholds
        The limits :meth:`failures` applies by default.
    source : str or None
        The file the data came from (``data.attrs["source"]``).
    files : tuple of (str, int)
        Rows per ``source_file``, when the data has that column.
    notes : tuple of str
        What the reader should know that is not a problem, e.g. a round the spec does not
        list that was read as its latest round (one line each).

    ``len(valid) + len(rejected_rows) == n_rows`` always holds.
    """

    valid: pd.DataFrame
    rejects: pd.DataFrame
    n_rows: int
    questionnaire: str
    counts: pd.DataFrame = field(default_factory=_empty_counts)
    mapped: int = 0
    thresholds: Thresholds = Thresholds()
    source: str | None = None
    files: tuple[tuple[str, int], ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return self.rejects.empty

    @property
    def rejected_rows(self) -> pd.Index:
        """Index labels of the rows left out (a problem with action ``"rejected"``)."""
        mask = self.rejects["action"] == REJECTED
        return pd.Index(self.rejects.loc[mask, "row"].unique())

    @property
    def blanked_cells(self) -> int:
        """Number of answers blanked in the kept rows."""
        return int((self.rejects["action"] == BLANKED).sum())

    def problem_counts(self) -> dict[str, int]:
        """Number of problems of each kind, most frequent first."""
        return {str(k): int(v) for k, v in self.rejects["problem"].value_counts().items()}

    def failures(
        self, max_blank_share: float | None = None, max_reject_share: float | None = None
    ) -> tuple[str, ...]:
        """One line per limit exceeded (empty when validation passes); the limits default
        to :attr:`thresholds`."""
        limits = Thresholds(
            self.thresholds.max_blank_share if max_blank_share is None else max_blank_share,
            self.thresholds.max_reject_share if max_reject_share is None else max_reject_share,
        )
        return failures(self, limits)

    @property
    def failed(self) -> bool:
        """Whether a limit of :attr:`thresholds` is exceeded."""
        return bool(self.failures())

    def raise_if_failed(
        self, max_blank_share: float | None = None, max_reject_share: float | None = None
    ) -> None:
        """Raise :class:`ValidationLimitError` (one line; ``.report`` is this report) when a
        limit is exceeded: the one call a run makes after validating."""
        found = self.failures(max_blank_share, max_reject_share)
        if found:
            more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
            where = f"{self.source}: " if self.source else ""
            raise ValidationLimitError(f"{where}validation failed: {found[0]}{more}", self)

    def summary(self) -> str:
        """A few lines for the console: rows read, kept and rejected, cells blanked with
        their shares, the top reasons with a hint, and whether the limits hold."""
        return summary_text(self)

    def __repr__(self) -> str:
        return self.summary()

    def to_frame(self) -> pd.DataFrame:
        """The rejects table (a copy)."""
        return self.rejects.copy()
