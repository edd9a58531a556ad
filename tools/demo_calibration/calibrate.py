"""Offline search for the tryghedsmåling generator parameters (not used at run time).

Run ``python tools/demo_calibration/calibrate.py [--refine K]`` from the repository root and
paste the printed dictionaries into :mod:`survey_kit.datasets.params`.  This tool lives
outside the installed package: it is used only to tune the generator's parameters.

Method.  For every group x round, a large pseudo-population is drawn from the frame
(people in proportion to the register cells, with their attributes, area effects and
person terms).  For each dimension ``d`` the headline item's location
``gamma + delta`` is solved so that the expected share positive equals the published
share (:mod:`survey_kit.datasets.targets`); then ``gamma`` is solved so that the
expected 0-1 dimension score (mean of the expected item scores) equals
:data:`DIMENSION_TARGETS`.  ``--refine K`` then simulates ``K`` demo data sets, rakes
them to the margins with :class:`survey_kit.Design`, and corrects the parameters by
the average remaining error (nonresponse that raking does not remove, the panel).
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import brentq
from scipy.special import ndtri

from survey_kit.datasets import livsmestring as lm
from survey_kit.datasets import params
from survey_kit.datasets.answers import ItemModel, category_probabilities, item_models
from survey_kit.datasets.frame import Frame
from survey_kit.datasets.latent import cluster_effects, fixed_part
from survey_kit.datasets.people import person_attributes
from survey_kit.datasets.targets import ASSUMED_SHARES, LIVSMESTRING_SHARES, TRYGHED_SHARES
from survey_kit.spec import load_questionnaire
from survey_kit.spec.model import Questionnaire

CELLS: tuple[tuple[str, int], ...] = (
    ("helhedsplan", 2018), ("helhedsplan", 2021), ("befolkning", 2018),
    ("befolkning", 2021), ("almene", 2021),
)
DIMS = ("oplevet_tryghed", "social_sammenhaengskraft", "kollektiv_handlekraft", "tillid",
        "tilfredshed", "livskvalitet")
_LEVELS: dict[tuple[str, int], tuple[float, ...]] = {
    ("helhedsplan", 2018): (0.600, 0.450, 0.420, 0.550, 0.560, 0.620),
    ("helhedsplan", 2021): (0.600, 0.425, 0.420, 0.580, 0.600, 0.645),
    ("befolkning", 2018): (0.700, 0.550, 0.550, 0.620, 0.660, 0.645),
    ("befolkning", 2021): (0.720, 0.550, 0.550, 0.645, 0.690, 0.645),
    ("almene", 2021): (0.600, 0.425, 0.470, 0.580, 0.630, 0.645),
}
DIMENSION_TARGETS: dict[tuple[str, str, int], float] = {
    (dim, group, year): level
    for (group, year), levels in _LEVELS.items()
    for dim, level in zip(DIMS, levels, strict=True)
}
"""Expected 0-1 dimension scores, chosen to encode the published conclusions (FACTS.md):
helhedsplan 2018 averages 0.533; 2018->2021 helhedsplan tillid, tilfredshed, livskvalitet
up, sammenhængskraft down, tryghed and handlekraft equal; befolkning tillid and
tilfredshed up, livskvalitet equal; 2021 helhedsplan = almene except tilfredshed and
handlekraft; almene below befolkning on all but livskvalitet (equal)."""

POPULATION_SIZE = 60_000
PERSON_GRID = 2000


def pseudo_population(
    frame: Frame, group: str, year: int, rng: np.random.Generator
) -> pd.DataFrame:
    """``POPULATION_SIZE`` adults drawn in proportion to the register cells of a group."""
    cells = frame.cells[frame.cells["year"] == year].merge(frame.units[["psu", "group"]])
    cells = cells[cells["group"] == group].reset_index(drop=True)
    counts = rng.multinomial(POPULATION_SIZE, cells["count"] / cells["count"].sum())
    people = cells.loc[np.repeat(cells.index, counts)].reset_index(drop=True)
    people = person_attributes(people.drop(columns="count"), rng)
    effects = cluster_effects(frame.units, rng)
    return people.merge(effects, on="psu", how="left")


def base_latent(people: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Latent scores without the group x round level (``gamma`` = 0)."""
    saved = dict(params.GROUP_YEAR_LEVELS)
    params.GROUP_YEAR_LEVELS.clear()
    try:
        fixed = fixed_part(people, DIMS)
    finally:
        params.GROUP_YEAR_LEVELS.update(saved)
    person = rng.standard_normal(fixed.shape)
    return fixed + people["cluster_effect"].to_numpy()[:, None] + person


