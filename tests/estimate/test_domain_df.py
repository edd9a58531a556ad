"""Per-domain degrees of freedom, held to R (tests/reference/domain_df/).

R: ``degf(subset(des, domain))`` for a domain's df, ``svyby(..., svyciprop)`` (which uses it
itself), ``confint(svycontrast(...), df=)`` for contrasts with the union or Welch-Satterthwaite
df.  See make_domain_df_reference.R for the rule.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import survey_kit as sk
from survey_kit.estimate.estimators import NO_DF_NOTE

REF = Path(__file__).parents[1] / "reference"
CASES = json.loads((REF / "domain_df" / "domain_df_reference.json").read_text())["cases"]
RTOL = 1e-8


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    d = pd.read_csv(REF / "tryghed_sample.csv")
    hp = d["group"] == "helhedsplan"
    return d.assign(unit=d["stratum"].where(hp, d["group"]))


@pytest.fixture(scope="module")
def des(data: pd.DataFrame) -> sk.Design:
    return sk.Design(data, weight="design_weight", strata="stratum", psu="psu")


def _aligned(frame: pd.DataFrame, ref: dict, keys: list[str]) -> pd.DataFrame:
    want = pd.DataFrame({k: ref[k] for k in keys})
    return want.merge(frame, on=keys, how="left", validate="one_to_one")


def test_means_use_each_domains_degf(des: sk.Design) -> None:
    ref = CASES["stratum_year_means"]["value"]
    got = _aligned(des.mean("tryg", by=["stratum", "year"]).to_frame(), ref, ["stratum", "year"])
    assert got["df"].tolist() == ref["df"]
    for col in ("estimate", "se", "ci_low", "ci_high"):
        np.testing.assert_allclose(got[col], ref[col], rtol=RTOL)
    assert (got["note"] == "").all()


@pytest.mark.parametrize("method", ["logit", "beta"])
def test_proportions_match_svyby_svyciprop(des: sk.Design, method: str) -> None:
    ref = CASES[f"stratum_year_prop_{method}"]["value"]
    est = des.proportion("tryg_pos", by=["stratum", "year"], method=method).to_frame()
    got = _aligned(est, ref, ["stratum", "year"])
    np.testing.assert_allclose(got["estimate"], ref["estimate"], rtol=1e-8)
    np.testing.assert_allclose(got[["ci_low", "ci_high"]].to_numpy().T,
                               [ref["ci_low"], ref["ci_high"]], rtol=1e-7)


def test_domain_inside_one_psu_has_no_interval(des: sk.Design) -> None:
    ref = CASES["one_psu_domain"]["value"]
    row = des.proportion("tryg_pos", by="psu").to_frame().set_index("psu").loc["h01_p1"]
    assert row["df"] == ref["df"] == 0
    np.testing.assert_allclose(row["estimate"], ref["estimate"], rtol=RTOL)
    assert ref["ci"] == [None, None]
    assert np.isnan(row["ci_low"]) and np.isnan(row["ci_high"])
    assert row["note"] == NO_DF_NOTE


def test_whole_design_and_subset_keep_r_degf(des: sk.Design, data: pd.DataFrame) -> None:
    assert des.mean("tryg").to_frame()["df"].iloc[0] == des.df == 58
    sub = des.subset(data["stratum"] == "h01")
    assert sub.df == CASES["area_change"]["value"]["df"][0] == 2
    assert sub.mean("tryg").to_frame()["df"].iloc[0] == 2


def _check_contrasts(frame: pd.DataFrame, ref: dict) -> None:
    for col in ("difference", "se", "df", "ci_low", "ci_high"):
        np.testing.assert_allclose(frame[col], ref["estimate" if col == "difference" else col],
                                   rtol=RTOL, err_msg=col)
    np.testing.assert_allclose(frame["p_value"], ref["p_value"], rtol=1e-6)


def test_change_within_area_uses_the_areas_df(des: sk.Design) -> None:
    ref = CASES["area_change"]["value"]
    change = sk.compare(des, "tryg", between="year", by="stratum", adjust="none").to_frame()
    _check_contrasts(change.set_index("stratum").loc[ref["area"]], ref)


def test_area_against_almene_is_welch_satterthwaite(des: sk.Design) -> None:
    ref = CASES["area_vs_almene_2021"]["value"]
    table = sk.compare(des, "tryg", between="unit", by="year", reference="almene",
                       adjust="none").to_frame()
    rows = table[(table["year"] == 2021)].set_index("group_a").loc[ref["area"]]
    _check_contrasts(rows, ref)


def test_relative_development_combines_two_components(des: sk.Design) -> None:
    ref = CASES["area_did_almene"]["value"]
    rel = sk.did(des, "tryg", group="unit", time="year", treated="h01",
                 control="almene").to_frame()
    _check_contrasts(rel.iloc[[0]], {k: v[:1] for k, v in ref.items()})


def test_group_pairs_and_disjoint_schools(des: sk.Design) -> None:
    ref = CASES["group_pairs_by_year"]["value"]
    _check_contrasts(sk.compare(des, "tryg", between="group", by="year").to_frame(), ref)
    api = sk.Design(pd.read_csv(REF / "apistrat.csv"), weight="pw", strata="stype")
    sub = api.subset((api.data["stype"] != "E").to_numpy())
    ref = CASES["apistrat_comp_imp"]["value"]
    row = sk.compare(sub, "api00", between="comp.imp").to_frame()
    _check_contrasts(row, {k: [v] for k, v in ref.items()})


def test_explicit_df_overrides_every_row(des: sk.Design) -> None:
    table = sk.compare(des, "tryg", between="year", by="stratum", df=30).to_frame()
    assert (table["df"] == 30).all()


def test_contrast_with_a_df0_side_has_no_test(data: pd.DataFrame) -> None:
    # area h01 keeps two PSUs, each now the only PSU of its own stratum: the variance exists
    # (lonely_psu="adjust") but rests on 0 degrees of freedom
    d = data[(data["stratum"] != "h01") | data["psu"].isin(["h01_p1", "h01_p2"])].copy()
    d["stratum"] = d["stratum"].where(d["stratum"] != "h01", d["psu"])
    design = sk.Design(d, weight="design_weight", strata="stratum", psu="psu",
                       lonely_psu="adjust")
    est = design.mean("tryg", by=["unit", "year"]).to_frame().set_index(["unit", "year"])
    assert est.loc[("h01", 2021), "df"] == 0 and est.loc[("h01", 2021), "se"] > 0
    assert np.isnan(est.loc[("h01", 2021), "ci_low"])
    change = sk.compare(design, "tryg", between="year", by="unit").to_frame()
    row = change.set_index("unit").loc["h01"]
    assert row["se"] > 0 and row["df"] != row["df"]  # NaN df
    assert np.isnan(row["p_value"]) and np.isnan(row["ci_low"]) and not row["significant"]
    assert row["note"] == NO_DF_NOTE
    vs = sk.compare(design, "tryg", between="unit", by="year", reference="almene").to_frame()
    row = vs[(vs["group_a"] == "h01") & (vs["year"] == 2021)].iloc[0]
    assert np.isnan(row["df"]) and np.isnan(row["p_value"]) and row["note"] == NO_DF_NOTE
