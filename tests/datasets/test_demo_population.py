"""The population behind the demo data: load_demo identity, fresh samples, rounds, margins."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

import survey_kit as sk
from survey_kit.datasets import demo_population, load_demo
from survey_kit.errors import SurveyKitError

THREE = (2018, 2021, 2024)

ORIGINAL_DIGESTS = {
    2018: {"tryghed": "c317dae9da03bdf32312", "margins": "b6484b82985b4a51ac07",
           "livsmestring": "3e9628d726b46ca1cf26", "targets": "20075db8fb9a6a84426e",
           "units": "7f14dbd8adafcdef7887", "cells": "4f671b2964cb0591458b"},
    7: {"tryghed": "f27d760d8bfa4658a51b", "margins": "28ff244e30fc35926cf2",
        "livsmestring": "6947a6f7503338a2d354", "targets": "20075db8fb9a6a84426e",
        "units": "bb865403eede27a224fe", "cells": "51a7783bf5d6066d99ce"},
}
"""SHA-256 (first 20 hex digits) of every table's CSV, computed on commit 5d3474e, before
the demo population existed."""


def _digests(demo: sk.datasets.Demo) -> dict[str, str]:
    tables = {"tryghed": demo.tryghed, "margins": demo.margins,
              "livsmestring": demo.livsmestring, "targets": demo.targets,
              "units": demo.frame.units, "cells": demo.frame.cells}
    return {name: hashlib.sha256(table.to_csv(index=False).encode()).hexdigest()[:20]
            for name, table in tables.items()}


@pytest.fixture(scope="module")
def pop():
    return demo_population(2018)


@pytest.fixture(scope="module")
def pop3():
    return demo_population(2018, THREE)


@pytest.fixture(scope="module")
def sample3(pop3):
    return pop3.sample(11, livsmestring=False)


@pytest.mark.parametrize("seed", [2018, 7])
def test_load_demo_is_the_original_data_and_a_sample_of_its_population(seed):
    assert _digests(load_demo(seed)) == ORIGINAL_DIGESTS[seed]
    assert _digests(demo_population(seed).sample(seed)) == ORIGINAL_DIGESTS[seed]


def test_fresh_samples_are_new_draws_of_the_same_population(pop):
    a, b = pop.sample(1, livsmestring=False), pop.sample(2, livsmestring=False)
    assert len(a.tryghed) != len(b.tryghed) or not a.tryghed["psu"].equals(b.tryghed["psu"])
    assert a.tryghed["ot1_tryg_omraade"].value_counts().to_dict() != (
        b.tryghed["ot1_tryg_omraade"].value_counts().to_dict())
    pd.testing.assert_frame_equal(a.margins, b.margins)
    assert a.frame is b.frame and a.livsmestring.empty
    again = pop.sample(1, livsmestring=False)
    pd.testing.assert_frame_equal(again.tryghed, a.tryghed)
    other = demo_population(2019)
    assert not other.effects["cluster_effect"].equals(pop.effects["cluster_effect"])


def test_area_margins_add_up_to_the_group_margins(pop):
    demo = pop.sample(3, livsmestring=False)
    area = demo.area_margins
    assert area.columns.tolist() == ["year", "group", "area", "variable", "level", "total"]
    adults = area[area["variable"] != "psus"]
    summed = adults.groupby(["year", "group", "variable", "level"])["total"].sum()
    register = demo.margins.set_index(["year", "group", "variable", "level"])["total"]
    pd.testing.assert_series_equal(summed.sort_index(), register.sort_index(),
                                   check_names=False)
    psus = area[area["variable"] == "psus"].set_index(["year", "area"])["total"]
    units = pop.frame.units.groupby("area")["psu"].nunique()
    hp = psus.xs(2021, level="year").loc[units.index[units.index.str.startswith("HP")]]
    assert hp.to_numpy().tolist() == units.loc[hp.index].astype(float).tolist()
    assert len(hp) == 66 and hp.between(3, 10).all()
    shares = adults[adults["area"] == "HP01"].groupby(["year", "variable"])["total"].sum()
    assert shares.groupby("year").nunique().eq(1).all()


def test_truth_covers_every_area_round_and_variable(pop3):
    truth = pop3.truth
    q = sk.load_questionnaire("tryghed_trivsel")
    shares = {str(item.indicator) for item in q.headline_items().values()}
    variables = {d.id for d in q.dimensions} | {"index"} | shares
    assert truth.columns.tolist() == ["year", "group", "area", "variable", "value"]
    assert set(truth["variable"]) == variables and len(variables) == 13
    assert not truth.duplicated(["year", "area", "variable"]).any()
    assert truth["value"].between(0.05, 0.99).all()
    per_year = truth.groupby("year")["area"].nunique().to_dict()
    assert per_year == {2018: 66 + 2, 2021: 66 + 3, 2024: 66 + 3}
    counts = truth.groupby(["year", "area"])["variable"].nunique()
    assert (counts == 13).all()
    groups = truth[truth["area"] == truth["group"]]
    assert set(map(tuple, groups[["year", "group"]].drop_duplicates().to_numpy())) == {
        (2018, "helhedsplan"), (2018, "befolkning"), (2021, "helhedsplan"), (2021, "almene"),
        (2021, "befolkning"), (2024, "helhedsplan"), (2024, "almene"), (2024, "befolkning")}


def test_truth_of_two_rounds_is_part_of_the_truth_of_three(pop, pop3):
    two, three = pop.truth, pop3.truth
    pd.testing.assert_frame_equal(two, three[three["year"] < 2024].reset_index(drop=True))


def test_third_round_panel_and_fresh_samples(pop, pop3, sample3):
    t = sample3.tryghed
    assert set(t["year"]) == set(THREE)
    n = t.groupby(["year", "group"]).size()
    assert n[(2024, "almene")] > 2_000 and n[(2024, "befolkning")] > 2_000
    assert 9_000 <= n[(2024, "helhedsplan")] <= 13_000
    panel = t[t["panel"] & t["year"].eq(2024)]
    assert len(panel) > 2_000 and panel["person_id"].str[:4].isin(["HP18", "HP21"]).all()
    before = t[t["year"] == 2021].set_index("person_id").loc[panel["person_id"]]
    assert (before["psu"].to_numpy() == panel["psu"].to_numpy()).all()
    assert (before["age"].to_numpy() + 3 == panel["age"].to_numpy()).all()
    assert t["resp_id"].is_unique
    assert set(map(tuple, sample3.margins[["year", "group"]].drop_duplicates().to_numpy())) == (
        set(map(tuple, t[["year", "group"]].drop_duplicates().to_numpy())))
    # the 2018 and 2021 rounds are those of the two-round population
    two = pop.sample(11, livsmestring=False).tryghed
    pd.testing.assert_frame_equal(t[t["year"] < 2024].reset_index(drop=True), two)


def test_third_round_answers_are_valid_as_2021_answers(sample3):
    q = sk.load_questionnaire("tryghed_trivsel")
    rows = sample3.tryghed[sample3.tryghed["year"] == 2024].assign(year=2021)
    report = q.validate(rows)
    assert len(report.rejects) == 0 and len(report.valid) == len(rows)


def test_third_round_true_changes_follow_the_declared_levels(pop3):
    wide = pop3.truth.pivot_table(index=["area", "variable"], columns="year", values="value")
    change = 100 * (wide[2024] - wide[2021])
    hp = change.xs("helhedsplan", level="area")
    assert hp["oplevet_tryghed"] > 1.0 and hp["tilfredshed"] > 1.0 and hp["tillid"] < -0.5
    for dim in ("social_sammenhaengskraft", "kollektiv_handlekraft", "livskvalitet"):
        assert abs(hp[dim]) < 0.5, dim
    almene = change.xs("almene", level="area")
    assert almene.abs().max() < 0.5


def test_rounds_are_checked():
    with pytest.raises(SurveyKitError, match="rounds"):
        demo_population(2018, (2018, 2024))
    with pytest.raises(SurveyKitError, match="rounds"):
        demo_population(2018, (2018, 2021, 2027))


def test_write_demo_files_writes_the_area_margins(tmp_path):
    paths = sk.datasets.write_demo_files(tmp_path, formats=("csv",))
    assert tmp_path / "area_margins.csv" in paths
    written = pd.read_csv(tmp_path / "area_margins.csv")
    expected = load_demo().area_margins
    assert written.columns.tolist() == expected.columns.tolist()
    assert len(written) == len(expected) > 0
    assert written["total"].to_numpy().tolist() == expected["total"].tolist()


def test_load_demo_with_three_rounds_extends_the_two_round_data():
    three, two = load_demo(rounds=THREE), load_demo()
    assert set(three.tryghed["year"]) == set(THREE)
    earlier = three.tryghed[three.tryghed["year"] < 2024].reset_index(drop=True)
    pd.testing.assert_frame_equal(earlier, two.tryghed)
    assert set(three.margins["year"]) == set(THREE)