def expected_score(model: ItemModel, location: np.ndarray) -> float:
    """Expected 0-1 item score at ``location`` (mean over people)."""
    probs = category_probabilities(model, location)
    ranks = np.arange(probs.shape[1]) / (probs.shape[1] - 1)
    return float((probs @ ranks).mean())


def expected_share(model: ItemModel, location: np.ndarray) -> float:
    """Expected share of positive answers at ``location``."""
    return float(category_probabilities(model, location)[:, model.positive_ranks].sum(1).mean())


def solve_dimension(
    models: list[ItemModel], eta: np.ndarray, share: float | None, level: float
) -> tuple[float, float]:
    """``(gamma, delta)`` for one dimension in one group x round."""
    headline = next((m for m in models if m.headline), None)
    shift = 0.0
    if headline is not None and share is not None:
        shift = brentq(lambda x: expected_share(headline, eta + x) - share / 100, -6, 6)

    def score(gamma: float) -> float:
        parts = [expected_score(m, eta + (shift if m.headline else gamma)) for m in models]
        return float(np.mean(parts)) - level

    gamma = brentq(score, -6, 6)
    return gamma, (shift - gamma if headline is not None else 0.0)


def analytic_solution(
    frame: Frame, questionnaire: Questionnaire, seed: int = 7
) -> tuple[dict[tuple[str, str, int], float], dict[tuple[str, str, int], float]]:
    """Solve every ``gamma`` and ``delta`` on the pseudo-populations."""
    rng = np.random.default_rng(seed)
    models = item_models(questionnaire)
    dim_ids = [d.id for d in questionnaire.dimensions]
    levels, shifts = {}, {}
    shares = {**TRYGHED_SHARES, **ASSUMED_SHARES}
    for group, year in CELLS:
        people = pseudo_population(frame, group, year, rng)
        eta = base_latent(people, rng)
        for d, dim in enumerate(dim_ids):
            key = (dim, group, year)
            in_dim = [m for m in models if m.dimension == d]
            gamma, delta = solve_dimension(
                in_dim, eta[:, DIMS.index(dim)], shares.get(key), DIMENSION_TARGETS[key]
            )
            levels[key], shifts[key] = round(gamma, 4), round(delta, 4)
    return levels, shifts


def livsmestring_levels(questionnaire: Questionnaire) -> dict[tuple[str, str], float]:
    """Latent levels per (dimension, subgroup) giving the published livsmestring shares.

    Within a subgroup the headline item's response is a two-class normal mixture; the
    person term is integrated out on a grid of normal quantiles.
    """
    person = ndtri((np.arange(PERSON_GRID) + 0.5) / PERSON_GRID)
    models = item_models(questionnaire)
    dim_ids = [d.id for d in questionnaire.dimensions]
    headline = {dim_ids[m.dimension]: m for m in models if m.headline}
    out = {}
    for (dim, group), share in LIVSMESTRING_SHARES.items():
        model = headline[dim]

        def gap(level: float, model: ItemModel = model, share: float = share) -> float:
            probs = [
                category_probabilities(model, level + shift + person)[:, model.positive_ranks]
                .sum(1).mean()
                for shift in (0.0, lm.LOW_CLASS_SHIFT)
            ]
            mix = (1 - lm.LOW_CLASS_SHARE) * probs[0] + lm.LOW_CLASS_SHARE * probs[1]
            return float(mix) - share / 100

        out[(dim, group)] = round(brentq(gap, -6, 6), 4)
    return out


def main() -> None:
    """Print the calibrated parameter dictionaries."""
    from survey_kit.datasets.demo import DEFAULT_SEED, build_demo_frame

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--refine", type=int, default=0, help="simulated data sets to refine on")
    args = parser.parse_args()
    q = load_questionnaire("tryghed_trivsel")
    frame = build_demo_frame(DEFAULT_SEED)
    levels, shifts = analytic_solution(frame, q)
    params.GROUP_YEAR_LEVELS.update(levels)
    params.HEADLINE_SHIFTS.update(shifts)
    if args.refine:
        from refine import refine  # the sibling module of this tool

        refine(args.refine, DIMENSION_TARGETS)
    _print("LEVELS", livsmestring_levels(load_questionnaire("livsmestring")))
    _print("GROUP_YEAR_LEVELS", params.GROUP_YEAR_LEVELS)
    _print("HEADLINE_SHIFTS", params.HEADLINE_SHIFTS)


def _print(name: str, values: Mapping[Any, float]) -> None:
    """Print a dictionary as Python source, one entry per line."""
    print(f"{name} = {{")
    for key, value in values.items():
        print(f"    {key!r}: {value!r},")
    print("}")


if __name__ == "__main__":
    main()
