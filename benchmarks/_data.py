"""Deterministic tryghedsmåling-shaped data for benchmarks (not the demo data: no items)."""

from __future__ import annotations

import numpy as np
import pandas as pd

DIMENSIONS = ("oplevet_tryghed", "social_sammenhaengskraft", "kollektiv_handlekraft", "tillid",
              "tilfredshed", "livskvalitet")
GROUPS = ("helhedsplan", "almene", "befolkning")


def make_scored(n: int, seed: int = 20181) -> pd.DataFrame:
    """``n`` respondents over both rounds and three groups with six dimension scores + index."""
    rng = np.random.default_rng(seed)
    group = rng.choice(3, n, p=[0.5, 0.25, 0.25])
    n_strata = np.array([66, 20, 5])
    stratum_in_group = rng.integers(0, n_strata[group])
    offset = np.concatenate(([0], np.cumsum(n_strata)[:-1]))
    stratum = offset[group] + stratum_in_group
    psu = stratum * 100 + rng.integers(0, 6, n)
    year = rng.choice([2018, 2021], n)
    gender = rng.choice(["kvinde", "mand"], n)
    age = rng.choice(["18-29", "30-49", "50-64", "65+"], n, p=[0.2, 0.35, 0.25, 0.2])
    menapt = rng.random(n) < np.array([0.35, 0.12, 0.04])[group]
    person = rng.normal(0, 0.12, n)
    data = {
        "resp_id": np.arange(n), "year": year, "group": np.asarray(GROUPS, dtype=object)[group],
        "stratum": stratum, "psu": psu, "design_weight": rng.uniform(5, 60, n),
        "gender": gender, "age_group": age, "menapt": menapt,
    }
    scores = []
    for k, dim in enumerate(DIMENSIONS):
        s = np.clip(0.5 + 0.05 * k - 0.04 * group + person + rng.normal(0, 0.15, n), 0, 1)
        s[rng.random(n) < 0.03] = np.nan
        data[dim] = s
        scores.append(s)
    data["index"] = np.nanmean(np.column_stack(scores), axis=1)
    return pd.DataFrame(data)


def make_margins(df: pd.DataFrame, variables: tuple[str, ...] = ("gender", "age_group", "menapt"),
                 scale: float = 1.1) -> pd.DataFrame:
    """Consistent raking targets per year x group: the weighted sample shares, perturbed."""
    rng = np.random.default_rng(7)
    rows = []
    for (year, group), part in df.groupby(["year", "group"]):
        total = part["design_weight"].sum() * scale
        for var in variables:
            shares = part.groupby(var)["design_weight"].sum()
            shares = shares * rng.uniform(0.9, 1.1, len(shares))
            shares = shares / shares.sum() * total
            for level, value in shares.items():
                rows.append((year, group, var, str(level), float(value)))
    return pd.DataFrame(rows, columns=["year", "group", "variable", "level", "total"])
