"""Tidy tables of domain estimates with per-row degrees of freedom (t intervals).

Shared by the ratio, quantile and replicate-weight estimators: every row carries its own
``df`` (the domain's, as R's ``degf`` of the domain subset); a row with ``df < 1`` gets NaN
interval limits.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from survey_kit.errors import EstimationError
from survey_kit.estimate.distributions import t_ppf
from survey_kit.estimate.estimators import proportion_ci


def check_level(level: float) -> None:
    """Raise EstimationError unless ``0 < level < 1``."""
    if not 0 < level < 1:
        raise EstimationError(f"level={level!r} must be between 0 and 1, e.g. 0.95")


def t_quantiles(level: float, df: np.ndarray | float) -> np.ndarray:
    """``t(0.5 + level / 2, df)`` per row (normal for infinite df, NaN for df < 1)."""
    check_level(level)
    df = np.asarray(df, dtype=float)
    ok = df >= 1
    q = t_ppf(0.5 + level / 2, np.where(ok, df, 1.0))
    return np.where(ok, q, np.nan)


def wald_limits(estimate: np.ndarray, se: np.ndarray, df: np.ndarray | float, level: float
                ) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric t intervals ``estimate -/+ t(df) se``."""
    q = t_quantiles(level, df)
    return estimate - q * se, estimate + q * se


def proportion_limits(p: np.ndarray, se: np.ndarray, df: np.ndarray, level: float,
                      method: str, n_rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`~survey_kit.estimate.estimators.proportion_ci` with a df per row."""
    low = np.full(p.shape, np.nan)
    high = np.full(p.shape, np.nan)
    df = np.asarray(df, dtype=float)
    for value in np.unique(df[df >= 1]):
        rows = df == value
        dfv = int(value) if np.isfinite(value) else value
        low[rows], high[rows] = proportion_ci(p[rows], se[rows], dfv, level, method,
                                              n_rows[rows])
    return low, high


def domain_frame(variables: Sequence[str], keys: pd.DataFrame, columns: dict[str, np.ndarray]
                 ) -> pd.DataFrame:
    """``variable, <by columns>`` for ``V x D`` rows (variable-major), then ``columns``."""
    V, D = len(variables), len(keys)
    table = pd.DataFrame({"variable": np.repeat(np.asarray(variables, dtype=object), D)})
    for col in keys.columns:
        table[col] = np.tile(keys[col].to_numpy(), V)
    for name, values in columns.items():
        table[name] = np.asarray(values).ravel()
    return table
