"""Array-level raking and calibration (survey_kit.design.calibration) against R `survey`.

Reference values: tests/reference/reference.json (copied from shared/reference, R 4.2.2,
survey 4.1.1): kalton_calibration, clus1_rake, clus1_calibrate_raking_bounded,
clus1_calibrate_raking_infeasible.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey_kit.design.calfuns import calfun_values
from survey_kit.design.calibration import calibrate_cells, calibrate_g, joint_cells, rake_ipf
from survey_kit.errors import WeightingError

REF = Path(__file__).parents[1] / "reference"
CASES = json.loads((REF / "reference.json").read_text())["cases"]
RTOL = 1e-8


# -- Kalton & Flores-Cervantes (2003): 4 x 3 table, unit base weights ---------------------------
KALTON = CASES["kalton_calibration"]["value"]
CELL_A = np.tile(np.arange(4), 3)  # expand.grid(a = 1:4, b = 1:3) order
CELL_B = np.repeat(np.arange(3), 4)
row_a = np.repeat(CELL_A, KALTON["sample_counts"])
row_b = np.repeat(CELL_B, KALTON["sample_counts"])
POP = np.asarray(KALTON["population_counts"], dtype=float)
TOTAL_A = np.bincount(CELL_A, weights=POP)
TOTAL_B = np.bincount(CELL_B, weights=POP)


def _cell_factors(g: np.ndarray) -> np.ndarray:
    """Factor of each of the 12 cells (all rows of a cell share it)."""
    first = np.array([np.flatnonzero((row_a == a) & (row_b == b))[0]
                      for a, b in zip(CELL_A, CELL_B, strict=True)])
    return g[first]


def _kalton_matrix() -> tuple[np.ndarray, np.ndarray]:
    cols = [np.ones(len(row_a))] + [row_a == k for k in (1, 2, 3)] + [row_b == k for k in (1, 2)]
    totals = np.concatenate([[POP.sum()], TOTAL_A[1:], TOTAL_B[1:]])
    return np.column_stack(cols).astype(float), totals


def test_kalton_example_margins() -> None:
    # the example's sample (n = 1000) and population (N = 1500) margins
    assert np.bincount(CELL_A, weights=KALTON["sample_counts"]).tolist() == [100, 500, 200, 200]
    assert TOTAL_A.sum() == TOTAL_B.sum() == 1500.0
    assert len(row_a) == 1000


def test_kalton_raking_by_ipf() -> None:
    res = rake_ipf([row_a, row_b], [TOTAL_A, TOTAL_B], np.ones(len(row_a)), tol=1e-13)
    np.testing.assert_allclose(_cell_factors(res.g), KALTON["raking"], rtol=RTOL)


@pytest.mark.parametrize(
    ("key", "calfun", "bounds"),
    [("raking", "raking", (-np.inf, np.inf)),
     ("linear", "linear", (-np.inf, np.inf)),
     ("linear_bounded_0.5_2.2", "linear", (0.5, 2.2)),
     ("logit_bounded_0.5_2.2", "logit", (0.5, 2.2))],
)
def test_kalton_calibration(key: str, calfun: str, bounds: tuple[float, float]) -> None:
    X, totals = _kalton_matrix()
    res = calibrate_g(X, np.ones(len(X)), totals, calfun=calfun, bounds=bounds, tol=1e-12,
                      max_iter=500)
    np.testing.assert_allclose(_cell_factors(res.g), KALTON[key], rtol=RTOL)
    assert np.all(res.g >= bounds[0] - 1e-12) and np.all(res.g <= bounds[1] + 1e-12)


# -- apiclus1: raking to stype and sch.wide -------------------------------------------------------
@pytest.fixture(scope="module")
def clus1() -> pd.DataFrame:
    return pd.read_csv(REF / "apiclus1.csv")


def _clus1_codes(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    stype = pd.Categorical(df["stype"], ["E", "H", "M"]).codes.astype(np.int64)
    schwide = pd.Categorical(df["sch.wide"], ["No", "Yes"]).codes.astype(np.int64)
    return stype, schwide, df["pw"].to_numpy(dtype=float)


def test_clus1_rake_weights(clus1: pd.DataFrame) -> None:
    stype, schwide, w = _clus1_codes(clus1)
    res = rake_ipf([stype, schwide], [np.array([4421.0, 755, 1018]), np.array([1072.0, 5122])],
                   w)
    np.testing.assert_allclose(w * res.g, CASES["clus1_rake"]["value"]["weights"], rtol=RTOL)
    assert res.max_misfit < 1e-10
    # the last margin is met exactly by construction; its snapshot equals the final weights
    np.testing.assert_allclose(res.margin_weights[-1], w * res.g, rtol=0)


def _clus1_matrix(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    stype, schwide, w = _clus1_codes(df)
    X = np.column_stack([np.ones(len(df)), stype == 1, stype == 2, schwide == 1]).astype(float)
    return X, w, np.array([6194.0, 755, 1018, 5122])


def test_clus1_bounded_raking_calibration(clus1: pd.DataFrame) -> None:
    X, w, totals = _clus1_matrix(clus1)
    res = calibrate_g(X, w, totals, calfun="raking", bounds=(0.6, 1.7), max_iter=1000)
    ref = CASES["clus1_calibrate_raking_bounded"]["value"]
    np.testing.assert_allclose(w * res.g, ref["weights"], rtol=RTOL)
    assert res.g.min() >= 0.6 and res.g.max() <= 1.7
    assert np.isclose(res.g.max(), 1.7)  # the bound binds


def test_clus1_infeasible_bounds_raise_naming_the_margin(clus1: pd.DataFrame) -> None:
    X, w, totals = _clus1_matrix(clus1)
    assert CASES["clus1_calibrate_raking_infeasible"]["value"]["fails"]
    names = ["(Intercept)", "stype H", "stype M", "sch.wide Yes"]
    with pytest.raises(WeightingError, match=r"failed to converge .* at stype H; .*widen"):
        calibrate_g(X, w, totals, calfun="raking", bounds=(0.8, 1.25), max_iter=200,
                    names=names)


def test_ipf_non_convergence_names_margin_and_level() -> None:
    # inconsistent margins (totals 10 vs 12) can never be met together
    a, b = np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])
    with pytest.raises(WeightingError, match=r"did not converge in 5 sweeps.*margin a, level"):
        rake_ipf([a, b], [np.array([4.0, 6]), np.array([6.0, 6])], np.ones(4), max_iter=5,
                 names=["a", "b"])


def test_ipf_target_without_sample_weight_raises() -> None:
    with pytest.raises(WeightingError, match="no sample weight: collapse levels"):
        rake_ipf([np.array([0, 0])], [np.array([2.0, 3.0])], np.ones(2), names=["x"])


def test_joint_cells_roundtrip() -> None:
    a = np.array([0, 1, 2, 1, -1, 0])
    b = np.array([1, 1, 0, 1, 0, 1])
    inverse, cells = joint_cells([a, b])
    np.testing.assert_array_equal(cells[inverse, 0], a)
    np.testing.assert_array_equal(cells[inverse, 1], b)
    assert len(cells) == 4


def test_calfun_derivatives_match_finite_differences() -> None:
    u = np.linspace(-0.4, 0.4, 9)
    for calfun in ("linear", "raking", "logit"):
        g, d = calfun_values(calfun, u, 0.5, 2.2)
        g_up, _ = calfun_values(calfun, u + 1e-7, 0.5, 2.2)
        np.testing.assert_allclose(d, (g_up - g) / 1e-7, rtol=1e-5)
        assert calfun_values(calfun, np.zeros(1), 0.5, 2.2)[0][0] == pytest.approx(1.0)


def test_logit_needs_finite_bounds() -> None:
    with pytest.raises(WeightingError, match="logit calibration needs finite bounds"):
        calibrate_cells(np.ones((1, 1)), np.ones(1), np.ones(1), calfun="logit")


# -- properties -----------------------------------------------------------------------------------
@st.composite
def raking_problem(draw: st.DrawFn) -> tuple[list[np.ndarray], list[np.ndarray], np.ndarray]:
    n = draw(st.integers(8, 60))
    sizes = draw(st.lists(st.integers(2, 4), min_size=1, max_size=3))
    codes = [np.array(draw(st.lists(st.integers(0, q - 1), min_size=n, max_size=n)))
             for q in sizes]
    for c, q in zip(codes, sizes, strict=True):
        c[:q] = np.arange(q)  # every level present
    weights = np.array(draw(st.lists(st.floats(0.5, 5.0), min_size=n, max_size=n)))
    # targets: the margins of a positive reweighting, so the problem is feasible
    factor = np.array(draw(st.lists(st.floats(0.5, 2.0), min_size=n, max_size=n)))
    targets = [np.bincount(c, weights=weights * factor, minlength=q)
               for c, q in zip(codes, sizes, strict=True)]
    return codes, targets, weights


@settings(max_examples=40, deadline=None)
@given(raking_problem())
def test_raking_properties(problem: tuple) -> None:
    codes, targets, weights = problem
    res = rake_ipf(codes, targets, weights, max_iter=5000, tol=1e-11)
    new = weights * res.g
    for c, t in zip(codes, targets, strict=True):
        np.testing.assert_allclose(np.bincount(c, weights=new, minlength=len(t)), t, rtol=1e-9)
    perm = np.random.default_rng(len(weights)).permutation(len(weights))
    res_perm = rake_ipf([c[perm] for c in codes], targets, weights[perm], max_iter=5000,
                        tol=1e-11)
    np.testing.assert_allclose(res_perm.g, res.g[perm], rtol=1e-8)
    res_scaled = rake_ipf(codes, targets, 7.5 * weights, max_iter=5000, tol=1e-11)
    np.testing.assert_allclose(7.5 * weights * res_scaled.g, new, rtol=1e-8)


@settings(max_examples=40, deadline=None)
@given(raking_problem(), st.sampled_from(["raking", "linear", "logit"]))
def test_bounded_calibration_respects_bounds(problem: tuple, calfun: str) -> None:
    codes, targets, weights = problem
    X = np.column_stack([np.ones(len(weights))]
                        + [codes[j] == k for j in range(len(codes))
                           for k in range(1, len(targets[j]))]).astype(float)
    totals = X.T @ (weights * np.clip(np.exp(X @ np.linspace(-0.2, 0.2, X.shape[1])), 0, 9))
    lower, upper = 0.3, 3.0
    res = calibrate_g(X, weights, totals, calfun=calfun, bounds=(lower, upper), max_iter=300,
                      tol=1e-12)
    assert np.all(res.g >= lower) and np.all(res.g <= upper)
    np.testing.assert_allclose(X.T @ (weights * res.g), totals, rtol=1e-8, atol=1e-8)
