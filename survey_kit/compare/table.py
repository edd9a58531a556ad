"""The frozen result of a comparison: a tidy table of contrasts plus their joint covariance."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from survey_kit.compare.multiplicity import adjust_by_family, check_method
from survey_kit.errors import EstimationError
from survey_kit.estimate.distributions import t_sf
from survey_kit.estimate.estimators import t_quantiles

#: The fixed columns of a contrast table, after ``variable`` and the ``by`` columns.
CONTRAST_COLUMNS = (
    "group_a", "group_b", "estimate_a", "estimate_b", "difference", "se", "ci_low", "ci_high",
    "statistic", "df", "p_value", "p_adjusted", "adjust_method", "significant", "n_a", "n_b",
    "note",
)

Family = str | Sequence[str] | None


@dataclass(frozen=True)
class ContrastTable:
    """Design-based contrasts (differences of domain estimates) with t tests.

    Attributes
    ----------
    table
        One row per contrast; see :meth:`to_frame` for the columns.
    vcov
        Joint covariance matrix of the ``difference`` column (``L V Lᵀ``), rows in table
        order; NaN rows/columns for contrasts that could not be computed.
    by
        The columns that identify a contrast besides ``group_a``/``group_b`` (``variable``
        first).
    level
        Confidence level of ``ci_low``/``ci_high`` and of ``significant``.
    adjust_method
        The ``p.adjust`` method of ``p_adjusted``.
    family
        The columns within which p-values were adjusted (None: the whole table).
    """

    table: pd.DataFrame
    vcov: np.ndarray
    by: tuple[str, ...]
    level: float
    adjust_method: str
    family: tuple[str, ...] | None

    def to_frame(self) -> pd.DataFrame:
        """The tidy table: ``variable, <by columns>, group_a, group_b, estimate_a,
        estimate_b, difference, se, ci_low, ci_high, statistic, df, p_value, p_adjusted,
        adjust_method, significant, n_a, n_b, note``."""
        return self.table.copy()

    def adjust(self, method: str, family: Family = None) -> ContrastTable:
        """The same contrasts with p-values adjusted by ``method`` within ``family``."""
        table = with_adjustment(self.table, method, family, self.level)
        return ContrastTable(table, self.vcov, self.by, self.level, method, _family(family))

    def select(self, **equals: object) -> ContrastTable:
        """The rows whose columns equal the given values (e.g. ``family="..."``), with the
        matching block of ``vcov``."""
        keep = np.ones(len(self.table), dtype=bool)
        for column, value in equals.items():
            if column not in self.table.columns:
                raise EstimationError(f"select: {column!r} is not a column of the table")
            keep &= (self.table[column] == value).to_numpy(dtype=bool)
        rows = np.flatnonzero(keep)
        return ContrastTable(self.table.iloc[rows].reset_index(drop=True),
                             self.vcov[np.ix_(rows, rows)], self.by, self.level,
                             self.adjust_method, self.family)

    def __len__(self) -> int:
        return len(self.table)

    def __repr__(self) -> str:
        return (
            f"ContrastTable(rows={len(self.table)}, by={list(self.by)}, "
            f"adjust={self.adjust_method!r}, family={self.family})\n"
            f"{self.table.to_string(max_rows=20)}"
        )


def _family(family: Family) -> tuple[str, ...] | None:
    if family is None:
        return None
    return (family,) if isinstance(family, str) else tuple(family)


def check_level(level: float) -> float:
    """Return ``level`` or raise EstimationError when it is not in (0, 1)."""
    if not 0 < level < 1:
        raise EstimationError(f"level={level!r} must be between 0 and 1, e.g. 0.95")
    return float(level)


def with_adjustment(
    table: pd.DataFrame, method: str, family: Family, level: float
) -> pd.DataFrame:
    """Fill ``p_adjusted``, ``adjust_method`` and ``significant`` (``p_adjusted < 1 - level``)."""
    check_method(method)
    out = table.copy()
    adjusted = adjust_by_family(out, method, family)
    out["p_adjusted"] = adjusted
    out["adjust_method"] = method
    out["significant"] = np.nan_to_num(adjusted, nan=1.0) < 1 - level
    return out


def t_tests(
    difference: np.ndarray, se: np.ndarray, df: float | np.ndarray, level: float
) -> dict[str, np.ndarray]:
    """t statistic, two-sided p-value and t(df) confidence limits for each difference
    (``df``: one value or one per row).

    Rows with a non-finite or zero SE, or ``df < 1``, get NaN p-value and limits.
    """
    testable = np.isfinite(se) & (se > 0) & np.isfinite(difference)
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = np.where(testable, difference / se, np.nan)
    dfs = np.broadcast_to(np.asarray(df, dtype=float), stat.shape)
    usable = dfs >= 1
    p = np.where(usable, 2 * t_sf(np.abs(stat), np.where(usable, dfs, 1.0)), np.nan)
    half = t_quantiles(level, dfs) * se
    low = np.where(testable, difference - half, np.nan)
    high = np.where(testable, difference + half, np.nan)
    return {"ci_low": low, "ci_high": high, "statistic": stat, "p_value": p}


def assemble(
    keys: pd.DataFrame,
    parts: dict[str, np.ndarray],
    df: float | np.ndarray,
    level: float,
    method: str,
    family: Family,
) -> pd.DataFrame:
    """Build the contrast table from key columns and the numeric parts.

    ``parts`` holds ``group_a, group_b, estimate_a, estimate_b, difference, se, n_a, n_b,
    note``; tests, confidence limits and the adjustment are added here.
    """
    table = keys.reset_index(drop=True).copy()
    for name in ("group_a", "group_b", "estimate_a", "estimate_b", "difference", "se"):
        table[name] = parts[name]
    tests = t_tests(parts["difference"], parts["se"], df, level)
    for name in ("ci_low", "ci_high", "statistic"):
        table[name] = tests[name]
    table["df"] = df
    table["p_value"] = tests["p_value"]
    table["p_adjusted"] = np.nan
    table["adjust_method"] = method
    table["significant"] = False
    table["n_a"] = parts["n_a"]
    table["n_b"] = parts["n_b"]
    table["note"] = parts["note"]
    return with_adjustment(table, method, family, level)
