"""The demo livsmestring survey: 1,229 youths aged 13-30 in boligsociale aktiviteter.

A simple random sample of participants (every weight 1: the published figures are plain
shares of the participants who answered).  Each youth belongs to one of two latent
classes: about 80 % do well across the board, about 20 % score low on every dimension
at once (``LOW_CLASS_SHIFT``).  Dimension levels differ by gender x MENAPT (loneliness,
life satisfaction), MENAPT (school) and MENAPT x age group (community), as published.
Items are answered through :mod:`survey_kit.datasets.answers`.

Variance reduction: within each gender x MENAPT x age cell the low class is assigned to
exactly its expected share, and every item's latent response is replaced by the
stratified quantile of its model distribution with the same rank (Latin hypercube
sampling, keeping the rank dependence between items).  At N = 1,229 this keeps the
Monte Carlo error of the published subgroup shares near one point instead of three.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtr

from survey_kit.datasets.answers import SIGMA_E, ItemModel, add_missing, item_models
from survey_kit.datasets.latent import person_terms
from survey_kit.spec.model import Questionnaire

N_YOUTHS = 1229
GIRL_SHARE = 0.50
MENAPT_SHARE = 0.59
YOUNG_SHARE = 0.45
"""Share aged 13-15 (the rest 16-30)."""
LOW_CLASS_SHARE = 0.20
LOW_CLASS_SHIFT = -2.2
BASE_LEVEL = 0.8
"""Latent level of dimensions without a published subgroup split (fravær, faglig)."""

LEVELS: dict[tuple[str, str], float] = {
    ('ensomhed', 'MENAPT piger'): 0.7045,
    ('ensomhed', 'MENAPT drenge'): 1.1134,
    ('ensomhed', 'ikke-MENAPT piger'): -0.6304,
    ('ensomhed', 'ikke-MENAPT drenge'): 0.4176,
    ('livstilfredshed', 'MENAPT piger'): 1.9316,
    ('livstilfredshed', 'MENAPT drenge'): 2.147,
    ('livstilfredshed', 'ikke-MENAPT piger'): 1.1501,
    ('livstilfredshed', 'ikke-MENAPT drenge'): 1.8346,
    ('skoleglaede', 'MENAPT'): 1.1894,
    ('skoleglaede', 'ikke-MENAPT'): 0.86,
    ('faellesskab', 'MENAPT 13-15'): 1.885,
    ('faellesskab', 'MENAPT 16-30'): 1.2736,
    ('faellesskab', 'ikke-MENAPT 13-15'): 1.2736,
    ('faellesskab', 'ikke-MENAPT 16-30'): 0.5279,
}
"""Calibrated latent level per (dimension, subgroup); subgroups as in
:data:`survey_kit.datasets.targets.LIVSMESTRING_SHARES`."""


def subgroup(dimension: str, girl: bool, menapt: bool, young: bool) -> str:
    """Name of the published subgroup that sets ``dimension``'s level for a youth.

    Examples
    --------
    >>> subgroup("ensomhed", True, False, True)
    'ikke-MENAPT piger'
    >>> subgroup("faellesskab", True, True, False)
    'MENAPT 16-30'
    """
    origin = "MENAPT" if menapt else "ikke-MENAPT"
    if dimension in ("ensomhed", "livstilfredshed"):
        return f"{origin} {'piger' if girl else 'drenge'}"
    if dimension == "skoleglaede":
        return origin
    if dimension == "faellesskab":
        return f"{origin} {'13-15' if young else '16-30'}"
    return "alle"


def _people(rng: np.random.Generator) -> pd.DataFrame:
    girl = rng.random(N_YOUTHS) < GIRL_SHARE
    menapt = rng.random(N_YOUTHS) < MENAPT_SHARE
    young = rng.random(N_YOUTHS) < YOUNG_SHARE
    age = np.where(young, rng.integers(13, 16, N_YOUTHS), rng.integers(16, 31, N_YOUTHS))
    return pd.DataFrame({
        "resp_id": [f"LM21-{k:04d}" for k in range(1, N_YOUTHS + 1)],
        "gender": np.where(girl, "pige", "dreng"),
        "age": age,
        "age_group": np.where(young, "13-15", "16-30"),
        "menapt": menapt,
    })


def _low_class(cells: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Exactly round(LOW_CLASS_SHARE * n) youths of each cell in the low class."""
    low = np.zeros(len(cells), dtype=bool)
    for cell in np.unique(cells):
        members = rng.permutation(np.flatnonzero(cells == cell))
        low[members[: round(LOW_CLASS_SHARE * len(members))]] = True
    return low


