"""Person-level latent dimension scores of the demo tryghedsmåling.

For person ``i`` and dimension ``d`` in group ``g`` and round ``y``::

    eta[i, d] = x_i' beta_d + gamma[d, g, y] + AREA_SD * a[area] + PSU_SD * p[psu] + u[i, d]
    u[i, d]   = sqrt(STABLE_SHARE) * s[i, d] + sqrt(1 - STABLE_SHARE) * o[i, d, y]

``beta`` (:data:`PERSON_EFFECTS`) carries the directions reported by VIVE, ``gamma``
the calibrated group x round levels, ``a`` and ``p`` are small area and PSU effects that
persist between rounds, and ``s`` (stable) and ``o`` (occasion) are standard normal
person terms correlated across dimensions through a common factor.  A panel member
keeps ``s`` between rounds, so answers in 2018 and 2021 are correlated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from survey_kit.datasets.params import GROUP_YEAR_LEVELS, HEADLINE_SHIFTS

PERSON_EFFECTS: dict[str, dict[str, float]] = {
    "oplevet_tryghed": {"kvinde": -0.30, "65+": 0.05, "children": 0.25,
                        "grundskole": -0.05, "ikke-vestlig": -0.30, "years_over_8": 0.05},
    "social_sammenhaengskraft": {"18-29": -0.05, "50-64": -0.10, "65+": -0.40,
                                 "children": 0.30, "ikke-vestlig": 0.30, "years_over_8": 0.10},
    "kollektiv_handlekraft": {"18-29": -0.10, "65+": -0.40, "children": 0.30,
                              "ikke-vestlig": -0.30, "videregående": 0.10},
    "tillid": {"65+": 0.10, "children": -0.25, "grundskole": -0.30,
               "videregående": 0.20, "ikke-vestlig": -0.25},
    "tilfredshed": {"65+": 0.10, "grundskole": -0.25, "ikke-vestlig": -0.25,
                    "years_over_8": 0.35},
    "livskvalitet": {"65+": -0.05, "children": 0.10, "grundskole": -0.30,
                     "videregående": 0.10, "ikke-vestlig": -0.30},
}
"""Person effects in standard deviations of the person term, relative to a man aged
30-49 of Danish origin with a gymnasial/erhvervsfaglig education, no children in the
household and at most 8 years in the area (FACTS.md, "differences follow people")."""

AREA_SD = 0.10
"""Standard deviation of the area effect shared by all dimensions (helhedsplan areas)."""
PSU_SD = 0.05
"""Standard deviation of the afdeling / municipality-cluster effect."""
STABLE_SHARE = 0.6
"""Share of the person term that persists between rounds (panel correlation)."""
FACTOR_SHARE = 0.3
"""Share of the person term common to all dimensions (correlation between dimensions)."""


def design_matrix(people: pd.DataFrame) -> pd.DataFrame:
    """0/1 indicators of the person attributes named in :data:`PERSON_EFFECTS`."""
    age = people["age_group"].to_numpy()
    return pd.DataFrame(
        {
            "kvinde": people["gender"].to_numpy() == "kvinde",
            "18-29": age == "18-29",
            "50-64": age == "50-64",
            "65+": age == "65+",
            "children": people["children"].to_numpy(dtype=bool),
            "grundskole": people["education"].to_numpy() == "grundskole",
            "videregående": people["education"].to_numpy() == "videregående",
            "ikke-vestlig": people["herkomst"].to_numpy() == "ikke-vestlig",
            "years_over_8": people["years_in_area"].to_numpy() > 8,
        },
        index=people.index,
    ).astype(float)


def person_terms(n: int, dims: int, rng: np.random.Generator) -> np.ndarray:
    """Standard normal person terms, correlated ``FACTOR_SHARE`` across dimensions."""
    common = rng.standard_normal((n, 1))
    own = rng.standard_normal((n, dims))
    return np.sqrt(FACTOR_SHARE) * common + np.sqrt(1.0 - FACTOR_SHARE) * own


@dataclass(frozen=True)
class LatentModel:
    """The fixed parameters of the latent scores: person effects ``beta``
    (:data:`PERSON_EFFECTS`), group x round levels ``gamma``
    (:data:`~survey_kit.datasets.params.GROUP_YEAR_LEVELS`) and the headline items' shifts
    (:data:`~survey_kit.datasets.params.HEADLINE_SHIFTS`).  The default is the demo's."""

    person_effects: Mapping[str, Mapping[str, float]] = field(
        default_factory=lambda: PERSON_EFFECTS)
    levels: Mapping[tuple[str, str, int], float] = field(
        default_factory=lambda: GROUP_YEAR_LEVELS)
    shifts: Mapping[tuple[str, str, int], float] = field(
        default_factory=lambda: HEADLINE_SHIFTS)

    def null(self) -> LatentModel:
        """The same model without any true difference between areas, groups or rounds:
        no person effects (so composition does not matter), and every group and round at
        the helhedsplan 2018 level and headline shift of each dimension.

        Examples
        --------
        >>> null = LatentModel().null()
        >>> len({v for (d, g, y), v in null.levels.items() if d == "tillid"})
        1
        """
        def flat(table: Mapping[tuple[str, str, int], float]) -> dict[tuple[str, str, int],
                                                                       float]:
            base = {d: v for (d, g, y), v in table.items() if (g, y) == ("helhedsplan", 2018)}
            return {(d, g, y): base.get(d, 0.0) for (d, g, y) in table}

        return LatentModel({}, flat(self.levels), flat(self.shifts))


