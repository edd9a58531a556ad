"""Identities, invariances and small-domain behaviour of compare/did."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import survey_kit as sk
from survey_kit.compare import compare, did, linear_contrast


def make_data(seed: int, n_psu: int = 12, per: int = 6) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = n_psu * per
    psu = np.repeat(np.arange(n_psu), per)
    return pd.DataFrame({
        "stratum": psu % 3, "psu": psu, "w": rng.uniform(0.5, 4.0, n),
        "year": rng.choice([2018, 2021], n), "group": rng.choice(["a", "b", "c"], n),
        "y": rng.normal(size=n) + psu * 0.1, "z": rng.uniform(size=n),
    })


def design(df: pd.DataFrame) -> sk.Design:
    return sk.Design(df, weight="w", strata="stratum", psu="psu")


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), scale=st.floats(0.01, 1000.0))
def test_t_invariant_to_weight_scale_and_row_order(seed: int, scale: float) -> None:
    df = make_data(seed)
    base = compare(design(df), ["y", "z"], between="group", by="year").to_frame()
    scaled = compare(design(df.assign(w=df["w"] * scale)), ["y", "z"], between="group",
                     by="year").to_frame()
    order = np.random.default_rng(seed + 1).permutation(len(df))
    permuted = compare(design(df.iloc[order]), ["y", "z"], between="group",
                       by="year").to_frame()
    for other in (scaled, permuted):
        np.testing.assert_allclose(other["statistic"], base["statistic"], rtol=1e-9)
        np.testing.assert_allclose(other["difference"], base["difference"], rtol=1e-9,
                                   atol=1e-12)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_difference_equals_difference_of_domain_means(seed: int) -> None:
    df = make_data(seed)
    des = design(df)
    row = compare(des, "y", between="group", reference="a").to_frame()
    means = des.mean("y", by="group").to_frame().set_index("group")["estimate"]
    np.testing.assert_allclose(row["difference"], means[["b", "c"]].to_numpy() - means["a"],
                               rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(row["estimate_a"], means[["b", "c"]].to_numpy(), rtol=1e-12)


def test_contrast_with_itself_is_zero() -> None:
    est = design(make_data(1)).mean("y", by="group")
    value, cov = linear_contrast(est, [[1.0, -1.0, 0.0], [0.0, 0.0, 0.0]])
    assert value[1] == 0.0 and cov[1, 1] == 0.0
    same, cov_same = linear_contrast(est, [[1.0, 0.0, 0.0]])
    v2, c2 = linear_contrast(est, [[2.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
    assert v2[0] - v2[1] == same[0]
    assert np.isclose(c2[0, 0] - 2 * c2[0, 1] + c2[1, 1], cov_same[0, 0])


def test_did_is_difference_of_changes() -> None:
    des = design(make_data(3))
    change = compare(des, "y", between="year", by="group").to_frame().set_index("group")
    rel = did(des, "y", treated="c", control=["a", "b"]).to_frame()
    expected = change.loc["c", "difference"] - change.loc[["a", "b"], "difference"].to_numpy()
    np.testing.assert_allclose(rel["difference"], expected, rtol=1e-10)
    np.testing.assert_allclose(rel["estimate_b"], change.loc[["a", "b"], "difference"])


def test_small_domains_give_notes_not_errors() -> None:
    df = make_data(5)
    df.loc[df["group"] == "c", "year"] = 2018  # group c has no 2021 respondents
    df.loc[(df["group"] == "b") & (df["psu"] != 0), "y"] = np.nan  # b: y in one PSU only
    df.loc[df["group"] == "a", "z"] = 0.5  # constant within a
    frame = compare(design(df), ["y", "z"], between="group", by="year").to_frame()
    row = frame[(frame["variable"] == "y") & (frame["year"] == 2021)
                & (frame["group_a"] == "c")].iloc[0]
    assert row["note"] == "no respondents in c" and np.isnan(row["difference"])
    assert not row["significant"] and np.isnan(row["p_value"])
    single = frame[(frame["variable"] == "y") & (frame["group_a"] == "b")].iloc[0]
    assert "only one PSU" in single["note"] and np.isnan(single["se"])
    assert np.isfinite(single["difference"])
    clean = frame[frame["note"] == ""]
    assert clean["p_value"].notna().all() and len(clean) > 0


def test_all_missing_variable_in_domain_is_noted() -> None:
    df = make_data(6)
    df.loc[df["group"] == "a", "y"] = np.nan
    frame = compare(design(df), "y", between="group").to_frame()
    assert frame["note"].iloc[0] == "no respondents with a value of y in a"
    assert frame["p_value"].isna().sum() == 2 and frame["p_value"].notna().sum() == 1


def test_zero_se_is_noted() -> None:
    df = make_data(7)
    df["y"] = 1.0
    frame = compare(design(df), "y", between="group").to_frame()
    assert (frame["note"] == "standard error is zero or undefined: no test").all()
    assert (frame["difference"] == 0).all() and frame["statistic"].isna().all()
