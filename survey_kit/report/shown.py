"""Which figure an area's page shows for one variable in one round (the page rule).

For each area, variable and round the page shows one of:

* ``DIRECT`` -- the area's own (direct) estimate with its interval, when the area has at least
  ``min_df`` degrees of freedom and a coefficient of variation ``se / estimate`` of at most
  ``max_cv``;
* ``MODEL`` -- otherwise the Fay-Herriot estimate (EBLUP) with the interval
  ``eblup ± z rmse`` (cut to 0-1), which also draws on similar areas -- but only where the
  model variance is positive: when REML truncated it to 0, every area gets the synthetic
  estimate with a too small MSE (the simulation study measured about 70 % coverage), so the
  interval would not be honest;
* ``UNCERTAIN`` -- then the direct estimate with its wide interval, said to be uncertain;
* ``TOO_UNCERTAIN`` -- and with fewer than 1 degree of freedom (no interval) no figure at all;
* ``SUPPRESSED`` -- below the suppression threshold nothing (whatever the model says);
* ``MISSING`` -- the round has no estimate for the area.

Differences and changes rest on the direct estimates and their design-based tests, so a page
states them only where it shows direct figures (``DIRECT`` or ``UNCERTAIN``) on both sides:
:func:`is_direct`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import ndtri

from survey_kit.report.inputs import key_text

DIRECT = "direct"
MODEL = "model"
UNCERTAIN = "uncertain"
TOO_UNCERTAIN = "too_uncertain"
SUPPRESSED = "suppressed"
MISSING = "missing"


@dataclass(frozen=True)
class PageRule:
    """The page rule's parameters (``[small_area] min_df, max_cv`` of the run) and the
    confidence level of the shown intervals."""

    min_df: float = 5.0
    max_cv: float = 0.2
    level: float = 0.95


@dataclass(frozen=True)
class ShownFigure:
    """The figure a page shows for one variable and round: its basis (one of the module's
    constants), the value and interval on 0-1 (NaN where nothing is shown)."""

    basis: str
    value: float = math.nan
    low: float = math.nan
    high: float = math.nan

    @property
    def shown(self) -> bool:
        """Whether a number is shown."""
        return self.basis in (DIRECT, MODEL, UNCERTAIN)


def is_direct(figure: ShownFigure | None) -> bool:
    """Whether the page shows the area's direct estimate (so a test on it may be stated)."""
    return figure is not None and figure.basis in (DIRECT, UNCERTAIN)


def _num(rec: dict[str, object], column: str) -> float:
    value = rec.get(column, math.nan)
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


def choose(direct: dict[str, object] | None, model: dict[str, object] | None,
           rule: PageRule) -> ShownFigure:
    """The figure for one variable and round from its direct row and Fay-Herriot row.

    ``direct`` has ``estimate, se, ci_low, ci_high, df, suppressed`` (without ``se`` and
    ``df`` the rule cannot be applied and the estimate is shown as given); ``model`` has
    ``eblup, rmse, model_variance`` (and ``suppressed`` when the disclosure step blanked it).

    Examples
    --------
    >>> d = {"estimate": 0.6, "se": 0.02, "ci_low": 0.55, "ci_high": 0.65, "df": 2.0,
    ...      "suppressed": False}
    >>> m = {"eblup": 0.58, "rmse": 0.01, "model_variance": 0.0004}
    >>> choose({**d, "df": 6.0}, m, PageRule()).basis, choose(d, m, PageRule()).basis
    ('direct', 'model')
    >>> round(choose(d, m, PageRule()).high, 4)
    0.5996
    >>> choose(d, {**m, "model_variance": 0.0}, PageRule()).basis
    'uncertain'
    >>> choose({**d, "df": 0.0, "ci_low": float("nan")}, None, PageRule()).basis
    'too_uncertain'
    """
    if direct is None:
        return ShownFigure(MISSING)
    if bool(direct.get("suppressed", False)):
        return ShownFigure(SUPPRESSED)
    est, low, high = _num(direct, "estimate"), _num(direct, "ci_low"), _num(direct, "ci_high")
    # Without "df" and "se" (a table from elsewhere) the rule cannot be applied: as given.
    df = _num(direct, "df") if "df" in direct else math.inf
    se = _num(direct, "se") if "se" in direct else 0.0
    has_ci = df >= 1 and not (math.isnan(low) or math.isnan(high))
    cv = se / est if est > 0 else math.inf
    if has_ci and df >= rule.min_df and cv <= rule.max_cv:
        return ShownFigure(DIRECT, est, low, high)
    if model is not None and not bool(model.get("suppressed", False)):
        eblup, rmse = _num(model, "eblup"), _num(model, "rmse")
        if _num(model, "model_variance") > 0 and np.isfinite(eblup) and np.isfinite(rmse):
            z = float(ndtri(1 - (1 - rule.level) / 2))  # the normal quantile
            return ShownFigure(MODEL, eblup, max(0.0, eblup - z * rmse),
                               min(1.0, eblup + z * rmse))
    if has_ci:
        return ShownFigure(UNCERTAIN, est, low, high)
    return ShownFigure(TOO_UNCERTAIN)


def shown_figures(area_estimates: pd.DataFrame, small_area: pd.DataFrame | None,
                  round_column: str, rule: PageRule) -> dict[tuple[str, str], ShownFigure]:
    """The page's figure per (variable, round text) of one area.

    ``area_estimates``: the area's protected direct estimates (one row per variable and
    round); ``small_area``: its Fay-Herriot rows (``variable, <round>, eblup, rmse,
    model_variance``), or None when the run has no small-area models.
    """
    models: dict[tuple[str, str], dict[str, object]] = {}
    if small_area is not None and not small_area.empty:
        for rec in _records(small_area):
            models.setdefault((key_text(rec["variable"]), key_text(rec[round_column])), rec)
    out: dict[tuple[str, str], ShownFigure] = {}
    for rec in _records(area_estimates):
        key = (key_text(rec["variable"]), key_text(rec[round_column]))
        if key not in out:
            out[key] = choose(rec, models.get(key), rule)
    return out


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """The rows as dicts of Python values keyed by column text (as ``to_dict("records")``,
    read as one array: faster on a page's small tables)."""
    names = [str(c) for c in frame.columns]
    return [dict(zip(names, row, strict=True)) for row in frame.to_numpy(dtype=object).tolist()]


__all__ = [
    "DIRECT",
    "MISSING",
    "MODEL",
    "SUPPRESSED",
    "TOO_UNCERTAIN",
    "UNCERTAIN",
    "PageRule",
    "ShownFigure",
    "choose",
    "is_direct",
    "shown_figures",
]
