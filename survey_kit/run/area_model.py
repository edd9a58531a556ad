"""Small-area estimates of an annual run: one Fay-Herriot model per variable and round.

For the areas of the focus group, the direct estimates of one variable in one round (each with
its own degrees of freedom) are combined with a regression on area covariates
(:func:`survey_kit.fay_herriot`, REML by default).  The model gets **smoothed sampling
variances** (:func:`survey_kit.small_area.smooth_variances`, the pooled design effect by
default), because a direct variance from an area of 3 afdelinger rests on 2 degrees of
freedom.  Covariates, from what an annual run has:

* register shares per area and round (``<variable>=<level>``, e.g. ``menapt=True``,
  ``age_group=65+``) from a tidy table of area margins (``year, area, variable, level,
  total``), when the run has one;
* ``n_psu``: the number of afdelinger (PSUs) with respondents in the area and round;
* ``previous``: the area's direct estimate of the same variable in the previous round (areas
  without one get the mean of the others; said in ``note``).  Not a default: it carries
  sampling error correlated with the current round's (panel, shared afdelinger), which the
  model's MSE does not account for; the simulation study measured 89 % coverage with it.

A covariate the run cannot provide is left out and named in ``note``; when every covariate
is left out the model is the intercept only (each area shrinks towards the focus group's
mean).  Areas without a usable direct estimate (no respondents, df < 1) are not used in the
fit and get the synthetic estimate with its model MSE.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from survey_kit.errors import SmallAreaError
from survey_kit.small_area import fay_herriot, smooth_variances

#: The default covariates: the MENAPT share and two age shares of the area's register
#: population.  ``previous`` is not among them: in the simulation study
#: (benchmarks/area_inference.py) it lowered the RMSE little but its own sampling error,
#: correlated with the current round's through the panel and the shared afdelinger, made the
#: Prasad-Rao MSE too small (coverage 89 % instead of 95 %).
DEFAULT_COVARIATES: tuple[str, ...] = ("menapt=True", "age_group=18-29", "age_group=65+")

#: Fewer areas with a usable direct estimate than this: no model (a note says so).
MIN_AREAS = 3

#: Columns of the small-area table, in order.
SMALL_AREA_COLUMNS: tuple[str, ...] = (
    "variable", "area", "year", "direct", "direct_se", "df", "n", "var_smoothed", "eblup",
    "rmse", "gamma", "synthetic", "in_model", "method", "variance_method", "formula",
    "model_variance", "note",
)


@dataclass(frozen=True)
class SmallAreaSettings:
    """How the run's Fay-Herriot models are built (the ``[small_area]`` configuration).

    Parameters
    ----------
    method
        ``"REML"``, ``"ML"`` or ``"FH"``.
    variance
        Sampling variances given to the model: ``"deff"`` (pooled design effect), ``"loglinear"``
        or ``"raw"`` (see :func:`survey_kit.small_area.smooth_variances`).
    covariates
        Covariate names: ``<variable>=<level>`` register shares, ``n_psu``, ``previous``.
    """

    method: str = "REML"
    variance: str = "deff"
    covariates: tuple[str, ...] = DEFAULT_COVARIATES


@dataclass(frozen=True)
class _Inputs:
    direct: pd.DataFrame  # one variable, one round: area, estimate, se, df, deff, n, n_psu
    shares: pd.DataFrame  # area x covariate share columns for that round
    previous: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))  # by area


def register_shares(area_margins: pd.DataFrame | None) -> pd.DataFrame:
    """Register shares per round and area, one column per ``<variable>=<level>``.

    Examples
    --------
    >>> m = pd.DataFrame({"year": 2021, "area": ["a", "a", "b", "b"], "variable": "menapt",
    ...                   "level": [True, False, True, False], "total": [30, 70, 10, 90]})
    >>> register_shares(m)
       year area  menapt=False  menapt=True
    0  2021    a           0.7          0.3
    1  2021    b           0.9          0.1
    """
    if area_margins is None or area_margins.empty:
        return pd.DataFrame(columns=["year", "area"])
    m = area_margins.assign(name=area_margins["variable"].astype(str) + "="
                            + area_margins["level"].astype(str))
    total = m.groupby(["year", "area", "variable"])["total"].transform("sum")
    m = m.assign(share=m["total"] / total)
    wide = m.pivot_table(index=["year", "area"], columns="name", values="share",
                         aggfunc="sum").reset_index()
    wide.columns.name = None
    return wide


def _column_name(covariate: str) -> str:
    """A formula-safe column name for a covariate (``age_group=65+`` -> ``age_group_65_``)."""
    return re.sub(r"\W", "_", covariate)


def _design_matrix(inputs: _Inputs, covariates: Sequence[str]) -> tuple[pd.DataFrame,
                                                                        list[str], list[str]]:
    """The direct table with covariate columns; the formula terms and what was left out."""
    table = inputs.direct.copy()
    terms, notes = [], []
    for name in covariates:
        col = _column_name(name)
        if name == "n_psu":
            table[col] = table["n_psu"].astype(float)
        elif name == "previous":
            if inputs.previous.empty:
                notes.append("no previous round: 'previous' left out")
                continue
            values = table["area"].map(inputs.previous).astype(float)
            if values.isna().all():
                notes.append("no previous estimate for any area: 'previous' left out")
                continue
            if values.isna().any():
                notes.append(f"{int(values.isna().sum())} area(s) without a previous estimate "
                             "get the mean of the others")
            table[col] = values.fillna(values.mean())
        elif name in inputs.shares.columns:
            table[col] = table["area"].map(inputs.shares.set_index("area")[name]).astype(float)
            if table[col].isna().any():
                notes.append(f"register share {name!r} missing for some areas: left out")
                table = table.drop(columns=col)
                continue
        else:
            notes.append(f"covariate {name!r} not available: left out")
            continue
        usable = table.loc[table["usable"], col]
        if usable.nunique() < 2:
            notes.append(f"covariate {name!r} is constant: left out")
            continue
        terms.append(col)
    return table, terms, notes


def _fit_one(inputs: _Inputs, s: SmallAreaSettings) -> pd.DataFrame:
    """Smoothed variances and the Fay-Herriot fit for one variable and round."""
    direct = inputs.direct.assign(usable=lambda t: (t["df"] >= 1) & np.isfinite(t["se"])
                                  & (t["se"] > 0))
    method, notes = s.variance, []
    try:
        smoothed = smooth_variances(direct.loc[direct["usable"]], method, by=[])
    except SmallAreaError as exc:  # e.g. equal weights: no design effect to pool
        method = "raw"
        notes.append(f"variance smoothing {s.variance!r} not possible ({exc}); raw variances")
        smoothed = smooth_variances(direct.loc[direct["usable"]], method, by=[])
    direct["var_smoothed"] = smoothed["var_smoothed"].reindex(direct.index)
    table, terms, more = _design_matrix(_Inputs(direct, inputs.shares, inputs.previous),
                                        s.covariates)
    notes += more
    formula = "~ " + (" + ".join(terms) if terms else "1")
    model_input = table.assign(estimate=table["estimate"].where(table["usable"]),
                               var_smoothed=table["var_smoothed"].where(table["usable"]))
    if int(table["usable"].sum()) < MIN_AREAS:
        return _no_model(table, s, f"fewer than {MIN_AREAS} areas with a usable direct "
                         "estimate: no small-area model")
    try:
        fit = fay_herriot(model_input, formula, vardir="var_smoothed", area="area",
                          method=s.method)
    except SmallAreaError as exc:
        if not terms:
            return _no_model(table, s, f"no small-area model ({exc})")
        notes.append(f"model with covariates failed ({exc}); intercept only")
        formula = "~ 1"
        fit = fay_herriot(model_input, formula, vardir="var_smoothed", area="area",
                          method=s.method)
    out = fit.to_frame().merge(table[["area", "estimate", "se", "df", "n", "var_smoothed"]],
                               on="area", how="left")
    return out.assign(direct=out["estimate"], direct_se=out["se"], method=s.method,
                      variance_method=method, formula=formula,
                      model_variance=fit.model_variance,
                      note="; ".join([*notes, *([fit.note] if fit.note else [])]))


def _no_model(table: pd.DataFrame, s: SmallAreaSettings, note: str) -> pd.DataFrame:
    """The rows of a variable and round without a model: direct figures only, and why."""
    return table.assign(direct=table["estimate"], direct_se=table["se"], eblup=np.nan,
                        rmse=np.nan, gamma=np.nan, synthetic=np.nan, in_model=False,
                        method=s.method, variance_method=s.variance, formula="",
                        model_variance=np.nan, note=note)


def small_area_table(estimates: pd.DataFrame, unit: str, year: str, areas: Sequence[object],
                     variables: Sequence[str], area_margins: pd.DataFrame | None,
                     settings: SmallAreaSettings | None = None) -> pd.DataFrame:
    """Fay-Herriot estimates of every focus area, variable and round.

    ``estimates`` are the run's direct area estimates (``variable, <unit>, <year>, estimate,
    se, df, deff, n, n_psu``); ``areas`` the units of the focus group.
    """
    s = settings or SmallAreaSettings()
    shares = register_shares(area_margins)
    direct = estimates[estimates[unit].isin(list(areas))].rename(columns={unit: "area"})
    rounds = sorted(direct[year].dropna().unique())
    parts = []
    for variable in variables:
        own = direct[direct["variable"] == variable]
        previous = pd.Series(dtype=float)
        for rnd in rounds:
            now = own[own[year] == rnd].reset_index(drop=True)
            if now.empty:
                continue
            round_shares = shares[shares["year"] == rnd] if "year" in shares else shares
            fit = _fit_one(_Inputs(now, round_shares, previous), s)
            parts.append(fit.assign(variable=variable, **{year: rnd}))
            previous = now.set_index("area")["estimate"]
    columns = [year if c == "year" else c for c in SMALL_AREA_COLUMNS]
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)[columns]
