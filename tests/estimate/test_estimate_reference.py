"""Design, means, totals and proportions against R `survey` (tests/reference/, see README there)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import survey_kit as sk

REF = Path(__file__).parents[1] / "reference"
RTOL = 1e-8


def _cases(name: str) -> dict:
    data = json.loads((REF / name).read_text())
    return data["cases"]


API = _cases("reference.json")
TRY = _cases("tryghed_reference.json")


@pytest.fixture(scope="module")
def apistrat() -> pd.DataFrame:
    d = pd.read_csv(REF / "apistrat.csv")
    d["yes"] = (d["sch.wide"] == "Yes").astype(float)
    return d


@pytest.fixture(scope="module")
def apiclus1() -> pd.DataFrame:
    return pd.read_csv(REF / "apiclus1.csv")


@pytest.fixture(scope="module")
def tryghed() -> pd.DataFrame:
    return pd.read_csv(REF / "tryghed_sample.csv")


def _des(d: pd.DataFrame, fpc: bool = False, **kw: object) -> sk.Design:
    return sk.Design(d, weight="design_weight", strata="stratum", psu="psu",
                     fpc="fpc" if fpc else None, **kw)  # type: ignore[arg-type]


def test_stratified_fpc_mean_and_deff(apistrat: pd.DataFrame) -> None:
    ref = API["strat_fpc_mean"]["value"]
    est = sk.Design(apistrat, weight="pw", strata="stype", fpc="fpc").mean(["api00", "enroll"])
    out = est.to_frame()
    np.testing.assert_allclose(out["estimate"], ref["estimate"], rtol=RTOL)
    np.testing.assert_allclose(out["se"], ref["se"], rtol=RTOL)
    np.testing.assert_allclose(out["deff"], ref["deff"], rtol=RTOL)
    assert list(out.columns[:9]) == ["variable", "estimate", "se", "ci_low", "ci_high", "df",
                                     "deff", "n", "n_eff"]


def test_domain_means_one_and_two_way(apistrat: pd.DataFrame) -> None:
    des = sk.Design(apistrat, weight="pw", strata="stype")
    ref = API["strat_wr_domain_mean"]["value"]
    out = des.mean("api00", by="sch.wide").to_frame()
    assert list(out["sch.wide"]) == ref["sch.wide"]
    np.testing.assert_allclose(out["estimate"], ref["estimate"], rtol=RTOL)
    np.testing.assert_allclose(out["se"], ref["se"], rtol=RTOL)

    ref2 = API["strat_wr_domain_mean_2way"]["value"]
    out2 = des.mean(["api00", "api99"], by=["stype", "comp.imp"]).to_frame()
    r = pd.DataFrame(ref2).sort_values(["stype", "comp.imp"])
    for var in ("api00", "api99"):
        mine = out2[out2["variable"] == var]
        np.testing.assert_allclose(mine["estimate"], r[var], rtol=RTOL)
        np.testing.assert_allclose(mine["se"], r[f"se_{var}"], rtol=RTOL)


def test_proportion_logit_and_beta_intervals(apistrat: pd.DataFrame) -> None:
    ref = API["strat_wr_prop_ci"]["value"]
    des = sk.Design(apistrat, weight="pw", strata="stype")
    logit = des.proportion("yes", method="logit").to_frame().iloc[0]
    beta = des.proportion("yes", method="beta").to_frame().iloc[0]
    np.testing.assert_allclose([logit.estimate, logit.se], [ref["estimate"], ref["se"]], rtol=RTOL)
    np.testing.assert_allclose([logit.ci_low, logit.ci_high], ref["logit_ci"], rtol=RTOL)
    np.testing.assert_allclose([beta.ci_low, beta.ci_high], ref["beta_ci"], rtol=RTOL)


def test_one_stage_cluster_means_deff_and_domains(apiclus1: pd.DataFrame) -> None:
    des = sk.Design(apiclus1, weight="pw", psu="dnum")
    ref = API["clus1_wr_mean"]["value"]
    out = des.mean(["api00", "api99"]).to_frame()
    np.testing.assert_allclose(out["estimate"], ref["estimate"], rtol=RTOL)
    np.testing.assert_allclose(out["se"], ref["se"], rtol=RTOL)
    np.testing.assert_allclose(out["deff"], ref["deff"], rtol=RTOL)
    assert des.df == 14
    ref2 = API["clus1_wr_domain_mean"]["value"]
    out2 = des.mean("api00", by="stype").to_frame()
    np.testing.assert_allclose(out2["estimate"], ref2["estimate"], rtol=RTOL)
    np.testing.assert_allclose(out2["se"], ref2["se"], rtol=RTOL)


@pytest.mark.parametrize("var", ["tryg", "tillid", "index"])
@pytest.mark.parametrize("fpc", [False, True])
def test_tryghed_means_with_missing_values(tryghed: pd.DataFrame, var: str, fpc: bool) -> None:
    ref = TRY[f"svymean_{var}{'_fpc' if fpc else ''}"]["value"]
    row = _des(tryghed, fpc).mean(var).to_frame().iloc[0]
    np.testing.assert_allclose([row.estimate, row.se, row.deff],
                               [ref["estimate"], ref["se"], ref["deff"]], rtol=RTOL)


def test_tryghed_domains_full_covariance(tryghed: pd.DataFrame) -> None:
    case = TRY["svyby_group_year_covmat"]["value"]
    complete = tryghed["tryg"].notna() & tryghed["index"].notna()
    est = _des(tryghed).subset(complete).mean(["tryg", "index"], by=["group", "year"])
    out = est.to_frame()
    ref = pd.DataFrame({k: case[k] for k in ("group", "year", "tryg", "index", "se_tryg",
                                             "se_index", "deff_tryg", "deff_index")})
    order = ref.sort_values(["group", "year"]).index.to_numpy()
    ref = ref.loc[order]
    for var in ("tryg", "index"):
        mine = out[out["variable"] == var]
        assert list(mine["group"]) == list(ref["group"])
        np.testing.assert_allclose(mine["estimate"], ref[var], rtol=RTOL)
        np.testing.assert_allclose(mine["se"], ref[f"se_{var}"], rtol=RTOL)
        np.testing.assert_allclose(mine["deff"], ref[f"deff_{var}"], rtol=RTOL)
    # R orders statistic-major with its own domain order; permute to ours.
    D = len(order)
    perm = np.concatenate([order, order + D])
    rv = np.asarray(case["vcov"])[np.ix_(perm, perm)]
    np.testing.assert_allclose(est.vcov, rv, rtol=RTOL, atol=1e-14)


@pytest.mark.parametrize("case,by", [("svyby_group_year_gender", ["group", "year", "gender"]),
                                     ("svyby_group_menapt", ["group", "menapt"])])
def test_tryghed_subgroup_means(tryghed: pd.DataFrame, case: str, by: list[str]) -> None:
    ref = pd.DataFrame(TRY[case]["value"]).sort_values(by).reset_index(drop=True)
    complete = tryghed["tryg"].notna() & tryghed["index"].notna()  # R's na.rm is listwise
    out = _des(tryghed).subset(complete).mean(["tryg", "index"], by=by).to_frame()
    for var in ("tryg", "index"):
        mine = out[out["variable"] == var].reset_index(drop=True)
        np.testing.assert_allclose(mine["estimate"], ref[var], rtol=RTOL)
        np.testing.assert_allclose(mine["se"], ref[f"se_{var}"], rtol=RTOL)


@pytest.mark.parametrize("fpc", [False, True])
def test_tryghed_totals(tryghed: pd.DataFrame, fpc: bool) -> None:
    ref = TRY[f"svytotal_tryg_pos{'_fpc' if fpc else ''}"]["value"]
    row = _des(tryghed, fpc).total("tryg_pos").to_frame().iloc[0]
    np.testing.assert_allclose([row.estimate, row.se, row.deff],
                               [ref["estimate"], ref["se"], ref["deff"]], rtol=RTOL)
    by = pd.DataFrame(TRY["svytotal_tryg_pos_by_group"]["value"]).sort_values("group")
    out = _des(tryghed).total("tryg_pos", by="group").to_frame()
    np.testing.assert_allclose(out["estimate"], by["total"], rtol=RTOL)
    np.testing.assert_allclose(out["se"], by["se"], rtol=RTOL)


@pytest.mark.parametrize("case", ["svyciprop_tryg_pos_full", "svyciprop_tryg_pos_helhedsplan"])
def test_tryghed_proportion_intervals(tryghed: pd.DataFrame, case: str) -> None:
    ref = TRY[case]["value"]
    des = _des(tryghed)
    if case.endswith("helhedsplan"):
        des = des.subset(tryghed["group"] == "helhedsplan")
    assert des.df == ref["degf"]
    logit = des.proportion("tryg_pos").to_frame().iloc[0]
    beta = des.proportion("tryg_pos", method="beta").to_frame().iloc[0]
    np.testing.assert_allclose([logit.estimate, logit.se], [ref["estimate"], ref["se"]], rtol=RTOL)
    np.testing.assert_allclose([logit.ci_low, logit.ci_high], ref["logit_ci"], rtol=RTOL)
    np.testing.assert_allclose([beta.ci_low, beta.ci_high], ref["beta_ci"], rtol=RTOL)


@pytest.mark.parametrize("rule", ["remove", "adjust", "certainty", "average"])
def test_lonely_psu_rules(tryghed: pd.DataFrame, rule: str) -> None:
    case = TRY["lonely_psu_svymean_tryg"]["value"]
    lonely = tryghed[~tryghed["psu"].isin(case["dropped_psus"])].reset_index(drop=True)
    ref = case[rule]
    row = _des(lonely, lonely_psu=rule).mean("tryg").to_frame().iloc[0]
    np.testing.assert_allclose([row.estimate, row.se], [ref["mean"], ref["se"]], rtol=RTOL)
    row_fpc = _des(lonely, fpc=True, lonely_psu=rule).mean("tryg").to_frame().iloc[0]
    np.testing.assert_allclose(row_fpc.se, ref["se_fpc"], rtol=RTOL)
    tot = _des(lonely, lonely_psu=rule).total("tryg_pos").to_frame().iloc[0]
    np.testing.assert_allclose([tot.estimate, tot.se],
                               [ref["total_tryg_pos"], ref["se_total_tryg_pos"]], rtol=RTOL)


def test_lonely_psu_fail_names_the_stratum(tryghed: pd.DataFrame) -> None:
    case = TRY["lonely_psu_svymean_tryg"]["value"]
    lonely = tryghed[~tryghed["psu"].isin(case["dropped_psus"])]
    with pytest.raises(sk.DesignError, match=r"stratum 'h01' has only one PSU"):
        _des(lonely)
