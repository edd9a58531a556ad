"""Drawing the demo samples from the frame: selection, nonresponse and the helhedsplan panel.

* helhedsplan: a simple random sample of adults within each area (stratum); the
  afdeling is recorded as the PSU.
* almene and befolkning: two stages per stratum (region): a simple random sample of
  PSUs (afdelinger / municipality clusters), then adults within each selected PSU in
  proportion to its size.

Adults are drawn from the frame cells with multivariate hypergeometric draws, which is
exactly simple random sampling without replacement from the register list.
``design_weight`` is the inverse inclusion probability of the gross sample.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from survey_kit.datasets.frame import AGE_GROUPS, GENDERS, ORIGINS, Frame, cell_labels
from survey_kit.datasets.people import age_group_of

GROSS_SAMPLE: dict[tuple[str, int], int] = {
    ("helhedsplan", 2018): 27_300,
    ("helhedsplan", 2021): 13_800,
    ("almene", 2021): 7_000,
    ("befolkning", 2018): 8_000,
    ("befolkning", 2021): 8_000,
    ("helhedsplan", 2024): 13_800,
    ("almene", 2024): 7_000,
    ("befolkning", 2024): 8_000,
}
"""Gross (issued) sample per group and round; helhedsplan after 2018 is the fresh part only
(the panel of the previous round's respondents comes on top).

27,300 x 38.4 % response gives the published 10,473 helhedsplan respondents in 2018.
"""
PSUS_PER_STRATUM = {"almene": 20, "befolkning": 8}
MIN_AREA_SAMPLE = 60

RESPONSE_LOGIT_BASE: dict[str, float] = {"helhedsplan": -0.02, "almene": 0.02, "befolkning": 0.13}
"""Intercepts (logit) giving response rates of about 38 % (helhedsplan), 40 % and 45 %."""
RESPONSE_LOGIT_AGE = {"18-29": -0.55, "30-49": -0.25, "50-64": 0.10, "65+": 0.45}
RESPONSE_LOGIT_MAN = -0.20
RESPONSE_LOGIT_ORIGIN = {"dansk": 0.0, "vestlig": -0.25, "ikke-vestlig": -0.35, "menapt": -0.60}
STAY_PROBABILITY = 0.82
"""Share of a round's helhedsplan respondents still living in the area three years later."""
PANEL_RESPONSE_LOGIT_EXTRA = 1.0
"""Panel members answered before and respond more readily (logit shift)."""

CELL_COLUMNS = ("gender", "age_group", "origin")


def cell_matrix(frame: Frame, year: int, psus: pd.Index) -> np.ndarray:
    """Adults per PSU (rows, in ``psus`` order) and cell (columns, origin fastest)."""
    cells = frame.cells[frame.cells["year"] == year]
    row = psus.get_indexer(cells["psu"])
    col = np.zeros(len(cells), dtype=np.int64)
    for column, levels in zip(CELL_COLUMNS, (GENDERS, AGE_GROUPS, ORIGINS), strict=True):
        col = col * len(levels) + pd.Index(levels).get_indexer(cells[column])
    keep = row >= 0
    size = len(GENDERS) * len(AGE_GROUPS) * len(ORIGINS)
    flat = np.bincount(row[keep] * size + col[keep], weights=cells["count"].to_numpy()[keep],
                       minlength=len(psus) * size)
    return flat.reshape(len(psus), size).astype(np.int64)


def _expand(psu: np.ndarray, drawn: np.ndarray) -> pd.DataFrame:
    """One row per drawn adult from per-PSU cell counts."""
    labels = cell_labels()
    flat = drawn.ravel()
    cell = np.tile(np.arange(drawn.shape[1]), drawn.shape[0])
    out = labels.iloc[np.repeat(cell, flat)].reset_index(drop=True)
    out.insert(0, "psu", np.repeat(np.repeat(psu, drawn.shape[1]), flat))
    return out


def _allocate(
    total: int, sizes: np.ndarray, minimum: int = 0, cap: np.ndarray | None = None
) -> np.ndarray:
    """Integer allocation proportional to ``sizes`` (largest remainders), at least
    ``minimum`` and at most ``cap`` (default: ``sizes``)."""
    exact = total * sizes / sizes.sum()
    alloc = np.maximum(np.floor(exact).astype(np.int64), minimum)
    order = np.argsort(-(exact - np.floor(exact)), kind="stable")
    alloc[order[: max(total - int(alloc.sum()), 0)]] += 1
    return np.minimum(alloc, sizes if cap is None else cap)


def sample_areas(
    frame: Frame, year: int, total: int, rng: np.random.Generator
) -> pd.DataFrame:
    """Stratified SRS of adults within helhedsplan areas (stratum = area, PSU = afdeling)."""
    units = frame.units[frame.units["group"] == "helhedsplan"]
    counts = cell_matrix(frame, year, pd.Index(units["psu"]))
    strata = units["stratum"].to_numpy()
    names = pd.unique(strata)
    sizes = np.array([counts[strata == s].sum() for s in names])
    alloc = _allocate(total, sizes, MIN_AREA_SAMPLE)
    psu = units["psu"].to_numpy()
    drawn = np.empty_like(counts)
    for name, n in zip(names, alloc, strict=True):
        in_area = strata == name
        block = counts[in_area]
        take = rng.multivariate_hypergeometric(block.ravel(), int(n), method="marginals")
        drawn[in_area] = take.reshape(block.shape)
    people = _expand(psu, drawn)
    fraction = pd.Series(alloc / sizes, index=names)
    people["inclusion"] = pd.Series(strata, index=psu).loc[people["psu"]].map(fraction).to_numpy()
    return _with_units(people, frame)


def sample_two_stage(
    frame: Frame, group: str, year: int, total: int, rng: np.random.Generator,
    psu_rng: np.random.Generator,
) -> pd.DataFrame:
    """Two-stage sample: SRS of PSUs per stratum, adults in proportion to PSU size.

    The PSUs are chosen with ``psu_rng``: a generator seeded alike in both rounds keeps
    the same PSUs (as a standing sample of municipality clusters does).
    """
    units = frame.units[frame.units["group"] == group]
    counts = cell_matrix(frame, year, pd.Index(units["psu"]))
    adults = counts.sum(axis=1)
    take = PSUS_PER_STRATUM[group]
    chosen, first_stage = [], []
    for stratum in pd.unique(units["stratum"]):
        rows = np.flatnonzero(units["stratum"].to_numpy() == stratum)
        picked = np.sort(psu_rng.choice(rows, size=take, replace=False))
        chosen.append(picked)
        first_stage.append(np.full(take, take / len(rows)))
    rows = np.concatenate(chosen)
    pi1 = np.concatenate(first_stage)
    expected = adults[rows] / pi1
    alloc = _allocate(total, expected, cap=adults[rows])
    drawn = np.vstack(
        [rng.multivariate_hypergeometric(counts[r], int(n), method="marginals")
         for r, n in zip(rows, alloc, strict=True)]
    )
    out = _expand(units["psu"].to_numpy()[rows], drawn)
    inclusion = pd.Series(pi1 * alloc / adults[rows], index=units["psu"].to_numpy()[rows])
    out["inclusion"] = out["psu"].map(inclusion).to_numpy()
    return _with_units(out, frame)


def _with_units(people: pd.DataFrame, frame: Frame) -> pd.DataFrame:
    units = frame.units[["psu", "group", "region", "stratum", "area"]]
    return people.merge(units, on="psu", how="left", validate="many_to_one")


def response_probability(people: pd.DataFrame, panel: bool = False) -> np.ndarray:
    """Probability of answering, by group, age group, gender and origin (logistic model)."""
    logit = (
        people["group"].map(RESPONSE_LOGIT_BASE).to_numpy(dtype=float)
        + people["age_group"].map(RESPONSE_LOGIT_AGE).to_numpy(dtype=float)
        + RESPONSE_LOGIT_MAN * (people["gender"].to_numpy() == "mand")
        + people["origin"].map(RESPONSE_LOGIT_ORIGIN).to_numpy(dtype=float)
        + (PANEL_RESPONSE_LOGIT_EXTRA if panel else 0.0)
    )
    return 1.0 / (1.0 + np.exp(-logit))


def respond(people: pd.DataFrame, rng: np.random.Generator, panel: bool = False) -> pd.DataFrame:
    """Keep the adults who answer (independent Bernoulli draws)."""
    answered = rng.random(len(people)) < response_probability(people, panel)
    return people[answered].reset_index(drop=True)


def panel_followup(
    previous: pd.DataFrame, rng: np.random.Generator, year: int = 2021,
    tenure_grows: bool = True,
) -> pd.DataFrame:
    """The helhedsplan respondents of the previous round still in their afdeling in
    ``year``, older by the years between the rounds.

    With ``tenure_grows`` their years in the area grow by as much (as in ``load_demo``);
    otherwise they keep the value drawn for them as fresh adults, so that the panel has
    the tenure distribution of the population model (see ``Population.sample``).
    """
    hp = previous[previous["group"] == "helhedsplan"]
    stays = hp[rng.random(len(hp)) < STAY_PROBABILITY].copy()
    gap = year - stays["year"].to_numpy()
    stays["year"] = year
    stays["age"] = stays["age"] + gap
    stays["age_group"] = age_group_of(stays["age"].to_numpy())
    stays["years_in_area"] = stays["years_in_area"] + (gap if tenure_grows else 0)
    stays["panel"] = True
    return stays.reset_index(drop=True)


def combined_weights(
    panel_gross: pd.DataFrame, fresh: pd.DataFrame, frame: Frame, year: int = 2021
) -> pd.Series:
    """Helhedsplan design weights of a round with a panel: N_h over the issued sample
    (panel + fresh) per area.

    Treating the re-approached panel and the fresh draw as one sample of the area is
    the usual approximation when a panel is topped up by a fresh sample.
    """
    cells = frame.cells[frame.cells["year"] == year].merge(frame.units[["psu", "stratum"]])
    size = cells.groupby("stratum")["count"].sum()
    issued = pd.concat([panel_gross["stratum"], fresh["stratum"]]).value_counts()
    return size / issued.reindex(size.index).astype(float)
