"""Multistage designs: errors for inconsistent stage columns, and identities that hold
without R (R parity is in test_rsurvey_designs.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import survey_kit as sk

RS = Path(__file__).resolve().parents[1] / "reference" / "rsurvey"


@pytest.fixture(scope="module")
def clus2() -> pd.DataFrame:
    return pd.read_csv(RS / "apiclus2.csv")


def _se(des: sk.Design, variable: str = "api00") -> float:
    return float(des.mean(variable).to_frame()["se"].iloc[0])


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"psu": ["dnum", "snum"], "fpc": ["fpc1"]}, r"fpc lists 1 column\(s\) but psu has 2"),
        ({"psu": ["dnum", "snum"], "fpc": "fpc1"}, r"fpc names 1 column but psu has 2 stages"),
        ({"psu": ["dnum", "snum"], "strata": ["stype", None, None], "fpc": ["fpc1", "fpc2"]},
         r"strata lists 3 column\(s\) but psu has 2"),
        ({"psu": [None, "snum"], "fpc": ["fpc1", "fpc2"]}, r"first stage needs a PSU column"),
        ({"psu": ["dnum", "nope"], "fpc": ["fpc1", "fpc2"]},
         r"stage-2 psu column 'nope' is not in the data"),
        ({"psu": ["dnum", "snum"], "fpc": ["fpc1", None]},
         r"weight=None with an fpc needs an fpc for every stage.*stage 2"),
        ({"psu": [], "fpc": None}, r"psu=\[\] names no stage"),
    ],
)
def test_inconsistent_stage_columns(clus2: pd.DataFrame, kwargs: dict, message: str) -> None:
    with pytest.raises(sk.DesignError, match=message):
        sk.Design(clus2, **kwargs)


def test_stage_two_errors_name_the_unit(clus2: pd.DataFrame) -> None:
    sizes = clus2.groupby("dnum")["snum"].size()
    two = int(sizes[sizes == 2].index[0])
    varying = clus2.copy()
    varying.loc[varying["dnum"] == two, "fpc2"] = [99, 98]
    with pytest.raises(sk.DesignError, match=rf"fpc column 'fpc2' varies within stage-2 "
                                             rf"stratum \(dnum={two}\)"):
        sk.Design(varying, psu=["dnum", "snum"], fpc=["fpc1", "fpc2"])
    small = clus2.copy()
    small.loc[small["dnum"] == two, "fpc2"] = 1
    with pytest.raises(sk.DesignError, match=rf"stage-2 stratum \(dnum={two}\) has population "
                                             r"size 1 but 2 sampled units"):
        sk.Design(small, psu=["dnum", "snum"], fpc=["fpc1", "fpc2"])
    lonely = clus2.copy()
    lonely.loc[lonely["dnum"] == 15, "fpc2"] = 4  # one school of 4 sampled: not a certainty
    with pytest.raises(sk.DesignError, match=r"stage-2 stratum \(dnum=15\) has only one "
                                             r"sampled unit of 'snum'"):
        sk.Design(lonely, psu=["dnum", "snum"], fpc=["fpc1", "fpc2"])
    remove = sk.Design(lonely, psu=["dnum", "snum"], fpc=["fpc1", "fpc2"], lonely_psu="remove")
    assert np.isfinite(_se(remove))


def test_stage_ids_are_read_within_the_unit_above(clus2: pd.DataFrame) -> None:
    """Second-stage ids numbered 1, 2, ... afresh in every PSU (R's mu284) are distinct
    units, as R's svydesign reads them: the same design as with unique ids."""
    renumbered = clus2.assign(snum=clus2.groupby("dnum").cumcount() + 1)
    unique = sk.Design(clus2, psu=["dnum", "snum"], fpc=["fpc1", "fpc2"])
    within = sk.Design(renumbered, psu=["dnum", "snum"], fpc=["fpc1", "fpc2"])
    assert within.engine.stages[0].n_units == unique.engine.stages[0].n_units == len(clus2)
    assert _se(within) == pytest.approx(_se(unique), rel=1e-12)


def test_all_psus_taken_is_a_stratified_design(clus2: pd.DataFrame) -> None:
    """With every PSU taken (stage-1 fpc = number sampled) only the second stage varies:
    the PSUs act as strata of a one-stage design of the second-stage units."""
    data = clus2.assign(all_taken=clus2["dnum"].nunique())
    two = sk.Design(data, weight="pw", psu=["dnum", "snum"], fpc=["all_taken", "fpc2"])
    strat = sk.Design(data, weight="pw", strata="dnum", psu="snum", fpc="fpc2",
                      lonely_psu="certainty")
    assert _se(two) == pytest.approx(_se(strat), rel=1e-12)
    assert two.df == 39  # first-stage PSUs minus strata, as R's degf


def test_second_stage_needs_a_first_stage_fpc(clus2: pd.DataFrame) -> None:
    """Without a stage-1 fpc the later stages add nothing (sampling fraction 0), as R."""
    two = sk.Design(clus2, weight="pw", psu=["dnum", "snum"], fpc=[None, "fpc2"])
    one = sk.Design(clus2, weight="pw", psu="dnum")
    assert _se(two) == pytest.approx(_se(one), rel=1e-12)
    assert two.engine.stages == ()


def test_stage_two_with_replacement_adds_within_variance(clus2: pd.DataFrame) -> None:
    """fpc None at stage 2: the within-PSU variance with f = 1, scaled by n1/N1 > 0."""
    data = clus2[clus2.groupby("dnum")["snum"].transform("size") > 1]
    wr2 = sk.Design(data, weight="pw", psu=["dnum", "snum"], fpc=["fpc1", None])
    one = sk.Design(data, weight="pw", psu="dnum", fpc="fpc1")
    assert _se(wr2) > _se(one)


def test_rows_as_last_stage_and_domains_keep_first_stage_df(clus2: pd.DataFrame) -> None:
    data = clus2.assign(row_fpc=clus2["fpc2"])
    rows = sk.Design(data, psu=["dnum", None], fpc=["fpc1", "row_fpc"])
    ids = sk.Design(data, psu=["dnum", "snum"], fpc=["fpc1", "fpc2"])
    assert _se(rows) == pytest.approx(_se(ids), rel=1e-12)
    out = ids.mean("api00", by="stype").to_frame()
    assert (out["n_psu"] <= 40).all() and out["n_psu"].max() > 20  # PSUs, not schools
