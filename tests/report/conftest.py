"""Fixtures of the report tests; the table builders live in report_fixtures.py."""

from __future__ import annotations

import pandas as pd
import pytest
from report_fixtures import (
    BANNER,
    VARIABLES,
    make_change_contrasts,
    make_estimates,
    make_group_contrasts,
)

from survey_kit.report import SignificanceInput, suppress


@pytest.fixture
def estimates() -> pd.DataFrame:
    return make_estimates()


@pytest.fixture
def significance_input() -> SignificanceInput:
    est = make_estimates()
    sup = suppress(est, {"group": make_group_contrasts(est), "year": make_change_contrasts(est)})
    return SignificanceInput(
        estimates=sup.estimates, variables=VARIABLES,
        group_contrasts=sup.contrasts["group"], change_contrasts=sup.contrasts["year"],
        banner=BANNER, sources=("Syntetiske testdata",), created="2024-05-01",
    )
