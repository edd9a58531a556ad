"""suppress() on one table: primary and complementary suppression, contrasts, lines."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey_kit.disclosure import ReportInputError, SuppressionRule, suppress
from survey_kit.disclosure.suppression import key_columns

STATS = {"estimate": 0.5, "se": 0.05, "ci_low": 0.4, "ci_high": 0.6, "df": 30, "deff": 1.2}


def frame_from_counts(counts: np.ndarray, crossed: bool) -> pd.DataFrame:
    """Total, gender margins, age margins and (optionally) gender x age cells of a 2 x 3 table."""
    genders, ages = ("K", "M"), ("18-29", "30-49", "65+")
    rows = [{"gender": None, "age_group": None, "n": int(counts.sum())}]
    rows += [{"gender": g, "age_group": None, "n": int(counts[i].sum())}
             for i, g in enumerate(genders)]
    rows += [{"gender": None, "age_group": a, "n": int(counts[:, j].sum())}
             for j, a in enumerate(ages)]
    if crossed:
        rows += [{"gender": g, "age_group": a, "n": int(counts[i, j])}
                 for (i, g), (j, a) in itertools.product(enumerate(genders), enumerate(ages))]
    frame = pd.DataFrame(rows)
    frame.insert(0, "variable", "tillid")
    frame.insert(1, "year", 2021)
    return frame.assign(**STATS)


def test_primary_and_complementary() -> None:
    est = frame_from_counts(np.array([[3, 40, 50], [30, 45, 60]]), crossed=False)
    out = suppress(est).estimates
    assert not out["suppressed"].any()  # margins 93, 135, 33, 85, 110: all >= 10
    est = frame_from_counts(np.array([[3, 40, 50], [4, 45, 60]]), crossed=False)
    out = suppress(est).estimates
    hidden = out[out["suppressed"]]
    assert hidden["age_group"].tolist() == ["18-29", "30-49"]  # 7 < 10, then the next smallest
    assert hidden["suppression_reason"].tolist() == ["primary", "complementary"]
    assert hidden[["estimate", "n", "se", "ci_low"]].isna().all().all()
    assert len(out) == len(est)


def test_min_n_never_below_five() -> None:
    with pytest.raises(ReportInputError, match="at least 5"):
        SuppressionRule(min_n=3)


def test_contrasts_with_hidden_side_are_hidden() -> None:
    est = pd.DataFrame({
        "variable": "tillid", "group": ["helhedsplan", "almene", "befolkning"], "year": 2021,
        "n": [120, 7, 900], **STATS})
    con = pd.DataFrame({
        "variable": "tillid", "year": 2021, "group_a": ["helhedsplan", "almene"],
        "group_b": ["befolkning", "befolkning"], "difference": [-0.1, -0.05], "se": 0.02,
        "ci_low": -0.14, "ci_high": -0.01, "statistic": -5.0, "df": 30, "p_value": 0.001,
        "p_adjusted": 0.002, "adjust_method": "holm", "significant": [True, True]})
    out = suppress(est, {"group": con})
    c = out.contrasts["group"]
    assert c["suppressed"].tolist() == [False, True]
    assert c["significant"].tolist() == [True, False]
    assert np.isnan(c.loc[1, "difference"])
    assert set(out.log["reason"]) == {"primary", "contrast"}
    assert "7" not in " ".join(out.log["detail"])  # the log never states a count


def test_contrast_without_estimate_uses_n_or_is_hidden() -> None:
    est = pd.DataFrame({"variable": "tillid", "group": ["a"], "n": [50], **STATS})
    con = pd.DataFrame({"variable": "tillid", "group_a": ["x", "z", "x"],
                        "group_b": ["y", "y", "w"], "n_a": [50, np.nan, np.nan],
                        "n_b": [60, 60, 4], "difference": 0.1, "significant": True})
    c = suppress(est, {"group": con}).contrasts["group"]
    # z has no count anywhere; x's count is stated by the first row (one cell, one count)
    assert c["suppression_reason"].tolist() == ["", "unknown_base", "primary"]


def test_duplicate_cells_rejected() -> None:
    est = pd.DataFrame({"variable": "tillid", "group": ["a", "a"], "n": [50, 60], **STATS})
    with pytest.raises(ReportInputError, match="more than once"):
        suppress(est)


def test_a_cell_is_hidden_for_every_variable() -> None:
    est = pd.concat([frame_from_counts(np.array([[30, 40, 50], [30, 45, 60]]), False),
                     frame_from_counts(np.array([[3, 40, 50], [4, 45, 60]]), False)
                     .assign(variable="tryg")], ignore_index=True)
    out = suppress(est).estimates
    hidden = out[out["suppressed"]]
    assert set(hidden["variable"]) == {"tillid", "tryg"}
    assert hidden.groupby("variable").size().tolist() == [2, 2]


counts_2x3 = st.lists(st.integers(0, 40), min_size=6, max_size=6).map(
    lambda xs: np.array(xs).reshape(2, 3))


@settings(max_examples=150, deadline=None)
@given(counts=counts_2x3, crossed=st.booleans(), min_n=st.integers(5, 15))
def test_no_small_cell_shown_and_no_line_with_one_hidden_cell(
    counts: np.ndarray, crossed: bool, min_n: int
) -> None:
    est = frame_from_counts(counts, crossed)
    out = suppress(est, rule=SuppressionRule(min_n=min_n)).estimates
    shown = ~out["suppressed"].to_numpy()
    n = est["n"].to_numpy()
    # 1. no shown cell rests on fewer than min_n answers (an empty cell shows nobody), and
    #    hidden cells show no number
    assert ((n[shown] >= min_n) | (n[shown] == 0)).all()
    assert out.loc[~shown, ["estimate", "n", "ci_low", "ci_high"]].isna().all().all()
    assert (out.loc[shown, "n"] == est.loc[shown, "n"]).all()
    # 2. in every line (a total and the cells that add up to it) no single hidden cell can be
    #    recovered as total - sum(shown): a line never has exactly one hidden cell
    g, a = est["gender"].fillna(""), est["age_group"].fillna("")
    total = (g == "") & (a == "")
    lines = [total | ((g != "") & (a == "")), total | ((g == "") & (a != ""))]
    if crossed:
        lines += [((g == x) & (a == "")) | ((g == x) & (a != "")) for x in ("K", "M")]
        lines += [((a == y) & (g == "")) | ((a == y) & (g != "")) for y in
                  ("18-29", "30-49", "65+")]
    for line in lines:
        assert (line.to_numpy() & ~shown).sum() != 1
    assert key_columns(out) == ["variable", "year", "gender", "age_group"]
