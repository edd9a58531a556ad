"""The run's area stage: each area's own df, page contrasts, one multiplicity family per page.

Numbers are held to R through tests/reference/domain_df/ (svycontrast with the area's degf, or
for an area against a group min(Welch-Satterthwaite df, the area's degf)); the page adjustment
to sk.p_adjust (itself held to R p.adjust).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import survey_kit as sk
from survey_kit.run.areas import AREA_CHANGE, AREA_VS_GROUP, AreaSettings, area_tables

REF = Path(__file__).parents[1] / "reference"
CASES = json.loads((REF / "domain_df" / "domain_df_reference.json").read_text())["cases"]


@pytest.fixture(scope="module")
def tables() -> object:
    d = pd.read_csv(REF / "tryghed_sample.csv")
    d["unit"] = d["stratum"].where(d["group"] == "helhedsplan", d["group"])
    des = sk.Design(d, weight="design_weight", strata="stratum", psu="psu")
    s = AreaSettings(unit="unit", group="group", focus="helhedsplan", year="year",
                     references=("almene", "befolkning"))
    return area_tables(des, ["tryg", "index", "tryg_pos"], ["tryg_pos"], s)


def test_area_estimates_carry_the_areas_df(tables: object) -> None:
    est = tables.estimates  # type: ignore[attr-defined]
    ref = CASES["stratum_year_means"]["value"]
    want = pd.DataFrame({"unit": ref["stratum"], "year": ref["year"], "df": ref["df"]})
    got = est[est["variable"] == "tryg"].merge(want, on=["unit", "year"])
    assert len(got) == 16 and (got["df_x"] == got["df_y"]).all()
    prop = est[est["variable"] == "tryg_pos"]
    logit = CASES["stratum_year_prop_logit"]["value"]
    want = pd.DataFrame({"unit": logit["stratum"], "year": logit["year"],
                         "lo": logit["ci_low"]})
    got = prop.merge(want, on=["unit", "year"])
    np.testing.assert_allclose(got["ci_low"], got["lo"], rtol=1e-7)


def test_page_contrasts_match_r(tables: object) -> None:
    con = tables.contrasts  # type: ignore[attr-defined]
    tryg = con[con["variable"] == "tryg"]
    vs = tryg[(tryg["comparison"] == AREA_VS_GROUP) & (tryg["reference"] == "almene")]
    # the page judges an area against a group on min(Welch-Satterthwaite, the area's df)
    ref = CASES["area_vs_almene_2021_page"]["value"]
    vs = vs.set_index("area").loc[ref["area"]]
    cols = ["difference", "df", "df_welch", "p_value", "ci_low", "ci_high"]
    np.testing.assert_allclose(vs[cols].to_numpy().T, [ref[k] for k in (
        "estimate", "df", "df_welch", "p_value", "ci_low", "ci_high")], rtol=1e-6)
    assert ref["df_welch"] != ref["df"]  # the rule bites in this sample
    welch = CASES["area_vs_almene_2021"]["value"]  # and Welch-Satterthwaite as R has it
    np.testing.assert_allclose(vs["df_welch"], welch["df"], rtol=1e-9)
    assert (vs["year"] == 2021).all()
    ch = tryg[tryg["comparison"] == AREA_CHANGE].set_index("area").loc[CASES["area_change"][
        "value"]["area"]]
    np.testing.assert_allclose(ch["df"], CASES["area_change"]["value"]["df"])
    assert set(zip(ch["group_a"], ch["group_b"], strict=True)) == {(2021, 2018)}


def test_one_family_per_page(tables: object) -> None:
    con = tables.contrasts  # type: ignore[attr-defined]
    assert set(con["area"]) == {f"h0{i}" for i in range(1, 9)}
    for area, page in con.groupby("area"):
        # 3 variables x (2 groups + 1 change) statements on the page, adjusted together
        assert len(page) == 9 and (page["family_size"] == 9).all()
        assert (page["multiplicity_family"] == f"page of {area}").all()
        np.testing.assert_allclose(page["p_adjusted"],
                                   sk.p_adjust(page["p_value"].to_numpy(), "bonferroni"))
        assert (page["significant"] == (page["p_adjusted"] < 0.05)).all()
        # the page's interval agrees with its statement: real exactly when it excludes 0
        excludes = (page["ci_low_page"] > 0) | (page["ci_high_page"] < 0)
        assert (excludes == page["significant"]).all()
        # and it is wider than the unadjusted interval
        assert (page["ci_high_page"] - page["ci_low_page"]
                > page["ci_high"] - page["ci_low"]).all()
