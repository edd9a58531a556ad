"""Checking and factorising the design columns (weights, strata, PSUs, fpc) once."""

from __future__ import annotations

import numpy as np
import pandas as pd

from survey_kit.errors import DesignError
from survey_kit.estimate.variance import LONELY_PSU_RULES, VarianceEngine


def _column(df: pd.DataFrame, name: str, role: str) -> pd.Series:
    if name not in df.columns:
        shown = ", ".join(map(str, df.columns[:12])) + (", ..." if len(df.columns) > 12 else "")
        raise DesignError(f"{role} column {name!r} is not in the data (columns: {shown})")
    return df[name]


def _first_bad_row(mask: np.ndarray, index: pd.Index) -> str:
    pos = int(np.flatnonzero(mask)[0])
    return f"row {index[pos]!r} (position {pos})"


def check_weights(df: pd.DataFrame, weight: str | None) -> np.ndarray:
    """Return the weights as floats, or raise DesignError naming the first bad row."""
    if weight is None:
        return np.ones(len(df))
    col = _column(df, weight, "weight")
    values = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values)
    if bad.any():
        first = col.iloc[int(np.flatnonzero(bad)[0])]
        raise DesignError(
            f"weight column {weight!r}: {int(bad.sum())} value(s) are missing or not numbers, "
            f"first at {_first_bad_row(bad, df.index)} (value {first!r}); "
            "every respondent needs a finite weight"
        )
    negative = values < 0
    if negative.any():
        raise DesignError(
            f"weight column {weight!r}: {int(negative.sum())} negative weight(s), first at "
            f"{_first_bad_row(negative, df.index)}; weights must be zero or positive"
        )
    return values


def _codes(df: pd.DataFrame, name: str | None, role: str) -> tuple[np.ndarray, np.ndarray]:
    """Sorted factor codes of a design column (all rows in one level when ``name`` is None)."""
    if name is None:
        return np.zeros(len(df), dtype=np.int64), np.array(["(all)"], dtype=object)
    col = _column(df, name, role)
    missing = col.isna().to_numpy()
    if missing.any():
        raise DesignError(
            f"{role} column {name!r}: {int(missing.sum())} missing value(s), first at "
            f"{_first_bad_row(missing, df.index)}; every respondent needs a {role}"
        )
    codes, uniques = pd.factorize(col, sort=True)
    return codes.astype(np.int64), np.asarray(uniques, dtype=object)


def _fpc_fraction(
    df: pd.DataFrame, fpc: str | None, stratum: np.ndarray, n_psu_h: np.ndarray, labels: np.ndarray
) -> np.ndarray:
    """``f_h = (N_h - n_h) / N_h`` per stratum from a count or sampling-fraction column."""
    H = n_psu_h.shape[0]
    if fpc is None:
        return np.ones(H)
    values = pd.to_numeric(_column(df, fpc, "fpc"), errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values) | (values <= 0)
    if bad.any():
        raise DesignError(
            f"fpc column {fpc!r}: value {values[np.flatnonzero(bad)[0]]!r} at "
            f"{_first_bad_row(bad, df.index)} is not a positive number"
        )
    lo = np.full(H, np.inf)
    hi = np.full(H, -np.inf)
    np.minimum.at(lo, stratum, values)
    np.maximum.at(hi, stratum, values)
    varying = hi - lo > 1e-9 * np.maximum(1.0, np.abs(hi))
    if varying.any():
        h = int(np.flatnonzero(varying)[0])
        raise DesignError(
            f"fpc column {fpc!r} varies within stratum {labels[h]!r} ({lo[h]:g} to {hi[h]:g}); "
            "it must be one population count or sampling fraction per stratum"
        )
    if np.all(hi <= 1.0):
        population = n_psu_h / hi  # sampling fractions, as R: popsize = n / fraction
    else:
        population = hi
        short = population < n_psu_h - 1e-9
        if short.any():
            h = int(np.flatnonzero(short)[0])
            raise DesignError(
                f"fpc column {fpc!r}: stratum {labels[h]!r} has population size {population[h]:g} "
                f"but {int(n_psu_h[h])} sampled PSUs; the population count must be at least the "
                "sample count"
            )
    return (population - n_psu_h) / population


def build_engine(
    df: pd.DataFrame,
    strata: str | None,
    psu: str | None,
    fpc: str | None,
    lonely_psu: str,
) -> tuple[VarianceEngine, np.ndarray, np.ndarray]:
    """Factorise strata and PSUs (nested in strata) into a :class:`VarianceEngine`.

    Returns the engine, the stratum code per row and the stratum labels.
    """
    if lonely_psu not in LONELY_PSU_RULES:
        raise DesignError(
            f"lonely_psu={lonely_psu!r} is not a known rule; expected one of "
            f"{', '.join(LONELY_PSU_RULES)}"
        )
    stratum, labels = _codes(df, strata, "strata")
    if psu is None:
        psu_key = np.arange(len(df), dtype=np.int64)
    else:
        psu_key, _ = _codes(df, psu, "psu")
    # PSUs nested in strata: number (stratum, psu) pairs in stratum order.
    combined = stratum * (int(psu_key.max()) + 1 if len(df) else 1) + psu_key
    uniq, psu_code = np.unique(combined, return_inverse=True)
    psu_stratum = (uniq // (int(psu_key.max()) + 1 if len(df) else 1)).astype(np.int64)
    n_psu_h = np.bincount(psu_stratum, minlength=labels.shape[0]).astype(float)
    lonely = np.flatnonzero(n_psu_h == 1)
    if lonely.size and lonely_psu == "fail":
        names = ", ".join(repr(labels[h]) for h in lonely[:5])
        raise DesignError(
            f"stratum {names} has only one PSU{' (and more)' if lonely.size > 5 else ''}; "
            "a variance needs two PSUs per stratum: merge the stratum with a similar one, or "
            "choose lonely_psu='remove', 'adjust', 'certainty' or 'average'"
        )
    fraction = _fpc_fraction(df, fpc, stratum, n_psu_h, labels)
    engine = VarianceEngine(
        psu=psu_code.astype(np.int64),
        psu_stratum=psu_stratum,
        fpc_fraction=fraction,
        lonely_psu=lonely_psu,
    )
    return engine, stratum, labels
