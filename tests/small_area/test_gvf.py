"""smooth_variances (generalized variance functions): identities and a simulation with known
true variances."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import special

import survey_kit as sk
from survey_kit.small_area import smooth_variances
from survey_kit.small_area.gvf import GVF_COLUMNS


@pytest.fixture
def table() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    n = rng.integers(20, 200, size=12)
    deff = rng.uniform(1.2, 3.0, size=12)
    s2 = rng.uniform(0.1, 0.3, size=12)
    return pd.DataFrame({"area": [f"a{i}" for i in range(12)], "estimate": rng.uniform(size=12),
                         "se": np.sqrt(deff * s2 / n), "df": rng.integers(2, 10, size=12),
                         "deff": deff, "n": n})


def test_equal_deff_leaves_variances_unchanged(table: pd.DataFrame) -> None:
    out = smooth_variances(table.assign(deff=1.7))
    np.testing.assert_allclose(out["deff_pooled"], 1.7, rtol=1e-12)
    np.testing.assert_allclose(out["var_smoothed"], out["se"] ** 2, rtol=1e-12)
    assert (out["variance_method"] == "deff").all() and (out["s2_source"] == "area").all()


def test_pooled_deff_is_df_weighted_mean(table: pd.DataFrame) -> None:
    out = smooth_variances(table)
    repeated = [d for d, k in zip(table["deff"], table["df"], strict=True) for _ in range(k)]
    pooled = np.mean(repeated)
    np.testing.assert_allclose(out["deff_pooled"], pooled, rtol=1e-12)
    np.testing.assert_allclose(out["var_smoothed"],
                               pooled * table["se"] ** 2 / table["deff"], rtol=1e-12)
    np.testing.assert_allclose(out["se_smoothed"] ** 2, out["var_smoothed"], rtol=1e-12)
    np.testing.assert_allclose(out["var_direct"], table["se"] ** 2, rtol=0)
    assert list(out.columns) == [*table.columns, *GVF_COLUMNS]
    pd.testing.assert_frame_equal(out[table.columns], table)


def test_areas_below_min_df_do_not_enter_the_pool(table: pd.DataFrame) -> None:
    base = smooth_variances(table)
    wild = table.assign(df=table["df"].where(table.index != 3, 0),
                        deff=table["deff"].where(table.index != 3, 40.0))
    out = smooth_variances(wild)
    kept = table.drop(index=3)
    pooled = np.average(kept["deff"], weights=kept["df"])
    np.testing.assert_allclose(out["deff_pooled"], pooled, rtol=1e-12)
    assert out["deff_pooled"].iloc[0] != base["deff_pooled"].iloc[0]
    np.testing.assert_allclose(out.loc[3, "var_smoothed"],
                               pooled * wild.loc[3, "se"] ** 2 / 40.0, rtol=1e-12)


def test_zero_element_variance_falls_back_to_pooled(table: pd.DataFrame) -> None:
    """A share of 0 in a small area: se = 0, deff undefined -> pooled element variance."""
    table.loc[4, ["estimate", "se", "deff"]] = [0.0, 0.0, np.nan]
    table.loc[7, ["se", "deff"]] = [np.nan, np.nan]  # no SE at all
    out = smooth_variances(table)
    own = table.drop(index=[4, 7])
    s2 = own["n"] * own["se"] ** 2 / own["deff"]
    s2_pooled = np.sum((own["n"] - 1) * s2) / np.sum(own["n"] - 1)
    assert list(out.loc[[4, 7], "s2_source"]) == ["pooled", "pooled"]
    assert (out.drop(index=[4, 7])["s2_source"] == "area").all()
    np.testing.assert_allclose(out.loc[[4, 7], "s2"], s2_pooled, rtol=1e-12)
    np.testing.assert_allclose(out.loc[[4, 7], "var_smoothed"],
                               out["deff_pooled"].iloc[0] * s2_pooled / table.loc[[4, 7], "n"],
                               rtol=1e-12)
    fh = sk.fay_herriot(out.assign(x=np.arange(12.0)), "~ x", vardir="var_smoothed")
    assert fh.n_areas == 12  # the zero variance no longer blocks the model


def test_loglinear_exact_power_law_is_reproduced(table: pd.DataFrame) -> None:
    """Equal df: the log-bias correction is a constant that the smearing factor undoes."""
    exact = table.assign(se=np.sqrt(0.3 * table["n"] ** -0.9), df=4)
    out = smooth_variances(exact, "loglinear")
    np.testing.assert_allclose(out["var_smoothed"], out["var_direct"], rtol=1e-10)
    np.testing.assert_allclose(out["gvf_slope"], -0.9, rtol=1e-10)
    bias = np.log(2) - special.digamma(2)  # E log(chi2_4 / 4) = -bias
    np.testing.assert_allclose(out["gvf_intercept"], np.log(0.3) + bias, rtol=1e-10)
    np.testing.assert_allclose(out["gvf_smearing"], np.exp(-bias), rtol=1e-10)


def test_loglinear_matches_weighted_polyfit_with_smearing(table: pd.DataFrame) -> None:
    out = smooth_variances(table, "loglinear")
    x, v, w = np.log(table["n"]), table["se"] ** 2, table["df"]
    z = np.log(v) - (special.digamma(w / 2) - np.log(w / 2))
    slope, intercept = np.polyfit(x, z, 1, w=np.sqrt(w))
    smear = np.sum(w * v / np.exp(intercept + slope * x)) / np.sum(w)
    np.testing.assert_allclose(out["gvf_slope"], slope, rtol=1e-10)
    np.testing.assert_allclose(out["gvf_smearing"], smear, rtol=1e-10)
    np.testing.assert_allclose(out["var_smoothed"], np.exp(intercept + slope * x) * smear,
                               rtol=1e-10)
    assert (out["variance_method"] == "loglinear").all() and out["deff_pooled"].isna().all()


def test_raw_is_the_direct_variance(table: pd.DataFrame) -> None:
    out = smooth_variances(table, "raw")
    np.testing.assert_array_equal(out["var_smoothed"], table["se"] ** 2)
    assert (out["variance_method"] == "raw").all()


@pytest.mark.parametrize("method", ["deff", "loglinear"])
def test_pooling_is_per_variable(table: pd.DataFrame, method: str) -> None:
    other = table.assign(deff=table["deff"] * 2, se=table["se"] * 1.5)
    both = pd.concat([table.assign(variable="tryg"), other.assign(variable="tillid")],
                     ignore_index=True)
    out = smooth_variances(both, method)
    alone = [smooth_variances(t, method)["var_smoothed"].to_numpy() for t in (table, other)]
    np.testing.assert_allclose(out["var_smoothed"], np.concatenate(alone), rtol=1e-12)
    pooled = smooth_variances(both, method, by=[])["var_smoothed"]
    assert not np.allclose(pooled, out["var_smoothed"])


@pytest.mark.parametrize(("change", "method", "message"), [
    (lambda t: t, "median", "method 'median'"),
    (lambda t: t.drop(columns="deff"), "deff", "needs column\\(s\\) 'deff'"),
    (lambda t: t.assign(df=0), "deff", "no area with df >= 1"),
    (lambda t: t.assign(df=0), "loglinear", "0 area\\(s\\) with df >= 1"),
    (lambda t: t.assign(n=50), "loglinear", "two different sample sizes"),
])
def test_errors(table: pd.DataFrame, change: object, method: str, message: str) -> None:
    with pytest.raises(sk.SmallAreaError, match=message):
        smooth_variances(change(table), method)  # type: ignore[operator]


def _cluster_samples(rng: np.random.Generator, reps: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Areas with 3-10 PSUs of 8-12 respondents (PSU effect variance 0.3, element 1): the
    per-area mean with its with-replacement PSU variance (df = PSUs - 1), SRS variance and
    deff, for ``reps`` independent samples; and the true variance of each area mean."""
    k = np.tile(np.arange(3, 11), 5)  # PSUs per area, 40 areas
    b = rng.integers(8, 13, size=k.size)  # respondents per PSU, equal within an area
    area = np.repeat(np.arange(k.size), k * b)
    psu = np.repeat(np.arange(k.sum()), np.repeat(b, k))
    n = np.bincount(area)
    y = (rng.normal(0, np.sqrt(0.3), (reps, k.sum()))[:, psu]
         + rng.normal(size=(reps, area.size)))
    flat = lambda idx, size: (np.arange(reps)[:, None] * size + idx).ravel()  # noqa: E731
    mean = np.bincount(flat(area, k.size), y.ravel()).reshape(reps, -1) / n
    dev = y - mean[:, area]
    t = np.bincount(flat(psu, k.sum()), dev.ravel()).reshape(reps, -1)
    psu_area = np.repeat(np.arange(k.size), k)
    var = (np.bincount(flat(psu_area, k.size), (t**2).ravel()).reshape(reps, -1)
           * k / (k - 1) / n**2)
    s2 = np.bincount(flat(area, k.size), (dev**2).ravel()).reshape(reps, -1) / (n - 1)
    frame = pd.DataFrame({"rep": np.repeat(np.arange(reps), k.size), "area": np.tile(
        np.arange(k.size), reps), "estimate": mean.ravel(), "se": np.sqrt(var).ravel(),
        "df": np.tile(k - 1, reps), "deff": (var / (s2 / n)).ravel(), "n": np.tile(n, reps)})
    return frame, (0.3 + 1.0 / b) / k


