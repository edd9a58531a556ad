"""Quantiles and tail probabilities of the t, F, chi-square and beta distributions.

Thin wrappers over ``scipy.special`` (the functions ``scipy.stats`` itself calls), so that
importing survey_kit does not pay for ``scipy.stats``.

Examples
--------
>>> round(float(t_ppf(0.975, 10)), 6), round(float(t_sf(2.228139, 10)), 6)
(2.228139, 0.025)
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import special

Number = Any  # float or ndarray


def t_ppf(q: Number, df: Number) -> Any:
    """Quantile of Student's t (the normal quantile for infinite df)."""
    df = np.asarray(df, dtype=float)
    return np.where(np.isinf(df), special.ndtri(q), special.stdtrit(np.where(
        np.isinf(df), 1.0, df), q))


def t_sf(x: Number, df: Number) -> Any:
    """Upper tail probability of Student's t."""
    df = np.asarray(df, dtype=float)
    return np.where(np.isinf(df), special.ndtr(-np.asarray(x, dtype=float)),
                    special.stdtr(np.where(np.isinf(df), 1.0, df), -np.asarray(x, dtype=float)))


def f_sf(x: Number, dfn: Number, dfd: Number) -> Any:
    """Upper tail probability of the F distribution."""
    return special.fdtrc(dfn, dfd, x)


def chi2_sf(x: Number, df: Number) -> Any:
    """Upper tail probability of the chi-square distribution."""
    return special.chdtrc(df, x)


def beta_ppf(q: Number, a: Number, b: Number) -> Any:
    """Quantile of the beta distribution."""
    return special.betaincinv(a, b, q)
