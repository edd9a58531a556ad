"""Replicate-weight designs: constructions, identities, properties and errors (R parity of the
numbers is in tests/estimate/test_rsurvey_estimators.py)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from rsurvey_cases import RAKE_TARGETS, data, dclus1, dstrat, dstrat_nofpc, rclus1, scd

import survey_kit as sk
from survey_kit.design.hadamard import hadamard
from survey_kit.design.replicate_build import psu_layout
from survey_kit.design.repweights import replicate_factors

# -- the constructions ------------------------------------------------------------------------


def test_jk1_drops_one_psu_per_replicate_and_scales_by_the_fpc() -> None:
    rep = rclus1()
    weights, matrix = rep.arrays()
    factors = matrix / weights[:, None]
    psu = dclus1().engine.psu
    for r in range(rep.replicates):
        dropped = np.unique(psu[factors[:, r] == 0])
        assert dropped.size == 1
        np.testing.assert_allclose(factors[factors[:, r] > 0, r], 15 / 14)
    assert rep.scale == pytest.approx((757 - 15) / 757 * 14 / 15, rel=1e-15)


def test_jackknife_variance_of_a_total_is_the_taylor_variance() -> None:
    """For a linear statistic the delete-one jackknife reproduces the with-replacement (and
    fpc-corrected) Taylor variance exactly: JK1 unstratified, JKn stratified."""
    for design, kind in ((dclus1(), "JK1"), (dstrat(), "JKn"), (dstrat_nofpc(), "JKn")):
        taylor = design.total(["enroll", "api00"]).vcov
        replicate = design.replicate(kind).total(["enroll", "api00"]).vcov
        np.testing.assert_allclose(replicate, taylor, rtol=1e-10)


def test_brr_variance_of_a_total_is_the_taylor_variance_with_two_psus_per_stratum() -> None:
    design = scd(False)
    taylor = design.total(["alive", "arrests"]).vcov
    for rep in (design.replicate("BRR"), design.replicate("Fay", rho=0.3)):
        np.testing.assert_allclose(rep.total(["alive", "arrests"]).vcov, taylor, rtol=1e-12)


def test_brr_half_samples_are_balanced() -> None:
    rep = scd(False).replicate("BRR")
    weights, matrix = rep.arrays()
    factors = matrix / weights[:, None]
    assert set(np.unique(factors)) == {0.0, 2.0}
    strata = scd(False).data["ESA"].to_numpy()
    for r in range(rep.replicates):  # one PSU of each stratum in every half-sample
        kept = strata[factors[:, r] == 2]
        assert sorted(kept.tolist()) == sorted(np.unique(strata).tolist())
    np.testing.assert_allclose(factors.mean(axis=1), 1.0)  # each PSU in half the replicates
    with pytest.warns(UserWarning, match="finite population correction"):
        scd(True).replicate("BRR")
    fay = scd(False).replicate("Fay", rho=0.3)
    assert set(np.round(np.unique(fay.arrays()[1]), 12)) == {0.3, 1.7}
    assert fay.scale == pytest.approx(1 / (4 * 0.7**2))


def test_hadamard_matrices_are_hadamard_for_every_size() -> None:
    for n in range(1, 131):
        H = 2 * hadamard(n) - 1
        k = H.shape[0]
        assert k > n
        np.testing.assert_array_equal(H @ H.T, k * np.eye(k))
        assert (H[0] == 1).all() and (H[1:].sum(axis=1) == 0).all()


def test_bootstrap_counts_resample_each_stratum_and_are_reproducible() -> None:
    design = dstrat_nofpc()
    a = design.replicate("bootstrap", replicates=40, seed=7)
    b = design.replicate("bootstrap", replicates=40, seed=7)
    c = design.replicate("bootstrap", replicates=40, seed=8)
    np.testing.assert_array_equal(a.arrays()[1], b.arrays()[1])
    assert not np.array_equal(a.arrays()[1], c.arrays()[1])
    counts = a.arrays()[1] / a.arrays()[0][:, None]
    np.testing.assert_array_equal(counts, np.round(counts))
    stype = design.data["stype"].to_numpy()
    for s, n in (("E", 100), ("H", 50), ("M", 50)):
        np.testing.assert_array_equal(counts[stype == s].sum(axis=0), n)
    harmonic = 1 / np.mean([1 / 100, 1 / 50, 1 / 50])
    assert a.scale == pytest.approx(harmonic / ((harmonic - 1) * 39))


def test_bootstrap_with_fpc_draws_without_replacement_and_keeps_certainty_strata() -> None:
    """R's bootweights with an fpc: n_h PSUs drawn without replacement from the PSUs
    repeated to N_h; a stratum taken whole is always drawn once."""
    d = pd.DataFrame({"h": [1] * 4 + [2] * 3, "p": [1, 2, 3, 4, 5, 6, 7],
                      "N": [6] * 4 + [3] * 3, "w": 1.0, "y": np.arange(7.0)})
    rep = sk.Design(d, weight="w", strata="h", psu="p", fpc="N").replicate(
        "bootstrap", replicates=200, seed=5)
    counts = rep.arrays()[1]
    np.testing.assert_array_equal(counts[:4].sum(axis=0), 4)
    assert counts[:4].max() == 2  # N = 6 = 4 + 2: two PSUs have a second copy
    assert ((counts[:4] == 2).sum(axis=0) <= 2).all()
    np.testing.assert_array_equal(counts[4:], 1.0)  # N = n: the whole stratum every time


def test_bootstrap_variance_approaches_the_taylor_variance() -> None:
    """E[bootstrap variance] of a total is the with-replacement Taylor variance (4000
    replicates: Monte Carlo error of the SE about 1 %)."""
    design = sk.Design(data("apiclus1"), weight="pw", psu="dnum")
    taylor = float(design.total("enroll").to_frame()["se"].iloc[0])
    boot = design.replicate("bootstrap", replicates=4000, seed=3).total("enroll")
    assert float(boot.to_frame()["se"].iloc[0]) == pytest.approx(taylor, rel=0.04)


def test_subbootstrap_multipliers_as_rao_wu() -> None:
    # R tests/raowuboot.R: two PSUs in a stratum give multipliers 0 or 2
    d = pd.DataFrame({"h": [1, 1], "p": [1, 2], "y": [1.0, 2.0]})
    rep = sk.Design(d, strata="h", psu="p").replicate("subbootstrap", replicates=50)
    assert set(np.unique(rep.arrays()[1])) <= {0.0, 2.0}
    sub = dclus1().replicate("subbootstrap", replicates=20)
    factors = sub.arrays()[1] / sub.arrays()[0][:, None]
    np.testing.assert_allclose(np.unique(factors * 14 / 15), np.round(np.unique(factors * 14
                                                                                / 15)))
    assert sub.scale == pytest.approx(1 / 19)


def test_replicate_keeps_the_subset_and_estimates_equal_the_design_estimates() -> None:
    yes = dclus1().data["comp.imp"] == "Yes"
    sub = dclus1().subset(yes)
    rep = sub.replicate("JK1")
    assert rep.domain_mask is not None and rep.domain_mask.sum() == yes.sum()
    got = rep.mean("api00").to_frame()["estimate"].iloc[0]
    assert got == pytest.approx(sub.mean("api00").to_frame()["estimate"].iloc[0], rel=1e-14)


def test_means_of_all_domains_come_with_their_joint_covariance() -> None:
    est = rclus1().mean(["api00", "api99"], by="stype")
    assert est.vcov.shape == (6, 6)
    for k, level in enumerate(["E", "H", "M"]):
        alone = rclus1().subset(rclus1().data["stype"] == level).mean(["api00", "api99"])
        np.testing.assert_allclose(est.vcov[np.ix_([k, k + 3], [k, k + 3])], alone.vcov,
                                   rtol=1e-12)
    scaled = dclus1().data.assign(pw=lambda x: x["pw"] * 3.7)
    rep = sk.Design(scaled, weight="pw", psu="dnum", fpc="fpc").replicate("JK1")
    np.testing.assert_allclose(rep.mean(["api00", "api99"], by="stype").vcov, est.vcov,
                               rtol=1e-10)


def test_compare_and_glm_accept_a_replicate_design() -> None:
    table = sk.compare(rclus1(), "api00", between="stype", reference="E").to_frame()
    assert (table["df"] == rclus1().df).all() and table["p_value"].between(0, 1).all()
    fit = sk.glm(rclus1(), "api00 ~ stype")
    margins = fit.predicted_margins("stype").to_frame()
    means = rclus1().mean("api00", by="stype").to_frame()
    np.testing.assert_allclose(margins["estimate"], means["estimate"], rtol=1e-10)
    np.testing.assert_allclose(margins["se"], means["se"], rtol=1e-8)


# -- weighting redone in every replicate ----------------------------------------------------


def test_raking_meets_the_margins_in_every_replicate() -> None:
    raked = rclus1().rake(RAKE_TARGETS, tol=1e-12)
    _, matrix = raked.arrays()
    frame = raked.data
    for variable in ("stype", "sch.wide"):
        targets = RAKE_TARGETS[RAKE_TARGETS["variable"] == variable]
        for level, total in zip(targets["level"], targets["total"], strict=True):
            got = matrix[(frame[variable] == level).to_numpy()].sum(axis=0)
            np.testing.assert_allclose(got, total, rtol=1e-10)
    assert raked.weighting_steps[0][0] == "rake"
    assert raked.weighting is not None and raked.weighting.converged


def test_design_replicate_redoes_recorded_steps_and_refuses_trimmed_weights() -> None:
    raked = dclus1().rake(RAKE_TARGETS, tol=1e-12)
    assert [kind for kind, _ in raked.weighting_steps] == ["rake"]
    twice = raked.calibrate(RAKE_TARGETS.iloc[:3], calfun="raking", tol=1e-12)
    rep = twice.replicate("JK1")
    assert [kind for kind, _ in rep.weighting_steps] == ["rake", "calibrate"]
    np.testing.assert_allclose(rep.arrays()[0], twice.weights.to_numpy(), rtol=1e-10)
    trimmed = raked.trim(upper=60)
    with pytest.raises(sk.DesignError, match="trimmed"):
        trimmed.replicate("JK1")
    assert "steps" not in raked.columns and "unweighted" not in raked.columns
    np.testing.assert_array_equal(twice.unweighted(), dclus1().weights.to_numpy())


def test_a_replicate_without_weight_in_a_margin_cell_fails_naming_the_replicate() -> None:
    d = pd.DataFrame({"g": ["a", "a", "b", "b"], "w": [1.0] * 4,
                      "r1": [0.0, 0.0, 2.0, 2.0], "r2": [2.0, 2.0, 0.0, 0.0]})
    rep = sk.ReplicateDesign(d, weight="w", repweights=["r1", "r2"], type="BRR")
    targets = pd.DataFrame({"variable": "g", "level": ["a", "b"], "total": [5.0, 5.0]})
    with pytest.raises(sk.WeightingError, match="replicate 1 of 2"):
        rep.rake(targets)


# -- svrepdesign constants and errors ----------------------------------------------------------


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"y": [1.0, 2.0, 4.0, 5.0], "w": [2.0] * 4,
                         "r1": [4.0, 0, 4, 0], "r2": [0, 4.0, 0, 4]})


def test_variance_constants_as_svrepdesign() -> None:
    d = _frame()
    assert sk.ReplicateDesign(d, "w", ["r1", "r2"], type="BRR").scale == 0.5
    assert sk.ReplicateDesign(d, "w", ["r1", "r2"], type="Fay", rho=0.5).scale == 2.0
    assert sk.ReplicateDesign(d, "w", ["r1", "r2"], type="bootstrap").scale == 1.0
    assert sk.ReplicateDesign(d, "w", ["r1", "r2"], type="successive-difference").scale == 2.0
    made = sk.ReplicateDesign(d, "w", ["r1", "r2"], type="other", scale=0.3, rscales=[1, 2])
    assert made.scale == 0.3 and made.rscales.tolist() == [1.0, 2.0]
    with pytest.warns(UserWarning, match="own scale"):
        sk.ReplicateDesign(d, "w", ["r1", "r2"], type="BRR", scale=3.0)
    with pytest.warns(UserWarning, match="equal weights"):
        sk.ReplicateDesign(d, None, ["r1", "r2"], type="BRR")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"repweights": ["r1", "nope"]}, "'nope' is not in the data"),
    ({"repweights": "^q"}, "matches no column"),
    ({"repweights": ["r1", "r2"], "type": "Fay"}, "needs rho"),
    ({"repweights": ["r1", "r2"], "type": "JKn"}, "needs rscales"),
    ({"repweights": ["r1", "r2"], "rscales": [1, 2, 3]}, "one per replicate"),
    ({"repweights": ["r1", "r2"], "type": "JK3"}, "not a replicate type"),
])
def test_supplied_design_errors(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(sk.DesignError, match=message):
        sk.ReplicateDesign(_frame(), "w", **kwargs)  # type: ignore[arg-type]


def test_missing_or_negative_replicate_weights_are_refused() -> None:
    d = _frame()
    d.loc[2, "r2"] = np.nan
    with pytest.raises(sk.DesignError, match="'r2' has a missing"):
        sk.ReplicateDesign(d, "w", ["r1", "r2"], type="BRR")
    d.loc[2, "r2"] = -1.0
    with pytest.raises(sk.DesignError, match="negative"):
        sk.ReplicateDesign(d, "w", ["r1", "r2"], type="BRR")


@pytest.mark.parametrize(("design", "kind", "message"), [
    (lambda: dstrat(), "JK1", "unstratified"),
    (lambda: dclus1(), "JKn", "needs a design with strata"),
    (lambda: dclus1(), "BRR", "needs a design with strata"),
    (lambda: dstrat_nofpc().subset(dstrat_nofpc().data.index < 199), "Fay", "needs rho"),
    (lambda: dclus1(), "jack", "not a replicate type"),
])
def test_replicate_type_errors(design: object, kind: str, message: str) -> None:
    with pytest.raises(sk.DesignError, match=message):
        design().replicate(kind)  # type: ignore[operator]


def test_brr_refuses_odd_and_single_psu_strata() -> None:
    d = pd.DataFrame({"h": [1, 1, 1, 2, 2], "y": [1.0, 2, 3, 4, 5]})
    with pytest.raises(sk.DesignError, match="odd number"):
        sk.Design(d, strata="h").replicate("BRR")
    lone = pd.DataFrame({"h": [1, 1, 2], "y": [1.0, 2, 3]})
    with pytest.raises(sk.DesignError, match="has one"):
        sk.Design(lone, strata="h", lonely_psu="remove").replicate("BRR")
    with pytest.raises(sk.DesignError, match="needs two PSUs per stratum"):
        sk.Design(lone, strata="h", lonely_psu="remove").replicate("subbootstrap")


def test_replicate_design_is_immutable_and_reports_itself() -> None:
    rep = rclus1()
    with pytest.raises(AttributeError):
        rep.scale = 2.0  # type: ignore[misc]
    assert "JK1" in repr(rep) and "replicates=15" in repr(rep)
    assert rep.repweights.shape == (183, 15) and len(rep) == 183
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert replicate_factors(psu_layout(dclus1()), "auto").type == "JK1"
