"""The true area values of a demo population: the quantities the direct estimates are for.

**Definition.**  For a round ``y``, a unit ``A`` (a helhedsplan area, or a whole group) and
a variable ``v`` (a dimension score, ``index`` or a headline ``<item>_pos`` share)::

    truth[y, A, v] = sum_{p in A} sum_c N[p, c, y] * m_v(c, p, y) / sum_{p in A} sum_c N[p, c, y]

``N[p, c, y]`` is the register count of adults in PSU ``p`` and gender x age group x origin
cell ``c`` in round ``y`` (the frame), and ``m_v(c, p, y)`` the expected value of ``v`` for an
adult of that cell drawn afresh: the expectation over the register attributes the
generator attaches (education, children, years in the area), the person term, the item
noise and the "ved ikke"/refusal codes, with the area and PSU effects and the group x
round level fixed.  It is the mean of ``v`` over the unit's whole population under the
generating model, a superpopulation mean given the fixed population.  Missing answers are
independent of everything, so it is also the expected mean over the adults whose ``v`` is
not missing.

**Computation.**  The person term and the item noise are normal, so the probability of
each answer given the fixed part of the latent score is exact (a probit in the total
standard deviation).  A dimension score is the mean of the answered item scores; with
independent missing answers its expectation is a fixed weighted mean of the expected item
scores (:func:`presence_weights`), and likewise the index of the dimension scores.  The
only Monte Carlo part is the distribution of the register attributes within a cell:
:data:`TRUTH_DRAWS` adults per group and cell drawn with the generator's own
:func:`~survey_kit.datasets.people.person_attributes`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from survey_kit.datasets.answers import ItemModel, category_probabilities, item_models, missing_rate
from survey_kit.datasets.frame import Frame, cell_labels
from survey_kit.datasets.latent import LatentModel, person_part, person_sd
from survey_kit.datasets.people import person_attributes
from survey_kit.datasets.sampling import GROSS_SAMPLE, cell_matrix
from survey_kit.respondents.scoring import item_score_columns
from survey_kit.spec.model import Questionnaire

TRUTH_DRAWS = 10_000
"""Adults drawn per group and frame cell for the distribution of the register attributes."""
TRUTH_COLUMNS: tuple[str, ...] = ("year", "group", "area", "variable", "value")


@dataclass(frozen=True)
class AttributeMix:
    """The distinct person parts ``x' beta`` of one group: one row per cell and value.

    ``cell`` indexes :func:`~survey_kit.datasets.frame.cell_labels`, ``xb`` holds the
    person part per dimension and ``prob`` its probability within the cell.
    """

    cell: np.ndarray
    xb: np.ndarray
    prob: np.ndarray


@dataclass(frozen=True)
class Target:
    """One expected item quantity: the 0-1 item score or the positive share."""

    model: ItemModel
    dimension: str
    share: bool


def attribute_mix(group: str, dims: list[str], draws: int,
                  rng: np.random.Generator, model: LatentModel | None = None) -> AttributeMix:
    """Draw ``draws`` adults per cell of ``group`` and tabulate their person parts."""
    labels = cell_labels()
    people = labels.loc[labels.index.repeat(draws)].reset_index(drop=True)
    people.insert(0, "group", group)
    xb = person_part(person_attributes(people, rng), dims, model)
    key = np.repeat(np.arange(len(labels), dtype=np.int64), draws)
    for column in xb.T:
        values, codes = np.unique(column, return_inverse=True)
        key = key * len(values) + codes
    keys, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    prob = np.bincount(inverse, minlength=len(keys)) / draws
    return AttributeMix(first // draws, xb[first], prob)


def presence_weights(present: np.ndarray, minimum: int) -> tuple[np.ndarray, float]:
    """Expected weight of each part in "the mean of the present parts, when at least
    ``minimum`` are present", given that the mean exists; and the probability it exists.

    Parts are present independently with probabilities ``present``.

    Examples
    --------
    >>> w, p = presence_weights(np.array([0.9, 0.9, 0.5]), 2)
    >>> w.round(4).tolist(), round(p, 4)
    ([0.4, 0.4, 0.2], 0.9)
    """
    present = np.asarray(present, dtype=float)
    weights = np.empty(len(present))
    for i, p in enumerate(present):
        others = _count_pmf(np.delete(present, i))
        k = np.arange(len(others)) + 1
        weights[i] = p * float(np.sum(others * (k >= minimum) / k))
    total = _count_pmf(present)
    valid = float(total[max(minimum, 0):].sum())
    return weights / valid, valid


def _count_pmf(present: np.ndarray) -> np.ndarray:
    """Distribution of the number of parts present (Poisson binomial)."""
    pmf = np.array([1.0])
    for p in present:
        pmf = np.convolve(pmf, [1.0 - p, p])
    return pmf


def item_targets(questionnaire: Questionnaire, shares: list[str]) -> list[Target]:
    """The item scores every dimension needs, then the positive shares in ``shares``."""
    dims = [d.id for d in questionnaire.dimensions]
    models = item_models(questionnaire)
    scored = [Target(m, dims[m.dimension], False) for m in models if m.item.scored]
    by_indicator = {m.item.indicator: m for m in models if m.item.indicator}
    return scored + [Target(by_indicator[s], dims[by_indicator[s].dimension], True)
                     for s in shares]


def _rank_values(target: Target) -> np.ndarray:
    """The value of each answer rank: the scorer's 0-1 item score, or 1 if positive."""
    model = target.model
    if target.share:
        return np.isin(model.codes, model.item.positive).astype(float)
    codes = pd.DataFrame({model.item.id: model.codes})
    return item_score_columns(codes, (model.item,))[model.item.id].to_numpy(dtype=float)


