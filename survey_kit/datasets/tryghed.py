"""The demo tryghedsmåling: both rounds, three groups, panel, answers to every item."""

from __future__ import annotations

import numpy as np
import pandas as pd

from survey_kit.datasets.answers import add_missing, draw_codes, item_models
from survey_kit.datasets.frame import Frame
from survey_kit.datasets.latent import (
    cluster_effects,
    group_year_values,
    latent_scores,
    person_terms,
)
from survey_kit.datasets.params import HEADLINE_SHIFTS
from survey_kit.datasets.people import person_attributes
from survey_kit.datasets.sampling import (
    GROSS_SAMPLE,
    combined_weights,
    panel_followup,
    respond,
    sample_areas,
    sample_two_stage,
)
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


def _round_2021(frame: Frame, hp_2018: pd.DataFrame, stable_2018: np.ndarray,
                dims: int, rng: np.random.Generator, psu_key: int):
    stays = panel_followup(hp_2018, rng)
    keep = hp_2018["person_id"].isin(stays["person_id"]).to_numpy()
    stays_stable = stable_2018[keep]
    fresh = _gross(frame, "helhedsplan", 2021, rng, psu_key)
    weights = combined_weights(stays, fresh, frame)
    answered = respond(stays.assign(_row=np.arange(len(stays))), rng, panel=True)
    panel_stable = stays_stable[answered.pop("_row").to_numpy()]
    fresh_resp, fresh_stable = _new_respondents(fresh, dims, rng)
    hp = pd.concat([answered, fresh_resp], ignore_index=True)
    hp["design_weight"] = hp["stratum"].map(weights).to_numpy()
    others = [_new_respondents(_gross(frame, g, 2021, rng, psu_key), dims, rng)
              for g in ("almene", "befolkning")]
    people = [hp, *(p for p, _ in others)]
    stable = [np.vstack([panel_stable, fresh_stable]), *(s for _, s in others)]
    return people, stable


def simulate_tryghed(
    frame: Frame, questionnaire: Questionnaire, seed: np.random.SeedSequence
) -> pd.DataFrame:
    """Simulate respondents of 2018 and 2021 and their answers to every item.

    Returns one row per respondent and round; see :func:`load_demo` for the columns.
    """
    sample_rng, cluster_rng, latent_rng, answer_rng = (
        np.random.default_rng(s) for s in seed.spawn(4)
    )
    psu_key = int(sample_rng.integers(2**32))
    dim_ids = [d.id for d in questionnaire.dimensions]
    people_18, stable_18 = _round_2018(frame, len(dim_ids), sample_rng, psu_key)
    people_21, stable_21 = _round_2021(frame, people_18[0], stable_18[0], len(dim_ids),
                                       sample_rng, psu_key)
    people = pd.concat([*people_18, *people_21], ignore_index=True)
    stable = np.vstack([*stable_18, *stable_21])
    people = people.merge(cluster_effects(frame.units, cluster_rng), on="psu", how="left")
    eta = latent_scores(people, stable, dim_ids, latent_rng)
    answers = _answers(people, eta, questionnaire, answer_rng)
    return _tidy(people, answers)


def _answers(people: pd.DataFrame, eta: np.ndarray, questionnaire: Questionnaire,
             rng: np.random.Generator) -> pd.DataFrame:
    dim_ids = [d.id for d in questionnaire.dimensions]
    columns = {}
    for model in item_models(questionnaire):
        dim = dim_ids[model.dimension]
        location = eta[:, model.dimension].copy()
        if model.headline:
            location += group_year_values(people, HEADLINE_SHIFTS, dim)
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
