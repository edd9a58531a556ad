"""What a run publishes, as linked tables for disclosure control, and the protected tables that
every writer receives.

Every file outside ``kontrol/`` is a view of seven tables, protected together by
:func:`survey_kit.disclosure.protect` (one suppression pattern, one audit):

=================================  =========================================================
table (name in the log/manifest)   published as
=================================  =========================================================
``estimater.csv``                  ``estimater.csv``, the workbook, its CSV, the charts
``sammenligninger.csv``            ``sammenligninger.csv``; letters and arrows of the workbook
``omraader/estimater.csv``         ``omraader/estimater.csv`` and every area page
``omraader/sammenligninger.csv``   ``omraader/sammenligninger.csv`` and every area page
``omraader/smaaomraademodel.csv``  ``omraader/smaaomraademodel.csv`` (Fay-Herriot)
``livsmestring.html``              the youth page (everyone, gender x MENAPT, age groups)
=================================  =========================================================

Each row is read as the domains it rests on, in the classification columns of the run
(round, group, area within the focus group, subgroup columns): an area page's "almene 2021"
and the significance tables' total of almene in 2021 are one domain; the youth page's
"dreng / True" is the domain gender = dreng and MENAPT = True.  The writers only ever see
:class:`ProtectedTables` (the interface the page writers build on).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from survey_kit.disclosure import Protection, Published, Side, SuppressionRule, protect, universe
from survey_kit.run.analysis import CHANGE, GROUPS, RELATIVE, TREND, UNIT
from survey_kit.run.areas import AREA_CHANGE
from survey_kit.run.result import RunResult

ESTIMATES, CONTRASTS = "estimater.csv", "sammenligninger.csv"
RELATIVE_CONTRASTS = "sammenligninger.csv (relativ udvikling)"
TREND_CONTRASTS = "sammenligninger.csv (tendens)"
AREA_ESTIMATES, AREA_CONTRASTS = "omraader/estimater.csv", "omraader/sammenligninger.csv"
SMALL_AREA = "omraader/smaaomraademodel.csv"
SUMMARY_ESTIMATES, SUMMARY_CONTRASTS = "livsmestring.html", "livsmestring.html (forskelle)"

KEPT: frozenset[str] = frozenset({
    "variable", UNIT, "family", "subgroup", "comparison", "reference", "group_a", "group_b",
    "time_a", "time_b", "adjust_method", "multiplicity_family", "family_size", "method",
    "variance_method", "formula", "model_variance",
})
"""Columns a hidden row keeps besides the classification columns: what names the cell, the
comparison and the model (one value per page or model, never a figure of the cell).  Every
other column of a hidden row is blanked, including columns added after this was written."""
SMALL_AREA_MODEL: tuple[str, ...] = ("eblup", "rmse", "gamma", "synthetic")
"""Blanked when the area's previous round is hidden and the model uses ``previous``: the
synthetic estimate is a regression on it, and eblup, gamma and rmse give the synthetic back."""


@dataclass(frozen=True, eq=False)
class ProtectedTables:
    """Every table a run publishes, as it may be published (the writers' only input).

    Each frame is the run's table (:class:`survey_kit.run.analysis.Analysis`) with
    ``suppressed`` (bool) added; in a suppressed row every column but those naming the cell
    (:func:`blanked`) is blank: counts, PSU counts, effective n, SE, CIs (also a page's
    simultaneous ones), df, p-values, the note; ``significant`` is False,
    and in ``small_area`` the per-area figures (or, when only the previous round is hidden,
    ``eblup, rmse, gamma, synthetic``) are blank.  Why a cell is hidden is only in
    ``protection.log`` (for ``kontrol/``): a published reason "too few answers" would itself
    pin the count below the threshold.
    """

    estimates: pd.DataFrame
    contrasts: pd.DataFrame
    area_estimates: pd.DataFrame
    area_contrasts: pd.DataFrame
    small_area: pd.DataFrame
    summary_estimates: pd.DataFrame
    summary_contrasts: pd.DataFrame
    protection: Protection


class _Keys:
    """Reads a run's columns as the classification columns of the linked tables."""

    def __init__(self, result: RunResult) -> None:
        cfg = result.config
        self.cfg = cfg
        self.derived = tuple(cfg.group_from) if cfg.group else ()
        group = [] if self.derived or not cfg.group else [cfg.group]
        subs = [*cfg.subgroups, *(c for x in cfg.crossings for c in x), *self.derived]
        self.area = cfg.area if cfg.area and cfg.focus_group and cfg.group else None
        self.base = list(dict.fromkeys(c for c in (cfg.year, *group, *subs) if c))
        data = result.design.data
        self.focus_areas = (set() if self.area is None else
                            {str(a) for a in data.loc[data[cfg.group] == cfg.focus_group,
                                                      self.area].dropna().unique()})

    def atoms(self, data: pd.DataFrame) -> pd.DataFrame:
        """The atom universe: every combination of the levels in the data (areas within
        the focus group only), a missing value being a level of its own."""
        levels = {c: list(data[c].drop_duplicates()) for c in self.base if c in data.columns}
        nested = None
        if self.area is not None and self.cfg.group:
            nested = {self.area: (self.cfg.group, {
                g: sorted(self.focus_areas) if g == self.cfg.focus_group else [None]
                for g in data[self.cfg.group].dropna().unique()})}
        return universe(levels, nested)

    def keys(self, columns: Mapping[str, pd.Series], index: pd.Index) -> pd.DataFrame:
        """The classification keys of rows whose run columns hold ``columns``."""
        out = pd.DataFrame({c: pd.Series(None, index=index, dtype=object) for c in
                            [*self.base, *([self.area] if self.area else [])]})
        for name, values in columns.items():
            values = values.reindex(index).astype(object)
            if name == UNIT and self.area:
                focus = values.astype(str).isin(self.focus_areas)
                out[str(self.cfg.group)] = values.where(~focus, self.cfg.focus_group)
                out[self.area] = values.where(focus, None)
            elif name == self.cfg.group and self.derived:
                out.update(_split(values, self.derived))
            elif name in out.columns:
                out[name] = values
        return out

    def side(self, frame: pd.DataFrame, own: Sequence[str], between: pd.Series, which: str
             ) -> pd.DataFrame:
        """Keys of one side of contrasts: the row's ``own`` columns with the compared
        column(s) (``between``: a tuple per row) set to ``which`` ("group_a"/"group_b")."""
        parts = [self.keys({}, frame.index[:0])]
        for cols, index in frame.groupby(between.map(tuple), sort=False).groups.items():
            sub = frame.loc[index]
            columns = {c: sub[c] for c in own if c in sub.columns}
            if len(cols) == 1:
                columns[cols[0]] = sub[which]
            else:
                columns.update(_split(sub[which], cols))
            parts.append(self.keys(columns, sub.index))
        return pd.concat(parts).reindex(frame.index)


def _split(values: pd.Series, columns: Sequence[str]) -> dict[str, pd.Series]:
    """``"pige / True"`` -> one Series per column (``None`` where the value is missing)."""
    parts = values.map(lambda v: str(v).split(" / ") if isinstance(v, str) else None)
    return {c: parts.map(lambda p, i=i: p[i] if p is not None and len(p) > i else None)
            for i, c in enumerate(columns)}


def blanked(k: _Keys, frame: pd.DataFrame) -> tuple[str, ...]:
    """The columns a hidden row of ``frame`` blanks: all but the classification columns and
    :data:`KEPT`."""
    keys = {*k.base, *k.derived, *(c for c in (k.cfg.group, k.area) if c), *KEPT}
    return tuple(c for c in frame.columns if c not in keys)


def _estimates(k: _Keys, name: str, frame: pd.DataFrame, keys: pd.DataFrame, srs: bool
               ) -> Published:
    respondents = (pd.to_numeric(frame["df"], errors="coerce") + 1).to_numpy() if srs else None
    return Published(name, frame, (Side(keys, "n", "estimate", respondents=respondents),),
                     blanked(k, frame))


def _contrasts(k: _Keys, frame: pd.DataFrame, own: Sequence[str], between: pd.Series,
               name: str) -> Published:
    sides = tuple(Side(k.side(frame, own, between, g), n=f"n_{g[-1]}",
                       value=f"estimate_{g[-1]}") for g in ("group_a", "group_b"))
    return Published(name, frame, sides, blanked(k, frame))


def _significance(k: _Keys, result: RunResult, srs: bool) -> list[Published]:
    cfg, a = result.config, result.analysis
    own = [c for c in k.base if c not in k.derived] + ([str(cfg.group)] if k.derived else [])
    out = [_estimates(k, ESTIMATES, a.estimates, k.keys({c: a.estimates[c] for c in own
                                                         if c in a.estimates},
                                                        a.estimates.index), srs)]
    con = a.contrasts
    if con.empty:
        return out
    between = pd.Series([(cfg.group,) if f == GROUPS else (cfg.year,) if f in (CHANGE, TREND)
                         else tuple(s) for f, s in zip(con["family"], con["subgroup"],
                                                       strict=True)], index=con.index)
    plain = con[~con["family"].isin([RELATIVE, TREND])]
    out.append(_contrasts(k, plain, own, between[plain.index], CONTRASTS))
    rel = con[con["family"] == RELATIVE]
    if len(rel):
        sides = tuple(Side(k.keys({str(cfg.group): rel[g], str(cfg.year): rel[t]}, rel.index))
                      for g in ("group_a", "group_b") for t in ("time_a", "time_b"))
        out.append(Published(RELATIVE_CONTRASTS, rel, sides, blanked(k, rel)))
    trend = con[con["family"] == TREND]
    if len(trend):
        out.append(_trend(k, trend, own, between[trend.index],
                          sorted(a.estimates[str(cfg.year)].dropna().unique())))
    return out


def _trend(k: _Keys, frame: pd.DataFrame, own: Sequence[str], between: pd.Series,
           rounds: list[object]) -> Published:
    """A trend rests on its cell in every round (the slope combines all their means): the
    last and the first round are its sides a and b, every round between them one more."""
    table = _contrasts(k, frame, own, between, TREND_CONTRASTS)
    year = str(k.cfg.year)
    middle = tuple(Side(k.keys({**{c: frame[c] for c in own if c in frame.columns and c != year},
                                year: pd.Series(r, index=frame.index)}, frame.index))
                   for r in rounds[1:-1])
    return Published(table.name, frame, (*table.sides, *middle), table.hidden)


def _areas(k: _Keys, result: RunResult, srs: bool) -> list[Published]:
    cfg, a = result.config, result.analysis
    year = str(cfg.year)
    est = a.area_estimates
    if est.empty:
        return []
    out = [_estimates(k, AREA_ESTIMATES, est, k.keys({UNIT: est[UNIT], year: est[year]},
                                                     est.index), srs)]
    con = a.area_contrasts
    if not con.empty:
        between = pd.Series([(year,) if c == AREA_CHANGE else (UNIT,)
                             for c in con["comparison"]], index=con.index)
        out.append(_contrasts(k, con, [UNIT, year], between, AREA_CONTRASTS))
    if not a.small_area.empty:
        out.append(_small_area(k, a.small_area, year))
    return out


def _small_area(k: _Keys, fh: pd.DataFrame, year: str) -> Published:
    rounds = sorted(fh[year].dropna().unique())
    previous = fh[year].map(dict(zip(rounds[1:], rounds[:-1], strict=False)))
    uses = fh["formula"].astype(str).str.contains(r"\bprevious\b") & previous.notna()
    own = Side(k.keys({UNIT: fh["area"], year: fh[year]}, fh.index), "n", "direct",
               blank=tuple(c for c in blanked(k, fh) if c != "area"))
    before = Side(k.keys({UNIT: fh["area"], year: previous}, fh.index),
                  rows=uses.to_numpy(), blank=SMALL_AREA_MODEL)
    return Published(SMALL_AREA, fh, (own, before))


def _summary(k: _Keys, result: RunResult, srs: bool) -> list[Published]:
    a = result.analysis
    est = a.summary_estimates
    if est.empty:
        return []
    cols = [c for c in k.base if c in est.columns]
    out = [_estimates(k, SUMMARY_ESTIMATES, est, k.keys({c: est[c] for c in cols}, est.index),
                      srs)]
    con = a.summary_contrasts
    if not con.empty:
        between = pd.Series([k.derived] * len(con), index=con.index)
        out.append(_contrasts(k, con, [], between, SUMMARY_CONTRASTS))
    return out


def published_tables(result: RunResult) -> list[Published]:
    """Every table the run publishes, linked (see the module docstring)."""
    k = _Keys(result)
    srs = not (result.config.psu or result.config.strata)
    return [*_significance(k, result, srs), *_areas(k, result, srs), *_summary(k, result, srs)]


def additive(result: RunResult) -> bool:
    """Whether count x mean adds up across cells: every respondent weighs the same (no
    weights, no weighting), so a mean is a sum divided by a count."""
    w = np.asarray(result.design.weights, dtype=float)
    return result.design.weighting is None and bool(len(w)) and bool(np.ptp(w) == 0)


def rule(result: RunResult) -> SuppressionRule:
    """The run's suppression rule: threshold and protection interval of ``[report]``."""
    cfg = result.config
    return SuppressionRule(min_n=cfg.suppression_threshold,
                           protection_share=cfg.protection_share)


def protect_run(result: RunResult, complementary: bool = True) -> ProtectedTables:
    """Protect everything the run publishes (``complementary=False`` only to show what an
    attacker could do without complementary suppression; such a pattern never passes
    :meth:`~survey_kit.disclosure.Protection.check`)."""
    tables = published_tables(result)
    k = _Keys(result)
    done = protect(tables, k.atoms(result.design.data), rule(result),
                   additive=additive(result), complementary=complementary)
    t = done.tables
    con = pd.concat([t[n] for n in (CONTRASTS, RELATIVE_CONTRASTS, TREND_CONTRASTS)
                     if n in t]).sort_index() \
        if CONTRASTS in t else pd.DataFrame()
    empty = pd.DataFrame()
    return ProtectedTables(
        estimates=t[ESTIMATES], contrasts=con,
        area_estimates=t.get(AREA_ESTIMATES, empty), area_contrasts=t.get(AREA_CONTRASTS, empty),
        small_area=t.get(SMALL_AREA, empty), summary_estimates=t.get(SUMMARY_ESTIMATES, empty),
        summary_contrasts=t.get(SUMMARY_CONTRASTS, empty), protection=done)


def subgroup_text(frame: pd.DataFrame) -> pd.DataFrame:
    """The contrasts with each breakdown (a tuple of columns) written as its analysts' label,
    ``gender x menapt`` (empty for the totals), for the CSV."""
    return frame.assign(subgroup=frame["subgroup"].map(lambda cols: " x ".join(cols) or None))


def family(contrasts: pd.DataFrame, name: str, drop: Sequence[str] = ("family", "subgroup")
           ) -> pd.DataFrame | None:
    """The protected contrasts of one family without the run's bookkeeping columns (as the
    workbook takes them), None when there are none."""
    if contrasts.empty:
        return None
    part = contrasts[contrasts["family"] == name]
    return part.drop(columns=[c for c in drop if c in part.columns])


__all__ = [
    "AREA_CONTRASTS",
    "AREA_ESTIMATES",
    "CONTRASTS",
    "ESTIMATES",
    "KEPT",
    "RELATIVE_CONTRASTS",
    "SMALL_AREA",
    "SMALL_AREA_MODEL",
    "SUMMARY_CONTRASTS",
    "SUMMARY_ESTIMATES",
    "TREND_CONTRASTS",
    "ProtectedTables",
    "additive",
    "blanked",
    "family",
    "protect_run",
    "published_tables",
    "rule",
    "subgroup_text",
]
