"""Primary and complementary suppression, contrasts, and the no-recovery property."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey_kit.disclosure import ReportInputError, SuppressionRule, suppress
from survey_kit.disclosure.suppression import find_lines, key_columns
from survey_kit.disclosure.tables import key_text

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
    con = pd.DataFrame({"variable": "tillid", "group_a": ["x", "x"], "group_b": ["y", "y"],
                        "n_a": [50, np.nan], "n_b": [60, 70], "difference": 0.1,
                        "significant": True})
    c = suppress(est, {"group": con}).contrasts["group"]
    assert c["suppression_reason"].tolist() == ["", "unknown_base"]


def test_duplicate_cells_rejected() -> None:
    est = pd.DataFrame({"variable": "tillid", "group": ["a", "a"], "n": [50, 60], **STATS})
    with pytest.raises(ReportInputError, match="more than once"):
        suppress(est)


counts_2x3 = st.lists(st.integers(0, 40), min_size=6, max_size=6).map(
    lambda xs: np.array(xs).reshape(2, 3))


@settings(max_examples=300, deadline=None)
@given(counts=counts_2x3, crossed=st.booleans(), min_n=st.integers(5, 15))
def test_no_small_cell_shown_and_none_recoverable(
    counts: np.ndarray, crossed: bool, min_n: int
) -> None:
    est = frame_from_counts(counts, crossed)
    out = suppress(est, rule=SuppressionRule(min_n=min_n)).estimates
    shown = ~out["suppressed"]
    # 1. no shown cell rests on fewer than min_n answers, and hidden cells show no number
    assert (est.loc[shown, "n"] >= min_n).all()
    assert out.loc[~shown, ["estimate", "n", "ci_low", "ci_high"]].isna().all().all()
    assert (out.loc[shown, "n"] == est.loc[shown, "n"]).all()
    # 2. in every line (a total and the cells that add up to it) no single hidden cell can be
    #    recovered as total - sum(shown): a line never has exactly one hidden cell
    keys = [tuple((c, key_text(v)) for c, v in zip(["age_group", "gender"], k, strict=True)
                  if key_text(v)) for k in est[["age_group", "gender"]].itertuples(index=False)]
    assert len(find_lines(keys, ("gender", "age_group"))) >= 2
    position = {k: i for i, k in enumerate(keys)}
    for (parent, _col), members in find_lines(keys, ("gender", "age_group")).items():
        if parent not in position:
            continue
        line = [position[parent], *members]
        hidden = [i for i in line if not shown.iloc[i]]
        assert len(hidden) != 1, f"line {parent} exposes {keys[hidden[0]]}"
        hidden_members = [i for i in members if not shown.iloc[i]]
        if shown.iloc[position[parent]]:
            # total - sum(shown members) must not equal the count of a single hidden cell
            residual = est["n"].iloc[position[parent]] - sum(
                est["n"].iloc[i] for i in members if shown.iloc[i])
            assert len(hidden_members) != 1, f"total - shown = {residual} gives a hidden cell"
        else:
            # a hidden total must not equal the sum of its (all shown) members
            assert hidden_members
    assert key_columns(out) == ["variable", "year", "gender", "age_group"]
