"""protect(): every table set of a run suppressed with one rule, as suppress() does per set."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from survey_kit.disclosure import (
    Contrasts,
    SuppressionRule,
    TableSet,
    protect,
    suppress,
    suppress_crossed,
)

STATS = {"se": 0.05, "ci_low": 0.4, "ci_high": 0.6, "df": 30, "deff": 1.2}


def _estimates() -> pd.DataFrame:
    rows = []
    for year in (2018, 2021):
        rows.append({"variable": "v", "year": year, "gender": None, "menapt": None, "n": 60})
        rows += [{"variable": "v", "year": year, "gender": g, "menapt": None, "n": n}
                 for g, n in (("f", 4 if year == 2021 else 30), ("m", 56 if year == 2021 else 30))]
        rows += [{"variable": "v", "year": year, "gender": g, "menapt": m, "n": 15}
                 for g in ("f", "m") for m in (True, False)]
    return pd.DataFrame(rows).assign(estimate=0.5, **STATS)


def _change() -> pd.DataFrame:
    return pd.DataFrame({"variable": "v", "gender": [None, "f", "m"], "menapt": None,
                         "group_a": 2021, "group_b": 2018, "difference": 0.01,
                         "significant": True, "p_value": 0.01})


def test_one_set_is_suppressed_as_suppress_does() -> None:
    rule = SuppressionRule(min_n=10, subgroup_columns=("gender",))
    (out,) = protect([TableSet("significance", _estimates(), (Contrasts(_change(), ("year",)),))],
                     rule)
    ref = suppress(_estimates(), {"year": _change()}, rule)
    pd.testing.assert_frame_equal(out.estimates, ref.estimates)
    pd.testing.assert_frame_equal(out.contrasts[0], ref.contrasts["year"])
    pd.testing.assert_frame_equal(out.log.drop(columns="table"), ref.log.drop(columns="table"))
    assert set(out.log["table"]) == {"significance"}


def test_unlogged_contrasts_stay_out_of_the_log_and_tags_are_added() -> None:
    rule = SuppressionRule(min_n=10, subgroup_columns=("gender",))
    sets = [TableSet("summary", _estimates(), (Contrasts(_change(), ("year",), logged=False),),
                     tags={"area": "hp01"})]
    (out,) = protect(sets, rule)
    assert out.contrasts[0]["suppressed"].tolist() == [False, True, True]
    assert not out.log["cell"].str.contains(" vs ").any()
    assert (out.log["area"] == "hp01").all() and len(out.log) == 2


def test_a_set_adds_its_own_line_columns() -> None:
    est = _estimates()
    est.loc[(est["menapt"] == True) & (est["gender"] == "f"), "n"] = 3  # noqa: E712
    rule = SuppressionRule(min_n=10, subgroup_columns=("gender",))
    (plain,), (lined,) = protect([TableSet("s", est)], rule), protect(
        [TableSet("s", est, lines=("menapt",))], rule)
    assert plain.estimates["suppressed"].sum() < lined.estimates["suppressed"].sum()


@pytest.mark.parametrize("hidden_cell", [True, False])
def test_crossed_contrasts_of_a_line_with_a_hidden_cell_are_all_hidden(hidden_cell: bool) -> None:
    est = _estimates()
    est["suppressed"] = False
    if hidden_cell:
        est.loc[(est["year"] == 2021) & (est["gender"] == "f") & (est["menapt"] == True),  # noqa: E712
                "suppressed"] = True
    con = pd.DataFrame({"variable": "v", "year": 2021, "group_a": ["f / False", "m / True"],
                        "group_b": ["m / False", "m / False"], "difference": 0.1,
                        "n_a": [15, 15], "n_b": [15, 15], "significant": True})
    out = suppress_crossed(con, est, ("gender", "menapt"), ("year",), 10)
    assert out["suppressed"].tolist() == [hidden_cell, hidden_cell]
    assert np.isnan(out["difference"]).all() == hidden_cell
    small = suppress_crossed(con.assign(n_a=[5, 15]), est.assign(suppressed=False),
                             ("gender", "menapt"), ("year",), 10)
    assert small["suppression_reason"].tolist() == ["primary", ""]
