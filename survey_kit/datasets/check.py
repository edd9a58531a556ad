"""Checking the demo data with the package itself: raked design and headline cell estimates.

:func:`raked_design` scores the demo tryghedsmåling and rakes the design weights to the
register margins; :func:`cell_estimates` gives the headline shares and dimension means
per group x round (what the tests hold to the published figures, and what the offline
calibration tool in ``tools/demo_calibration/`` corrects the generator parameters by).
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np
import pandas as pd

from survey_kit.datasets.demo import Demo
from survey_kit.design import Design
from survey_kit.spec import load_questionnaire


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
