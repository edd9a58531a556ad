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
from survey_kit.estimate.estimators import df_notes, t_quantiles


def check_level(level: float) -> None:
    """Raise EstimationError unless ``0 < level < 1``."""
    if not 0 < level < 1:
        raise EstimationError(f"level={level!r} must be between 0 and 1, e.g. 0.95")


def wald_limits(estimate: np.ndarray, se: np.ndarray, df: np.ndarray | float, level: float
                ) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric t intervals ``estimate -/+ t(df) se`` (NaN where ``df < 1``)."""
    q = t_quantiles(level, df)
    return estimate - q * se, estimate + q * se


def domain_frame(variables: Sequence[str], keys: pd.DataFrame, columns: dict[str, np.ndarray]
                 ) -> pd.DataFrame:
    """``variable, <by columns>`` for ``V x D`` rows (variable-major), then ``columns`` (and
    the ``note`` of rows without df when ``columns`` has ``df``)."""
    V, D = len(variables), len(keys)
    table = pd.DataFrame({"variable": np.repeat(np.asarray(variables, dtype=object), D)})
    for col in keys.columns:
        table[col] = np.tile(keys[col].to_numpy(), V)
    for name, values in columns.items():
        table[name] = np.asarray(values).ravel()
    if "df" in columns:
        table["note"] = df_notes(table["df"].to_numpy())
    return table