def level(dimension: str, girl: bool, menapt: bool, young: bool) -> float:
    """The calibrated latent level of a dimension for one kind of youth."""
    return LEVELS.get((dimension, subgroup(dimension, girl, menapt, young)), BASE_LEVEL)


def mixture_quantiles(location: float, u: np.ndarray) -> np.ndarray:
    """Quantiles of the item response ``y*`` for a cell (two-class normal mixture)."""
    scale = np.sqrt(1.0 + SIGMA_E**2)
    grid = np.linspace(location + LOW_CLASS_SHIFT - 6 * scale, location + 6 * scale, 4001)
    cdf = (1 - LOW_CLASS_SHARE) * ndtr((grid - location) / scale)
    cdf += LOW_CLASS_SHARE * ndtr((grid - location - LOW_CLASS_SHIFT) / scale)
    return np.interp(u, cdf, grid)


def _stratified(latent: np.ndarray, location: float, rng: np.random.Generator) -> np.ndarray:
    """Replace draws by model quantiles of the same rank (one stratum per draw)."""
    ranks = np.argsort(np.argsort(latent, kind="stable"), kind="stable")
    u = (ranks + rng.random(len(latent))) / len(latent)
    return mixture_quantiles(location, u)


def _item_codes(model: ItemModel, people: pd.DataFrame, eta: np.ndarray, cells: np.ndarray,
                dim: str, rng: np.random.Generator) -> np.ndarray:
    latent = eta + model.offset + SIGMA_E * rng.standard_normal(len(eta))
    for cell in np.unique(cells):
        members = np.flatnonzero(cells == cell)
        first = people.iloc[members[0]]
        loc = level(dim, first["gender"] == "pige", bool(first["menapt"]),
                    first["age_group"] == "13-15") + model.offset
        latent[members] = _stratified(latent[members], loc, rng)
    return model.codes[np.searchsorted(model.thresholds, latent)]


def simulate_livsmestring(
    questionnaire: Questionnaire, seed: np.random.SeedSequence
) -> pd.DataFrame:
    """Simulate the youth survey: ``resp_id, gender, age, age_group, menapt`` + every item."""
    rng = np.random.default_rng(seed)
    people = _people(rng)
    girl, menapt = people["gender"].eq("pige").to_numpy(), people["menapt"].to_numpy()
    young = people["age_group"].eq("13-15").to_numpy()
    cells = 4 * girl + 2 * menapt + young
    low = _low_class(cells, rng)
    dims = [d.id for d in questionnaire.dimensions]
    person = person_terms(len(people), len(dims), rng)
    columns = {}
    for model in item_models(questionnaire):
        dim = dims[model.dimension]
        kinds = zip(girl.tolist(), menapt.tolist(), young.tolist(), strict=True)
        levels = np.array([level(dim, g, m, y) for g, m, y in kinds])
        eta = levels + LOW_CLASS_SHIFT * low + person[:, model.dimension]
        codes = _item_codes(model, people, eta, cells, dim, rng)
        columns[model.item.id] = add_missing(model, codes, dim, rng).astype(np.int64)
    return pd.concat([people, pd.DataFrame(columns)], axis=1)
