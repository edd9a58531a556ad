"""subgroup_tables and banner_letters."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import survey_kit as sk
from survey_kit.compare import ContrastTable, banner_letters, compare, p_adjust, subgroup_tables

REF = Path(__file__).parents[1] / "reference"


@pytest.fixture(scope="module")
def des() -> sk.Design:
    data = pd.read_csv(REF / "tryghed_sample.csv")
    return sk.Design(data, weight="design_weight", strata="stratum", psu="psu")


@pytest.fixture(scope="module")
def tables(des: sk.Design) -> ContrastTable:
    return subgroup_tables(des, ["tryg", "index"], ["gender", ["gender", "menapt"]])


def test_families_and_columns(tables: ContrastTable) -> None:
    frame = tables.to_frame()
    assert list(frame.columns[:6]) == ["family", "variable", "year", "group", "subgroup",
                                       "subgroup_level"]
    counts = frame.groupby(["family", "subgroup"]).size().to_dict()
    # 2 variables x 2 years x levels x 3 group pairs
    assert counts[("groups within subgroup", "gender")] == 2 * 2 * 2 * 3
    assert counts[("subgroup levels within group", "gender × menapt")] == 2 * 2 * 3 * 6
    assert counts[("change within group and subgroup", "gender")] == 2 * 3 * 2


def test_rows_equal_direct_compare(des: sk.Design, tables: ContrastTable) -> None:
    frame = tables.to_frame()
    direct = compare(des, ["tryg", "index"], between="group", by=["year", "gender"],
                     adjust="none").to_frame()
    mine = frame[(frame["family"] == "groups within subgroup") & (frame["subgroup"] == "gender")]
    np.testing.assert_allclose(mine["difference"], direct["difference"], rtol=1e-12)
    np.testing.assert_allclose(mine["p_value"], direct["p_value"], rtol=1e-12)
    assert list(mine["subgroup_level"]) == list(direct["gender"])
    levels = frame[(frame["family"] == "subgroup levels within group")
                   & (frame["subgroup"] == "gender")]
    direct = compare(des, ["tryg", "index"], between="gender", by=["year", "group"],
                     adjust="none").to_frame()
    np.testing.assert_allclose(levels["se"], direct["se"], rtol=1e-12)


def test_adjustment_within_family(tables: ContrastTable) -> None:
    frame = tables.to_frame()
    block = frame[(frame["family"] == "groups within subgroup") & (frame["subgroup"] == "gender")
                  & (frame["variable"] == "tryg")]
    np.testing.assert_allclose(block["p_adjusted"], p_adjust(block["p_value"]))
    assert np.isnan(tables.vcov[0, -1])
    part = tables.select(family="groups within subgroup", subgroup="gender")
    assert len(part) == len(frame[(frame["family"] == "groups within subgroup")
                                  & (frame["subgroup"] == "gender")])
    assert np.isfinite(part.vcov).all()


def test_banner_letters_follow_significant_differences(des: sk.Design) -> None:
    table = compare(des, "tryg", between="group", by="year")
    letters = banner_letters(table)
    assert list(letters["letter"][:3]) == ["A", "B", "C"]
    frame = table.to_frame()
    for _, row in frame.iterrows():
        cell_a = letters[(letters["year"] == row["year"]) & (letters["column"] == row["group_a"])]
        cell_b = letters[(letters["year"] == row["year"]) & (letters["column"] == row["group_b"])]
        a_letter, b_letter = cell_a["letter"].iloc[0], cell_b["letter"].iloc[0]
        higher_a = b_letter in cell_a["higher_than"].iloc[0]
        higher_b = a_letter in cell_b["higher_than"].iloc[0]
        assert higher_a == (row["significant"] and row["difference"] > 0)
        assert higher_b == (row["significant"] and row["difference"] < 0)


def test_banner_letters_on_subgroup_family(tables: ContrastTable) -> None:
    part = tables.select(family="groups within subgroup")
    out = banner_letters(part, letters={"almene": "A", "befolkning": "B", "helhedsplan": "H"})
    assert set(out["letter"]) == {"A", "B", "H"}
    assert len(out) == 2 * 2 * (2 + 4) * 3  # variables x years x subgroup levels x groups
    assert out["higher_than"].str.contains("H").any()
