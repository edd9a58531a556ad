"""Rao-Scott chi-square tests against R svychisq."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import survey_kit as sk
from survey_kit.compare import chisq

REF = Path(__file__).parents[1] / "reference"
TRYG = json.loads((REF / "tryghed_reference.json").read_text())["cases"]
API = json.loads((REF / "reference.json").read_text())["cases"]
OWN = json.loads((REF / "compare" / "compare_reference.json").read_text())["cases"]


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return pd.read_csv(REF / "tryghed_sample.csv")


def test_apistrat_second_order_f() -> None:
    ref = API["strat_wr_chisq_rao_scott_F"]["value"]
    api = sk.Design(pd.read_csv(REF / "apistrat.csv"), weight="pw", strata="stype")
    res = chisq(api, "sch.wide", "stype")
    np.testing.assert_allclose([res.statistic, res.ndf, res.ddf],
                               [ref["F"], ref["ndf"], ref["ddf"]], rtol=1e-8)
    np.testing.assert_allclose(res.p_value, ref["p_value"], rtol=1e-6)
    first = chisq(api, "sch.wide", "stype", statistic="Chisq")
    own = OWN["apistrat_chisq_first_order"]["value"]
    np.testing.assert_allclose([first.statistic, first.ndf], [own["X2"], own["df"]], rtol=1e-8)
    np.testing.assert_allclose(first.p_value, own["p_value"], rtol=1e-6)


@pytest.mark.parametrize(("case", "row", "col", "fpc", "subset"), [
    ("svychisq_group_qcat", "group", "q_cat", None, None),
    ("svychisq_group_qcat_fpc", "group", "q_cat", "fpc", None),
    ("svychisq_gender_qcat_helhedsplan", "gender", "q_cat", None, "helhedsplan"),
    ("svychisq_year_qcat_helhedsplan", "year", "q_cat", None, "helhedsplan"),
])
def test_tryghed_cases(data: pd.DataFrame, case: str, row: str, col: str, fpc: str | None,
                       subset: str | None) -> None:
    ref = TRYG[case]["value"]
    des = sk.Design(data, weight="design_weight", strata="stratum", psu="psu", fpc=fpc)
    if subset is not None:
        des = des.subset(data["group"] == subset)
    res = chisq(des, row, col)
    np.testing.assert_allclose([res.statistic, res.ndf, res.ddf],
                               [ref["F"], ref["ndf"], ref["ddf"]], rtol=1e-8)
    np.testing.assert_allclose(res.p_value, ref["p_F"], rtol=1e-6)
    first = chisq(des, row, col, statistic="Chisq")
    np.testing.assert_allclose([first.statistic, first.ndf], [ref["chisq_X2"], ref["chisq_df"]],
                               rtol=1e-8)
    np.testing.assert_allclose(first.p_value, ref["p_chisq"], rtol=1e-6)
    assert res.to_frame().shape == (1, 6)
    np.testing.assert_allclose(res.table.to_numpy().sum(), 1.0)


def test_errors(data: pd.DataFrame) -> None:
    des = sk.Design(data, weight="design_weight", strata="stratum", psu="psu")
    with pytest.raises(sk.EstimationError, match="statistic"):
        chisq(des, "group", "q_cat", statistic="Wald")
    with pytest.raises(sk.EstimationError, match="two levels"):
        chisq(des.subset(data["group"] == "almene"), "group", "q_cat")
