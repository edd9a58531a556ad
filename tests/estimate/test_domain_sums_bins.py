"""Compact PSU x domain bins (only the bins that hold respondents) give the very same numbers
as the dense grid: every sum, mean and influence total bit for bit, for plain and raked
designs, and a cached pass is reused only over the bins it was accumulated on."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import survey_kit as sk
from survey_kit.estimate import estimators
from survey_kit.estimate.estimators import domain_sums

VARIABLES = ["y", "b", "z"]


def _areas(seed: int = 5, n: int = 6000) -> pd.DataFrame:
    """40 areas in 8 strata, 3 PSUs per area (each PSU in one area), two rounds."""
    rng = np.random.default_rng(seed)
    area = rng.integers(0, 40, n)
    psu = area * 3 + rng.integers(0, 3, n)
    y = rng.normal(size=n) + area / 40
    y[rng.random(n) < 0.1] = np.nan
    b = (rng.random(n) < 0.4).astype(float)
    b[rng.random(n) < 0.05] = np.nan
    return pd.DataFrame({
        "stratum": area // 5, "psu": psu, "area": [f"a{a:02d}" for a in area],
        "year": rng.choice([2018, 2021], n), "w": rng.uniform(0.5, 3.0, n),
        "gender": rng.choice(["k", "m"], n), "y": y, "b": b, "z": rng.normal(size=n),
    })


def _sums(design: sk.Design, by: list[str], compact: bool,
          monkeypatch: pytest.MonkeyPatch, passes: dict | None = None
          ) -> estimators.DomainSums:
    monkeypatch.setattr(estimators, "COMPACT_CELLS", 0 if compact else 10**12)
    codes, keys = design.domains(by)
    engine = design.engine
    return domain_sums(design.data, VARIABLES, design.weights.to_numpy(), codes, len(keys),
                       engine.psu, engine.n_psu, engine.cell_accumulators() or (),
                       passes=passes)


def _same(a: estimators.DomainSums, b: estimators.DomainSums) -> None:
    for field in dataclasses.fields(a):
        left, right = getattr(a, field.name), getattr(b, field.name)
        if isinstance(left, tuple):
            assert len(left) == len(right)
            for x, y in zip(left, right, strict=True):
                assert np.array_equal(x, y, equal_nan=True), field.name
        else:
            assert left.dtype == right.dtype, field.name
            assert np.array_equal(left, right, equal_nan=True), field.name


@pytest.fixture(scope="module")
def designs() -> dict[str, sk.Design]:
    data = _areas()
    plain = sk.Design(data, weight="w", strata="stratum", psu="psu")
    rng = np.random.default_rng(0)
    targets = pd.DataFrame({"variable": "gender", "level": ["k", "m"],
                            "total": rng.uniform(5000, 7000, 2)})
    return {"plain": plain, "raked": plain.rake(targets)}


@pytest.mark.parametrize("kind", ["plain", "raked"])
@pytest.mark.parametrize("by", [["area", "year"], ["year"], []])
def test_compact_bins_give_the_dense_numbers(designs: dict[str, sk.Design], kind: str,
                                             by: list[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    design = designs[kind]
    dense = _sums(design, by, False, monkeypatch)
    compact = _sums(design, by, True, monkeypatch)
    _same(dense, compact)
    if by == ["area", "year"]:  # 120 PSUs x 80 domains: a PSU lies in 2 of them
        assert np.count_nonzero(dense.total_totals) < dense.total_totals.size / 20


def test_cached_passes_are_reused_only_over_their_bins(
        designs: dict[str, sk.Design], monkeypatch: pytest.MonkeyPatch) -> None:
    design = designs["raked"]
    passes: dict[str, tuple[np.ndarray, ...]] = {}
    first = _sums(design, ["area", "year"], True, monkeypatch, passes)
    assert set(passes) == set(VARIABLES)
    seen = {name: saved[1] for name, saved in passes.items()}
    again = _sums(design, ["area", "year"], True, monkeypatch, passes)
    _same(first, again)
    assert all(passes[name][1] is seen[name] for name in VARIABLES)  # restored, not redone
    dense = _sums(design, ["area", "year"], False, monkeypatch, passes)  # other bins: redone
    _same(first, dense)
    assert all(passes[name][1] is not seen[name] for name in VARIABLES)


def test_area_estimates_do_not_depend_on_the_bins(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _areas(7)
    tables = []
    for limit in (10**12, 0):
        monkeypatch.setattr(estimators, "COMPACT_CELLS", limit)
        design = sk.Design(data, weight="w", strata="stratum", psu="psu")
        est = design.mean(["y", "b"], by=["area", "year"])
        tables.append((est.to_frame(), est.vcov))
    pd.testing.assert_frame_equal(tables[0][0], tables[1][0], check_exact=True)
    assert np.array_equal(tables[0][1], tables[1][1], equal_nan=True)
