"""The run's small-area stage: inputs, covariates and identities of the Fay-Herriot table.

The model and the variance smoothing themselves are held to R sae in tests/small_area/; here
the plumbing: which areas enter the model, which covariates, and the EBLUP identity.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import survey_kit as sk
from survey_kit.run.area_model import SmallAreaSettings, register_shares, small_area_table

REF = Path(__file__).parents[1] / "reference"
AREAS = [f"h0{i}" for i in range(1, 9)]


@pytest.fixture(scope="module")
def estimates() -> pd.DataFrame:
    d = pd.read_csv(REF / "tryghed_sample.csv")
    d["unit"] = d["stratum"].where(d["group"] == "helhedsplan", d["group"])
    des = sk.Design(d, weight="design_weight", strata="stratum", psu="psu")
    return des.mean(["tryg", "index"], by=["unit", "year"]).to_frame()


def _margins() -> pd.DataFrame:
    rows = []
    for year in (2018, 2021):
        for i, area in enumerate(AREAS):
            share = 0.1 + 0.08 * i + (0.02 if year == 2021 else 0.0)
            rows += [(year, area, "menapt", True, 1000 * share),
                     (year, area, "menapt", False, 1000 * (1 - share))]
    return pd.DataFrame(rows, columns=["year", "area", "variable", "level", "total"])


def test_eblup_identity_and_rounds(estimates: pd.DataFrame) -> None:
    table = small_area_table(estimates, "unit", "year", AREAS, ["tryg", "index"], _margins(),
                             SmallAreaSettings(covariates=("menapt=True", "previous")))
    assert len(table) == 2 * 2 * 8 and set(table["area"]) == set(AREAS)
    np.testing.assert_allclose(
        table["eblup"], table["gamma"] * table["direct"] + (1 - table["gamma"])
        * table["synthetic"], rtol=1e-12)
    first = table[table["year"] == 2018]
    later = table[table["year"] == 2021]
    assert (first["formula"] == "~ menapt_True").all()
    assert (later["formula"] == "~ menapt_True + previous").all()
    assert first["note"].str.contains("no previous round").all()
    assert (table["variance_method"] == "deff").all() and (table["method"] == "REML").all()


def test_model_gets_the_previous_direct_estimate(estimates: pd.DataFrame) -> None:
    # with 'previous' as the only covariate, the synthetic estimate is linear in it
    table = small_area_table(estimates, "unit", "year", AREAS, ["tryg"], None,
                             SmallAreaSettings(covariates=("previous",)))
    before = table[table["year"] == 2018].set_index("area")["direct"]
    later = table[table["year"] == 2021].set_index("area")
    slope, intercept = np.polyfit(before.loc[later.index], later["synthetic"], 1)
    np.testing.assert_allclose(intercept + slope * before.loc[later.index],
                               later["synthetic"], rtol=1e-10)
    assert abs(slope) > 0


def test_unusable_area_is_synthetic_and_missing_covariates_are_named(
        estimates: pd.DataFrame) -> None:
    est = estimates.copy()
    hit = (est["unit"] == "h03") & (est["year"] == 2021)
    est.loc[hit, "df"] = 0  # e.g. a domain inside one PSU: no usable direct estimate
    table = small_area_table(est, "unit", "year", AREAS, ["tryg"], None,
                             SmallAreaSettings(covariates=("menapt=True", "n_psu")))
    row = table[(table["area"] == "h03") & (table["year"] == 2021)].iloc[0]
    assert not row["in_model"] and row["gamma"] == 0 and row["eblup"] == row["synthetic"]
    assert table["note"].str.contains("'menapt=True' not available").all()
    assert (table["formula"] == "~ n_psu").all()


def test_register_shares_sum_to_one() -> None:
    wide = register_shares(_margins())
    np.testing.assert_allclose(wide["menapt=True"] + wide["menapt=False"], 1.0)


def test_too_few_areas_give_a_note_not_an_error(estimates: pd.DataFrame) -> None:
    two = estimates[estimates["unit"].isin(["h01", "h02", "almene"])]
    table = small_area_table(two, "unit", "year", ["h01", "h02"], ["tryg"], None)
    assert len(table) == 4 and table["eblup"].isna().all() and not table["in_model"].any()
    assert table["note"].str.startswith("fewer than 3 areas with a usable direct").all()
    want = two[(two["variable"] == "tryg") & two["unit"].isin(["h01", "h02"])]
    got = table.merge(want, left_on=["area", "year"], right_on=["unit", "year"])
    np.testing.assert_allclose(got["direct"], got["estimate"])


def test_equal_weights_fall_back_to_raw_variances() -> None:
    # with every weight 1 the design effect (R's, with 1 - n/W) is undefined: no pooling
    d = pd.read_csv(REF / "tryghed_sample.csv").assign(w=1.0)
    d["unit"] = d["stratum"].where(d["group"] == "helhedsplan", d["group"])
    est = sk.Design(d, weight="w", strata="stratum", psu="psu").mean(
        "tryg", by=["unit", "year"]).to_frame()
    assert est["deff"].isna().all()
    table = small_area_table(est, "unit", "year", AREAS, ["tryg"], None)
    assert (table["variance_method"] == "raw").all() and table["eblup"].notna().all()
    assert table["note"].str.contains("variance smoothing 'deff' not possible").all()
    np.testing.assert_allclose(table["var_smoothed"], table["direct_se"] ** 2)
