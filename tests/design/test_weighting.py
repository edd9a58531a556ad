"""Design-level raking and calibration (survey_kit.design.weighting) against R `survey`.

References: tests/reference/reference.json (shared set), tests/reference/tryghed_reference.json
(by year x group raking and calibration on tryghed-shaped data) and
tests/reference/weighting/weighting_reference.json (make_weighting_reference.R in that folder).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from weighting_reference import WREF, by_stype_targets

import survey_kit as sk
from survey_kit.design.design import Design
from survey_kit.design.weighting import WeightingReport, calibrate_weights, rake_weights

REF = Path(__file__).parents[1] / "reference"
API = json.loads((REF / "reference.json").read_text())["cases"]
TRY = json.loads((REF / "tryghed_reference.json").read_text())["cases"]
RTOL = 1e-8

CLUS1_TARGETS = pd.DataFrame({
    "variable": ["stype"] * 3 + ["sch.wide"] * 2,
    "level": ["E", "H", "M", "No", "Yes"],
    "total": [4421.0, 755, 1018, 1072, 5122],
})


@pytest.fixture(scope="module")
def clus1() -> Design:
    return Design(pd.read_csv(REF / "apiclus1.csv"), weight="pw", psu="dnum")


@pytest.fixture(scope="module")
def tryghed() -> Design:
    df = pd.read_csv(REF / "tryghed_sample.csv")
    return Design(df, weight="design_weight", strata="stratum", psu="psu")


def _mean_se(des: Design, variable: str) -> tuple[float, float]:
    row = des.mean(variable).to_frame().iloc[0]
    return float(row["estimate"]), float(row["se"])


def _check(des: Design, ref: dict, variable: str = "api00") -> None:
    np.testing.assert_allclose(des.weights.to_numpy(), ref["weights"], rtol=RTOL)
    est, se = _mean_se(des, variable)
    np.testing.assert_allclose([est, se], [ref["mean_api00"], ref["se_api00"]], rtol=RTOL)


# -- apiclus1 ---------------------------------------------------------------------------------
def test_rake_reproduces_r_weights_and_se(clus1: Design) -> None:
    raked = clus1.rake(CLUS1_TARGETS)
    _check(raked, API["clus1_rake"]["value"])
    report = raked.weighting
    assert isinstance(report, WeightingReport) and report.converged and report.method == "rake"
    np.testing.assert_allclose(report.margins["achieved"], report.margins["target"], rtol=1e-9)
    assert list(report.margins.columns) == ["variable", "level", "target", "achieved"]


def test_bounded_rake_is_r_bounded_raking_calibration(clus1: Design) -> None:
    raked = clus1.rake(CLUS1_TARGETS, bounds=(0.6, 1.7))
    _check(raked, API["clus1_calibrate_raking_bounded"]["value"])
    ratio = raked.weights.to_numpy() / clus1.weights.to_numpy()
    assert ratio.min() >= 0.6 and ratio.max() <= 1.7
    assert raked.weighting.bounds == (0.6, 1.7)


def test_infeasible_bounds_raise_naming_margin_and_level(clus1: Design) -> None:
    assert API["clus1_calibrate_raking_infeasible"]["value"]["fails"]
    with pytest.raises(sk.WeightingError,
                       match=r"failed to converge.*at variable '(stype|sch\.wide)', level"):
        clus1.rake(CLUS1_TARGETS, bounds=(0.8, 1.25))


def test_linear_calibration_reproduces_r(clus1: Design) -> None:
    _check(clus1.calibrate(CLUS1_TARGETS), WREF["clus1_calibrate_linear"]["value"])


def test_rake_by_group_reproduces_r_interaction_margins(clus1: Design) -> None:
    raked = clus1.rake(by_stype_targets(), by=["stype"])
    _check(raked, WREF["by_stype_rake"]["value"])
    assert list(raked.weighting.margins.columns) == ["stype", "variable", "level", "target",
                                                     "achieved"]
    assert list(raked.weighting.by_group["stype"]) == ["H", "E", "M"]  # order in the data


def test_bounded_rake_by_group_reproduces_r(clus1: Design) -> None:
    raked = clus1.rake(by_stype_targets(), by="stype", bounds=(0.4, 3.5))
    _check(raked, WREF["by_stype_calibrate_raking_bounded"]["value"])


# -- tryghed-shaped data: year x group, three margins --------------------------------------------
def _tryghed_targets() -> pd.DataFrame:
    margins = TRY["rake_year_group"]["value"]["margins"]
    frames = []
    for var, records in margins.items():
        t = pd.DataFrame(records)
        frames.append(pd.DataFrame({"year": t["year"], "group": t["group"], "variable": var,
                                    "level": t[var], "total": t["Freq"]}))
    return pd.concat(frames, ignore_index=True)


def _check_tryghed(des: Design, ref: dict) -> None:
    np.testing.assert_allclose(des.weights.to_numpy(), ref["weights"], rtol=RTOL)
    for var in ("tryg", "index"):
        got = _mean_se(des, var)
        want = ref[f"svymean_{var}"]
        np.testing.assert_allclose(got, [want["estimate"], want["se"]], rtol=RTOL)
    by = des.mean("tryg", by=["group", "year"]).to_frame()
    want = pd.DataFrame(ref["svyby_tryg"])
    merged = want.merge(by, on=["group", "year"], suffixes=("_r", ""))
    assert len(merged) == 6
    np.testing.assert_allclose(merged[["estimate", "se"]], merged[["estimate_r", "se_r"]],
                               rtol=RTOL)


def test_tryghed_rake_per_year_and_group(tryghed: Design) -> None:
    raked = tryghed.rake(_tryghed_targets(), by=["year", "group"])
    _check_tryghed(raked, TRY["rake_year_group"]["value"])
    assert len(raked.weighting.by_group) == 6
    assert raked.weighting.iterations <= TRY["rake_year_group"]["value"][
        "sweeps_until_converged"] + 5


@pytest.mark.parametrize("calfun", ["raking", "linear", "logit"])
def test_tryghed_calibration_with_binding_bounds(tryghed: Design, calfun: str) -> None:
    ref = TRY[f"calibrate_{calfun}_bounded_binding"]["value"]
    des = tryghed.calibrate(_tryghed_targets(), by=["year", "group"], calfun=calfun,
                            bounds=tuple(ref["bounds"]), max_iter=500)
    _check_tryghed(des, ref)
    g = des.weights.to_numpy() / tryghed.weights.to_numpy()  # exact g up to one rounding
    assert g.min() >= ref["bounds"][0] * (1 - 1e-14) and g.max() <= ref["bounds"][1] * (1 + 1e-14)


def test_tryghed_infeasible_calibration_raises(tryghed: Design) -> None:
    assert TRY["calibrate_raking_infeasible"]["value"]["fails"]
    with pytest.raises(sk.WeightingError, match=r"group year=\d+, group=\w+, variable"):
        tryghed.rake(_tryghed_targets(), by=["year", "group"], bounds=(0.9, 1.15))


# -- up-front checks: one test per failure mode ----------------------------------------------------
@pytest.fixture
def small() -> tuple[pd.DataFrame, pd.DataFrame]:
    df = pd.DataFrame({"g": ["a", "a", "a", "b", "b", "b"], "sex": ["f", "m", "f", "m", "f", "m"],
                       "age": [1, 2, 2, 1, 1, 2], "w": [1.0, 1, 1, 1, 1, 1]})
    tg = pd.DataFrame({"g": ["a", "a", "a", "a", "b", "b", "b", "b"],
                       "variable": ["sex", "sex", "age", "age"] * 2,
                       "level": ["f", "m", "1", "2", "f", "m", "1", "2"],
                       "total": [6.0, 4, 5, 5, 3, 3, 4, 2]})
    return df, tg


def _fails(df: pd.DataFrame, tg: pd.DataFrame, pattern: str, by: object = "g") -> None:
    with pytest.raises(sk.WeightingError, match=pattern):
        rake_weights(df, df["w"].to_numpy(), tg, by=by)


def test_small_case_works_and_levels_compare_as_text(small: tuple) -> None:
    df, tg = small
    res = rake_weights(df, df["w"].to_numpy(), tg, by="g")  # age 1/2 (int) vs "1"/"2"
    got = res.report.margins.merge(tg, on=["g", "variable", "level"])
    assert len(got) == len(tg)
    np.testing.assert_allclose(got["achieved"], got["total"], rtol=1e-9)
    flags = df.assign(flag=df["sex"] == "f")
    tgb = pd.DataFrame({"variable": "flag", "level": ["True", "False"], "total": [9.0, 9.0]})
    assert rake_weights(flags, flags["w"].to_numpy(), tgb).weights.sum() == pytest.approx(18)


def test_missing_targets_column(small: tuple) -> None:
    df, tg = small
    _fails(df, tg.drop(columns="total"), r"targets lack column\(s\) \['total'\]")
    _fails(df, tg, r"targets lack column\(s\) \['h'\]", by="h")


def test_variable_not_in_data(small: tuple) -> None:
    df, tg = small
    tg.loc[0, "variable"] = "region"
    _fails(df, tg, r"target variable\(s\) \['region'\] not in the data")


@pytest.mark.parametrize("bad", [-1.0, np.nan, np.inf])
def test_negative_or_non_finite_target(small: tuple, bad: float) -> None:
    df, tg = small
    tg.loc[1, "total"] = bad
    _fails(df, tg, r"group g=a, variable 'sex', level 'm': target .* negative or not a finite")


def test_margins_of_a_group_disagree(small: tuple) -> None:
    df, tg = small
    tg.loc[2, "total"] = 6.0
    _fails(df, tg, r"group g=a, the targets of 'sex' add to 10 but those of 'age' add to 11 "
                   r"\(relative tolerance 1e-06\)")


def test_target_level_without_respondents(small: tuple) -> None:
    df, tg = small
    extra = pd.DataFrame({"g": ["a"], "variable": ["age"], "level": ["3"], "total": [1.0]})
    tg.loc[3, "total"] = 4.0
    _fails(df, pd.concat([tg, extra]), r"group g=a, variable 'age', level '3': target 1 but no "
                                       r"respondents in the sample; collapse levels or drop")


def test_sample_level_without_target(small: tuple) -> None:
    df, tg = small
    df = df.assign(sex=["f", "m", "x", "m", "f", "m"])
    _fails(df, tg, r"group g=a, variable 'sex', level 'x': 1 respondents but no target")


def test_group_without_targets_and_targets_without_group(small: tuple) -> None:
    df, tg = small
    _fails(df, tg[tg["g"] == "a"], r"group g=b, has respondents but no targets")
    _fails(df, tg.assign(g=tg["g"].replace("b", "c")), r"group g=c, has targets but no "
                                                       r"respondents")


def test_missing_values_in_raking_variable(small: tuple) -> None:
    df, tg = small
    df = df.assign(sex=["f", None, "f", "m", "f", "m"])
    _fails(df, tg, r"group g=a, column 'sex' has 1 missing values")


def test_non_positive_base_weights(small: tuple) -> None:
    df, tg = small
    df = df.assign(w=[1.0, 0.0, 1, 1, -2, 1])
    _fails(df, tg, r"group g=a, 1 base weights are zero, negative or missing")
    _fails(df, tg, r"group g=b, 1 base weights are zero")


def test_every_problem_is_listed(small: tuple) -> None:
    df, tg = small
    tg.loc[1, "total"] = -1.0
    tg.loc[5, "total"] = 1e9
    df = df.assign(age=[1, 2, None, 1, 1, 2])
    with pytest.raises(sk.WeightingError, match=r"\(2 problems\)"):
        rake_weights(df, df["w"].to_numpy(), tg.iloc[4:], by="g")


def test_report_diagnostics(small: tuple) -> None:
    df, tg = small
    df = df.assign(w=[1.0, 2, 1, 1, 3, 1])
    res = calibrate_weights(df, df["w"].to_numpy(), tg, by="g", calfun="raking")
    w = res.weights
    assert res.report.kish_deff == pytest.approx(len(w) * (w**2).sum() / w.sum() ** 2)
    assert res.report.effective_n == pytest.approx(w.sum() ** 2 / (w**2).sum())
    table = res.report.to_frame()
    assert list(table["g"]) == ["a", "b"]
    np.testing.assert_allclose(table["sum_weights"], [10.0, 6.0], rtol=1e-9)
    assert {"weight_p01", "weight_p99", "ratio_p50", "ratio_max"} <= set(table.columns)
    assert "Kish deff" in res.report.summary()


# -- properties at design level -------------------------------------------------------------------
@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.floats(0.01, 100.0))
def test_rake_invariant_to_row_order_and_weight_scale(seed: int, scale: float) -> None:
    rng = np.random.default_rng(seed)
    n = 80
    df = pd.DataFrame({"g": rng.choice(["x", "y"], n), "a": rng.choice(["p", "q", "r"], n),
                       "b": rng.choice([0, 1], n), "w": rng.uniform(0.5, 3, n)})
    df.loc[:11, "a"] = ["p", "q", "r"] * 4
    df.loc[:11, "g"] = ["x"] * 6 + ["y"] * 6
    df.loc[:11, "b"] = [0, 1] * 6
    tg = (df.assign(t=df["w"] * rng.uniform(0.7, 1.4, n))
          .melt(id_vars=["g", "t"], value_vars=["a", "b"], var_name="variable", value_name="level")
          .groupby(["g", "variable", "level"], as_index=False)["t"].sum()
          .rename(columns={"t": "total"}))
    base = rake_weights(df, df["w"].to_numpy(), tg, by="g").weights
    perm = rng.permutation(n)
    shuffled = df.iloc[perm]
    moved = rake_weights(shuffled, scale * shuffled["w"].to_numpy(), tg, by="g").weights
    np.testing.assert_allclose(moved, base[perm], rtol=1e-8)


def test_yes_no_levels_match_across_spellings() -> None:
    """A 0/1 column (as SPSS stores it) is raked to True/False register margins."""
    demo = sk.datasets.load_demo()
    data = demo.tryghed[demo.tryghed["year"] == 2021]
    targets = demo.margins[demo.margins["year"] == 2021]
    base = sk.Design(data, weight="design_weight", strata="stratum", psu="psu",
                     lonely_psu="adjust")
    as_bool = base.rake(targets, by=["year", "group"])
    numeric = data.assign(menapt=data["menapt"].astype(int))
    as_int = sk.Design(numeric, weight="design_weight", strata="stratum", psu="psu",
                       lonely_psu="adjust").rake(targets, by=["year", "group"])
    np.testing.assert_allclose(as_int.weights.to_numpy(), as_bool.weights.to_numpy(),
                               rtol=1e-12)
