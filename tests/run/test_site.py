"""The index of a run's area pages: ``[comparison] area_group`` read strictly, areas under
their group, and the rounds each page covers."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

import pandas as pd
import pytest
from report_fixtures import make_area_input

import survey_kit as sk
from survey_kit.run.config import parse_config
from survey_kit.run.site import area_groups, area_link, index_page

BASE = {"run": {"name": "Tryghed", "questionnaire": "tryghed_trivsel"},
        "data": {"demo": True},
        "comparison": {"group": "group", "groups": ["helhedsplan", "almene"],
                       "focus": "helhedsplan", "year": "year", "area": "area",
                       "area_group": "kommune"},
        "labels": {"kommune": {"101": "København"}}}


def _config(**comparison: object) -> sk.RunConfig:
    raw = copy.deepcopy(BASE)
    raw["comparison"].update(comparison)
    return parse_config(raw, Path("."))


@pytest.mark.parametrize("patch,message", [
    ({"area_grup": "kommune"}, r"^\[comparison\]: unknown key 'area_grup'; did you mean "
                               r"'area_group'\?$"),
    ({"area_group": 3}, r"^\[comparison\]: key 'area_group' must be a text"),
    ({"area": ""}, r"^\[comparison\]: key 'area_group' needs 'area'"),
])
def test_area_group_is_read_strictly(patch: dict, message: str) -> None:
    with pytest.raises(sk.ConfigError, match=message):
        _config(**patch)


def test_a_missing_area_group_column_is_named() -> None:
    from survey_kit.run.stages import check_required

    raw = pd.DataFrame({"resp_id": ["1"], "group": ["helhedsplan"], "year": [2021],
                        "area": ["A"], "source_file": ["f"], "source_row": [2]})
    with pytest.raises(sk.DataValidationError,
                       match=r"the area group column 'kommune' \(\[comparison\] area_group\) "
                             r"is not in the data"):
        check_required(_config(), raw)


def test_each_area_goes_under_the_group_most_of_its_rows_have() -> None:
    cfg = _config()
    data = pd.DataFrame({"area": ["A", "A", "A", "B", "C", "C"],
                         "kommune": [101.0, 101.0, 147.0, 147.0, None, None]})
    assert area_groups(cfg, data) == {"A": "København", "B": "147"}
    assert area_groups(_config(area_group=""), data) == {}


def test_the_index_lists_each_page_with_the_rounds_it_covers(tmp_path: Path) -> None:
    cfg = _config()
    data = make_area_input("Solbakken")
    shown = data.area_estimates[data.area_estimates["year"] == 2021]
    only_2021 = dataclasses.replace(make_area_input("Engparken"), area_estimates=shown)
    jobs = [(data, tmp_path / "solbakken.html", tmp_path / "solbakken.pdf"),
            (only_2021, tmp_path / "engparken.html", tmp_path / "engparken.pdf")]
    links = [area_link(job, {"Engparken": "Syd"}) for job in jobs]
    assert [(a.name, a.page, a.pdf, a.group, a.rounds) for a in links] == [
        ("Solbakken", "solbakken.html", "solbakken.pdf", "", ("2018", "2021")),
        ("Engparken", "engparken.html", "engparken.pdf", "Syd", ("2021",))]
    page = index_page(cfg, jobs, {"Engparken": "Syd"}, "2024-11-30")
    assert page.title == "Tryghed" and page.footer == "Udarbejdet 30. november 2024"
    assert page.lead.startswith("Her finder du en side for hvert område med resultaterne af "
                                "trygheds- og trivselsmålingen fra 2018 og 2021.")
    assert page.lead.endswith("Områderne står under deres kommune.")
