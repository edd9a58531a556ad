"""Calibration to totals of numeric columns (targets with an empty level); R parity of the
manual's examples is in test_rsurvey_weighting.py."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import survey_kit as sk

REF = Path(__file__).resolve().parents[1] / "reference"
STYPE = pd.DataFrame({"variable": "stype", "level": ["E", "H", "M"],
                      "total": [4421.0, 755.0, 1018.0]})


@pytest.fixture(scope="module")
def des() -> sk.Design:
    return sk.Design(pd.read_csv(REF / "apiclus1.csv"), weight="pw", psu="dnum", fpc="fpc")


def _numeric(variable: str, total: float, level: object = np.nan) -> pd.DataFrame:
    return pd.DataFrame({"variable": [variable], "level": [level], "total": [total]})


@pytest.mark.parametrize("empty", [np.nan, None, "", "  "])
def test_empty_level_is_a_numeric_total(des: sk.Design, empty: object) -> None:
    cal = des.calibrate(pd.concat([STYPE, _numeric("api99", 3914069.0, empty)]))
    w = cal.weights.to_numpy()
    assert w @ des.data["api99"].to_numpy() == pytest.approx(3914069.0, rel=1e-10)
    margins = cal.weighting.margins
    row = margins[margins["variable"] == "api99"].iloc[0]
    assert pd.isna(row["level"]) and row["achieved"] == pytest.approx(row["target"], rel=1e-10)
    # the calibrated total has no sampling variance left
    assert cal.total("api99").to_frame()["se"].iloc[0] < 1e-6


def test_linear_numeric_only_is_the_closed_form_greg(des: sk.Design) -> None:
    """One numeric column, no intercept: g = 1 + x λ with λ = (T - Σwx) / Σwx²."""
    x = des.data["enroll"].to_numpy(dtype=float)
    w = des.weights.to_numpy()
    total = 1.1 * float(w @ x)
    lam = (total - w @ x) / (w @ x**2)
    cal = des.calibrate(_numeric("enroll", total))
    np.testing.assert_allclose(cal.weights, w * (1 + lam * x), rtol=1e-12)


def test_negative_totals_are_allowed_for_numeric_columns() -> None:
    d = pd.DataFrame({"x": [-1.0, -2.0, 0.5, -3.0], "g": ["a", "b", "a", "b"]})
    cal = sk.Design(d).calibrate(pd.concat([
        pd.DataFrame({"variable": "g", "level": ["a", "b"], "total": [3.0, 5.0]}),
        _numeric("x", -9.0)]))
    assert cal.weights.to_numpy() @ d["x"].to_numpy() == pytest.approx(-9.0)


def test_problems_are_named(des: sk.Design) -> None:
    with pytest.raises(sk.WeightingError, match=r"\['api99'\] have an empty level.*calibrate"):
        des.rake(pd.concat([STYPE, _numeric("api99", 3914069.0)]))
    with pytest.raises(sk.WeightingError, match=r"numeric variable 'acs.46': \d+ missing"):
        des.calibrate(pd.concat([STYPE, _numeric("acs.46", 1e5)]))
    with pytest.raises(sk.WeightingError, match=r"numeric variable 'sch.wide': value 'Yes' is "
                                                r"not a number"):
        des.calibrate(pd.concat([STYPE, _numeric("sch.wide", 10.0)]))
    with pytest.raises(sk.WeightingError, match=r"'api99': total given more than once"):
        des.calibrate(pd.concat([STYPE, _numeric("api99", 1.0), _numeric("api99", 2.0)]))
    with pytest.raises(sk.WeightingError, match=r"'api99': total 'lots' is not a finite"):
        des.calibrate(pd.concat([STYPE, _numeric("api99", "lots")]))  # type: ignore[arg-type]


def test_by_groups_get_their_own_numeric_total(des: sk.Design) -> None:
    data = des.data
    w = des.weights.to_numpy()
    counts = {"E": 4421.0, "H": 755.0, "M": 1018.0}
    per_type = {}  # a 2 % higher mean api99 than the design weights give, per school type
    for s, count in counts.items():
        inside = (data["stype"] == s).to_numpy()
        mean = float(w[inside] @ data["api99"].to_numpy()[inside] / w[inside].sum())
        per_type[s] = 1.02 * mean * count
    tg = pd.concat([
        pd.DataFrame({"stype": list("EHM"), "variable": "stype", "level": list("EHM"),
                      "total": [4421.0, 755.0, 1018.0]}),
        pd.DataFrame({"stype": list("EHM"), "variable": "api99", "level": np.nan,
                      "total": list(per_type.values())})])
    cal = des.calibrate(tg, by="stype", calfun="raking")
    new = cal.weights.to_numpy()
    for s, total in per_type.items():
        inside = (data["stype"] == s).to_numpy()
        assert new[inside] @ data["api99"].to_numpy()[inside] == pytest.approx(total, rel=1e-9)
