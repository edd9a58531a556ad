"""A calibration is recorded through its cells (GregHistory.from_cells), not a sparse model
matrix of a row per respondent: the variance engine gets the very cells it found in the
matrix, so every variance is the same number; beyond MAX_CELLS the matrix is kept."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import survey_kit as sk
from survey_kit.estimate import variance
from survey_kit.estimate.variance import GregHistory, _cells_of


def _sample(seed: int = 4, n: int = 4000) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    stratum = rng.integers(0, 6, n)
    return pd.DataFrame({
        "stratum": stratum, "psu": stratum * 10 + rng.integers(0, 4, n),
        "w": rng.uniform(1.0, 3.0, n), "g": rng.choice(["a", "b"], n),
        "sex": rng.choice(["f", "m"], n), "age": rng.choice(["y", "m", "o"], n),
        "x": rng.integers(0, 5, n).astype(float), "y": rng.normal(size=n),
    })


def _targets(numeric: bool) -> pd.DataFrame:
    parts = []
    for g, scale in (("a", 1.0), ("b", 1.1)):
        parts.append(pd.DataFrame({"g": g, "variable": "sex", "level": ["f", "m"],
                                   "total": [2000.0 * scale, 2100.0 * scale]}))
        parts.append(pd.DataFrame({"g": g, "variable": "age", "level": ["y", "m", "o"],
                                   "total": [1300.0 * scale, 1400.0 * scale,
                                             1400.0 * scale]}))
    if numeric:
        parts.append(pd.DataFrame({"g": ["a"], "variable": ["x"], "level": [""],
                                   "total": [8400.0]}))
    return pd.concat(parts, ignore_index=True)


def test_cells_are_those_found_in_the_matrix() -> None:
    rng = np.random.default_rng(1)
    for _ in range(20):
        rows = rng.integers(-1, 2, (12, 3)).astype(float)
        rows[rng.random(12) < 0.3] = rows[0]  # identical rows of different cells
        rows[rows == 0] = -0.0 if rng.random() < 0.5 else 0.0
        cell = rng.integers(0, 12, 300)
        history = GregHistory.from_cells(rows, cell, np.ones(300), np.ones(300))
        codes, cells = _cells_of(sp.csr_matrix(rows)[cell])
        assert history.X is None and history.cells is not None
        assert np.array_equal(history.cells[0], codes)
        assert np.array_equal(history.cells[1], cells)
        zeros = history.cells[1][history.cells[1] == 0]
        assert not np.signbit(zeros).any()  # as the sparse matrix holds them: 0.0


@pytest.mark.parametrize("numeric", [False, True])
def test_variances_are_the_matrix_numbers(numeric: bool) -> None:
    data = _sample()
    design = sk.Design(data, weight="w", strata="stratum", psu="psu").calibrate(
        _targets(numeric), by="g", calfun="raking")
    (step,) = design.engine.history
    assert step.X is None
    codes, cells = step.cells
    matrix = sp.csr_matrix(cells)[codes]  # the model matrix of a row per respondent
    old = dataclasses.replace(design.engine, history=(GregHistory(matrix, step.old_weights,
                                                                  step.g),), _cache={})
    values = np.column_stack([data["y"].to_numpy(), data["x"].to_numpy()])
    domain = (data["sex"] == "m").to_numpy().astype(np.int64)
    assert np.array_equal(design.engine.vcov(values, domain, 2), old.vcov(values, domain, 2))


def test_many_cells_keep_the_matrix(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _sample()
    base = sk.Design(data, weight="w", strata="stratum", psu="psu")
    cells = base.calibrate(_targets(True), by="g", calfun="raking")
    monkeypatch.setattr(variance, "MAX_CELLS", 3)
    kept = base.calibrate(_targets(True), by="g", calfun="raking")
    (step,) = kept.engine.history
    assert step.cells is None and sp.issparse(step.X) and step.X.shape[0] == len(data)
    a, b = (d.mean(["y", "x"], by="age").to_frame() for d in (cells, kept))
    np.testing.assert_allclose(a["se"], b["se"], rtol=1e-10)
    assert np.array_equal(cells.weights.to_numpy(), kept.weights.to_numpy())
