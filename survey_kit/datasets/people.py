"""Register attributes of sampled adults, drawn given their frame cell.

The frame stores adults by gender, age group and origin only; the attributes below are
attached when a person is drawn (as a register extract would), from distributions that
depend on the cell and the sampling group.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from survey_kit.datasets.frame import AGE_GROUPS

AGE_BOUNDS: dict[str, tuple[int, int]] = {
    "18-29": (18, 29),
    "30-49": (30, 49),
    "50-64": (50, 64),
    "65+": (65, 95),
}
EDUCATION_LEVELS: tuple[str, ...] = ("grundskole", "gymnasial-erhvervsfaglig", "videregående")
EDUCATION_SHARES: dict[str, tuple[float, float, float]] = {
    "helhedsplan": (0.42, 0.38, 0.20),
    "almene": (0.30, 0.45, 0.25),
    "befolkning": (0.20, 0.44, 0.36),
}
"""Highest completed education in each group (before the origin and age adjustment)."""
NON_WESTERN_EDUCATION_SHIFT = 0.10
"""Extra share with grundskole only among adults of ikke-vestlig origin (taken from the top)."""
OLD_EDUCATION_SHIFT = 0.08
"""Extra share with grundskole only among 65+ (taken from the top)."""
CHILDREN_PROB: dict[str, float] = {"18-29": 0.22, "30-49": 0.62, "50-64": 0.18, "65+": 0.02}
NON_WESTERN_CHILDREN_ODDS = 1.8
MEAN_YEARS_IN_AREA: dict[str, float] = {"18-29": 4.0, "30-49": 8.0, "50-64": 13.0, "65+": 20.0}


def person_attributes(
    people: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    """Add ``age, herkomst, menapt, education, children, years_in_area`` to sampled adults.

    ``people`` needs the columns ``group, gender, age_group, origin``.

    Examples
    --------
    >>> p = pd.DataFrame({"group": ["almene"] * 3, "gender": ["kvinde"] * 3,
    ...                   "age_group": ["18-29", "65+", "30-49"],
    ...                   "origin": ["dansk", "menapt", "vestlig"]})
    >>> out = person_attributes(p, np.random.default_rng(0))
    >>> out["herkomst"].tolist(), out["menapt"].tolist()
    (['dansk', 'ikke-vestlig', 'vestlig'], [False, True, False])
    """
    out = people.copy()
    age_group = out["age_group"].to_numpy()
    origin = out["origin"].to_numpy()
    non_western = np.isin(origin, ["ikke-vestlig", "menapt"])
    out["age"] = _ages(age_group, rng)
    out["herkomst"] = np.where(non_western, "ikke-vestlig", origin)
    out["menapt"] = origin == "menapt"
    out["education"] = _education(out["group"].to_numpy(), age_group, non_western, rng)
    out["children"] = _children(age_group, non_western, rng)
    out["years_in_area"] = _years_in_area(age_group, out["age"].to_numpy(), rng)
    return out


def age_group_of(age: np.ndarray) -> np.ndarray:
    """The age group label of each age (18+).

    Examples
    --------
    >>> age_group_of(np.array([18, 30, 64, 65])).tolist()
    ['18-29', '30-49', '50-64', '65+']
    """
    edges = np.array([AGE_BOUNDS[g][0] for g in AGE_GROUPS[1:]])
    return np.array(AGE_GROUPS, dtype=object)[np.searchsorted(edges, age, side="right")]


def _ages(age_group: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    ages = np.empty(len(age_group), dtype=np.int64)
    for group, (low, high) in AGE_BOUNDS.items():
        mask = age_group == group
        if group == "65+":
            tail = np.minimum(rng.exponential(9.0, mask.sum()), high - low)
            ages[mask] = low + np.floor(tail).astype(np.int64)
        else:
            ages[mask] = rng.integers(low, high + 1, mask.sum())
    return ages


def _education(
    group: np.ndarray, age_group: np.ndarray, non_western: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    probs = np.array([EDUCATION_SHARES[g] for g in group])
    shift = NON_WESTERN_EDUCATION_SHIFT * non_western + OLD_EDUCATION_SHIFT * (age_group == "65+")
    probs[:, 0] += shift
    probs[:, 2] -= shift
    cumulative = np.cumsum(probs, axis=1)
    u = rng.random(len(group))[:, None]
    return np.array(EDUCATION_LEVELS, dtype=object)[(u > cumulative[:, :-1]).sum(axis=1)]


def _children(
    age_group: np.ndarray, non_western: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    base = np.array([CHILDREN_PROB[g] for g in age_group])
    odds = base / (1.0 - base) * np.where(non_western, NON_WESTERN_CHILDREN_ODDS, 1.0)
    return rng.random(len(age_group)) < odds / (1.0 + odds)


def _years_in_area(age_group: np.ndarray, age: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    mean = np.array([MEAN_YEARS_IN_AREA[g] for g in age_group])
    years = np.floor(rng.exponential(mean)).astype(np.int64)
    return np.minimum(years, age - 18)
