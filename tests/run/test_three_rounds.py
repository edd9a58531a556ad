"""Three rounds end to end: the demo with 2024, analysed and written by the run."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from survey_kit.run import pipeline
from survey_kit.run.analysis import CHANGE, TREND
from survey_kit.run.areas import AREA_CHANGE
from survey_kit.run.config import load_config

CONFIG = Path(__file__).parents[2] / "survey_kit" / "run" / "configs" / "tryghedsmaaling.toml"


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    cfg = dataclasses.replace(load_config(CONFIG), demo_rounds=(2018, 2021, 2024))
    summary: list[str] = []
    res = pipeline.process(cfg, summary=summary.append)
    return res, "\n".join(summary)


def test_the_new_round_is_read_as_the_latest(result) -> None:  # type: ignore[no-untyped-def]
    res, summary = result
    assert sorted(res.design.data["year"].unique()) == [2018, 2021, 2024]
    assert "round 2024 is not among the rounds of questionnaire 'tryghed_trivsel'" in summary


def test_changes_and_trend_across_three_rounds(result) -> None:  # type: ignore[no-untyped-def]
    con = result[0].analysis.contrasts
    totals = con[con["subgroup"].map(len) == 0]
    change = totals[totals["family"] == CHANGE]
    assert set(zip(change["group_a"], change["group_b"], strict=True)) == {
        (2021, 2018), (2024, 2018), (2024, 2021)}
    slope = totals[(totals["family"] == TREND) & (totals["variable"] == "tillid")]
    assert len(slope) == 3 and (slope["group_a"] == 2024).all()
    # almene has no 2018 sample: no trend, and a note says why
    almene = slope.set_index("group").loc["almene"]
    assert np.isnan(almene["p_value"]) and almene["note"] == "not observed in every round: no trend"
    # with equally spaced rounds the slope is the change over the whole period per year
    for g, row in slope[slope["group"] != "almene"].set_index("group").iterrows():
        c = change[(change["group"] == g) & (change["variable"] == "tillid")].set_index(
            ["group_a", "group_b"])["difference"]
        np.testing.assert_allclose(row["difference"], c[(2024, 2018)] / 6, rtol=1e-9)
        assert row["df"] > 0 and np.isfinite(row["p_value"])


def test_area_pages_state_change_since_previous_and_baseline(result) -> None:  # type: ignore[no-untyped-def]
    a = result[0].analysis
    ch = a.area_contrasts[a.area_contrasts["comparison"] == AREA_CHANGE]
    assert set(zip(ch["group_a"], ch["group_b"], strict=True)) == {(2024, 2021), (2024, 2018)}
    assert set(a.small_area["year"]) == {2018, 2021, 2024}
    assert isinstance(a.small_area, pd.DataFrame) and a.small_area["eblup"].notna().mean() > 0.9


def test_family_size_counts_the_tests_of_each_family(result) -> None:  # type: ignore[no-untyped-def]
    con = result[0].analysis.contrasts
    for (family, sub, _variable), part in con.groupby(
            ["family", con["subgroup"].map(str), "variable"]):
        assert (part["family_size"] == part["p_value"].notna().sum()).all(), (family, sub)
        # Holm over exactly that family: p_adjusted of the smallest p is p * size
        tested = part.dropna(subset=["p_value"])
        if len(tested):
            smallest = tested.loc[tested["p_value"].idxmin()]
            np.testing.assert_allclose(smallest["p_adjusted"],
                                       min(1.0, smallest["p_value"] * len(tested)))
