"""p_adjust against R p.adjust, and adjustment within declared families."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.multitest import multipletests

import survey_kit as sk
from survey_kit.compare import p_adjust
from survey_kit.compare.multiplicity import adjust_by_family

REF = Path(__file__).parents[1] / "reference"
TRYG = json.loads((REF / "tryghed_reference.json").read_text())["cases"]
OWN = json.loads((REF / "compare" / "compare_reference.json").read_text())["cases"]
METHODS = ["holm", "bonferroni", "BH", "BY", "hochberg", "hommel"]


@pytest.mark.parametrize("method", METHODS)
def test_matches_r(method: str) -> None:
    ref = TRYG["p_adjust"]["value"]
    np.testing.assert_allclose(p_adjust(ref["p"], method), ref[method], rtol=1e-12)


@pytest.mark.parametrize("method", METHODS)
def test_missing_p_values_leave_the_family(method: str) -> None:
    ref = OWN["p_adjust_na"]["value"]
    p = np.array([np.nan if v is None else v for v in ref["p"]])
    want = np.array([np.nan if v is None else v for v in ref[method]])
    np.testing.assert_allclose(p_adjust(p, method), want, rtol=1e-12)


def test_none_and_unknown() -> None:
    np.testing.assert_array_equal(p_adjust([0.2, np.nan], "none"), [0.2, np.nan])
    assert np.isnan(p_adjust([np.nan], "holm")).all()
    with pytest.raises(sk.EstimationError, match=r"p\.adjust"):
        p_adjust([0.1], "fdr")


def test_families_are_adjusted_separately() -> None:
    table = pd.DataFrame({"variable": ["a", "a", "b", "b", "b"],
                          "p_value": [0.01, 0.02, 0.01, 0.02, np.nan]})
    out = adjust_by_family(table, "bonferroni", "variable")
    np.testing.assert_allclose(out, [0.02, 0.04, 0.02, 0.04, np.nan])
    whole = adjust_by_family(table, "bonferroni", None)
    np.testing.assert_allclose(whole, [0.04, 0.08, 0.04, 0.08, np.nan])
    with pytest.raises(sk.EstimationError, match="family column"):
        adjust_by_family(table, "holm", ["nope"])


@settings(max_examples=40, deadline=None)
@given(p=st.lists(st.floats(0.0, 1.0), min_size=1, max_size=30))
def test_agrees_with_statsmodels(p: list[float]) -> None:
    names = {"holm": "holm", "bonferroni": "bonferroni", "BH": "fdr_bh", "BY": "fdr_by",
             "hochberg": "simes-hochberg", "hommel": "hommel"}
    for method, name in names.items():
        want = np.minimum(multipletests(np.asarray(p), method=name)[1], 1.0)
        np.testing.assert_allclose(p_adjust(p, method), want, rtol=1e-10, atol=1e-14)
