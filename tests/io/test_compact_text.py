"""Repeated texts stored as compact categoricals (survey_kit.io.compact_text): the same
values, and the very same weights, estimates, contrasts and domain keys as the text columns;
a categorical the user made keeps categorical keys."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import survey_kit as sk
from survey_kit.io.compact import compact_text, compact_text_column, is_compact_text

TEXT = ["group", "area", "stratum", "psu", "gender"]


def _sample(seed: int = 3, n: int = 3000) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    area = rng.integers(0, 12, n)
    y = rng.normal(size=n) + area / 12
    y[rng.random(n) < 0.1] = np.nan
    region = rng.choice(["Nord", "Syd"], n).astype(object)
    region[rng.random(n) < 0.02] = None
    return pd.DataFrame({
        "id": [f"r{i}" for i in range(n)],
        "group": np.where(area < 8, "helhedsplan", "almene"),
        "area": [f"Område {a:02d}" for a in area],
        "stratum": [f"s{a // 3}" for a in area],
        "psu": [f"afd-{a}-{p}" for a, p in zip(area, rng.integers(0, 4, n), strict=True)],
        "gender": rng.choice(["kvinde", "mand"], n), "region": pd.array(region, dtype="str"),
        "year": rng.choice([2018, 2021], n), "w": rng.uniform(0.5, 3.0, n),
        "y": y, "b": (rng.random(n) < 0.4).astype(float),
    }).astype({c: "str" for c in ["id", "group", "area", "stratum", "psu"]})


def test_values_kept_and_unique_text_left_alone() -> None:
    data = _sample()
    out = compact_text(data, skip=["stratum"])
    assert [c for c in out.columns if is_compact_text(out[c].dtype)] == \
        ["group", "area", "psu", "gender", "region"]
    assert out["id"].dtype == data["id"].dtype  # one value a row: stays text
    assert out["stratum"].dtype == data["stratum"].dtype  # skipped
    for column in data.columns:
        assert out[column].astype(object).where(out[column].notna(), None).tolist() == \
            data[column].astype(object).where(data[column].notna(), None).tolist()
    assert out["region"].isna().sum() == data["region"].isna().sum() > 0
    assert out["area"].memory_usage(deep=True) < data["area"].memory_usage(deep=True) / 5
    assert data["group"].dtype == "str"  # the input is not modified


def test_unit_column_from_objects() -> None:
    units = pd.Series(["Område 01", "almene", None, "Område 01"], dtype=object)
    out = compact_text_column(units)
    assert is_compact_text(out.dtype) and out.isna().tolist() == [False, False, True, False]
    assert compact_text_column(out) is out
    assert compact_text_column(pd.Series([1.5, 2.5, 1.5])).dtype == float


@pytest.fixture(scope="module")
def designs() -> tuple[sk.Design, sk.Design]:
    data = _sample()
    targets = pd.DataFrame({"year": [2018, 2018, 2021, 2021], "variable": "gender",
                            "level": ["kvinde", "mand"] * 2,
                            "total": [5200.0, 4900.0, 5100.0, 5000.0]})
    made = []
    for frame in (data, compact_text(data)):
        design = sk.Design(frame, weight="w", strata="stratum", psu="psu")
        made.append(design.rake(targets, by=["year"]))
    return made[0], made[1]


def test_the_same_weights_estimates_and_keys(designs: tuple[sk.Design, sk.Design]) -> None:
    text, compact = designs
    assert is_compact_text(compact.data["psu"].dtype)
    assert np.array_equal(text.weights.to_numpy(), compact.weights.to_numpy())
    for by in (["group", "year"], ["area", "year"], ["gender", "group"], ["region"]):
        a, b = text.mean(["y", "b"], by=by), compact.mean(["y", "b"], by=by)
        pd.testing.assert_frame_equal(a.to_frame(), b.to_frame(), check_exact=True)
        assert np.array_equal(a.vcov, b.vcov, equal_nan=True)
        _, keys = compact.domains(by)
        pd.testing.assert_frame_equal(text.domains(by)[1], keys, check_exact=True)
        assert keys[by[0]].dtype == "str"  # text keys, as the text column gave
    shares = [d.proportion("b", by=["area"]).to_frame() for d in designs]
    pd.testing.assert_frame_equal(shares[0], shares[1], check_exact=True)


def test_the_same_contrasts(designs: tuple[sk.Design, sk.Design]) -> None:
    a, b = (sk.compare(d, ["y", "b"], between="group", by=["year"]).to_frame()
            for d in designs)
    pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_a_users_categorical_keeps_categorical_keys() -> None:
    data = _sample()
    data["area"] = data["area"].astype("category")  # made by the user: categorical keys
    _, keys = sk.Design(data, weight="w", strata="stratum", psu="psu").domains(["area"])
    assert keys["area"].dtype == data["area"].dtype
    assert not is_compact_text(data["area"].dtype)
