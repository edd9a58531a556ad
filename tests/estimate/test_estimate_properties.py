"""Identities and invariances of the estimation core, and its error messages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import survey_kit as sk


def _sample(seed: int, n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    stratum = rng.integers(0, 4, n)
    psu = stratum * 10 + rng.integers(0, 5, n)
    y = rng.normal(size=n) + 0.3 * stratum
    y[rng.random(n) < 0.1] = np.nan
    return pd.DataFrame({
        "stratum": stratum, "psu": psu, "w": rng.uniform(0.5, 3.0, n), "y": y,
        "z": rng.normal(size=n), "g": rng.choice(["a", "b", "c"], n),
        "b": (rng.random(n) < 0.4).astype(float),
    })


def test_domain_mean_se_equals_ratio_estimator_se() -> None:
    d = _sample(1)
    des = sk.Design(d, weight="w", strata="stratum", psu="psu")
    dom = des.mean("y", by="g").to_frame().set_index("g")
    # ratio estimator of sum(w y 1_a) / sum(w 1_a) by linearisation, built by hand
    for g in "abc":
        ind = ((d["g"] == g) & d["y"].notna()).to_numpy(float)
        num = np.nan_to_num(d["y"].to_numpy()) * ind
        w = d["w"].to_numpy()
        R = (w * num).sum() / (w * ind).sum()
        z = w * (num - R * ind) / (w * ind).sum()
        se = np.sqrt(des.influence_vcov(z[:, None])[0, 0])
        np.testing.assert_allclose(dom.loc[g, "estimate"], R, rtol=1e-12)
        np.testing.assert_allclose(dom.loc[g, "se"], se, rtol=1e-12)


def test_subset_equals_domain_row() -> None:
    d = _sample(2)
    des = sk.Design(d, weight="w", strata="stratum", psu="psu")
    by = des.mean("y", by="g").to_frame().set_index("g")
    sub = des.subset(d["g"] == "b").mean("y").to_frame().iloc[0]
    np.testing.assert_allclose([sub.estimate, sub.se], by.loc["b", ["estimate", "se"]],
                               rtol=1e-12)


def test_total_variance_matches_hand_formula() -> None:
    d = _sample(3)
    des = sk.Design(d, weight="w", strata="stratum", psu="psu")
    se = des.total("z").to_frame()["se"].iloc[0]
    x = d["w"] * d["z"]
    tot = x.groupby([d["stratum"], d["psu"]]).sum()
    var = 0.0
    for _, t in tot.groupby(level=0):
        nh = len(t)
        var += nh / (nh - 1) * ((t - t.mean()) ** 2).sum()
    np.testing.assert_allclose(se, np.sqrt(var), rtol=1e-12)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), scale=st.floats(0.01, 100.0))
def test_invariant_to_row_order_and_weight_scale(seed: int, scale: float) -> None:
    d = _sample(seed, 200)
    base = sk.Design(d, weight="w", strata="stratum", psu="psu").mean(["y", "z"], by="g")
    perm = d.sample(frac=1.0, random_state=seed).assign(w=lambda x: x["w"] * scale)
    other = sk.Design(perm, weight="w", strata="stratum", psu="psu").mean(["y", "z"], by="g")
    a, b = base.to_frame(), other.to_frame()
    np.testing.assert_allclose(a["estimate"], b["estimate"], rtol=1e-10)
    np.testing.assert_allclose(a["se"], b["se"], rtol=1e-9)
    np.testing.assert_allclose(base.vcov, other.vcov, rtol=1e-8, atol=1e-15)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_vcov_is_symmetric_psd_and_matches_separate_calls(seed: int) -> None:
    d = _sample(seed, 150)
    des = sk.Design(d, weight="w", strata="stratum", psu="psu")
    joint = des.mean(["y", "z"], by="g")
    v = joint.vcov
    np.testing.assert_allclose(v, v.T, atol=1e-15)
    assert np.linalg.eigvalsh(v).min() > -1e-12
    alone = des.mean("z", by="g").to_frame()["se"].to_numpy()
    np.testing.assert_allclose(joint.to_frame()["se"].to_numpy()[-len(alone):], alone,
                               rtol=1e-12)


def test_proportion_ci_inside_unit_interval_and_extremes() -> None:
    d = _sample(4)
    d["all_ones"] = 1.0
    des = sk.Design(d, weight="w", strata="stratum", psu="psu")
    for method in ("logit", "beta", "wald"):
        out = des.proportion(["b", "all_ones"], by="g", method=method).to_frame()
        assert ((out["ci_low"] >= 0) & (out["ci_high"] <= 1)).all()
        ones = out[out["variable"] == "all_ones"]
        assert (ones["estimate"] == 1).all() and (ones["ci_high"] == 1).all()


def test_empty_domain_gives_nan_not_crash() -> None:
    d = _sample(5)
    d.loc[d["g"] == "c", "y"] = np.nan
    out = sk.Design(d, weight="w", strata="stratum", psu="psu").mean("y", by="g").to_frame()
    row = out.set_index("g").loc["c"]
    assert row["n"] == 0 and np.isnan(row["estimate"]) and np.isnan(row["se"])


@pytest.mark.parametrize(
    "kwargs,change,message",
    [
        ({"weight": "nope"}, None, r"weight column 'nope' is not in the data"),
        ({"weight": "w"}, ("w", 3, -1.0), r"negative weight.*row 3"),
        ({"weight": "w"}, ("w", 5, np.nan), r"weight column 'w'.*missing.*row 5"),
        ({"weight": "w", "strata": "stratum"}, ("stratum", 7, np.nan),
         r"strata column 'stratum'.*row 7"),
        ({"weight": "w", "psu": "psu", "lonely_psu": "nope"}, None, r"lonely_psu='nope'"),
        ({"weight": "w", "strata": "stratum", "fpc": "fpc"}, ("fpc", 0, 999.0),
         r"fpc column 'fpc' varies within stratum"),
        ({"weight": "w", "strata": "stratum", "fpc": "small"}, None,
         r"population size 2 but \d+ sampled PSUs"),
    ],
)
def test_design_errors_name_the_problem(kwargs: dict, change: tuple | None, message: str) -> None:
    d = _sample(6)
    d["fpc"] = 1000.0
    d["small"] = 2.0
    if change is not None:
        col, row, value = change
        d.loc[row, col] = value
    with pytest.raises(sk.DesignError, match=message):
        sk.Design(d, **kwargs)


def test_design_is_immutable_and_estimation_errors() -> None:
    des = sk.Design(_sample(7), weight="w")
    with pytest.raises(AttributeError):
        des.df = 3  # type: ignore[misc]
    with pytest.raises(sk.EstimationError, match="'nope' is not in the design"):
        des.mean("nope")
    with pytest.raises(sk.EstimationError, match="needs a 0/1 variable: column 'y'"):
        des.proportion("y")
    with pytest.raises(sk.EstimationError, match="not numeric"):
        des.mean("g")


def test_by_order_permutes_rows_and_covariance() -> None:
    d = _sample(8)
    d["h"] = np.where(d["z"] > 0, "x", "y")
    des = sk.Design(d, weight="w", strata="stratum", psu="psu")
    ab = des.mean(["y", "z"], by=["g", "h"])
    ba = des.mean(["y", "z"], by=["h", "g"])
    fa, fb = ab.to_frame(), ba.to_frame()
    assert list(fb.columns[:3]) == ["variable", "h", "g"]
    assert fb[["h", "g"]].iloc[:6].equals(fb[["h", "g"]].iloc[:6].sort_values(["h", "g"]))
    merged = fa.merge(fb, on=["variable", "g", "h"], suffixes=("_a", "_b"))
    np.testing.assert_allclose(merged["se_a"], merged["se_b"], rtol=1e-14)
    key = list(zip(fa["variable"], fa["g"], fa["h"], strict=True))
    order = [key.index(k) for k in zip(fb["variable"], fb["g"], fb["h"], strict=True)]
    np.testing.assert_allclose(ab.vcov[np.ix_(order, order)], ba.vcov, rtol=1e-14)
