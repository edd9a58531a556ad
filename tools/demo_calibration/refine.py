"""Refining the demo calibration on simulated data sets (offline; not part of the package).

:func:`refine` (used by ``calibrate.py --refine K``) simulates ``K`` data sets, rakes them
with the package (:mod:`survey_kit.datasets.check`) and corrects the generator parameters by
the mean remaining error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

import pandas as pd

from survey_kit.datasets import params
from survey_kit.datasets.check import cell_estimates, raked_design
from survey_kit.datasets.demo import _build
from survey_kit.datasets.targets import ASSUMED_SHARES, TRYGHED_SHARES

SCORE_SLOPE = 0.15
"""Approximate change of a 0-1 dimension score per latent unit (for the correction)."""
SHARE_SLOPE = 0.30
"""Approximate change of a headline share (0-1) per latent unit near 75-90 %."""


def refine(k: int, dimension_targets: Mapping[tuple[str, str, int], float]) -> None:
    """Correct ``params`` in place by the mean error over ``k`` simulated data sets, against
    the expected 0-1 dimension scores ``dimension_targets`` (dimension, group, year)."""
    shares = {**TRYGHED_SHARES, **ASSUMED_SHARES}
    estimates = []
    for seed in range(k):
        _build.cache_clear()
        estimates.append(cell_estimates(raked_design(_build(10_000 + seed))))
    mean = pd.concat(estimates).groupby(["dimension", "group", "year"]).mean()
    for index, row in mean.iterrows():
        dim, group, year = cast(tuple[Any, Any, Any], index)
        key = (str(dim), str(group), int(year))
        score_error = dimension_targets[key] - row["score"]
        share_error = shares[key] / 100 - row["share"]
        old = params.GROUP_YEAR_LEVELS[key]
        level = old + score_error / SCORE_SLOPE
        headline = old + params.HEADLINE_SHIFTS[key] + share_error / SHARE_SLOPE
        params.GROUP_YEAR_LEVELS[key] = round(level, 4)
        params.HEADLINE_SHIFTS[key] = round(headline - level, 4)
