"""A run reads repeated texts as compact categoricals (survey_kit.io.compact_text); what the
run says about them is what it said about the text columns."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pandas as pd

from survey_kit.io.compact import compact_text, is_compact_text
from survey_kit.run import stages
from survey_kit.run.checks import psu_note
from survey_kit.run.config import load_config
from survey_kit.run.result import RunLog
from survey_kit.run.site import area_groups
from survey_kit.spec import load_questionnaire


def test_read_inputs_compacts_repeated_texts_only(project) -> None:
    project.write()
    cfg = load_config(project.config)
    q = load_questionnaire(cfg.spec)
    raw = stages.read_inputs(cfg, RunLog(), q=q)
    compact = {c for c in raw.columns if is_compact_text(raw[c].dtype)}
    assert {"gruppe", "omraade", "afdeling", "koen", "source_file"} <= compact
    assert cfg.id_column not in compact
    assert not compact & {item.id for item in q.items}
    assert raw["source_file"].iloc[0] == "data/survey_2023.csv"


def test_area_groups_as_with_text(tmp_path: Path) -> None:
    """An area whose rows all lack the area group has none (a categorical also counts the
    combinations it lacks)."""
    cfg = SimpleNamespace(area="area", area_group="region", label=lambda c, v: v.upper())
    data = pd.DataFrame({"area": ["a", "a", "b", "c", "c", "d"],
                         "region": ["n", "s", "s", None, None, "n"]}).astype("str")
    assert area_groups(cfg, compact_text(data)) == area_groups(cfg, data) == {
        "a": "N", "b": "S", "d": "N"}


def test_psu_note_names_the_same_example() -> None:
    """Three PSU ids in two strata each: the note's example is the first one met, whether
    the ids are text or compact text (whose categories are sorted)."""
    cfg = SimpleNamespace(psu="psu", strata="stratum")
    data = pd.DataFrame({"psu": ["p9", "p9", "p1", "p1", "p5", "p5", "x", "x"],
                         "stratum": ["s1", "s2"] * 3 + ["s1", "s1"]}).astype("str")
    text, compact = psu_note(cfg, data), psu_note(cfg, compact_text(data))
    assert text == compact and "(e.g. 'p9' in s1, s2)" in text[0]
