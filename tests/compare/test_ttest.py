"""sk.ttest: svyttest's two-group and one-sample tests (more R cases in test_rsurvey_models)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import survey_kit as sk

REF = Path(__file__).resolve().parents[1] / "reference"
COMPARE = json.loads((REF / "compare" / "compare_reference.json").read_text())["cases"]
TRYG = json.loads((REF / "tryghed_reference.json").read_text())["cases"]


@pytest.fixture(scope="module")
def apistrat() -> pd.DataFrame:
    return pd.read_csv(REF / "apistrat.csv")


def test_subset_design_matches_svyttest(apistrat: pd.DataFrame) -> None:
    ref = COMPARE["apistrat_ttest_subset"]["value"]
    des = sk.Design(apistrat, weight="pw", strata="stype")
    tt = sk.ttest(des.subset(apistrat["stype"] != "E"), "api00", group="comp.imp")
    np.testing.assert_allclose([tt.estimate, tt.statistic], [ref["difference"], ref["t"]],
                               rtol=1e-8)
    assert tt.df == ref["df"]
    np.testing.assert_allclose(tt.p_value, ref["p_value"], rtol=1e-6)


@pytest.mark.parametrize("case", ["svyttest_tryg_menapt", "svyttest_tryg_menapt_fpc"])
def test_tryghed_matches_svyttest(case: str) -> None:
    ref = TRYG[case]["value"]
    data = pd.read_csv(REF / "tryghed_sample.csv")
    fpc = "fpc" if case.endswith("fpc") else None
    des = sk.Design(data, weight="design_weight", strata="stratum", psu="psu", fpc=fpc)
    tt = sk.ttest(des, "tryg", group="menapt")
    assert tt.levels == (False, True)
    np.testing.assert_allclose([tt.estimate, tt.statistic, tt.ci_low, tt.ci_high],
                               [ref["difference"], ref["t"], *ref["conf_int"]], rtol=1e-8)
    assert tt.df == ref["df"]
    np.testing.assert_allclose(tt.p_value, ref["p_value"], rtol=1e-6)


def test_same_difference_as_compare_and_missing_values_are_a_domain() -> None:
    d = pd.DataFrame({"h": np.repeat([1, 2, 3], 8), "p": np.arange(24) // 2,
                      "g": ["a", "b"] * 12, "w": np.linspace(1, 3, 24),
                      "y": np.sin(np.arange(24.0)) * 3 + 10})
    des = sk.Design(d, weight="w", strata="h", psu="p")
    tt = sk.ttest(des, "y", group="g")
    row = sk.compare(des, "y", between="g").to_frame().iloc[0]
    np.testing.assert_allclose([tt.estimate, tt.se], [row["difference"], row["se"]], rtol=1e-12)
    assert tt.df == des.df - 1 and tt.n == 24
    # rows without a group or a value drop out; whole PSUs missing lower the df
    d.loc[d["p"].isin([0, 1]), "y"] = np.nan
    d.loc[5, "g"] = None
    tt2 = sk.ttest(sk.Design(d, weight="w", strata="h", psu="p"), "y", group="g")
    assert tt2.df == des.df - 2 - 1 and tt2.n == 24 - 4 - 1


def test_one_sample_and_frame() -> None:
    d = pd.DataFrame({"y": [1.0, 2, 4, 7, 3, 5], "p": [1, 1, 2, 2, 3, 3]})
    des = sk.Design(d, psu="p")
    tt = sk.ttest(des, "y")
    est = des.mean("y").to_frame().iloc[0]
    assert tt.group is None and tt.df == des.df - 1
    np.testing.assert_allclose([tt.estimate, tt.statistic], [est["estimate"],
                                                             est["estimate"] / est["se"]])
    frame = tt.to_frame()
    assert list(frame.columns) == ["variable", "group", "level_a", "level_b", "estimate", "se",
                                   "statistic", "df", "p_value", "ci_low", "ci_high", "n"]


def test_errors() -> None:
    d = pd.DataFrame({"y": [1.0, 2, 4, 7, 3, 5], "g": ["a", "b", "c", "a", "b", "c"]})
    with pytest.raises(sk.EstimationError, match=r"group column 'g' has 3 level"):
        sk.ttest(sk.Design(d), "y", group="g")
    with pytest.raises(sk.EstimationError, match=r"'nope'"):
        sk.ttest(sk.Design(d), "nope", group="g")
    with pytest.raises(sk.EstimationError, match=r"level"):
        sk.ttest(sk.Design(d), "y", group="g", level=1.5)
