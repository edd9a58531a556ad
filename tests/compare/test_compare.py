"""compare / did / linear_contrast against R survey (svyby covmat + svycontrast, svyttest)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import survey_kit as sk
from survey_kit.compare import compare, design_degf, did, linear_contrast
from survey_kit.compare.table import CONTRAST_COLUMNS

REF = Path(__file__).parents[1] / "reference"
TRYG = json.loads((REF / "tryghed_reference.json").read_text())["cases"]
API = json.loads((REF / "reference.json").read_text())["cases"]
OWN = json.loads((REF / "compare" / "compare_reference.json").read_text())["cases"]
DOMAIN = json.loads((REF / "domain_df" / "domain_df_reference.json").read_text())["cases"]
RTOL = 1e-8


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return pd.read_csv(REF / "tryghed_sample.csv")


@pytest.fixture(scope="module")
def des(data: pd.DataFrame) -> sk.Design:
    return sk.Design(data, weight="design_weight", strata="stratum", psu="psu")


@pytest.fixture(scope="module")
def api() -> sk.Design:
    return sk.Design(pd.read_csv(REF / "apistrat.csv"), weight="pw", strata="stype")


def test_columns_are_the_public_contract(des: sk.Design) -> None:
    frame = compare(des, ["tryg", "index"], between="group", by=["year"],
                    reference="befolkning").to_frame()
    assert list(frame.columns) == ["variable", "year", *CONTRAST_COLUMNS]
    assert set(frame["group_b"]) == {"befolkning"}
    assert len(frame) == 2 * 2 * 2


def test_year_change_and_did_match_svycontrast(data: pd.DataFrame, des: sk.Design) -> None:
    ref = TRYG["svycontrast_group_year"]["value"]
    sub = des.subset(data["tryg"].notna() & data["index"].notna())
    change = compare(sub, ["tryg", "index"], between="year", by="group").to_frame()
    hp = change[change["group"] == "helhedsplan"]
    assert (hp["group_a"] == 2021).all() and (hp["group_b"] == 2018).all()
    np.testing.assert_allclose(hp["difference"], ref["estimate"][:2], rtol=RTOL)
    np.testing.assert_allclose(hp["se"], ref["se"][:2], rtol=RTOL)
    rel = did(sub, ["tryg", "index"], control="befolkning").to_frame()
    np.testing.assert_allclose(rel["difference"], ref["estimate"][2:], rtol=RTOL)
    np.testing.assert_allclose(rel["se"], ref["se"][2:], rtol=RTOL)
    np.testing.assert_allclose(rel["estimate_a"], ref["estimate"][:2], rtol=RTOL)


def test_did_vcov_matches_svycontrast(data: pd.DataFrame, des: sk.Design) -> None:
    ref = np.array(TRYG["svycontrast_group_year"]["value"]["vcov"])
    sub = des.subset(data["tryg"].notna() & data["index"].notna())
    rel = did(sub, ["tryg", "index"], control="befolkning")
    np.testing.assert_allclose(rel.vcov, ref[2:, 2:], rtol=RTOL)


def test_group_pairs_within_year_match_svycontrast(data: pd.DataFrame, des: sk.Design) -> None:
    ref = OWN["group_pairs_by_year"]["value"]
    frame = compare(des, "tryg", between="group", by="year").to_frame()
    np.testing.assert_allclose(frame["difference"], ref["estimate"], rtol=RTOL)
    np.testing.assert_allclose(frame["se"], ref["se"], rtol=RTOL)
    # groups have separate PSUs: Welch-Satterthwaite df from their variances and degf
    np.testing.assert_allclose(frame["df"], DOMAIN["group_pairs_by_year"]["value"]["df"],
                               rtol=RTOL)


@pytest.mark.parametrize("case", ["svyttest_tryg_menapt", "svyttest_tryg_menapt_fpc"])
def test_two_levels_match_svyttest(data: pd.DataFrame, case: str) -> None:
    ref = TRYG[case]["value"]
    fpc = "fpc" if case.endswith("fpc") else None
    design = sk.Design(data, weight="design_weight", strata="stratum", psu="psu", fpc=fpc)
    row = compare(design, "tryg", between="menapt").to_frame().iloc[0]
    assert row["df"] == ref["df"] + 1  # compare: design df; svyttest: design df - 1
    np.testing.assert_allclose([row["difference"], row["statistic"]],
                               [ref["difference"], ref["t"]], rtol=RTOL)
    same_df = compare(design, "tryg", between="menapt", df=ref["df"]).to_frame().iloc[0]
    np.testing.assert_allclose(same_df["p_value"], ref["p_value"], rtol=1e-6)
    np.testing.assert_allclose([same_df["ci_low"], same_df["ci_high"]], ref["conf_int"],
                               rtol=RTOL)


def test_subset_design_uses_subset_degf(data: pd.DataFrame, des: sk.Design) -> None:
    ref = TRYG["svyttest_tryg_menapt_helhedsplan"]["value"]
    hp = des.subset(data["group"] == "helhedsplan")
    assert design_degf(hp) == ref["degf_subset"]
    row = compare(hp, "tryg", between="menapt", df=design_degf(hp) - 1).to_frame().iloc[0]
    np.testing.assert_allclose([row["difference"], row["statistic"]],
                               [ref["difference"], ref["t"]], rtol=RTOL)
    np.testing.assert_allclose(row["p_value"], ref["p_value"], rtol=1e-6)


def test_api_ttests(api: sk.Design) -> None:
    ref = API["strat_wr_ttest"]["value"]
    row = compare(api, "api00", between="sch.wide", df=ref["df"]).to_frame().iloc[0]
    np.testing.assert_allclose([row["difference"], row["statistic"]],
                               [ref["difference"], ref["t"]], rtol=RTOL)
    np.testing.assert_allclose(row["p_value"], ref["p_value"], rtol=1e-6)
    ref = OWN["apistrat_ttest_subset"]["value"]
    sub = api.subset((api.data["stype"] != "E").to_numpy())
    row = compare(sub, "api00", between="comp.imp").to_frame().iloc[0]
    # every school is its own PSU, so the two groups are PSU-disjoint: Welch-Satterthwaite
    np.testing.assert_allclose(row["df"], DOMAIN["apistrat_comp_imp"]["value"]["df"], rtol=RTOL)
    np.testing.assert_allclose([row["difference"], row["statistic"]],
                               [ref["difference"], ref["t"]], rtol=RTOL)


def test_linear_contrast_is_svycontrast(data: pd.DataFrame, des: sk.Design) -> None:
    ref = TRYG["svycontrast_group_year"]["value"]
    sub = des.subset(data["tryg"].notna() & data["index"].notna())
    est = sub.mean(["tryg", "index"], by=["year", "group"])
    L = np.zeros((2, 12))
    L[0, [5, 2]] = 1, -1  # tryg: helhedsplan 2021 - 2018 (rows year-major within variable)
    L[1, [11, 8]] = 1, -1
    value, cov = linear_contrast(est, L)
    np.testing.assert_allclose(value, ref["estimate"][:2], rtol=RTOL)
    np.testing.assert_allclose(cov, np.array(ref["vcov"])[:2, :2], rtol=RTOL)


def test_shared_psus_make_rounds_correlated(data: pd.DataFrame, des: sk.Design) -> None:
    est = des.mean("tryg", by=["year"])
    assert abs(est.vcov[0, 1]) > 0
    row = compare(des, "tryg", between="year").to_frame().iloc[0]
    independent = np.sqrt(est.vcov[0, 0] + est.vcov[1, 1])
    assert row["se"] < 0.95 * independent  # positive covariance between rounds


def test_reference_and_pair_order(des: sk.Design) -> None:
    pairs = compare(des, "tryg", between="group").to_frame()
    assert list(zip(pairs["group_a"], pairs["group_b"], strict=True)) == [
        ("befolkning", "almene"), ("helhedsplan", "almene"), ("helhedsplan", "befolkning")]
    with pytest.raises(sk.EstimationError, match="reference"):
        compare(des, "tryg", between="group", reference="nowhere")
    with pytest.raises(sk.EstimationError, match="both"):
        compare(des, "tryg", between="group", by="group")
    with pytest.raises(sk.EstimationError, match=r"p\.adjust"):
        compare(des, "tryg", between="group", adjust="fdr")


def test_family_adjustment(des: sk.Design) -> None:
    whole = compare(des, ["tryg", "index"], between="group", adjust="bonferroni").to_frame()
    per_var = compare(des, ["tryg", "index"], between="group", adjust="bonferroni",
                      family="variable").to_frame()
    np.testing.assert_allclose(whole["p_adjusted"], np.minimum(whole["p_value"] * 6, 1))
    np.testing.assert_allclose(per_var["p_adjusted"], np.minimum(per_var["p_value"] * 3, 1))
    assert (whole["significant"] == (whole["p_adjusted"] < 0.05)).all()


def test_multi_column_between(des: sk.Design) -> None:
    frame = compare(des, "tryg", between=["gender", "menapt"], by="year").to_frame()
    assert len(frame) == 2 * 6
    assert frame["group_a"].iloc[0] == "kvinde / True"
    assert frame["group_b"].iloc[0] == "kvinde / False"
