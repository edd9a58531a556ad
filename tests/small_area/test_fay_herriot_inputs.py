"""fay_herriot: inputs, errors, model-matrix coding, areas outside the fit, invariances."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import survey_kit as sk
from survey_kit.small_area import FH_COLUMNS
from survey_kit.small_area.formula import model_matrix

REF = Path(__file__).parents[1] / "reference" / "sae"
CASE = json.loads((REF / "fh_reference.json").read_text())["cases"]["covariates_factor"]
METHODS = ("REML", "ML", "FH")


@pytest.fixture
def data() -> pd.DataFrame:
    frame = pd.DataFrame(CASE["data"])
    return frame.assign(se=np.sqrt(frame["vardir"]))


def _fit(data: pd.DataFrame, formula: str = "~ x1 + region + x2 + flag", **kw: object
         ) -> sk.FayHerriot:
    return sk.fay_herriot(data, formula, estimate="y", se="se", **kw)  # type: ignore[arg-type]


def test_contract_columns_and_exports(data: pd.DataFrame) -> None:
    frame = _fit(data).to_frame()
    assert tuple(frame.columns) == FH_COLUMNS
    assert list(frame.columns[:7]) == ["area", "direct", "direct_se", "eblup", "rmse", "gamma",
                                       "synthetic"]
    assert list(frame["area"]) == list(data["area"])
    assert sk.small_area.fay_herriot is sk.fay_herriot
    assert issubclass(sk.SmallAreaError, sk.EstimationError)
    assert issubclass(sk.SmallAreaError, sk.SurveyKitError)
    assert issubclass(sk.SmallAreaError, ValueError)


def test_se_and_vardir_agree(data: pd.DataFrame) -> None:
    by_se = _fit(data).to_frame()
    by_var = sk.fay_herriot(data, "~ x1 + region + x2 + flag", estimate="y", se=None,
                            vardir="vardir").to_frame()
    pd.testing.assert_frame_equal(by_se, by_var, rtol=1e-12)


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d.drop(columns="x2"), "covariate column 'x2' is not in the data"),
    (lambda d: d.assign(x1=d["x1"].where(d["area"] != "A07")), "'x1' has a missing value in "
                                                               "area A07"),
    (lambda d: d.assign(se=d["se"].where(d["area"] != "A03", 0.0)), "area 'A03' has standard "
                                                                     "error 0 .*'se'"),
    (lambda d: d.assign(se=d["se"].where(d["area"] != "A05", -0.1)), "area 'A05' has standard "
                                                                      "error -0.1"),
    (lambda d: d.assign(area=d["area"].replace("A09", "A02")), "area 'A02' appears more than "
                                                              "once"),
    (lambda d: d.assign(y=d["y"].where(d.index < 6)),
     "6 areas with a direct estimate .* 6 fixed effects .* at least 7"),
    (lambda d: d.assign(region="nord"), "'region' has 1 level"),
    (lambda d: d.assign(x2=2 * d["x1"]), "model column 'x2' .* combination"),
    (lambda d: d.drop(columns="y"), "estimate= column 'y' is not in the data"),
    (lambda d: d.assign(se=d["region"]), "column 'se' is not numeric"),
])
def test_errors_name_what_is_wrong(data: pd.DataFrame, change: object, message: str) -> None:
    with pytest.raises(sk.SmallAreaError, match=message):
        _fit(change(data))  # type: ignore[operator]


@pytest.mark.parametrize(("formula", "message"), [
    ("y ~ x1", "one-sided"), ("~ x1:x2", "not supported"), ("~ log(x1)", "not supported"),
    ("~ x1 + + x2", "empty term"), ("~ -1", "no columns"),
])
def test_formula_errors(data: pd.DataFrame, formula: str, message: str) -> None:
    with pytest.raises(sk.SmallAreaError, match=message):
        _fit(data, formula)


def test_unknown_method(data: pd.DataFrame) -> None:
    with pytest.raises(sk.SmallAreaError, match="method 'BAYES'"):
        _fit(data, method="bayes")
    assert _fit(data, method="reml").method == "REML"


def test_level_only_outside_the_fit_is_named(data: pd.DataFrame) -> None:
    """A factor level whose areas all lack a direct estimate cannot be estimated."""
    data.loc[data["region"] == "vest", "y"] = np.nan
    with pytest.raises(sk.SmallAreaError, match="model column 'regionvest'"):
        _fit(data)


def test_model_matrix_coding() -> None:
    df = pd.DataFrame({
        "x": [1.0, 2.0, 3.0, 4.0],
        "cat": pd.Categorical(["lav", "høj", "lav", "mid"], categories=["mid", "lav", "høj", "x"]),
        "num": [2, 1, 2, 3], "flag": [True, False, True, True]})
    mm = model_matrix(df, "~ cat + x + factor(num) + flag")
    # categories order (unused level "x" dropped), numeric levels sorted, logical as TRUE
    assert mm.names == ("(Intercept)", "catlav", "cathøj", "x", "factor(num)2", "factor(num)3",
                        "flagTRUE")
    np.testing.assert_array_equal(mm.X[:, 1], [1, 0, 1, 0])
    np.testing.assert_array_equal(mm.X[:, 4:6], [[1, 0], [0, 0], [1, 0], [0, 1]])
    assert model_matrix(df, "~ flag + cat - 1").names == ("flagFALSE", "flagTRUE", "catlav",
                                                         "cathøj")
    assert model_matrix(df, "~ 1").names == ("(Intercept)",)
    assert model_matrix(df, "~ x + x + 0").names == ("x",)
    assert model_matrix(df, "~ x + num - num").names == ("(Intercept)", "x")


@pytest.mark.parametrize("method", METHODS)
def test_areas_without_direct_estimate_get_synthetic(data: pd.DataFrame, method: str) -> None:
    """survey_kit's extension: the fit is that of the other areas; the area gets x'beta with
    MSE = A + x' Var(beta) x and gamma = 0."""
    gone = ["A04", "A17", "A31"]
    holes = data.assign(y=data["y"].where(~data["area"].isin(gone)))
    holes.loc[holes["area"] == "A31", ["y", "se"]] = [1.0, np.nan]  # no variance: unusable too
    fh = _fit(holes, method=method)
    ref = _fit(data[~data["area"].isin(gone)], method=method)
    assert fh.n_areas == len(data) - 3 and fh.model_variance == ref.model_variance
    pd.testing.assert_series_equal(fh.beta, ref.beta)
    frame, kept = fh.to_frame().set_index("area"), ref.to_frame().set_index("area")
    pd.testing.assert_frame_equal(frame.loc[kept.index, kept.columns], kept)
    out = frame.loc[gone]
    X = model_matrix(holes.set_index("area"), fh.formula).X[holes["area"].isin(gone).to_numpy()]
    np.testing.assert_allclose(out["eblup"], X @ fh.beta.to_numpy(), rtol=1e-12)
    np.testing.assert_array_equal(out["eblup"], out["synthetic"])
    quad = np.einsum("ip,pq,iq->i", X, fh.beta_vcov.to_numpy(), X)
    np.testing.assert_allclose(out["mse"], fh.model_variance + quad, rtol=1e-12)
    assert (out["gamma"] == 0).all() and not out["in_model"].any()


