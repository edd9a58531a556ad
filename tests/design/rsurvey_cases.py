"""Shared loaders for tests/reference/rsurvey (R survey 4.1-1 cases of ratios, quantiles and
replicate-weight designs): the JSON, the data sets at full precision, and the designs the R
script builds, under the names it uses (dclus1, rclus1, dstrat, ...)."""

from __future__ import annotations

import json
import warnings
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import survey_kit as sk

REF = Path(__file__).resolve().parents[1] / "reference" / "rsurvey"
RTOL = 1e-8
PTOL = 1e-6

POP_TYPES = pd.DataFrame({"variable": "stype", "level": ["E", "H", "M"],
                          "total": [4421.0, 755.0, 1018.0]})
POP_SCHWIDE = pd.DataFrame({"variable": "sch.wide", "level": ["No", "Yes"],
                            "total": [1072.0, 5122.0]})
RAKE_TARGETS = pd.concat([POP_TYPES, POP_SCHWIDE], ignore_index=True)


@cache
def cases() -> dict[str, Any]:
    """Every case of estimators_reference.json by name."""
    return json.loads((REF / "estimators_reference.json").read_text())["cases"]


def case(name: str) -> Any:
    """The ``value`` of one case."""
    return cases()[name]["value"]


@cache
def _csv(name: str) -> pd.DataFrame:
    return pd.read_csv(REF / f"{name}.csv")


#: The data sets of survey written by the script (``est_`` files: 17 significant digits).
DATASETS = ("apiclus1", "apistrat", "apiclus2", "scd", "fpc")


def data(name: str) -> pd.DataFrame:
    """A data set (apiclus1, apistrat, apiclus2, scd, fpc, quantile_sim20, ...) as a copy."""
    return _csv(f"est_{name}" if name in DATASETS else name).copy()


def close(got: Any, want: Any, rtol: float = RTOL, what: str = "") -> None:
    """Assert ``got`` equals R's ``want`` to ``rtol`` relative (NaN where R has NaN/None;
    zeros of R compared absolutely at ``rtol`` times the largest value)."""
    g = np.asarray(got, dtype=float).ravel()
    w = np.asarray(np.array(want, dtype=float), dtype=float).ravel()
    assert g.shape == w.shape, f"{what}: {g.shape} values, R has {w.shape}"
    assert np.array_equal(np.isnan(g), np.isnan(w)), f"{what}: NaN at {g} vs R {w}"
    ok = ~np.isnan(w)
    scale = np.max(np.abs(w[ok])) if ok.any() else 0.0
    diff = np.abs(g[ok] - w[ok])
    bound = rtol * np.maximum(np.abs(w[ok]), 1e-4 * scale)
    assert np.all(diff <= bound), f"{what}: {g[ok]} vs R {w[ok]} (rel {np.max(diff / bound)})"


def stat(estimate: sk.Estimate, ref: dict[str, Any], what: str = "",
         vcov: bool = True) -> None:
    """An Estimate against R's ``stat_out``/``by_out``/``ratio_out`` values."""
    table = estimate.to_frame()
    close(table["estimate"], ref["estimate"], what=f"{what} estimate")
    close(table["se"], ref["se"], what=f"{what} se")
    if vcov and "vcov" in ref:
        close(estimate.vcov, ref["vcov"], what=f"{what} vcov")


def sort_by_r(estimate: sk.Estimate, keys: dict[str, list[str]]) -> sk.Estimate:
    """The estimate's rows in R's svyby order (first by-variable fastest), one variable."""
    table = estimate.table
    by = list(keys)
    index = pd.MultiIndex.from_frame(table[by].astype(str))
    wanted = pd.MultiIndex.from_arrays([keys[k] for k in by])
    V = len(estimate.variables)
    D = len(table) // V
    pos = index[:D].get_indexer(wanted)
    assert (pos >= 0).all(), f"domains {wanted} not all in {index[:D]}"
    rows = (np.arange(V)[:, None] * D + pos[None, :]).ravel()
    return sk.Estimate(estimate.statistic, estimate.variables, estimate.by,
                       table.iloc[rows].reset_index(drop=True),
                       estimate.vcov[np.ix_(rows, rows)], estimate.df, estimate.level)


def with_repweights(frame: pd.DataFrame, file: str) -> pd.DataFrame:
    """The data with R's replicate multipliers (columns rw1, rw2, ...) from ``file``."""
    return pd.concat([frame, data(file)], axis=1)


# -- the designs of make_estimators_reference.R ---------------------------------------------
@cache
def dclus1() -> sk.Design:
    """``svydesign(id=~dnum, weights=~pw, data=apiclus1, fpc=~fpc)``."""
    d = data("apiclus1")
    d["yes"] = (d["sch.wide"] == "Yes").astype(float)
    d["emer0"] = (d["emer"] == 0).astype(float)
    d["api00_yes"] = d["api00"] * (d["comp.imp"] == "Yes")
    d["comp_yes"] = (d["comp.imp"] == "Yes").astype(float)
    d["log_api00"] = np.log(d["api00"])
    d["log_api99"] = np.log(d["api99"])
    return sk.Design(d, weight="pw", psu="dnum", fpc="fpc")


@cache
def rclus1() -> sk.ReplicateDesign:
    """``as.svrepdesign(dclus1)`` (JK1)."""
    return dclus1().replicate("JK1")


@cache
def dstrat() -> sk.Design:
    """``svydesign(id=~1, strata=~stype, weights=~pw, data=apistrat, fpc=~fpc)``."""
    d = data("apistrat")
    d["api_stu_yes"] = d["api.stu"] * (d["comp.imp"] == "Yes")
    d["comp_yes"] = (d["comp.imp"] == "Yes").astype(float)
    return sk.Design(d, weight="pw", strata="stype", fpc="fpc")


@cache
def dstrat_nofpc() -> sk.Design:
    return sk.Design(data("apistrat"), weight="pw", strata="stype")


@cache
def dclus2() -> sk.Design:
    """``svydesign(id=~dnum, weights=~pw, data=apiclus2)`` (R's replicate conversion of the
    two-stage design uses this first stage)."""
    return sk.Design(data("apiclus2"), weight="pw", psu="dnum")


@cache
def scd(fpc: bool) -> sk.Design:
    """``svydesign(data=scd, prob=~1, id=~ambulance, strata=~ESA, nest=TRUE[, fpc=rep(5,6)])``."""
    d = data("scd").assign(fpc5=5, one=1.0)
    return sk.Design(d, weight="one", strata="ESA", psu="ambulance", fpc="fpc5" if fpc else None)


def supplied(frame: pd.DataFrame, **kw: Any) -> sk.ReplicateDesign:
    """``svrepdesign`` on R's replicate columns ``rw*`` (warnings of guessed constants off)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sk.ReplicateDesign(frame, repweights="^rw[0-9]+$", **kw)
