"""The truth of the demo population: against a brute-force population mean, and against
the direct estimator over fresh samples."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

import survey_kit as sk
from survey_kit.datasets import demo_population
from survey_kit.datasets.frame import REGISTER_VARIABLES
from survey_kit.datasets.latent import latent_scores, person_terms
from survey_kit.datasets.people import person_attributes
from survey_kit.datasets.truth import presence_weights
from survey_kit.datasets.tryghed import _answers

REPS = 4


@pytest.fixture(scope="module")
def pop():
    return demo_population(2018)


@pytest.fixture(scope="module")
def q():
    return sk.load_questionnaire("tryghed_trivsel")


def _variables(q) -> list[str]:
    shares = [str(item.indicator) for item in q.headline_items().values()]
    return [d.id for d in q.dimensions] + ["index"] + list(dict.fromkeys(shares))


def test_presence_weights_equal_enumeration_of_every_pattern():
    present, minimum = np.array([0.9, 0.7, 0.95, 0.6]), 2
    weights, total = np.zeros(4), 0.0
    for mask in itertools.product([0, 1], repeat=4):
        m = np.array(mask)
        p = float(np.prod(np.where(m == 1, present, 1 - present)))
        if m.sum() >= minimum:
            weights += p * m / m.sum()
            total += p
    got, valid = presence_weights(present, minimum)
    np.testing.assert_allclose(got, weights / total, rtol=1e-12)
    assert valid == pytest.approx(total, rel=1e-12)


def _population_of(pop, year: int, area: str, copies: int, rng) -> pd.DataFrame:
    """Every adult of ``area`` in ``year`` ``copies`` times, drawn as fresh adults."""
    units = pop.frame.units[pop.frame.units["area"] == area]
    cells = pop.frame.cells[pop.frame.cells["psu"].isin(units["psu"])
                            & pop.frame.cells["year"].eq(year)]
    people = cells.loc[cells.index.repeat(cells["count"] * copies)].drop(columns="count")
    people = people.merge(units[["psu", "group", "area"]], on="psu").reset_index(drop=True)
    return person_attributes(people, rng).merge(pop.effects, on="psu", how="left")


def test_truth_equals_a_brute_force_mean_over_the_area_population(pop, q):
    """Simulate every adult of one area many times with the generator's own functions,
    score them with the spec, and compare the means with the truth (4 standard errors)."""
    rng = np.random.default_rng(99)
    people = _population_of(pop, 2021, "HP05", 60, rng)
    dims = [d.id for d in q.dimensions]
    eta = latent_scores(people, person_terms(len(people), len(dims), rng), dims, rng)
    answers = _answers(people, eta, q, rng).astype(np.int64)
    scored = q.score(pd.concat([people[["year"]], answers], axis=1))
    truth = pop.truth.query("year == 2021 and area == 'HP05'").set_index("variable")["value"]
    assert len(people) > 50_000
    for variable in _variables(q):
        values = scored[variable].dropna()
        se = values.std() / np.sqrt(len(values))
        assert abs(values.mean() - truth[variable]) < 4 * se, variable


def _direct(demo, variables: list[str]) -> pd.DataFrame:
    """The run's direct estimates per reporting unit and round (see stages.weight), raked
    without bounds: with herkomst among the margins the few non-MENAPT ikke-vestlig
    befolkning respondents need g-weights up to about 7, beyond the run's 0.2-5."""
    q = sk.load_questionnaire("tryghed_trivsel")
    scored = q.score(q.validate(demo.tryghed).valid)
    focus = scored["group"].eq("helhedsplan")
    scored["area"] = scored["group"].astype(object).where(~focus, scored["area"].astype(object))
    design = sk.Design(scored, weight="design_weight", strata="stratum", psu="psu",
                       lonely_psu="adjust")
    design = design.rake(demo.margins, by=["year", "group"])
    units = design.mean(variables, by=["area", "year"]).to_frame()
    whole = design.subset(focus.to_numpy()).mean(variables, by=["year"]).to_frame()
    return pd.concat([units, whole.assign(area="helhedsplan")], ignore_index=True)


@pytest.fixture(scope="module")
def standardised(pop, q):
    """z = (mean estimate - truth) / (its standard error) over REPS fresh samples drawn
    with ignorable nonresponse (raked also to herkomst, panel tenure consistent)."""
    parts = []
    for r in range(REPS):
        demo = pop.sample(500 + r, livsmestring=False, margins=REGISTER_VARIABLES,
                          panel_tenure_grows=False)
        parts.append(_direct(demo, _variables(q)))
    est = pd.concat(parts, ignore_index=True)
    est["var"] = est["se"] ** 2
    keys = ["year", "area", "variable"]
    stats = est.groupby(keys).agg(mean=("estimate", "mean"), var=("var", "mean"),
                                  reps=("estimate", "size")).reset_index()
    out = stats.merge(pop.truth, on=keys, how="inner", validate="one_to_one")
    assert (out["reps"] == REPS).all()
    out["se"] = np.sqrt(out["var"] / REPS)
    out["z"] = (out["mean"] - out["value"]) / out["se"]
    return out


def test_direct_estimates_of_whole_groups_are_unbiased_for_the_truth(standardised):
    groups = standardised[standardised["area"].isin(["helhedsplan", "almene", "befolkning"])]
    assert len(groups) == 5 * 13
    assert groups["z"].abs().max() < 4.5, groups.loc[groups["z"].abs().idxmax()]


def test_direct_area_estimates_are_unbiased_for_the_truth(standardised):
    """Every area in 2018; in 2021 only on average over the areas, because the panel is a
    sample of the area's 2018 population (README, "Demo data": up to 0.3 standard errors
    per area, both signs)."""
    areas = standardised[standardised["area"].str.startswith("HP")]
    assert len(areas) == 66 * 2 * 13
    first = areas[areas["year"] == 2018]
    # E z^2 = nu / (nu - 2) for a t with nu = REPS x (PSUs - 1) = 8 to 36: 1.06 to 1.33
    assert 0.8 < float((first["z"] ** 2).mean()) < 1.5
    assert (first["z"].abs() > 3.5).mean() < 0.02
    # averaged over the 66 areas, per round and variable: no systematic bias
    mean = areas.groupby(["year", "variable"]).apply(
        lambda a: a["mean"].sub(a["value"]).mean() / np.sqrt((a["se"] ** 2).sum()) * len(a),
        include_groups=False)
    assert mean.abs().max() < 4.0, mean.abs().idxmax()
