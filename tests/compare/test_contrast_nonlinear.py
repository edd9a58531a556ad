"""sk.contrast: safe expressions, exact derivatives, row names (R parity: test_rsurvey_models)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import survey_kit as sk
from survey_kit.compare.nonlinear import contrast_names, expression_gradient

REF = Path(__file__).resolve().parents[1] / "reference"


@pytest.fixture(scope="module")
def des() -> sk.Design:
    return sk.Design(pd.read_csv(REF / "apiclus1.csv"), weight="pw", psu="dnum", fpc="fpc")


@pytest.mark.parametrize(
    "text,message",
    [
        ("__import__('os').system('echo no')", r"is not allowed"),
        ("api00.real", r"is not allowed"),
        ("api00 if api99 else 1", r"is not allowed"),
        ("(lambda: 1)()", r"is not allowed"),
        ("api00[0]", r"is not allowed"),
        ("api00 % 2", r"operator Mod is not allowed"),
        ("open(api00)", r"is not allowed"),
        ("`api00 / api99", r"backtick is not closed"),
        ("nope / api99", r"'nope' is not a name of the estimate"),
        ("`no pe` / api99", r"`no pe` is not a name of the estimate"),
        ("api00 /", r"is not an arithmetic expression"),
        ("True + api00", r"is not allowed"),
    ],
)
def test_expressions_are_parsed_never_evaluated(des: sk.Design, text: str, message: str) -> None:
    with pytest.raises(sk.EstimationError, match=message):
        sk.contrast(des.total(["api00", "api99"]), text)


def test_gradient_is_exact() -> None:
    names = ["a", "b", "c"]
    theta = np.array([0.3, 2.5, 1.7])
    text = "exp(a) * log(b) / sqrt(c) + a^2 * b - abs(c - 3) + sin(a) * cos(b) + atan(c)" \
           " - asin(a) + log10(b) + 2 ** a - b ** c"
    value, grad = expression_gradient(text, names, theta)

    def f(t: np.ndarray) -> float:
        return expression_gradient(text, names, t)[0]

    step = 1e-6
    numeric = [(f(theta + step * e) - f(theta - step * e)) / (2 * step) for e in np.eye(3)]
    np.testing.assert_allclose(grad, numeric, rtol=1e-7)
    assert value == pytest.approx(f(theta))


def test_names_of_estimates(des: sk.Design) -> None:
    assert contrast_names(des.mean(["api00", "api99"])) == ["api00", "api99"]
    assert contrast_names(des.total("enroll", by="stype")) == ["E", "H", "M"]
    two_by = contrast_names(des.mean("api00", by=["stype", "sch.wide"]))
    assert "E.Yes" in two_by and "H.No" in two_by
    assert contrast_names(des.mean(["api00", "api99"], by="stype"))[:2] == ["E:api00", "H:api00"]
    fit = sk.glm(des, "api00 ~ ell + stype")
    assert contrast_names(fit) == ["(Intercept)", "ell", "stypeH", "stypeM"]
    res = sk.contrast(fit, "stypeH - stypeM")
    L = np.array([0, 0, 1, -1.0])
    np.testing.assert_allclose(res.estimate, L @ fit.coef, rtol=1e-12)
    np.testing.assert_allclose(res.vcov, L @ fit.vcov @ L, rtol=1e-12)
    by_two = sk.contrast(des.mean("api00", by=["stype", "sch.wide"]), "`E.Yes` - `E.No`")
    assert np.isfinite(by_two.estimate[0])


def test_forms_agree_and_frame(des: sk.Design) -> None:
    totals = des.total(["api00", "enroll", "api99"])
    by_matrix = sk.contrast(totals, [[1, 0, -1], [0.5, 0, 0.5]])
    by_text = sk.contrast(totals, ["api00 - api99", "(api00 + api99) / 2"])
    by_dict = sk.contrast(totals, {"diff": {"api00": 1, "api99": -1}, "avg": [0.5, 0, 0.5]})
    for other in (by_text, by_dict):
        np.testing.assert_allclose(other.estimate, by_matrix.estimate, rtol=1e-12)
        np.testing.assert_allclose(other.vcov, by_matrix.vcov, rtol=1e-10)
    assert by_matrix.names == ("contrast1", "contrast2")
    assert by_dict.names == ("diff", "avg")
    frame = by_text.to_frame()
    assert list(frame.columns) == ["contrast", "estimate", "se", "ci_low", "ci_high", "df"]
    q = float(sk.contrast(totals, "api00").to_frame().eval("(ci_high - estimate) / se")[0])
    from scipy.stats import t

    assert q == pytest.approx(t.ppf(0.975, totals.df))
    chained = sk.contrast(by_dict, "diff / avg")  # a ContrastResult is an estimate too
    assert chained.estimate[0] == pytest.approx(by_dict.estimate[0] / by_dict.estimate[1])


def test_wrong_weights_and_missing_rows(des: sk.Design) -> None:
    totals = des.total(["api00", "api99"])
    with pytest.raises(sk.EstimationError, match=r"contrast weights have 3 values"):
        sk.contrast(totals, [1, 0, -1])
    with pytest.raises(sk.EstimationError, match=r"contrast weight for 'nope'"):
        sk.contrast(totals, {"nope": 1.0})
    d = pd.DataFrame({"g": ["a", "a", "b", "b"], "y": [1.0, 2.0, np.nan, np.nan]})
    est = sk.Design(d).mean("y", by="g")
    res = sk.contrast(est, ["b / a", "a * 2"])
    assert np.isnan(res.estimate[0]) and np.isnan(res.se[0])
    assert res.estimate[1] == 3.0 and np.isfinite(res.se[1])
