"""Design-based GLM against R svyglm; predicted margins identities."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import survey_kit as sk
from survey_kit.compare import GlmResult, glm, linear_contrast

REF = Path(__file__).parents[1] / "reference"
TRYG = json.loads((REF / "tryghed_reference.json").read_text())["cases"]
API = json.loads((REF / "reference.json").read_text())["cases"]
OWN = json.loads((REF / "compare" / "compare_reference.json").read_text())["cases"]
FORMULA = "index ~ group + gender + age_group + menapt"


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return pd.read_csv(REF / "tryghed_sample.csv")


def _check(fit: GlmResult, ref: dict, rtol: float) -> None:
    frame = fit.to_frame()
    assert list(frame["term"]) == ref["term"]
    np.testing.assert_allclose(frame["estimate"], ref["estimate"], rtol=rtol)
    np.testing.assert_allclose(frame["se"], ref["se"], rtol=rtol)
    if "p_value" in ref:
        np.testing.assert_allclose(frame["statistic"], ref["t"], rtol=rtol)
        np.testing.assert_allclose(frame["p_value"], ref["p_value"], rtol=max(rtol, 1e-6))
        assert fit.df == ref["df_residual"]
    if "vcov" in ref:
        scale = np.abs(np.asarray(ref["vcov"])).max()
        np.testing.assert_allclose(fit.vcov, ref["vcov"], rtol=rtol, atol=rtol * scale)


@pytest.mark.parametrize(("case", "fpc"), [("svyglm_gaussian_index", None),
                                           ("svyglm_gaussian_index_fpc", "fpc")])
def test_gaussian(data: pd.DataFrame, case: str, fpc: str | None) -> None:
    des = sk.Design(data, weight="design_weight", strata="stratum", psu="psu", fpc=fpc)
    _check(glm(des, FORMULA), TRYG[case]["value"], 1e-8)


def test_quasibinomial(data: pd.DataFrame) -> None:
    des = sk.Design(data, weight="design_weight", strata="stratum", psu="psu")
    formula = FORMULA.replace("index", "tryg_pos")
    fit = glm(des, formula, family="quasibinomial")
    _check(fit, TRYG["svyglm_quasibinomial_tryg_pos_converged"]["value"], 1e-8)
    # R's default glm.control stops early (relative deviance change 1e-8)
    _check(fit, TRYG["svyglm_quasibinomial_tryg_pos"]["value"], 1e-5)
    same = glm(des, formula, family="binomial").to_frame()
    np.testing.assert_allclose(same["se"], fit.to_frame()["se"], rtol=1e-12)


def test_apistrat_logit() -> None:
    api = sk.Design(pd.read_csv(REF / "apistrat.csv"), weight="pw", strata="stype")
    fit = glm(api, 'I(Q("sch.wide") == "Yes") ~ stype + api99', family="binomial")
    _check(fit, OWN["apistrat_logit_converged"]["value"], 1e-8)
    # reference.json was made with R's default glm.control (not converged to 1e-8)
    _check(fit, API["strat_wr_svyglm_logit"]["value"], 1e-4)


def test_missing_values_are_a_domain_restriction(data: pd.DataFrame) -> None:
    des = sk.Design(data, weight="design_weight", strata="stratum", psu="psu")
    fit = glm(des, "tryg ~ menapt")
    assert fit.n == int(data["tryg"].notna().sum())
    ttest = TRYG["svyttest_tryg_menapt"]["value"]
    row = fit.to_frame().iloc[1]
    np.testing.assert_allclose([row["estimate"], row["statistic"]],
                               [ttest["difference"], ttest["t"]], rtol=1e-8)
    assert fit.df == ttest["df"]


@pytest.mark.parametrize("family", ["gaussian", "binomial"])
def test_saturated_margins_are_domain_means(data: pd.DataFrame, family: str) -> None:
    des = sk.Design(data, weight="design_weight", strata="stratum", psu="psu")
    y = "tryg_pos" if family == "binomial" else "index"
    margins = glm(des, f"{y} ~ group", family=family).predicted_margins("group").to_frame()
    domain = des.subset(data[y].notna()).mean(y, by="group").to_frame()
    np.testing.assert_allclose(margins["estimate"], domain["estimate"], rtol=1e-8)
    np.testing.assert_allclose(margins["se"], domain["se"], rtol=1e-6)


def test_adjusted_margins_can_be_contrasted(data: pd.DataFrame) -> None:
    des = sk.Design(data, weight="design_weight", strata="stratum", psu="psu")
    fit = glm(des, FORMULA.replace("index", "tryg_pos"), family="binomial")
    margins = fit.predicted_margins("group")
    frame = margins.to_frame()
    assert list(frame["group"]) == ["almene", "befolkning", "helhedsplan"]
    assert ((frame["estimate"] > 0) & (frame["estimate"] < 1)).all()
    value, cov = linear_contrast(margins, [[-1.0, 1.0, 0.0]])
    assert value[0] > 0 and cov[0, 0] > 0


def test_errors(data: pd.DataFrame) -> None:
    des = sk.Design(data, weight="design_weight", strata="stratum", psu="psu")
    with pytest.raises(sk.EstimationError, match="family"):
        glm(des, FORMULA, family="gamma")
    with pytest.raises(sk.EstimationError, match="0/1"):
        glm(des, "year ~ group", family="binomial")
    with pytest.raises(sk.EstimationError, match="formula"):
        glm(des, "index ~ nothere")
