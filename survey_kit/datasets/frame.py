"""A synthetic, register-like population frame for the demo tryghedsmåling.

The frame has three sampling groups:

* ``helhedsplan``: 66 areas with a boligsocial helhedsplan, each of 3-10 almene
  boligafdelinger (the PSUs); the area is the stratum.
* ``almene``: almene boligafdelinger outside those areas, one stratum per region.
* ``befolkning``: the adult population, regions (strata) split into municipality
  clusters (the PSUs).

Every PSU carries a household count and, per round, a cell table of adults by gender,
age group and origin (``origin`` is one of :data:`ORIGINS`; MENAPT is a subset of
ikke-vestlig).  The register margins (the rake targets) are sums of those cells, so
they are consistent across variables by construction.  No real person, address or
afdeling appears: every name is generated.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from survey_kit.errors import SurveyKitError

GROUPS: tuple[str, ...] = ("helhedsplan", "almene", "befolkning")
YEARS: tuple[int, ...] = (2018, 2021)
"""The rounds of :func:`build_frame` (and of ``load_demo``)."""
EXTRA_YEARS: tuple[int, ...] = (2024,)
"""Further rounds a demo population can draw (:func:`add_round`)."""
GENDERS: tuple[str, ...] = ("kvinde", "mand")
AGE_GROUPS: tuple[str, ...] = ("18-29", "30-49", "50-64", "65+")
ORIGINS: tuple[str, ...] = ("dansk", "vestlig", "ikke-vestlig", "menapt")
"""Origin cells; ``"menapt"`` means ikke-vestlig herkomst from a MENAPT country."""

REGIONS: tuple[str, ...] = ("Hovedstaden", "Sjælland", "Syddanmark", "Midtjylland", "Nordjylland")
REGION_ADULTS: tuple[int, ...] = (1_420_000, 670_000, 960_000, 1_030_000, 470_000)
"""Adults (18+) per region, rounded 2018 orders of magnitude."""
REGION_CLUSTERS: tuple[int, ...] = (29, 17, 22, 19, 11)
"""Municipality clusters per region (one per municipality, 98 in all)."""
HELHEDSPLAN_REGION_SHARES: tuple[float, ...] = (0.42, 0.12, 0.20, 0.18, 0.08)

N_AREAS = 66
AFDELINGER_PER_AREA = (3, 10)
ALMENE_AFDELINGER_PER_REGION: tuple[int, ...] = (420, 160, 250, 240, 130)
HOUSEHOLDS_LOG_MEAN = {"helhedsplan": np.log(220.0), "almene": np.log(150.0)}
HOUSEHOLDS_LOG_SD = 0.55
ADULTS_PER_HOUSEHOLD = {"helhedsplan": 1.45, "almene": 1.40}

ORIGIN_SHARES: dict[str, tuple[float, ...]] = {
    "helhedsplan": (0.50, 0.05, 0.15, 0.30),
    "almene": (0.79, 0.04, 0.07, 0.10),
    "befolkning": (0.89, 0.04, 0.035, 0.035),
}
"""Share of adults by origin (dansk, vestlig, ikke-vestlig, menapt) in 2018."""
ORIGIN_CONCENTRATION = 60.0
"""Dirichlet concentration of the PSU-level origin mix around the group shares."""
AGE_SHARES: dict[str, tuple[float, ...]] = {
    "dansk": (0.18, 0.29, 0.25, 0.28),
    "vestlig": (0.28, 0.42, 0.18, 0.12),
    "ikke-vestlig": (0.27, 0.46, 0.20, 0.07),
    "menapt": (0.27, 0.46, 0.20, 0.07),
}
WOMEN_SHARE = {"18-29": 0.49, "30-49": 0.50, "50-64": 0.50, "65+": 0.55}
GROWTH: dict[int, dict[str, float]] = {
    2021: {"helhedsplan": 0.99, "almene": 1.02, "befolkning": 1.02},
    2024: {"helhedsplan": 0.98, "almene": 1.04, "befolkning": 1.04},
}
"""Adults in a later round relative to 2018 (helhedsplan areas shrink a little)."""
AGEING: dict[int, float] = {2021: 1.06, 2024: 1.12}
"""Relative increase of the 65+ share from 2018 to a later round (the rest rescaled)."""


@dataclass(frozen=True)
class Frame:
    """The population frame.

    Attributes
    ----------
    units : DataFrame
        One row per PSU: ``group, region, stratum, area, psu, households``.
    cells : DataFrame
        Adults per ``year, psu, gender, age_group, origin`` (column ``count``).
    """

    units: pd.DataFrame
    cells: pd.DataFrame


def build_frame(rng: np.random.Generator) -> Frame:
    """Draw the population frame (units and 2018/2021 cell counts).

    Examples
    --------
    >>> frame = build_frame(np.random.default_rng(1))
    >>> int(frame.units.groupby("group")["psu"].nunique().loc["befolkning"])
    98
    """
    units = pd.concat(
        [_helhedsplan_units(rng), _almene_units(rng), _befolkning_units(rng)],
        ignore_index=True,
    )
    adults = _adults(units)
    cells = pd.concat([_cells(units, adults, year, rng) for year in YEARS], ignore_index=True)
    return Frame(units=units, cells=cells)


def add_round(frame: Frame, year: int, rng: np.random.Generator) -> Frame:
    """The frame with the cells of one more round drawn (same PSUs and households).

    Examples
    --------
    >>> frame = add_round(build_frame(np.random.default_rng(1)), 2024, np.random.default_rng(2))
    >>> sorted(frame.cells["year"].unique().tolist())
    [2018, 2021, 2024]
    """
    if year in set(frame.cells["year"]):
        raise SurveyKitError(f"round {year} is already in the frame")
    cells = _cells(frame.units, _adults(frame.units), year, rng)
    return Frame(frame.units, pd.concat([frame.cells, cells], ignore_index=True))


def _household_counts(group: str, size: int, rng: np.random.Generator) -> np.ndarray:
    draws = rng.lognormal(HOUSEHOLDS_LOG_MEAN[group], HOUSEHOLDS_LOG_SD, size)
    return np.maximum(np.round(draws), 40).astype(np.int64)


def _helhedsplan_units(rng: np.random.Generator) -> pd.DataFrame:
    low, high = AFDELINGER_PER_AREA
    sizes = rng.integers(low, high + 1, N_AREAS)
    regions = rng.choice(len(REGIONS), N_AREAS, p=np.array(HELHEDSPLAN_REGION_SHARES))
    area = np.repeat([f"HP{a + 1:02d}" for a in range(N_AREAS)], sizes)
    within = np.concatenate([np.arange(1, s + 1) for s in sizes])
    return pd.DataFrame(
        {
            "group": "helhedsplan",
            "region": np.repeat(np.array(REGIONS)[regions], sizes),
            "stratum": area,
            "area": area,
            "psu": [f"{a}-AFD{k:02d}" for a, k in zip(area, within, strict=True)],
            "households": _household_counts("helhedsplan", int(sizes.sum()), rng),
        }
    )


def _almene_units(rng: np.random.Generator) -> pd.DataFrame:
    counts = np.array(ALMENE_AFDELINGER_PER_REGION)
    stratum = np.repeat([f"AL{r + 1}" for r in range(len(REGIONS))], counts)
    within = np.concatenate([np.arange(1, c + 1) for c in counts])
    return pd.DataFrame(
        {
            "group": "almene",
            "region": np.repeat(REGIONS, counts),
            "stratum": stratum,
            "area": [f"{s}-AFD{k:03d}" for s, k in zip(stratum, within, strict=True)],
            "psu": [f"{s}-AFD{k:03d}" for s, k in zip(stratum, within, strict=True)],
            "households": _household_counts("almene", int(counts.sum()), rng),
        }
    )


def _befolkning_units(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for r, (region, total, k) in enumerate(
        zip(REGIONS, REGION_ADULTS, REGION_CLUSTERS, strict=True)
    ):
        shares = rng.dirichlet(np.full(k, 3.0))
        adults = np.round(shares * total).astype(np.int64)
        for c in range(k):
            psu = f"BE{r + 1}-K{c + 1:02d}"
            rows.append((region, f"BE{r + 1}", psu, psu, int(adults[c])))
    out = pd.DataFrame(rows, columns=["region", "stratum", "area", "psu", "adults"])
    out.insert(0, "group", "befolkning")
    out["households"] = np.round(out.pop("adults") / 1.7).astype(np.int64)
    return out


def _adults(units: pd.DataFrame) -> np.ndarray:
    """Adults per PSU in 2018 (households times adults per household)."""
    per_household = units["group"].map({**ADULTS_PER_HOUSEHOLD, "befolkning": 1.7})
    return np.round(units["households"].to_numpy() * per_household.to_numpy()).astype(np.int64)


def _cell_shares(year: int) -> np.ndarray:
    """P(gender, age group | origin) as an array gender x age x origin."""
    shares = np.empty((len(GENDERS), len(AGE_GROUPS), len(ORIGINS)))
    women = np.array([WOMEN_SHARE[a] for a in AGE_GROUPS])
    for o, origin in enumerate(ORIGINS):
        age = np.array(AGE_SHARES[origin])
        if year != YEARS[0]:
            age = age * np.array([1.0, 1.0, 1.0, AGEING[year]])
        age = age / age.sum()
        shares[0, :, o] = age * women
        shares[1, :, o] = age * (1.0 - women)
    return shares


def cell_labels() -> pd.DataFrame:
    """The gender x age group x origin cells in frame order (origin fastest)."""
    index = pd.MultiIndex.from_product(
        [GENDERS, AGE_GROUPS, ORIGINS], names=["gender", "age_group", "origin"]
    )
    return index.to_frame(index=False)


def _cells(
    units: pd.DataFrame, adults: np.ndarray, year: int, rng: np.random.Generator
) -> pd.DataFrame:
    """Draw the adults of every PSU into gender x age x origin cells for ``year``."""
    groups = units["group"].to_numpy()
    shares = _cell_shares(year)
    counts = np.empty((len(units), shares.size), np.int64)
    for i, group in enumerate(groups):
        mix = rng.dirichlet(np.array(ORIGIN_SHARES[group]) * ORIGIN_CONCENTRATION)
        n = adults[i] if year == YEARS[0] else round(adults[i] * GROWTH[year][group])
        counts[i] = rng.multinomial(n, (shares * mix).ravel())
    labels = cell_labels()
    long = labels.iloc[np.tile(np.arange(len(labels)), len(units))].reset_index(drop=True)
    long.insert(0, "psu", np.repeat(units["psu"].to_numpy(), len(labels)))
    long.insert(0, "year", year)
    long["count"] = counts.ravel()
    return long


MARGIN_VARIABLES: tuple[str, ...] = ("gender", "age_group", "menapt")
"""The register variables of the demo margins (the run rakes to these)."""
REGISTER_VARIABLES: tuple[str, ...] = (*MARGIN_VARIABLES, "herkomst")
"""Every register variable the frame can give margins for (``herkomst``: dansk, vestlig,
ikke-vestlig, with MENAPT inside ikke-vestlig)."""


def register_margins(
    frame: Frame, variables: tuple[str, ...] = MARGIN_VARIABLES
) -> pd.DataFrame:
    """Register totals per round and group: the rake targets.

    Returns a long table ``year, group, variable, level, total`` for the variables
    ``gender``, ``age_group`` and ``menapt`` (levels ``True``/``False``), or ``variables``
    (any of :data:`REGISTER_VARIABLES`).  Within each year x group the totals of every
    variable sum to the same number of adults.

    Examples
    --------
    >>> m = register_margins(build_frame(np.random.default_rng(1)))
    >>> sums = m.groupby(["year", "group", "variable"])["total"].sum().unstack()
    >>> bool((sums.nunique(axis=1) == 1).all())
    True
    """
    return _margins(frame, ["year", "group"], variables)


def area_margins(
    frame: Frame, variables: tuple[str, ...] = MARGIN_VARIABLES
) -> pd.DataFrame:
    """Register composition per round and area: the area covariates of a small-area model.

    Returns ``year, group, area, variable, level, total``: adults by ``gender``,
    ``age_group`` and ``menapt`` or ``variables`` (as :func:`register_margins`, one level
    further down)
    and the number of PSUs (afdelinger, or municipality clusters) as variable ``psus``
    with level ``"all"``.  Summed over the areas of a group, the adults give
    :func:`register_margins`.

    Examples
    --------
    >>> m = area_margins(build_frame(np.random.default_rng(1)))
    >>> m.columns.tolist()
    ['year', 'group', 'area', 'variable', 'level', 'total']
    >>> hp01 = m[(m["area"] == "HP01") & (m["year"] == 2018)]
    >>> hp01.groupby("variable")["total"].sum().loc[["gender", "menapt"]].nunique()
    1
    """
    adults = _margins(frame, ["year", "group", "area"], variables)
    psus = frame.units.groupby(["group", "area"], sort=True)["psu"].nunique()
    rounds = pd.DataFrame({"year": sorted(frame.cells["year"].unique())})
    counts = rounds.merge(psus.rename("total").reset_index(), how="cross")
    counts = counts.assign(variable="psus", level="all", total=counts["total"].astype(float))
    out = pd.concat([adults, counts[adults.columns]], ignore_index=True)
    out["level"] = out["level"].astype(object)
    return out.sort_values(["year", "group", "area"], kind="stable").reset_index(drop=True)


def _margins(frame: Frame, keys: list[str], variables: tuple[str, ...]) -> pd.DataFrame:
    """Adults per ``keys`` and level of each of ``variables`` (long table)."""
    unknown = sorted(set(variables) - set(REGISTER_VARIABLES))
    if unknown:
        raise SurveyKitError(f"no register margins for {unknown}: expected any of "
                             f"{list(REGISTER_VARIABLES)}")
    units = frame.units[["psu", *(k for k in ("group", "area") if k in keys)]]
    cells = frame.cells.merge(units, on="psu")
    cells["menapt"] = cells["origin"] == "menapt"
    cells["herkomst"] = cells["origin"].where(cells["origin"] != "menapt", "ikke-vestlig")
    parts = []
    for variable in variables:
        part = cells.groupby([*keys, variable])["count"].sum().reset_index()
        part.columns = pd.Index([*keys, "level", "total"])
        part.insert(len(keys), "variable", variable)
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out["level"] = out["level"].astype(object)
    out["total"] = out["total"].astype(float)
    return out[[*keys, "variable", "level", "total"]]
