"""The index of a run's area pages (:mod:`survey_kit.report.site`), from the run.

Each area is listed under its value of ``[comparison] area_group`` (kommune or region;
the value most of the area's respondents have, should an area straddle two) with the
rounds its page covers.  No figure of the survey goes on the index: the rounds come from
the rows of the area's protected estimates, never from a count.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from survey_kit.report.escape import join_danish
from survey_kit.report.inputs import key_text
from survey_kit.report.prose import footer_line
from survey_kit.report.site import AreaLink, SiteIndex, write_index
from survey_kit.run.checks import value_key
from survey_kit.run.config import RunConfig
from survey_kit.run.render import Job

INDEX_NAME = "index.html"
"""The index's file name, beside the area pages (no area page may take it)."""


def area_groups(cfg: RunConfig, data: pd.DataFrame) -> dict[str, str]:
    """Each area's group label (``[comparison] area_group``): the value most of its rows
    have (the first in sort order on a tie); empty without ``area_group``.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> cfg = SimpleNamespace(area="area", area_group="region", label=lambda c, v: v.upper())
    >>> d = pd.DataFrame({"area": ["a", "a", "a", "b"], "region": ["n", "s", "s", None]})
    >>> area_groups(cfg, d)
    {'a': 'S'}
    """
    if not (cfg.area and cfg.area_group):
        return {}
    counts = (data[[cfg.area, cfg.area_group]].dropna()
              .value_counts(sort=False).rename("rows").reset_index())
    counts = counts[counts["rows"] > 0]  # categorical columns count their absent levels too
    counts["area_key"] = counts[cfg.area].map(key_text)
    counts["group_key"] = counts[cfg.area_group].map(value_key)
    top = (counts.sort_values(["area_key", "rows", "group_key"],
                              ascending=[True, False, True], kind="stable")
           .drop_duplicates("area_key"))
    return {a: cfg.label(cfg.area_group, g)
            for a, g in zip(top["area_key"], top["group_key"], strict=True)}


def area_link(job: Job, groups: Mapping[str, str]) -> AreaLink:
    """One area page on the index: its name, files, group and the rounds it covers (the
    rounds of the area's rows in its protected estimates)."""
    data, html, pdf = job
    est = data.area_estimates
    found = set(est[data.round_column].map(key_text)) if len(est) else set()
    rounds = tuple(r for r in data.round_keys if r in found)
    return AreaLink(data.area_name, Path(html).name, Path(pdf).name,
                    groups.get(key_text(data.area_id), ""), rounds)


def index_page(cfg: RunConfig, jobs: Sequence[Job], groups: Mapping[str, str],
               created: str) -> SiteIndex:
    """The index of the area pages of a run."""
    links = tuple(area_link(job, groups) for job in jobs)
    rounds = sorted({r for link in links for r in link.rounds})
    survey = jobs[0][0].survey_name if jobs else cfg.name
    when = f" fra {join_danish(rounds)}" if rounds else ""
    grouping = f" Områderne står under deres {cfg.noun(cfg.area_group)}." \
        if cfg.area_group and groups else ""
    lead = (f"Her finder du en side for hvert område med resultaterne af {survey}{when}. "
            f"Vælg et område for at læse siden, eller hent den som PDF.{grouping}")
    return SiteIndex(cfg.name, lead, links, footer_line("", created))


def write_site_index(cfg: RunConfig, data: pd.DataFrame, jobs: Sequence[Job], folder: Path,
                     created: str) -> Path:
    """Write the index of the area pages (``jobs``) into their ``folder``."""
    page = index_page(cfg, jobs, area_groups(cfg, data), created)
    return write_index(page, folder / INDEX_NAME)


__all__ = ["INDEX_NAME", "area_groups", "area_link", "index_page", "write_site_index"]
