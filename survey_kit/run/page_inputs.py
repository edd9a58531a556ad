"""The protected area tables of a run, split by area once for the area pages' inputs.

Each area page (:class:`~survey_kit.report.resident.AreaSummaryInput`) reads its own rows of
the protected area tables: its estimates, the comparison groups' estimates (the same rows for
every page), its contrasts with the groups in the latest round and its changes, and its
Fay-Herriot rows, hidden wherever its direct estimate is.  :func:`split_area_tables` finds
each area's rows once per run (one pass over each table, keys as text once), so building a
page's input takes its rows by position instead of filtering the whole tables again for every
area.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from survey_kit.report.area_input import kept_columns
from survey_kit.report.inputs import key_text
from survey_kit.run.analysis import UNIT
from survey_kit.run.areas import AREA_CHANGE, AREA_VS_GROUP
from survey_kit.run.tablesets import ProtectedTables

_AREA = "__area__"


@dataclass(frozen=True, eq=False)
class AreaFrames:
    """One area's rows of the protected area tables, as its page input takes them."""

    area_estimates: pd.DataFrame
    comparison_estimates: pd.DataFrame
    comparisons: pd.DataFrame
    changes: pd.DataFrame
    small_area: pd.DataFrame | None


@dataclass(frozen=True, eq=False)
class AreaTables:
    """The protected area tables of a run with each area's row positions (see
    :func:`split_area_tables`)."""

    estimates: pd.DataFrame
    comparison: pd.DataFrame
    comparisons: pd.DataFrame
    changes: pd.DataFrame
    small_area: pd.DataFrame | None
    rows: dict[str, dict[str, np.ndarray]]
    comparison_units: np.ndarray

    def frames(self, area: str) -> AreaFrames:
        """The rows of ``area`` (its text as in the tables' ``astype(str)``)."""
        none = np.empty(0, dtype=np.intp)

        def take(frame: pd.DataFrame, name: str) -> pd.DataFrame:
            return frame.iloc[self.rows[name].get(area, none)]

        comparison = self.comparison
        if area in self.comparison_units:  # an area named as a group: the rows are the area's
            comparison = comparison.iloc[np.flatnonzero(self.comparison_units != area)]
        small = None if self.small_area is None else take(
            self.small_area, "small_area").reset_index(drop=True)
        return AreaFrames(take(self.estimates, "estimates"), comparison,
                          take(self.comparisons, "comparisons"), take(self.changes, "changes"),
                          small)


def _positions(keys: pd.Series) -> dict[str, np.ndarray]:
    """Row positions per key text, in table order."""
    return {str(k): np.asarray(v, dtype=np.intp)
            for k, v in keys.groupby(keys.to_numpy(), sort=False).indices.items()}


def _drop(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    return frame.drop(columns=[c for c in columns if c in frame.columns])


def _kept(frame: pd.DataFrame, name: str, year: str, group: str = "group") -> pd.DataFrame:
    """Only the columns a page input keeps of its table ``name`` (so it drops none)."""
    keep = kept_columns(name, year, group)
    return frame[[c for c in frame.columns if c in keep]]


def page_small_area(small: pd.DataFrame, estimates: pd.DataFrame, year: str,
                    unit_text: pd.Series) -> pd.DataFrame | None:
    """The Fay-Herriot rows of every area for the pages, in one pass: the area text in column
    ``__area__`` and each row hidden wherever the area's protected direct estimate is (or is
    missing), or is hidden itself; None when the run has no small-area models."""
    if small.empty:
        return None
    keys = pd.DataFrame({_AREA: unit_text, "variable": estimates["variable"],
                         year: estimates[year].map(key_text),
                         "suppressed": estimates["suppressed"]}
                        ).drop_duplicates([_AREA, "variable", year])
    own = _drop(small.drop(columns=["area"]), ("suppressed", "suppression_reason"))
    hidden = small.get("suppressed", pd.Series(False, index=small.index))
    own = own.assign(**{year: own[year].map(key_text)},
                     own_hidden=hidden.fillna(False).astype(bool),
                     **{_AREA: small["area"].astype(str)}
                     ).merge(keys, on=[_AREA, "variable", year], how="left")
    suppressed = own["suppressed"].fillna(True).astype(bool) | own["own_hidden"]
    return own.drop(columns=["own_hidden"]).assign(suppressed=suppressed)


def split_area_tables(tables: ProtectedTables, year: str, group: str, others: Sequence[str],
                      latest: object) -> AreaTables:
    """Split the protected area tables by area once: each area's estimates, its contrasts
    with the groups in round ``latest`` and its changes, its Fay-Herriot rows for the page,
    and the estimates of the comparison groups ``others`` (``unit`` named ``group``); each
    table with only the columns the page input keeps
    (:func:`~survey_kit.report.area_input.kept_columns`)."""
    est = tables.area_estimates
    unit_text = est[UNIT].astype(str)
    con = tables.area_contrasts
    con_area = con["area"].astype(str)
    vs_rows = ((con["comparison"] == AREA_VS_GROUP) & (con[year] == latest)).to_numpy(bool)
    change_rows = (con["comparison"] == AREA_CHANGE).to_numpy(bool)
    small = page_small_area(tables.small_area, est, year, unit_text)
    rows = {"estimates": _positions(unit_text), "comparisons": _positions(con_area[vs_rows]),
            "changes": _positions(con_area[change_rows])}
    if small is not None:
        rows["small_area"] = _positions(small[_AREA])
        small = _kept(small, "small_area", year)
    among = unit_text.isin(list(others)).to_numpy(bool)
    comparison = est[among].rename(columns={UNIT: group})
    return AreaTables(
        _kept(est, "area_estimates", year), _kept(comparison, "comparison_estimates", year, group),
        _kept(con[vs_rows], "comparisons", year), _kept(con[change_rows], "changes", year),
        small, rows, unit_text.to_numpy()[among])


__all__ = ["AreaFrames", "AreaTables", "page_small_area", "split_area_tables"]