def test_smoothing_beats_raw_variance_for_small_df() -> None:
    frame, truth = _cluster_samples(np.random.default_rng(11), reps=150)
    true = truth[frame["area"].to_numpy()]
    small = frame["df"].to_numpy() <= 4
    rel_mse, rel_bias = {}, {}
    for method in ("raw", "deff", "loglinear"):
        smoothed = smooth_variances(frame, method, by=["rep"])["var_smoothed"].to_numpy()
        rel_mse[method] = np.mean(((smoothed - true) / true)[small] ** 2)
        rel_bias[method] = np.mean((smoothed - true) / true)
    # raw: relative MSE 2/df (1 for df = 2); the GVFs pool 40 areas' worth of df
    assert 0.5 < rel_mse["raw"] < 0.9, rel_mse
    assert rel_mse["deff"] < 0.2 * rel_mse["raw"], rel_mse
    assert rel_mse["loglinear"] < 0.2 * rel_mse["raw"], rel_mse
    # nearly unbiased over all areas (a geometric-mean deff would be some 15 % low); the deff
    # GVF is a little low because S² around the area mean misses part of the between-PSU
    # variance when an area has few PSUs
    assert abs(rel_bias["raw"]) < 0.03 and abs(rel_bias["loglinear"]) < 0.03, rel_bias
    assert -0.08 < rel_bias["deff"] < 0, rel_bias


def test_direct_estimates_from_a_design() -> None:
    """End to end: Design.mean(...).to_frame() -> smooth_variances -> fay_herriot."""
    frame, _ = _cluster_samples(np.random.default_rng(2), reps=1)
    rng = np.random.default_rng(3)
    rows = frame.loc[frame.index.repeat(frame["n"])].reset_index(drop=True)
    rows["psu"] = rows.groupby("area").cumcount() // 10
    rows["y"] = rng.normal(size=len(rows)) + rows["area"] % 3
    rows["w"] = 25.0
    est = sk.Design(rows, weight="w", strata="area", psu="psu").mean("y", by=["area"])
    direct = smooth_variances(est.to_frame())
    np.testing.assert_allclose(direct["var_direct"], est.to_frame()["se"] ** 2)
    assert direct["var_smoothed"].gt(0).all() and (direct["variance_method"] == "deff").all()
    fh = sk.fay_herriot(direct.assign(group=(direct["area"] % 3).astype(str)), "~ group",
                        vardir="var_smoothed")
    assert fh.converged and len(fh.to_frame()) == frame["area"].nunique()
