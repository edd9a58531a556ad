"""The synthetic population behind the demo data: fixed once per seed, sampled afresh.

A :class:`Population` holds what defines the population rather than one sample: the
frame (PSUs and the register cells of every round), the area and PSU effects, and,
through :mod:`~survey_kit.datasets.params`, the group x round levels.  Its
:meth:`~Population.sample` draws everything else anew (gross samples, nonresponse,
panel, person attributes and terms, answers, the youth survey) and its
:attr:`~Population.truth` gives the true values the direct estimates are for.

Random streams (``SeedSequence(s, spawn_key=k)`` written ``s/k``).  The population of
seed ``s``: frame ``s/(0,)``, area and PSU effects ``s/(1, 1)``, the cells of the
``k``-th round after 2021 ``s/(3, k)``, the attribute draws of the truth ``s/(4,)``.  A
sample of seed ``t``: the tryghedsmåling ``t/(1,)`` (children 0, 2, 3 for 2018-2021 and
``4 + 3k`` to ``6 + 3k`` for the ``k``-th later round) and the youth survey ``t/(2,)``.
These are the streams ``load_demo`` has always used, so
``load_demo(s)`` is ``demo_population(s).sample(s)`` table for table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import numpy as np
import pandas as pd

from survey_kit.datasets.frame import (
    EXTRA_YEARS,
    MARGIN_VARIABLES,
    REGISTER_VARIABLES,
    YEARS,
    Frame,
    add_round,
    area_margins,
    build_frame,
    register_margins,
)
from survey_kit.datasets.latent import LatentModel, cluster_effects
from survey_kit.datasets.livsmestring import simulate_livsmestring
from survey_kit.datasets.targets import published_targets
from survey_kit.datasets.truth import truth_table
from survey_kit.datasets.tryghed import simulate_tryghed
from survey_kit.errors import SurveyKitError
from survey_kit.spec import load_questionnaire

AREA_MARGIN_COLUMNS: tuple[str, ...] = ("year", "group", "area", "variable", "level", "total")
FOCUS_GROUP = "helhedsplan"


def _no_area_margins() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in AREA_MARGIN_COLUMNS})


@dataclass(frozen=True)
class Demo:
    """Synthetic demo data (no real person behind any row).

    Attributes
    ----------
    tryghed : DataFrame
        Every round of the tryghedsmåling: ``resp_id, person_id, year, group, area,
        stratum, psu, design_weight, gender, age_group, menapt, herkomst, age, education,
        children, years_in_area, panel, region`` and one column per item of
        ``tryghed_trivsel.yaml`` (codes; 98 = ved ikke, 99 = ønsker ikke at svare).
    margins : DataFrame
        Register totals ``year, group, variable, level, total`` (rake targets) for the
        year x group combinations in ``tryghed``.
    livsmestring : DataFrame
        ``resp_id, gender, age, age_group, menapt`` and one column per item of
        ``livsmestring.yaml`` (empty when the sample was drawn without it).
    frame : Frame
        The population frame the samples were drawn from.
    targets : DataFrame
        The published headline shares the generator is calibrated to.
    seed : int
        The seed that produced the data (the sample seed).
    area_margins : DataFrame
        Register composition per area: ``year, group, area, variable, level, total``
        (adults by ``gender``, ``age_group``, ``menapt``; PSUs as ``psus``/``"all"``) for
        every area of the year x group combinations in ``tryghed``.
    """

    tryghed: pd.DataFrame
    margins: pd.DataFrame
    livsmestring: pd.DataFrame
    frame: Frame
    targets: pd.DataFrame
    seed: int
    area_margins: pd.DataFrame = field(default_factory=_no_area_margins)


@dataclass(frozen=True, eq=False)
class Population:
    """A fixed synthetic population: frame, area and PSU effects, rounds.

    Build it with :func:`demo_population`.

    Attributes
    ----------
    seed : int
        The population seed.
    rounds : tuple of int
        The survey rounds the population has cells for and samples draw.
    frame : Frame
        PSUs and register cells of every round.
    effects : DataFrame
        ``psu, cluster_effect``: area + PSU effect (latent units), fixed.
    margins, area_margins : DataFrame
        Register totals per round and group, and per round and area, for every variable
        of :data:`~survey_kit.datasets.frame.REGISTER_VARIABLES`.
    model : LatentModel
        Person effects, group x round levels and headline shifts of the latent scores.
    scenario : str
        ``"demo"`` (the population behind ``load_demo``) or ``"null"`` (no true
        difference anywhere, see :func:`demo_population`).
    """

    seed: int
    rounds: tuple[int, ...]
    frame: Frame
    effects: pd.DataFrame
    margins: pd.DataFrame
    area_margins: pd.DataFrame
    model: LatentModel = field(default_factory=LatentModel)
    scenario: str = "demo"

    def sample(self, seed: int, livsmestring: bool = True,
               margins: tuple[str, ...] = MARGIN_VARIABLES,
               panel_tenure_grows: bool = True) -> Demo:
        """A fresh :class:`Demo` drawn from this population (every round).

        Parameters
        ----------
        seed
            The sample seed; ``sample(s)`` of ``demo_population(s)`` is ``load_demo(s)``.
        livsmestring
            False skips the youth survey (its table is then empty; saves ~0.1 s).
        margins
            The register variables of ``demo.margins`` and ``demo.area_margins``: any
            of :data:`~survey_kit.datasets.frame.REGISTER_VARIABLES`.  Adding
            ``"herkomst"`` lets raking remove the nonresponse by origin that MENAPT
            alone leaves (see :attr:`truth`).
        panel_tenure_grows
            True (as ``load_demo``): panel members' years in the area grow between
            rounds.  False: they keep the tenure drawn for them as fresh adults, which
            makes the panel consistent with the population model of :attr:`truth`.
        """
        survey_seed = np.random.SeedSequence(int(seed), spawn_key=(1,))
        q = load_questionnaire("tryghed_trivsel")
        tryghed = simulate_tryghed(self.frame, q, survey_seed, self.effects, self.rounds,
                                   panel_tenure_grows, self.model)
        present = tryghed[["year", "group"]].drop_duplicates()
        youth = pd.DataFrame()
        if livsmestring:
            youth_seed = np.random.SeedSequence(int(seed), spawn_key=(2,))
            youth = simulate_livsmestring(load_questionnaire("livsmestring"), youth_seed)
        chosen = [self.margins, self.area_margins]
        chosen = [m[m["variable"].isin([*margins, "psus"])] for m in chosen]
        return Demo(tryghed, chosen[0].merge(present, on=["year", "group"]), youth,
                    self.frame, published_targets(), int(seed),
                    chosen[1].merge(present, on=["year", "group"]))

    @property
    def truth(self) -> pd.DataFrame:
        """The true values ``year, group, area, variable, value`` the direct estimates are
        (approximately) unbiased for.

        ``value`` is the mean over the unit's register population of the expected value
        of the variable under the generating model, the population fixed (see
        :mod:`survey_kit.datasets.truth`); 0-1 scale like the estimates.  Units: the
        areas of the helhedsplan group, and each whole group with ``area`` equal to the
        group name (``helhedsplan``, ``almene``, ``befolkning``), as the annual run's
        reporting unit.  Variables: the six dimension scores, ``index`` and the positive
        share ``<item>_pos`` of every headline item (the run's variables).

        The design-weighted mean of a unit, raked per round and group to the register
        margins, is (approximately, up to the O(1/n) bias of a ratio) unbiased for it when
        nonresponse is ignorable (MAR) given the raking variables and the raking model
        (main effects) reproduces the response propensities.  In the demo nonresponse
        also depends on herkomst, which the default margins (gender, age group, MENAPT)
        leave out, and panel members' years in the area grow between rounds while fresh
        adults' follow the population model: measured over 200 samples, helhedsplan
        estimates are off by 0.1-0.2 points in 2018 and up to 0.5 (tilfredshed) in 2021,
        0.06-0.15 of an area's standard error (root mean square).  Samples drawn with
        ``margins=REGISTER_VARIABLES, panel_tenure_grows=False`` remove both; a panel
        round keeps about 0.05 standard errors per area (the panel is a sample of the
        previous round's population).  See ``benchmarks/demo_truth.py``.
        """
        return self._truth.copy()

    @cached_property
    def _truth(self) -> pd.DataFrame:
        q = load_questionnaire("tryghed_trivsel")
        shares = [str(item.indicator) for item in q.headline_items().values()]
        rng = np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(4,)))
        return truth_table(self.frame, self.effects, self.rounds, q,
                           list(dict.fromkeys(shares)), FOCUS_GROUP, rng, model=self.model)


SCENARIOS = ("demo", "null")


def demo_population(seed: int = 2018, rounds: tuple[int, ...] = YEARS,
                    scenario: str = "demo") -> Population:
    """The synthetic population behind :func:`~survey_kit.datasets.load_demo`.

    Built once per ``(seed, rounds)`` and cached (0.2 s here; the truth, about 2 s, is
    computed on first use and cached with it; a sample takes about 0.5 s).
    ``demo_population(s).sample(s)`` equals ``load_demo(s)`` table for table; other
    sample seeds give other samples of the same population.

    Parameters
    ----------
    seed
        The population seed.
    rounds
        ``(2018, 2021)`` or ``(2018, 2021, 2024)``: 2024 adds a third round (register
        cells, a panel of the 2021 helhedsplan respondents, fresh samples of every
        group, group levels from :data:`~survey_kit.datasets.params.LEVEL_CHANGES_2024`).
    scenario
        ``"demo"``: the population behind ``load_demo``.  ``"null"``: the same frame,
        design and nonresponse, but no true difference between areas, groups or rounds
        (no area, PSU or person effects; every group and round at the helhedsplan 2018
        levels), so every true contrast is exactly zero: the test bed for the rate of
        false "real difference" statements.

    Raises
    ------
    SurveyKitError
        Rounds other than 2018, 2021 and optionally 2024, in that order.

    Examples
    --------
    >>> pop = demo_population(2018)
    >>> demo = pop.sample(1, livsmestring=False)
    >>> sorted(demo.tryghed["year"].unique().tolist())
    [2018, 2021]
    >>> pop.truth.columns.tolist()
    ['year', 'group', 'area', 'variable', 'value']
    """
    if scenario not in SCENARIOS:
        raise SurveyKitError(f"scenario {scenario!r}: expected one of {', '.join(SCENARIOS)}")
    return _population(int(seed), tuple(int(r) for r in rounds), scenario)


@lru_cache(maxsize=4)
def _population(seed: int, rounds: tuple[int, ...], scenario: str = "demo") -> Population:
    later = rounds[len(YEARS):]
    allowed = [YEARS + EXTRA_YEARS[:k] for k in range(len(EXTRA_YEARS) + 1)]
    if rounds not in allowed:
        raise SurveyKitError(f"rounds {list(rounds)}: expected one of "
                             f"{[list(a) for a in allowed]}")
    frame = build_frame(np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0,))))
    for k, year in enumerate(later):
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(3, k)))
        frame = add_round(frame, year, rng)
    effects_rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(1, 1)))
    effects = cluster_effects(frame.units, effects_rng)
    model = LatentModel()
    if scenario == "null":
        effects = effects.assign(cluster_effect=0.0)
        model = model.null()
    return Population(seed, rounds, frame, effects,
                      register_margins(frame, REGISTER_VARIABLES),
                      area_margins(frame, REGISTER_VARIABLES), model, scenario)
