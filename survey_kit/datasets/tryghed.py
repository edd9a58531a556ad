"""The demo tryghedsmåling: 2018, 2021 (and later rounds), three groups, panel, answers."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from survey_kit.datasets.answers import add_missing, draw_codes, item_models
from survey_kit.datasets.frame import YEARS, Frame
from survey_kit.datasets.latent import (
    LatentModel,
    cluster_effects,
    group_year_values,
    latent_scores,
    person_terms,
)
from survey_kit.datasets.people import person_attributes
from survey_kit.datasets.sampling import (
    GROSS_SAMPLE,
    combined_weights,
    panel_followup,
    respond,
    sample_areas,
    sample_two_stage,
)
from survey_kit.errors import SurveyKitError
from survey_kit.spec.model import Questionnaire

GROUP_CODES = {"helhedsplan": "HP", "almene": "AL", "befolkning": "BE"}
FRONT_COLUMNS = (
    "resp_id", "person_id", "year", "group", "area", "stratum", "psu", "design_weight",
    "gender", "age_group", "menapt", "herkomst", "age", "education", "children",
    "years_in_area", "panel", "region",
)


PSU_SEEDS = {"almene": 1, "befolkning": 2}
"""First-stage seeds per group: the same municipality clusters are used in both rounds."""


def _gross(
    frame: Frame, group: str, year: int, rng: np.random.Generator, psu_key: int
) -> pd.DataFrame:
    total = GROSS_SAMPLE[(group, year)]
    if group == "helhedsplan":
        people = sample_areas(frame, year, total, rng)
    else:
        psu_rng = np.random.default_rng([psu_key, PSU_SEEDS[group]])
        people = sample_two_stage(frame, group, year, total, rng, psu_rng)
    people["year"] = year
    people["design_weight"] = 1.0 / people.pop("inclusion")
    people["panel"] = False
    return person_attributes(people, rng)


def _new_respondents(
    gross: pd.DataFrame, dims: int, rng: np.random.Generator
) -> tuple[pd.DataFrame, np.ndarray]:
    """Respondents among ``gross``, with person ids and their stable person terms."""
    out = respond(gross, rng)
    group, year = out["group"].iloc[0], int(out["year"].iloc[0])
    prefix = f"{GROUP_CODES[group]}{year % 100:02d}"
    out["person_id"] = [f"{prefix}-{k:05d}" for k in range(1, len(out) + 1)]
    return out, person_terms(len(out), dims, rng)


def _round_2018(frame: Frame, dims: int, rng: np.random.Generator, psu_key: int):
    parts = [_new_respondents(_gross(frame, g, 2018, rng, psu_key), dims, rng)
             for g in ("helhedsplan", "befolkning")]
    return [p for p, _ in parts], [s for _, s in parts]


def _later_round(frame: Frame, year: int, hp_before: pd.DataFrame, stable_before: np.ndarray,
                 dims: int, rng: np.random.Generator, psu_key: int, tenure_grows: bool):
    """A round after 2018: the helhedsplan panel of the previous round's respondents who
    stayed, topped up by a fresh sample, and fresh samples of almene and befolkning."""
    stays = panel_followup(hp_before, rng, year, tenure_grows)
    keep = hp_before["person_id"].isin(stays["person_id"]).to_numpy()
    stays_stable = stable_before[keep]
    fresh = _gross(frame, "helhedsplan", year, rng, psu_key)
    weights = combined_weights(stays, fresh, frame, year)
    answered = respond(stays.assign(_row=np.arange(len(stays))), rng, panel=True)
    panel_stable = stays_stable[answered.pop("_row").to_numpy()]
    fresh_resp, fresh_stable = _new_respondents(fresh, dims, rng)
    hp = pd.concat([answered, fresh_resp], ignore_index=True)
    hp["design_weight"] = hp["stratum"].map(weights).to_numpy()
    others = [_new_respondents(_gross(frame, g, year, rng, psu_key), dims, rng)
              for g in ("almene", "befolkning")]
    people = [hp, *(p for p, _ in others)]
    stable = [np.vstack([panel_stable, fresh_stable]), *(s for _, s in others)]
    return people, stable


def _child(seed: np.random.SeedSequence, i: int) -> np.random.Generator:
    """A generator on child ``i`` of ``seed`` (as ``seed.spawn`` would give it, whatever
    ``seed`` has spawned before)."""
    key = (*seed.spawn_key, i)
    return np.random.default_rng(
        np.random.SeedSequence(seed.entropy, spawn_key=key, pool_size=seed.pool_size)
    )


def simulate_tryghed(
    frame: Frame, questionnaire: Questionnaire, seed: np.random.SeedSequence,
    effects: pd.DataFrame | None = None, rounds: Sequence[int] = YEARS,
    panel_tenure_grows: bool = True, model: LatentModel | None = None,
) -> pd.DataFrame:
    """Simulate respondents of every round and their answers to every item.

    Returns one row per respondent and round; see :func:`load_demo` for the columns.

    Parameters
    ----------
    frame
        The population frame; it must hold the cells of every round in ``rounds``.
    questionnaire
        The spec whose items are answered.
    seed
        Children 0-3 draw the samples, the area and PSU effects (unless ``effects`` is
        given), the person terms and the answers of 2018 and 2021; children ``4 + 3k``
        to ``6 + 3k`` do the same for the ``k``-th round after 2021.
    effects
        ``psu, cluster_effect``: the area + PSU effects of a fixed population.
    rounds
        2018, 2021 and optionally later rounds (each with a panel of the previous
        round's helhedsplan respondents).
    panel_tenure_grows
        Whether panel members' years in the area grow between rounds
        (:func:`~survey_kit.datasets.sampling.panel_followup`).
    model
        The latent model's fixed parameters (default: the demo's).
    """
    model = model or LatentModel()
    later = _later_rounds(frame, rounds)
    sample_rng, cluster_rng, latent_rng, answer_rng = (_child(seed, i) for i in range(4))
    if effects is None:
        effects = cluster_effects(frame.units, cluster_rng)
    psu_key = int(sample_rng.integers(2**32))
    dim_ids = [d.id for d in questionnaire.dimensions]
    people_18, stable_18 = _round_2018(frame, len(dim_ids), sample_rng, psu_key)
    people_21, stable_21 = _later_round(frame, 2021, people_18[0], stable_18[0], len(dim_ids),
                                        sample_rng, psu_key, panel_tenure_grows)
    parts = [_answered([*people_18, *people_21], [*stable_18, *stable_21], effects,
                       questionnaire, latent_rng, answer_rng, model)]
    hp, stable = people_21[0], stable_21[0]
    for k, year in enumerate(later):
        rngs = [_child(seed, 4 + 3 * k + i) for i in range(3)]
        people, stables = _later_round(frame, year, hp, stable, len(dim_ids), rngs[0], psu_key,
                                       panel_tenure_grows)
        parts.append(_answered(people, stables, effects, questionnaire, rngs[1], rngs[2],
                               model))
        hp, stable = people[0], stables[0]
    return _tidy(pd.concat([p for p, _ in parts], ignore_index=True),
                 pd.concat([a for _, a in parts], ignore_index=True))


def _later_rounds(frame: Frame, rounds: Sequence[int]) -> list[int]:
    """The rounds after 2021, checked: increasing and present in the frame."""
    rounds = [int(r) for r in rounds]
    later = rounds[len(YEARS):]
    in_frame = set(frame.cells["year"].unique().tolist())
    if tuple(rounds[: len(YEARS)]) != YEARS or later != sorted(set(later)) or (
            later and later[0] <= YEARS[-1]):
        raise SurveyKitError(f"rounds {rounds}: expected {list(YEARS)} followed by later years")
    missing = [r for r in later if r not in in_frame]
    if missing:
        raise SurveyKitError(f"rounds {missing} have no cells in the frame: add them first")
    return later


def _answered(people: list[pd.DataFrame], stable: list[np.ndarray], effects: pd.DataFrame,
              questionnaire: Questionnaire, latent_rng: np.random.Generator,
              answer_rng: np.random.Generator, model: LatentModel
              ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Latent scores and answers of the respondents of one or more rounds."""
    dim_ids = [d.id for d in questionnaire.dimensions]
    everyone = pd.concat(people, ignore_index=True)
    everyone = everyone.merge(effects, on="psu", how="left")
    eta = latent_scores(everyone, np.vstack(stable), dim_ids, latent_rng, model)
    return everyone, _answers(everyone, eta, questionnaire, answer_rng, model)


def _answers(people: pd.DataFrame, eta: np.ndarray, questionnaire: Questionnaire,
             rng: np.random.Generator, latent: LatentModel | None = None) -> pd.DataFrame:
    latent = latent or LatentModel()
    dim_ids = [d.id for d in questionnaire.dimensions]
    columns = {}
    for model in item_models(questionnaire):
        dim = dim_ids[model.dimension]
        location = eta[:, model.dimension].copy()
        if model.headline:
            location += group_year_values(people, latent.shifts, dim)
        codes = draw_codes(model, location, rng)
        columns[model.item.id] = add_missing(model, codes, dim, rng)
    return pd.DataFrame(columns, index=people.index)


def _tidy(people: pd.DataFrame, answers: pd.DataFrame) -> pd.DataFrame:
    out = people.copy()
    out["resp_id"] = out["person_id"] + "-" + out["year"].astype(str)
    out = pd.concat([out[list(FRONT_COLUMNS)], answers.astype(np.int64)], axis=1)
    out = out.sort_values(["year", "group", "resp_id"], kind="stable").reset_index(drop=True)
    out["year"] = out["year"].astype(np.int64)
    out["children"] = out["children"].astype(bool)
    return out