@pytest.mark.parametrize("method", METHODS)
def test_row_order_location_and_scale(data: pd.DataFrame, method: str) -> None:
    """Row order does not matter; shifting y shifts the EBLUP; scaling y by c and the
    sampling variances by c² scales A by c², the EBLUP by c and the RMSE by c."""
    base = _fit(data, method=method).to_frame().set_index("area")
    shuffled = _fit(data.sample(frac=1, random_state=3), method=method)
    pd.testing.assert_frame_equal(shuffled.to_frame().set_index("area").loc[base.index], base,
                                  rtol=1e-9)
    shifted = _fit(data.assign(y=data["y"] + 10), method=method).to_frame().set_index("area")
    np.testing.assert_allclose(shifted["eblup"], base["eblup"] + 10, rtol=1e-9)
    np.testing.assert_allclose(shifted["rmse"], base["rmse"], rtol=1e-9)
    c = 7.0
    fh = _fit(data, method=method)
    scaled = _fit(data.assign(y=c * data["y"], se=c * data["se"]), method=method)
    np.testing.assert_allclose(scaled.model_variance, c**2 * fh.model_variance, rtol=1e-9)
    np.testing.assert_allclose(scaled.to_frame()["eblup"], c * base["eblup"].to_numpy(),
                               rtol=1e-9)
    np.testing.assert_allclose(scaled.to_frame()["rmse"], c * base["rmse"].to_numpy(),
                               rtol=1e-9)


def test_coefficients_table(data: pd.DataFrame) -> None:
    fh = _fit(data)
    table = fh.coefficients()
    assert list(table.columns) == ["term", "estimate", "se", "statistic", "p_value"]
    np.testing.assert_allclose(table["statistic"], fh.beta / fh.beta_se)
    # two-sided normal p-value: 1.959964 standard errors give 0.05
    z = 1.959963984540054
    ref = sk.fay_herriot(pd.DataFrame({"area": list("abcd"), "estimate": [z, z, z, z],
                                       "se": [2.0, 2.0, 2.0, 2.0]}), "~ 1")
    np.testing.assert_allclose(ref.coefficients()["p_value"], 0.05, rtol=1e-9)
    assert np.isclose(fh.aic, -2 * fh.loglike + 2 * 7) and np.isclose(
        fh.bic, -2 * fh.loglike + 7 * np.log(40))