def psu_sums(frame: Frame, effects: pd.Series, group: str, year: int, mix: AttributeMix,
             targets: list[Target], model: LatentModel | None = None
             ) -> tuple[pd.DataFrame, np.ndarray]:
    """Adults and expected totals of every target per PSU of ``group`` in ``year``.

    Returns the units (rows) with a column ``adults``, and the totals (units x targets).
    """
    model = model or LatentModel()
    units = frame.units[frame.units["group"] == group].reset_index(drop=True)
    counts = cell_matrix(frame, year, pd.Index(units["psu"])).astype(float)
    weight = counts[:, mix.cell] * mix.prob[None, :]
    cluster = units["psu"].map(effects).to_numpy(dtype=float)
    dims = list(dict.fromkeys(t.dimension for t in targets))
    # per dimension: the distinct person parts and the adults at each, per PSU
    parts = [np.unique(mix.xb[:, d], return_inverse=True) for d in range(len(dims))]
    at = [weight @ np.eye(len(values))[codes] for values, codes in parts]
    sd = person_sd()
    totals = np.empty((len(units), len(targets)))
    for t, target in enumerate(targets):
        d = dims.index(target.dimension)
        level = model.levels.get((target.dimension, group, year), 0.0)
        if target.model.headline:
            level += model.shifts.get((target.dimension, group, year), 0.0)
        loc = parts[d][0][None, :] + level + cluster[:, None]
        probs = category_probabilities(target.model, loc.ravel(), sd)
        expected = (probs @ _rank_values(target)).reshape(loc.shape)
        totals[:, t] = (at[d] * expected).sum(axis=1)
    return units.assign(adults=counts.sum(axis=1)), totals


def combine(item_means: np.ndarray, targets: list[Target],
            questionnaire: Questionnaire) -> dict[str, np.ndarray]:
    """Dimension scores, index and shares from the unit means of the item targets."""
    out: dict[str, np.ndarray] = {}
    valid = []
    for dim in questionnaire.dimensions:
        cols = [t for t, tg in enumerate(targets) if not tg.share and tg.dimension == dim.id]
        present = np.array([1.0 - missing_rate(targets[t].model, dim.id) for t in cols])
        weights, p_valid = presence_weights(present, dim.min_items)
        out[dim.id] = item_means[:, cols] @ weights
        valid.append(p_valid)
    dim_weights, _ = presence_weights(np.array(valid), questionnaire.index.min_dimensions)
    out["index"] = np.column_stack([out[d.id] for d in questionnaire.dimensions]) @ dim_weights
    for t, target in enumerate(targets):
        if target.share:
            out[str(target.model.item.indicator)] = item_means[:, t]
    return out


def truth_table(frame: Frame, effects: pd.DataFrame, rounds: tuple[int, ...],
                questionnaire: Questionnaire, shares: list[str], focus: str,
                rng: np.random.Generator, draws: int = TRUTH_DRAWS,
                model: LatentModel | None = None) -> pd.DataFrame:
    """The true values of every round, group and area of ``focus`` (see the module).

    ``effects`` holds ``psu, cluster_effect``.  Rows of a whole group carry the group
    name as ``area``.
    """
    dims = [d.id for d in questionnaire.dimensions]
    targets = item_targets(questionnaire, shares)
    cluster = effects.set_index("psu")["cluster_effect"]
    groups = sorted({g for g, _ in GROSS_SAMPLE}, key=["helhedsplan", "almene",
                                                       "befolkning"].index)
    model = model or LatentModel()
    mixes = {g: attribute_mix(g, dims, draws, rng, model) for g in groups}
    parts = []
    for year in rounds:
        for group in (g for g in groups if (g, year) in GROSS_SAMPLE):
            units, totals = psu_sums(frame, cluster, group, year, mixes[group], targets,
                                     model)
            unit = units["area"] if group == focus else pd.Series(group, index=units.index)
            parts.append(_unit_rows(units, totals, unit, group, year, targets, questionnaire))
    return pd.concat(parts, ignore_index=True)


def _unit_rows(units: pd.DataFrame, totals: np.ndarray, unit: pd.Series, group: str,
               year: int, targets: list[Target], questionnaire: Questionnaire
               ) -> pd.DataFrame:
    """Long rows ``year, group, area, variable, value`` for the group and each unit."""
    keys = pd.concat([pd.Series(group, index=units.index), unit], keys=[0, 1])
    names, codes = np.unique(keys.to_numpy(dtype=str), return_inverse=True)
    adults = np.tile(units["adults"].to_numpy(), 2)
    sums = np.vstack([totals, totals])
    size = np.bincount(codes, weights=adults, minlength=len(names))
    means = np.column_stack([np.bincount(codes, weights=sums[:, t], minlength=len(names))
                             for t in range(len(targets))]) / size[:, None]
    values = combine(means, targets, questionnaire)
    order = [group, *sorted(set(names) - {group})]
    position = {name: k for k, name in enumerate(names)}
    rows = [(year, group, name, variable, float(values[variable][position[name]]))
            for name in order for variable in values]
    return pd.DataFrame(rows, columns=list(TRUTH_COLUMNS))
