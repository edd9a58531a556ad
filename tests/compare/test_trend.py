"""Linear trend across rounds, held to R (tests/reference/trend/make_trend_reference.R)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import survey_kit as sk
from survey_kit.compare.trend import trend

REF = Path(__file__).parents[1] / "reference" / "trend"
CASES = json.loads((REF / "trend_reference.json").read_text())["cases"]


@pytest.fixture(scope="module")
def des() -> sk.Design:
    return sk.Design(pd.read_csv(REF / "trend_sample.csv"), weight="w", strata="stratum",
                     psu="psu")


def test_slope_matches_svycontrast(des: sk.Design) -> None:
    table = trend(des, "y", time="year", by="group", adjust="none").to_frame()
    for group, case in CASES.items():
        row = table.set_index("group").loc[group]
        ref = case["value"]
        np.testing.assert_allclose([row["difference"], row["se"], row["df"]],
                                   [ref["slope"], ref["se"], ref["df"]], rtol=1e-8)
        np.testing.assert_allclose([row["ci_low"], row["ci_high"]], ref["ci"], rtol=1e-8)
        np.testing.assert_allclose(row["p_value"], ref["p_value"], rtol=1e-6)
        assert (row["group_a"], row["group_b"]) == (2024, 2018)


def test_two_rounds_give_change_per_year(des: sk.Design) -> None:
    two = des.subset(des.data["year"] != 2021)
    slope = trend(two, "y", by="group", per=6).to_frame().set_index("group")
    change = sk.compare(two, "y", between="year", by="group").to_frame().set_index("group")
    np.testing.assert_allclose(slope["difference"], change["difference"], rtol=1e-12)
    np.testing.assert_allclose(slope["se"], change["se"], rtol=1e-12)
    np.testing.assert_allclose(slope["p_value"], change["p_value"], rtol=1e-12)


def test_cell_missing_a_round_has_no_trend(des: sk.Design) -> None:
    d = des.data
    gap = sk.Design(d[~((d["group"] == "other") & (d["year"] == 2021))], weight="w",
                    strata="stratum", psu="psu")
    row = trend(gap, "y", by="group").to_frame().set_index("group").loc["other"]
    assert np.isnan(row["p_value"]) and row["note"] == "not observed in every round: no trend"


def test_rounds_must_be_numbers(des: sk.Design) -> None:
    d = des.data.assign(year=des.data["year"].map({2018: "a", 2021: "b", 2024: "c"}))
    with pytest.raises(sk.EstimationError, match="not a number"):
        trend(sk.Design(d, weight="w", strata="stratum", psu="psu"), "y")