def person_part(people: pd.DataFrame, dims: Sequence[str],
                model: LatentModel | None = None) -> np.ndarray:
    """``x' beta`` for every person (rows) and dimension (columns)."""
    effects = (model or LatentModel()).person_effects
    x = design_matrix(people)
    out = np.zeros((len(people), len(dims)))
    for d, dim in enumerate(dims):
        for name, effect in effects.get(dim, {}).items():
            out[:, d] += effect * x[name].to_numpy()
    return out


def fixed_part(people: pd.DataFrame, dims: Sequence[str],
               model: LatentModel | None = None) -> np.ndarray:
    """``x' beta + gamma`` for every person (rows) and dimension (columns)."""
    model = model or LatentModel()
    out = person_part(people, dims, model)
    for d, dim in enumerate(dims):
        out[:, d] += group_year_values(people, model.levels, dim)
    return out


def person_sd() -> float:
    """Standard deviation of the person term ``u`` (stable and occasion parts together)."""
    common = FACTOR_SHARE + (1.0 - FACTOR_SHARE)
    return float(np.sqrt(STABLE_SHARE * common + (1.0 - STABLE_SHARE) * common))


def group_year_values(
    people: pd.DataFrame, table: Mapping[tuple[str, str, int], float], dim: str
) -> np.ndarray:
    """``table[dim, group, year]`` for every person (0 where the table has no entry)."""
    groups, group_names = pd.factorize(people["group"])
    years, year_names = pd.factorize(people["year"])
    values = np.array(
        [[table.get((dim, str(g), int(y)), 0.0) for y in year_names] for g in group_names]
    )
    return values.reshape(len(group_names), len(year_names))[groups, years]


def cluster_effects(units: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Area and PSU effects (in latent units) for every PSU of the frame."""
    areas = pd.unique(units["area"])
    area_effect = pd.Series(AREA_SD * rng.standard_normal(len(areas)), index=areas)
    psu_effect = PSU_SD * rng.standard_normal(len(units))
    total = units["area"].map(area_effect).to_numpy() + psu_effect
    return pd.DataFrame({"psu": units["psu"].to_numpy(), "cluster_effect": total})


def latent_scores(
    people: pd.DataFrame, stable: np.ndarray, dims: Sequence[str], rng: np.random.Generator,
    model: LatentModel | None = None,
) -> np.ndarray:
    """Latent scores (persons x dimensions) for one round.

    ``people`` needs the attribute columns, ``group``, ``year`` and ``cluster_effect``;
    ``stable`` holds each person's stable terms (kept for panel members).
    """
    occasion = person_terms(len(people), len(dims), rng)
    person = np.sqrt(STABLE_SHARE) * stable + np.sqrt(1.0 - STABLE_SHARE) * occasion
    cluster = people["cluster_effect"].to_numpy()[:, None]
    return fixed_part(people, dims, model) + cluster + person
