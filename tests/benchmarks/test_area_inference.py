"""A fast run of the area-inference simulation study (benchmarks/area_inference.py).

Three fresh samples of the demo population and one of the null population, each analysed
exactly as the annual run does.  The bounds are loose (the 500-sample study in
benchmarks/results/ gives the real figures) but catch what matters: intervals on the whole
design's df instead of the area's cover far less than 95 %, and in the null population every
true contrast is zero.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

PATH = Path(__file__).parents[2] / "benchmarks" / "area_inference.py"


@pytest.fixture(scope="module")
def study():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("area_inference", PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["area_inference"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def demo(study):  # type: ignore[no-untyped-def]
    return study.simulate("demo", 3)


def test_direct_and_fh_intervals_cover(study, demo) -> None:  # type: ignore[no-untyped-def]
    cov = study.coverage_table(demo["direct"], demo["fh"]).set_index("area size")
    assert cov.loc["all", "cells"] == 3 * 66 * 2 * 13
    assert 0.91 <= cov.loc["all", "direct coverage"] <= 0.99
    assert 0.88 <= cov.loc["all", "FH coverage"] <= 0.99
    rmse = study.rmse_table(demo["direct"], demo["fh"]).set_index("area size")
    assert rmse.loc["all", "FH / direct"] < 0.9


def test_null_population_has_only_false_statements(study) -> None:  # type: ignore[no-untyped-def]
    null = study.simulate("null", 1)
    con = null["contrasts"]
    assert (con["true_difference"] == 0).all()
    table = study.statement_table(con).set_index("statements")
    made = con["significant"].sum()
    tested = con["p_adjusted"].notna().sum()
    np.testing.assert_allclose(table.loc["all statements", "false per contrast"], made / tested)
    assert table.loc["all statements", "pages with a false statement"] <= 0.2
