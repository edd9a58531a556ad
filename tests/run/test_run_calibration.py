"""Calibration in the run: ``[weighting] method = "calibrate"`` with a calfun and bounds, to
register counts of a categorical column and the population total of a numeric one (a
margins row with an empty level), checked against the targets it must meet."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from survey_kit.run import wording
from survey_kit.run.config import load_config
from survey_kit.run.pipeline import process

TARGETS = {2023: {"kvinde": 2150.0, "mand": 2010.0, "husstand": 12800.0},
           2024: {"kvinde": 2060.0, "mand": 2100.0, "husstand": 12300.0}}
MARGINS = "aar;variable;level;total\n" + "".join(
    f"{year};koen;{k};{t[k]:.0f}\n" for year, t in TARGETS.items() for k in ("kvinde", "mand")
) + "".join(f"{year};husstand;;{t['husstand']:.0f}\n" for year, t in TARGETS.items())


def _household(year: int, rows: list[list[str]]) -> list[list[str]]:
    """A numeric auxiliary: household size 1-5 from the respondent id."""
    head = rows[0].index("resp_id")
    return [[*rows[0], "husstand"],
            *([*r, str(1 + int(r[head]) * 7 % 5)] for r in rows[1:])]


def _write(project, weighting: str) -> None:
    project.write(edit=_household, extra=f'[weighting]\nmargins = "margins.csv"\n'
                                          f'by = ["aar"]\n{weighting}\n')
    (project.root / "margins.csv").write_text(MARGINS, encoding="utf-8")


@pytest.mark.parametrize("weighting,calfun,bounds", [
    ('method = "calibrate"', "linear", None),
    ('method = "calibrate"\ncalfun = "raking"\nbounds = [0.5, 2.0]', "raking", (0.5, 2.0)),
    ('method = "calibrate"\ncalfun = "logit"\nbounds = [0.4, 2.5]', "logit", (0.4, 2.5)),
])
def test_calibration_meets_categorical_and_numeric_totals(
        project, weighting: str, calfun: str, bounds: tuple[float, float] | None) -> None:
    _write(project, weighting)
    result = process(load_config(project.config))
    data, w = result.design.data, result.design.weights.to_numpy()
    base = data["vaegt"].to_numpy()
    assert result.design.weighting is not None
    assert result.design.weighting.method == f"calibrate:{calfun}"
    for year, targets in TARGETS.items():
        rows = (data["aar"] == year).to_numpy()
        for level in ("kvinde", "mand"):
            got = w[rows & (data["koen"] == level).to_numpy()].sum()
            np.testing.assert_allclose(got, targets[level], rtol=1e-8)
        total = (w[rows] * data.loc[rows, "husstand"].to_numpy(dtype=float)).sum()
        np.testing.assert_allclose(total, targets["husstand"], rtol=1e-8)
    if bounds is not None:
        ratio = w / base
        assert ratio.min() >= bounds[0] - 1e-9 and ratio.max() <= bounds[1] + 1e-9
    kind = {"linear": "lineær kalibrering", "raking": "kalibrering med raking-afstand",
            "logit": "kalibrering med logit-afstand"}[calfun]
    assert wording.method_notes(result)[0].startswith(
        f"Vægte: designvægte kalibreret til registertal ({kind}) inden for hver aar")


def test_the_run_records_calibration(project, capsys: pytest.CaptureFixture[str]) -> None:
    _write(project, 'method = "calibrate"')
    code, err = project.run(capsys)
    assert code == 0, err
    manifest = json.loads((project.root / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["weighting"]["method"] == "calibrate:linear"
    assert manifest["configuration"]["weighting_method"] == "calibrate"
    achieved = pd.read_csv(project.root / "out" / "kontrol" / "vaegtning_marginer.csv")
    numeric = achieved[achieved["variable"] == "husstand"]
    np.testing.assert_allclose(numeric["achieved"], numeric["target"], rtol=1e-8)


def test_numeric_totals_need_calibration(project, capsys: pytest.CaptureFixture[str]) -> None:
    _write(project, "")
    code, err = project.run(capsys)
    assert code == 2
    assert err.strip() == (
        "survey-kit: error: [weighting]: the margins hold totals of numeric column(s) husstand "
        "(rows with an empty level), which raking cannot meet; set method = \"calibrate\"")
