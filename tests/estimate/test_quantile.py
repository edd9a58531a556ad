"""Quantile rules and Woodruff intervals: independent references, properties and errors (R
parity of the values is in test_rsurvey_estimators.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from rsurvey_cases import dclus1, dstrat, rclus1

import survey_kit as sk
from survey_kit.estimate.distributions import t_ppf
from survey_kit.estimate.qrules import QRULES, weighted_quantile

#: Hyndman & Fan types and numpy's names for them.  Not hf3: R's qrule_hf3 takes the upper
#: point unless an exact hit has an even rank, which is not type 3 when the fractional part
#: of n p lies in (0, 1/2); survey_kit follows R (checked against R in the parity tests).
NUMPY = {"hf1": "inverted_cdf", "hf2": "averaged_inverted_cdf",
         "hf4": "interpolated_inverted_cdf", "hf5": "hazen", "hf6": "weibull",
         "hf7": "linear", "hf8": "median_unbiased", "hf9": "normal_unbiased"}


@pytest.mark.parametrize("rule", sorted(NUMPY))
def test_equal_weights_give_the_hyndman_fan_quantiles_of_numpy(rule: str) -> None:
    """With equal weights R's qrule_hf<i> is ``quantile(type=i)``: numpy's methods are an
    independent implementation of the same definitions (ties included)."""
    rng = np.random.default_rng(11)
    for n in (7, 20, 51):
        x = np.round(rng.lognormal(size=n), 1)  # ties
        for p in (0.01, 0.1, 0.25, 0.5, 0.8, 0.99):
            want = float(np.quantile(x, p, method=NUMPY[rule]))
            assert weighted_quantile(x, np.full(n, 3.0), p, rule) == pytest.approx(want,
                                                                                   rel=1e-12)


def test_below_the_first_weight_share_the_smallest_value() -> None:
    """R 4.1's qrule_math/school/hf3 answer the second smallest value for p below the first
    weight share (hf4 extrapolates); survey_kit answers the smallest, as R's quantile()."""
    x, w = np.array([3.0, 1.0, 2.0, 5.0]), np.array([1.0, 1.0, 1.0, 1.0])
    for rule in ("math", "school", "hf3", "hf4"):
        assert weighted_quantile(x, w, 0.1, rule) == 1.0
    assert weighted_quantile(x, w, 0.25, "math") == 1.0  # exact hit: still the smallest
    assert weighted_quantile(x, w, 0.25, "school") == 1.5


def test_integer_weights_equal_repeated_rows_and_zero_weights_drop() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=30)
    w = rng.integers(0, 4, size=30).astype(float)
    repeated = np.repeat(x, w.astype(int))
    for p in (0.1, 0.5, 0.9):
        for rule in ("math", "school"):
            method = "inverted_cdf" if rule == "math" else "averaged_inverted_cdf"
            assert weighted_quantile(x, w, p, rule) == np.quantile(repeated, p, method=method)
    assert weighted_quantile(x, w * 0, 0.5) != weighted_quantile(x, w * 0, 0.5)  # NaN
    assert set(QRULES) >= {"math", "school", "shahvaish", "hf1", "hf9"}


def test_interval_and_se_as_woodruff() -> None:
    est = dclus1().quantile("api00", [0.1, 0.5, 0.9]).to_frame()
    assert ((est["ci_low"] <= est["estimate"]) & (est["estimate"] <= est["ci_high"])).all()
    t = float(t_ppf(0.975, 14))
    np.testing.assert_allclose(est["se"], (est["ci_high"] - est["ci_low"]) / (2 * t),
                               rtol=1e-14)
    normal = dclus1().quantile("api00", 0.5, df=np.inf).to_frame()
    assert normal["df"].iloc[0] == np.inf
    assert normal["se"].iloc[0] == pytest.approx(
        (normal["ci_high"] - normal["ci_low"]).iloc[0] / (2 * 1.959963984540054), rel=1e-12)
    wide = dclus1().quantile("api00", 0.5, level=0.99).to_frame()
    assert wide["ci_low"].iloc[0] <= est["ci_low"].iloc[1]


def test_by_domain_rows_equal_the_subset_and_order_variable_domain_quantile() -> None:
    table = dstrat().quantile(["api00", "enroll"], [0.25, 0.75], by="comp.imp").to_frame()
    assert list(table.columns[:3]) == ["variable", "comp.imp", "quantile"]
    assert table["quantile"].tolist() == [0.25, 0.75] * 4
    yes = dstrat().subset(dstrat().data["comp.imp"] == "Yes").quantile("enroll", [0.25, 0.75])
    got = table[(table["variable"] == "enroll") & (table["comp.imp"] == "Yes")]
    cols = ["estimate", "se", "ci_low", "ci_high", "df"]
    np.testing.assert_allclose(got[cols].to_numpy(), yes.to_frame()[cols].to_numpy(),
                               rtol=1e-12)
    est = rclus1().quantile("api00", 0.5, by="stype")
    assert np.isnan(est.vcov[0, 1]) and est.vcov[0, 0] == pytest.approx(
        est.to_frame()["se"].iloc[0] ** 2)


def test_woodruff_interval_covers_the_population_median() -> None:
    """Simulation: simple random samples of 150 from a skewed population of 20 000; the 95 %
    Woodruff interval (Taylor, and JK1 replicates on a cluster sample) covers the true median
    in about 95 % of 300 samples."""
    rng = np.random.default_rng(2024)
    population = rng.lognormal(mean=1.0, sigma=0.8, size=20_000)
    truth = np.quantile(population, 0.5, method="inverted_cdf")
    hits = 0
    for _ in range(300):
        y = rng.choice(population, size=150, replace=False)
        row = sk.Design(pd.DataFrame({"y": y})).quantile("y", 0.5).to_frame().iloc[0]
        hits += row["ci_low"] <= truth <= row["ci_high"]
    assert 0.91 <= hits / 300 <= 0.99


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"q": 1.5}, "must lie in"), ({"q": []}, "must lie in"),
    ({"qrule": "hf10"}, "not a known quantile rule"),
    ({"interval_type": "quantile"}, "needs replicates"),
    ({"interval_type": "score"}, "interval_type"),
    ({"level": 0}, "level"),
])
def test_quantile_errors(kwargs: dict[str, object], message: str) -> None:
    args = {"q": 0.5, **kwargs}
    with pytest.raises(sk.EstimationError, match=message):
        dclus1().quantile("api00", **args)  # type: ignore[arg-type]


def test_replicate_quantile_interval_from_replicate_quantiles() -> None:
    est = rclus1().quantile("api00", [0.25, 0.5], interval_type="quantile").to_frame()
    t = float(t_ppf(0.975, rclus1().df))
    half = (est["ci_high"] - est["estimate"]).to_numpy()
    np.testing.assert_allclose(half, (est["estimate"] - est["ci_low"]).to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(est["se"], half / t, rtol=1e-12)
    with pytest.raises(sk.EstimationError, match="no variables"):
        rclus1().quantile([], 0.5)
