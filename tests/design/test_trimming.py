"""Weight trimming (survey_kit.design.trimming): R trimWeights and invariants.

Reference: tests/reference/weighting/weighting_reference.json, case by_stype_rake_trim
(``trimWeights(raked, upper=60, lower=20, strict=TRUE)`` on the by-stype raked apiclus1 design).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from weighting_reference import REF, WREF, by_stype_targets

import survey_kit as sk
from survey_kit.design.design import Design
from survey_kit.design.trimming import trim_limits, trim_weights


@pytest.fixture(scope="module")
def raked() -> Design:
    des = Design(pd.read_csv(REF / "apiclus1.csv"), weight="pw", psu="dnum")
    return des.rake(by_stype_targets(), by="stype")


def test_equal_method_reproduces_r_trimweights_and_keeps_history(raked: Design) -> None:
    ref = WREF["by_stype_rake_trim"]["value"]
    trimmed = raked.trim(lower=ref["lower"], upper=ref["upper"], method="equal")
    np.testing.assert_allclose(trimmed.weights.to_numpy(), ref["weights"], rtol=1e-8)
    row = trimmed.mean("api00").to_frame().iloc[0]
    # the SE still removes the raking margins (R keeps the raking record after trimWeights)
    np.testing.assert_allclose([row["estimate"], row["se"]],
                               [ref["mean_api00"], ref["se_api00"]], rtol=1e-8)
    assert trimmed.weighting.method == "trim:equal"


def test_proportional_keeps_group_totals_and_limits(raked: Design) -> None:
    trimmed = raked.trim(upper=1.6, relative=True, by="stype")
    w, old = trimmed.weights, raked.weights
    groups = raked.data["stype"]
    np.testing.assert_allclose(w.groupby(groups).sum(), old.groupby(groups).sum(), rtol=1e-12)
    limit = 1.6 * old.groupby(groups).transform("median")
    assert (w <= limit * (1 + 1e-12)).all()
    assert (w < old - 1e-9).any()  # something was trimmed
    # untrimmed weights of a group are all scaled by the same factor
    inside = w < limit * (1 - 1e-9)
    ratio = (w / old)[inside].groupby(groups[inside]).agg(["min", "max"])
    np.testing.assert_allclose(ratio["min"], ratio["max"], rtol=1e-12)


@pytest.fixture(scope="module")
def tryghed_raked() -> tuple[Design, pd.DataFrame]:
    margins = json.loads((REF / "tryghed_reference.json").read_text())["cases"][
        "rake_year_group"]["value"]["margins"]
    targets = pd.concat([pd.DataFrame({"year": t["year"], "group": t["group"], "variable": var,
                                       "level": t[var], "total": t["Freq"]})
                         for var, t in ((v, pd.DataFrame(r)) for v, r in margins.items())])
    des = Design(pd.read_csv(REF / "tryghed_sample.csv"), weight="design_weight",
                 strata="stratum", psu="psu")
    return des.rake(targets, by=["year", "group"]), targets


def test_trim_then_rerake_meets_both(tryghed_raked: tuple[Design, pd.DataFrame]) -> None:
    raked, targets = tryghed_raked
    by = ["year", "group"]
    out = raked.trim(upper=1.6, relative=True, by=by, rerake=targets)
    w = out.weights
    limit = 1.6 * raked.weights.groupby([raked.data[c] for c in by]).transform("median")
    assert (w <= limit * (1 + 1e-6)).all() and (raked.weights > limit).any()
    margins = out.weighting.margins
    np.testing.assert_allclose(margins["achieved"], margins["target"], rtol=1e-9)
    assert out.weighting.method == "trim:proportional+rake" and out.weighting.iterations > 1


def test_rerake_that_cannot_settle_raises(tryghed_raked: tuple[Design, pd.DataFrame]) -> None:
    raked, targets = tryghed_raked
    with pytest.raises(sk.WeightingError, match=r"did not settle in 3 rounds.*beyond its limit"):
        raked.trim(upper=1.3, relative=True, by=["year", "group"], rerake=targets,
                   max_rounds=3)


def test_infeasible_limits_name_the_group(raked: Design) -> None:
    with pytest.raises(sk.WeightingError, match=r"by group stype=H: its weights add to 755"):
        raked.trim(upper=45, lower=30, by="stype")


def test_limits_that_cannot_keep_the_total_raise() -> None:
    w = np.array([5.0, 5.0, 5.0])
    with pytest.raises(sk.WeightingError, match=r"adds? to 15, outside what the limits allow"):
        trim_weights(w, np.zeros(3, dtype=np.int64), np.full(3, -np.inf), np.full(3, 4.0))


def test_unknown_method_and_relative_rule() -> None:
    w, codes = np.ones(2), np.zeros(2, dtype=np.int64)
    with pytest.raises(sk.WeightingError, match="method must be one of"):
        trim_weights(w, codes, w * 0, w * 2, method="winsor")
    with pytest.raises(sk.WeightingError, match="relative must be True, 'median' or 'mean'"):
        trim_limits(w, codes, None, 2.0, relative="mode")


def test_without_redistribution_weights_are_only_capped() -> None:
    w = np.array([1.0, 2.0, 10.0])
    out, _ = trim_weights(w, np.zeros(3, dtype=np.int64), np.full(3, -np.inf), np.full(3, 4.0),
                          redistribute=False)
    assert out.tolist() == [1.0, 2.0, 4.0]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.1, 50.0), min_size=6, max_size=60), st.integers(1, 3),
       st.sampled_from(["proportional", "equal"]), st.floats(1.05, 3.0))
def test_trimming_properties(weights: list[float], n_groups: int, method: str,
                             upper: float) -> None:
    w = np.asarray(weights)
    codes = np.arange(len(w)) % n_groups
    lo, hi = trim_limits(w, codes, 0.2, upper, relative="mean")
    out, _ = trim_weights(w, codes, lo, hi, method)
    np.testing.assert_allclose(np.bincount(codes, weights=out), np.bincount(codes, weights=w),
                               rtol=1e-10)
    assert np.all(out <= hi * (1 + 1e-10)) and np.all(out >= lo * (1 - 1e-10))
