"""Checking the demo data with the package itself, and refining the calibration.

:func:`raked_design` scores the demo tryghedsmåling and rakes the design weights to the
register margins; :func:`cell_estimates` gives the headline shares and dimension means
per group x round.  :func:`refine` (used by ``calibrate --refine K``) simulates ``K``
data sets and corrects the generator parameters by the mean remaining error.
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np
import pandas as pd

from survey_kit.datasets import params
from survey_kit.datasets.demo import Demo, _build
from survey_kit.design import Design
from survey_kit.spec import load_questionnaire

SCORE_SLOPE = 0.15
"""Approximate change of a 0-1 dimension score per latent unit (for the correction)."""
SHARE_SLOPE = 0.30
"""Approximate change of a headline share (0-1) per latent unit near 75-90 %."""


def raked_design(demo: Demo) -> Design:
    """The scored tryghedsmåling as a stratified cluster design raked to ``demo.margins``."""
    q = load_questionnaire("tryghed_trivsel")
    scored = q.score(q.validate(demo.tryghed).valid)
    design = Design(scored, weight="design_weight", strata="stratum", psu="psu")
    return design.rake(demo.margins, by=["year", "group"])


def cell_estimates(design: Design) -> pd.DataFrame:
    """Headline share (0-1) and mean dimension score per dimension, group and round."""
    q = load_questionnaire("tryghed_trivsel")
    rows = []
    headline = {item.dimension: item for item in q.items if item.headline}
    dims = [d.id for d in q.dimensions]
    means = design.mean(dims, by=["year", "group"]).to_frame()
    indicators = [str(headline[d].indicator) for d in dims if d in headline]
    shares = design.mean(indicators, by=["year", "group"]).to_frame()
    for dim in dims:
        m = means[means["variable"] == dim].set_index(["year", "group"])["estimate"]
        ind = headline[dim].indicator if dim in headline else None
        s = shares[shares["variable"] == ind].set_index(["year", "group"])["estimate"]
        for key, value in m.items():
            year, group = cast(tuple[Any, Any], key)
            rows.append((dim, str(group), int(year), float(s.get(key, np.nan)), value))
    return pd.DataFrame(rows, columns=["dimension", "group", "year", "share", "score"])


def refine(k: int) -> None:
    """Correct ``params`` in place by the mean error over ``k`` simulated data sets."""
    from survey_kit.datasets.calibrate import DIMENSION_TARGETS
    from survey_kit.datasets.targets import ASSUMED_SHARES, TRYGHED_SHARES

    shares = {**TRYGHED_SHARES, **ASSUMED_SHARES}
    estimates = []
    for seed in range(k):
        _build.cache_clear()
        estimates.append(cell_estimates(raked_design(_build(10_000 + seed))))
    mean = pd.concat(estimates).groupby(["dimension", "group", "year"]).mean()
    for index, row in mean.iterrows():
        dim, group, year = cast(tuple[Any, Any, Any], index)
        key = (str(dim), str(group), int(year))
        score_error = DIMENSION_TARGETS[key] - row["score"]
        share_error = shares[key] / 100 - row["share"]
        old = params.GROUP_YEAR_LEVELS[key]
        level = old + score_error / SCORE_SLOPE
        headline = old + params.HEADLINE_SHIFTS[key] + share_error / SHARE_SLOPE
        params.GROUP_YEAR_LEVELS[key] = round(level, 4)
        params.HEADLINE_SHIFTS[key] = round(headline - level, 4)
