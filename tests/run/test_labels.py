"""Report texts as configuration data: [labels.headings|phrases|texts] and their defaults."""

from __future__ import annotations

import tomllib
from pathlib import Path

from survey_kit.run.config import parse_config

ROOT = Path(__file__).resolve().parents[2]
TRYG = ROOT / "reports" / "tryghedsmaaling.toml"


def _raw() -> dict:
    return tomllib.loads(TRYG.read_text(encoding="utf-8"))


def test_bundled_texts_are_read() -> None:
    cfg = parse_config(_raw(), TRYG.parent)
    assert cfg.heading("gender") == "Køn" and cfg.heading("menapt") == "Herkomst"
    assert cfg.phrase("almene") == "de almene boliger i hele landet"
    assert cfg.text("survey_name") == "trygheds- og trivselsmålingen"
    assert cfg.noun("age_group") == "aldersgruppe" and cfg.noun("stratum") == "stratum"
    assert cfg.text("topic") == "Tryghed og trivsel"


def test_a_configuration_without_texts_gets_the_bundled_ones_of_its_survey() -> None:
    raw = _raw()
    for table in ("headings", "phrases", "texts"):
        del raw["labels"][table]
    cfg = parse_config(raw, TRYG.parent)
    assert cfg.heading("age_group") == "Alder"
    assert cfg.phrase("befolkning") == "hele befolkningen"
    raw["run"]["survey"] = "livsmestring"
    youth = parse_config(raw, TRYG.parent)
    assert youth.heading("gruppe") == "Køn og MENAPT-baggrund"
    assert youth.text("survey_name") == "livsmestringsundersøgelsen"


def test_own_texts_win_and_unknown_ones_fall_back_to_the_data() -> None:
    raw = _raw()
    raw["labels"]["headings"] = {"gender": "Kønsidentitet"}
    raw["labels"]["phrases"] = {}
    cfg = parse_config(raw, TRYG.parent)
    assert cfg.heading("gender") == "Kønsidentitet"
    assert cfg.heading("menapt") == "Herkomst"  # the default fills what is not given
    assert cfg.heading("region") == "region"  # no heading anywhere: the column name
    assert cfg.phrase("nyt_omraade") == "nyt_omraade"  # no label: the value, lower case
    assert cfg.label("group", "almene") == "Almene boliger"


def test_the_low_on_several_indicator_is_switched_on_by_its_key() -> None:
    raw = _raw()
    assert parse_config(raw, TRYG.parent).low_min_dimensions is None
    raw["report"]["low_min_dimensions"] = 2
    assert parse_config(raw, TRYG.parent).low_min_dimensions == 2
