"""The frozen result of an estimation: a tidy table plus the joint covariance matrix."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

#: The fixed columns of every estimate table, after ``variable`` and the ``by`` columns.
ESTIMATE_COLUMNS = ("estimate", "se", "ci_low", "ci_high", "df", "deff", "n")


@dataclass(frozen=True)
class Estimate:
    """Design-based estimates for one or more variables in one or more domains.

    Attributes
    ----------
    statistic
        ``"mean"``, ``"total"`` or ``"proportion"``.
    variables
        The variables, in table order.
    by
        The domain columns (empty for the whole population).
    vcov
        Joint covariance matrix of all estimates, rows and columns in the order of
        :meth:`to_frame` (variable-major, then domain).  Domains of the same design
        are correlated; comparisons must use this matrix.
    df
        Design degrees of freedom (PSUs minus strata) used for t intervals and tests.
    level
        Confidence level of ``ci_low`` / ``ci_high``.
    """

    statistic: str
    variables: tuple[str, ...]
    by: tuple[str, ...]
    table: pd.DataFrame
    vcov: np.ndarray
    df: int
    level: float

    def to_frame(self) -> pd.DataFrame:
        """The tidy table: ``variable, <by columns>, estimate, se, ci_low, ci_high, df, deff, n``
        plus ``n_eff`` (Kish effective sample size) and ``n_psu`` (PSUs with respondents in
        the domain)."""
        return self.table.copy()

    def __len__(self) -> int:
        return len(self.table)

    def __repr__(self) -> str:
        return (
            f"Estimate({self.statistic}, variables={list(self.variables)}, by={list(self.by)}, "
            f"rows={len(self.table)}, df={self.df})\n{self.table.to_string(max_rows=20)}"
        )
