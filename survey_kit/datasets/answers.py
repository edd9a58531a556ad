"""Spec-driven answers: from latent dimension scores to item codes via ordinal thresholds.

Every item of a questionnaire is answered from the latent score of its dimension::

    y* = eta[dimension] + item_offset + headline_shift + SIGMA_E * noise

and ``y*`` is cut at thresholds into the item's valid codes, ordered from least to most
favourable (``Item.high_is_good`` gives the direction, so reverse-worded items and
"low = good" scales come out right).  Thresholds are normal quantiles of a base answer
distribution for the scale length; item offsets spread the items of a dimension a
little around its level.  Afterwards a share of answers becomes "ved ikke" or a refusal,
using the spec's missing codes.  Nothing here is specific to one questionnaire.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr, ndtri

from survey_kit.spec.model import Item, Questionnaire

SIGMA_E = 1.0
"""Standard deviation of the item-specific noise (latent person term has SD 1)."""
ITEM_SPREAD = 0.25
"""Item offsets within a dimension run from -ITEM_SPREAD to +ITEM_SPREAD in spec order."""
BASE_SHARES: dict[int, tuple[float, ...]] = {
    2: (0.5, 0.5),
    4: (0.10, 0.20, 0.40, 0.30),
    5: (0.05, 0.10, 0.25, 0.35, 0.25),
    11: (0.01, 0.01, 0.02, 0.03, 0.04, 0.09, 0.12, 0.20, 0.22, 0.13, 0.13),
}
"""Answer shares from least to most favourable at latent level 0 (uniform otherwise)."""
DONT_KNOW_RATE = 0.03
REFUSAL_RATE = 0.01
DONT_KNOW_RATE_BY_DIMENSION = {"tillid": 0.06, "kollektiv_handlekraft": 0.05}


@dataclass(frozen=True)
class ItemModel:
    """How one item is answered: its codes by favourability, thresholds and offset."""

    item: Item
    dimension: int
    codes: np.ndarray
    thresholds: np.ndarray
    offset: float
    headline: bool

    @property
    def positive_ranks(self) -> np.ndarray:
        """Favourability ranks (0 = least favourable) of the item's positive codes."""
        return np.flatnonzero(np.isin(self.codes, self.item.positive))


def _ordered_codes(item: Item) -> np.ndarray:
    codes = np.array(sorted(item.codes))
    if item.scale.kind == "nominal":
        positive = np.isin(codes, item.positive)
        return np.concatenate([codes[~positive], codes[positive]])
    return codes if item.high_is_good else codes[::-1]


def _thresholds(k: int) -> np.ndarray:
    shares = np.array(BASE_SHARES.get(k, np.full(k, 1.0 / k)))
    cumulative = np.cumsum(shares / shares.sum())[:-1]
    return ndtri(cumulative) * np.sqrt(1.0 + SIGMA_E**2)


def item_models(questionnaire: Questionnaire) -> tuple[ItemModel, ...]:
    """One :class:`ItemModel` per item, in spec order; the first headline item of a
    dimension is marked as its headline."""
    models = []
    for d, dim in enumerate(questionnaire.dimensions):
        m = len(dim.items)
        offsets = np.linspace(ITEM_SPREAD, -ITEM_SPREAD, m) if m > 1 else np.zeros(1)
        headline_id = next((item.id for item in dim.items if item.headline), None)
        for item, offset in zip(dim.items, offsets, strict=True):
            codes = _ordered_codes(item)
            models.append(
                ItemModel(item, d, codes, _thresholds(len(codes)), float(offset),
                          item.id == headline_id)
            )
    return tuple(models)


def category_probabilities(
    model: ItemModel, location: np.ndarray, person_sd: float = 0.0
) -> np.ndarray:
    """P(answer rank = r | location) for every row (persons x ranks), no missing codes.

    ``location`` is ``eta + headline_shift`` for the item's dimension.  With
    ``person_sd > 0`` it is the location without the person term, which is then
    integrated out (a normal term of that standard deviation added to the item noise).
    """
    scale = np.sqrt(SIGMA_E**2 + person_sd**2)
    z = (location[:, None] + model.offset - model.thresholds[None, :]) / scale
    at_least = np.hstack([np.ones((len(location), 1)), ndtr(z), np.zeros((len(location), 1))])
    return at_least[:, :-1] - at_least[:, 1:]


def draw_codes(model: ItemModel, location: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Valid codes drawn for every person at ``location`` (``eta`` + headline shift)."""
    latent = location + model.offset + SIGMA_E * rng.standard_normal(len(location))
    return model.codes[np.searchsorted(model.thresholds, latent)]


def missing_rate(model: ItemModel, dimension_id: str) -> float:
    """Probability that :func:`add_missing` replaces an answer of the item.

    Examples
    --------
    >>> from survey_kit.spec import load_questionnaire
    >>> model = item_models(load_questionnaire("tryghed_trivsel"))[0]
    >>> round(missing_rate(model, "oplevet_tryghed"), 2)
    0.04
    """
    kinds = {m.kind for m in model.item.scale.missing}
    dont_know = DONT_KNOW_RATE_BY_DIMENSION.get(dimension_id, DONT_KNOW_RATE)
    return dont_know * ("dont_know" in kinds) + REFUSAL_RATE * ("refusal" in kinds)


def add_missing(
    model: ItemModel, codes: np.ndarray, dimension_id: str, rng: np.random.Generator
) -> np.ndarray:
    """Replace a share of answers by the spec's "ved ikke" and refusal codes."""
    out = codes.astype(float)
    kinds = {m.kind: m.code for m in model.item.scale.missing}
    dont_know = DONT_KNOW_RATE_BY_DIMENSION.get(dimension_id, DONT_KNOW_RATE)
    u = rng.random(len(codes))
    if "dont_know" in kinds:
        out[u < dont_know] = kinds["dont_know"]
    if "refusal" in kinds:
        out[(u >= dont_know) & (u < dont_know + REFUSAL_RATE)] = kinds["refusal"]
    return out
