"""Ratios of totals: identities, missing values, pairing and errors (R parity of the values is
in test_rsurvey_estimators.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from rsurvey_cases import RAKE_TARGETS, dclus1, dstrat, rclus1

import survey_kit as sk


@pytest.mark.parametrize("kind", ["taylor", "raked", "jk1", "bootstrap"])
def test_ratio_to_one_equals_the_mean_on_every_kind_of_design(kind: str) -> None:
    """``sum(w y) / sum(w 1)`` is the domain mean, with the same SE and joint covariance."""
    frame = dclus1().data.assign(one=1.0)
    design = sk.Design(frame, weight="pw", psu="dnum", fpc="fpc")
    made: sk.Design | sk.ReplicateDesign = {
        "taylor": lambda: design, "raked": lambda: design.rake(RAKE_TARGETS, tol=1e-12),
        "jk1": lambda: design.replicate("JK1"),
        "bootstrap": lambda: design.replicate("bootstrap", replicates=30, seed=2)}[kind]()
    ratio = made.ratio(["api00", "api99"], "one", by="sch.wide")
    mean = made.mean(["api00", "api99"], by="sch.wide")
    np.testing.assert_allclose(ratio.to_frame()["estimate"], mean.to_frame()["estimate"],
                               rtol=1e-13)
    np.testing.assert_allclose(ratio.vcov, mean.vcov, rtol=1e-9, atol=1e-12)


def test_pairs_in_r_order_with_the_joint_covariance() -> None:
    est = dclus1().ratio(["ell", "mobility"], ["mobility", "meals"])
    assert est.to_frame()["variable"].tolist() == ["ell/mobility", "mobility/mobility",
                                                   "ell/meals", "mobility/meals"]
    assert est.to_frame()["se"].iloc[1] == pytest.approx(0.0, abs=1e-12)
    alone = dclus1().ratio("ell", "meals").vcov
    np.testing.assert_allclose(est.vcov[2, 2], alone[0, 0], rtol=1e-12)
    assert est.vcov.shape == (4, 4) and np.allclose(est.vcov, est.vcov.T)


def test_weights_scale_free_and_by_domain_equals_subset() -> None:
    scaled = dstrat().data.assign(pw=lambda x: x["pw"] * 2.5)
    other = sk.Design(scaled, weight="pw", strata="stype", fpc="fpc")
    a = dstrat().ratio("api00", "api99", by="comp.imp").to_frame()
    b = other.ratio("api00", "api99", by="comp.imp").to_frame()
    np.testing.assert_allclose(a[["estimate", "se"]], b[["estimate", "se"]], rtol=1e-12)
    yes = dstrat().subset(dstrat().data["comp.imp"] == "Yes").ratio("api00", "api99")
    np.testing.assert_allclose(yes.to_frame()[["estimate", "se"]].to_numpy()[0],
                               a[["estimate", "se"]].to_numpy()[1], rtol=1e-12)


def test_missing_values_restrict_only_the_pairs_that_use_them() -> None:
    d = dclus1().data.copy()
    d.loc[d.index[:20], "api99"] = np.nan
    design = sk.Design(d, weight="pw", psu="dnum", fpc="fpc")
    est = design.ratio("api00", ["api99", "enroll"]).to_frame()
    complete = design.subset(d["api99"].notna()).ratio("api00", "api99").to_frame()
    np.testing.assert_allclose(est[["estimate", "se"]].to_numpy()[0],
                               complete[["estimate", "se"]].to_numpy()[0], rtol=1e-12)
    assert est["n"].tolist() == [163, 183]
    full = dclus1().ratio("api00", "enroll").to_frame()
    np.testing.assert_allclose(est["se"].iloc[1], full["se"].iloc[0], rtol=1e-12)


def test_table_columns_and_errors() -> None:
    table = dclus1().ratio("api00", "api99", by="stype").to_frame()
    assert list(table.columns) == ["variable", "stype", "estimate", "se", "ci_low", "ci_high",
                                   "df", "deff", "n", "n_psu", "note"]
    assert (table["ci_low"] < table["estimate"]).all()
    with pytest.raises(sk.EstimationError, match="at least one numerator"):
        dclus1().ratio([], "api99")
    with pytest.raises(sk.EstimationError, match="'nope'"):
        dclus1().ratio("api00", "nope")
    with pytest.raises(sk.EstimationError, match="level"):
        rclus1().ratio("api00", "api99", level=1.5)
    frame = pd.DataFrame({"y": [1.0, 2.0], "x": [0.0, 0.0]})
    assert np.isnan(sk.Design(frame).ratio("y", "x").to_frame()["estimate"].iloc[0])
