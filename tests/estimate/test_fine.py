"""Fine cells (Design.prepare) give the row sums; the per-table work of Design on random designs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import astuple

import numpy as np
import pandas as pd
import pytest

import survey_kit as sk
from survey_kit.estimate.estimators import domain_sums
from survey_kit.estimate.fine import FineCells, FineSums

STATS = ["estimate", "se", "ci_low", "ci_high", "df", "deff", "n", "n_eff", "n_psu"]
VARIABLES = ["y", "b", "rare"]
BY_SETS = [[], ["sex"], ["reg", "sex"], ["age", "edu", "sex"], ["reg", "age", "edu"]]


def _sample(seed: int, n: int = 900) -> pd.DataFrame:
    """Five strata (one with a single PSU), missing values per variable, a by column with
    missing values, a variable missing in whole domains, and ``w0``: 0 for a few rows."""
    rng = np.random.default_rng(seed)
    stratum = rng.integers(0, 5, n)
    psu = np.where(stratum == 4, 40, stratum * 10 + rng.integers(0, 4, n))
    sex = rng.choice(["f", "m"], n)
    age = rng.choice(["18-29", "30-64", "65+"], n, p=[0.2, 0.5, 0.3])
    y = rng.normal(size=n) + 0.5 * (sex == "f")
    y[rng.random(n) < 0.1] = np.nan
    b = (rng.random(n) < 0.3).astype(float)
    b[rng.random(n) < 0.05] = np.nan
    edu = pd.Series(rng.choice(["low", "high"], n)).where(rng.random(n) > 0.05)
    rare = np.where((age == "65+") | (rng.random(n) < 0.5), np.nan, rng.normal(size=n))
    return pd.DataFrame({
        "stratum": stratum, "psu": psu, "reg": stratum % 2,
        "w": rng.uniform(0.5, 4.0, n), "w0": np.where(rng.random(n) < 0.03, 0, 1.0),
        "sex": sex, "age": age, "edu": edu, "y": y, "b": b, "rare": rare})


def _targets(d: pd.DataFrame, scale: float) -> pd.DataFrame:
    """Margins of sex and age per region, ``scale`` times the weighted counts."""
    frames = [d.groupby(["reg", var])["w"].sum().mul(scale).rename("total").reset_index()
              .rename(columns={var: "level"}).assign(variable=var) for var in ("sex", "age")]
    return pd.concat(frames, ignore_index=True)


def _designs(seed: int) -> Iterator[tuple[str, sk.Design]]:
    d = _sample(seed)
    for lonely in ("adjust", "average", "certainty"):
        yield lonely, sk.Design(d.assign(w=d["w"] * d["w0"]), weight="w", strata="stratum",
                                psu="psu", lonely_psu=lonely)
    base = sk.Design(d, weight="w", strata="stratum", psu="psu", lonely_psu="adjust")
    raked = base.rake(_targets(d, 1.3), by="reg")
    yield "raked", raked
    yield "calibrated", base.calibrate(_targets(d, 0.9), by="reg", calfun="linear")
    whole = _targets(d, 1.2).groupby(["variable", "level"], as_index=False)["total"].sum()
    yield "raked twice", raked.rake(whole)
    yield "subset", raked.subset(d["age"] != "18-29")


@pytest.fixture
def folds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The variables whose sums came from fine cells (each call of ``FineSums.fold``)."""
    calls: list[str] = []
    fold = FineSums.fold

    def spy(self: FineSums, name: str, *args: object) -> tuple[np.ndarray, ...]:
        calls.append(name)
        return fold(self, name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(FineSums, "fold", spy)
    return calls


def _same(fine: sk.Estimate, rows: sk.Estimate) -> None:
    a, b = fine.to_frame(), rows.to_frame()
    assert a.drop(columns=STATS).equals(b.drop(columns=STATS))
    np.testing.assert_allclose(a[STATS].to_numpy(float), b[STATS].to_numpy(float),
                               rtol=1e-12, atol=0)
    # covariances that are zero in exact arithmetic (domains in different calibration
    # groups) are rounding noise of a cancellation in both: ~1e-15 of the largest entry
    np.testing.assert_allclose(fine.vcov, rows.vcov, rtol=1e-12,
                               atol=1e-14 * np.abs(rows.vcov).max())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fine_cells_give_the_row_sums(seed: int, folds: list[str]) -> None:
    for label, des in _designs(seed):
        prepared = des.prepare(["sex", "age", "edu", "reg"])
        for by in BY_SETS:
            del folds[:]
            for stat in ("mean", "total"):
                _same(getattr(prepared, stat)(VARIABLES, by=by),
                      getattr(des, stat)(VARIABLES, by=by))
            _same(prepared.proportion("b", by=by), des.proportion("b", by=by))
            assert folds == [*VARIABLES, *VARIABLES, "b"], (label, by)


def test_domains_the_cells_do_not_separate_are_summed_over_rows(folds: list[str]) -> None:
    d = _sample(4)
    des = sk.Design(d, weight="w", strata="stratum", psu="psu", lonely_psu="adjust")
    prepared = des.prepare(["sex"])
    _same(prepared.mean(VARIABLES, by="age"), des.mean(VARIABLES, by="age"))
    mask = np.random.default_rng(4).random(len(d)) < 0.5
    _same(prepared.subset(mask).mean(VARIABLES, by="sex"),
          des.subset(mask).mean(VARIABLES, by="sex"))
    assert folds == []
    _same(prepared.subset(d["sex"] == "f").mean(VARIABLES, by="sex"),
          des.subset(d["sex"] == "f").mean(VARIABLES, by="sex"))
    assert folds == VARIABLES


def test_new_weights_build_new_cells(folds: list[str]) -> None:
    d = _sample(5)
    prepared = sk.Design(d, weight="w", strata="stratum", psu="psu",
                         lonely_psu="adjust").prepare(["sex", "reg"])
    prepared.mean("y", by="sex")
    raked = prepared.rake(_targets(d, 1.1), by="reg")
    unprepared = sk.Design(d, weight="w", strata="stratum", psu="psu",
                           lonely_psu="adjust").rake(_targets(d, 1.1), by="reg")
    _same(raked.mean("y", by=["reg", "sex"]), unprepared.mean("y", by=["reg", "sex"]))
    assert folds == ["y", "y"]


def test_fine_cells_of_codes_with_missing() -> None:
    psu = np.array([0, 0, 0, 1, 1, 1])
    code = np.array([0, -1, 0, 1, 1, -1])
    fine = FineCells([(psu, 2), (code, 2)])
    assert fine.size == 4
    assert fine.codes(psu).tolist() == [0, 0, 1, 1]
    assert fine.codes(code).tolist() == [-1, 0, -1, 1]
    assert fine.constant(code * 2) is not None
    assert fine.constant(np.arange(6)) is None


def test_prepare_names_an_unknown_column() -> None:
    des = sk.Design(_sample(6), weight="w")
    with pytest.raises(sk.errors.EstimationError, match="prepare column 'sexx'"):
        des.prepare(["sex", "sexx"])


def test_rows_outside_every_calibration_cell() -> None:
    rng = np.random.default_rng(7)
    n = 500
    data = pd.DataFrame({"g": rng.integers(0, 3, n), "y": rng.normal(size=n)})
    psu, weights = rng.integers(0, 20, n), rng.uniform(1, 2, n)
    codes = np.where(rng.random(n) < 0.2, -1, rng.integers(0, 4, n))
    cells = [(codes, 4, rng.uniform(0.5, 1.5, n))]
    domain = data["g"].to_numpy().astype(np.int64)
    fine = FineSums(["g"]).build(data, weights, psu, 20, cells, {})
    args = (data, ["y"], weights, domain, 3, psu, 20, cells)
    got, want = domain_sums(*args, fine=fine), domain_sums(*args)
    assert fine.domain(domain) is not None
    for a, b in zip(astuple(got), astuple(want), strict=True):
        for x, y in zip(a if isinstance(a, tuple) else (a,), b if isinstance(b, tuple) else (b,),
                        strict=True):
            np.testing.assert_allclose(x, y, rtol=1e-12, atol=1e-14)


def test_proportion_intervals_do_not_depend_on_the_order_of_by() -> None:
    d = _sample(8, 300)
    des = sk.Design(d, weight="w", strata="stratum", psu="psu", lonely_psu="adjust")
    one = des.proportion("b", by=["sex", "age"], method="beta").to_frame()
    other = des.proportion("b", by=["age", "sex"], method="beta").to_frame()
    merged = one.merge(other, on=["variable", "sex", "age"], suffixes=("", "_other"))
    assert len(merged) == len(one) == 6
    np.testing.assert_allclose(merged[["ci_low", "ci_high"]],
                               merged[["ci_low_other", "ci_high_other"]], rtol=1e-12)


def test_domains_from_fine_cells_are_the_row_domains() -> None:
    d = _sample(9).assign(cat=lambda x: pd.Categorical(x["age"], ["65+", "30-64", "18-29", "x"]),
                          flag=lambda x: x["y"] > 0)
    cols = ["sex", "age", "edu", "reg", "cat", "flag"]
    prepared = sk.Design(d, weight="w", strata="stratum", psu="psu",
                         lonely_psu="adjust").prepare(cols)
    for by in [["edu"], ["sex", "edu", "reg"], ["flag", "cat"], ["cat", "edu", "flag"]]:
        fresh = sk.Design(d, weight="w", strata="stratum", psu="psu", lonely_psu="adjust")
        codes, keys = prepared.domains(by)
        want_codes, want_keys = fresh.domains(by)
        np.testing.assert_array_equal(codes, want_codes)
        pd.testing.assert_frame_equal(keys, want_keys)
        sub = prepared.subset(d["sex"] == "m")
        assert sub.domains(by)[1].equals(fresh.subset(d["sex"] == "m").domains(by)[1])
