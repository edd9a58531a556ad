"""Run configuration: the bundled files load, and every bad key is named."""

from __future__ import annotations

from pathlib import Path

import pytest

import survey_kit as sk
from survey_kit.run.config import load_config, parse_config

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", ["tryghedsmaaling", "livsmestring"])
def test_bundled_configurations_load(name: str) -> None:
    cfg = load_config(ROOT / "reports" / f"{name}.toml")
    assert cfg.demo and cfg.suppression_threshold == 10 and cfg.adjust == "holm"
    assert cfg.output == ROOT / "reports" / "out" / name


def test_tryghed_configuration_values() -> None:
    cfg = load_config(ROOT / "reports" / "tryghedsmaaling.toml")
    assert cfg.weighting_by == ("year", "group") and cfg.bounds == (0.2, 8.0)
    assert cfg.subgroups == ("gender", "menapt", "age_group")
    assert cfg.crossings == (("gender", "menapt"),)
    assert cfg.labels["group"]["almene"] == "Almene boliger"
    assert cfg.fpc is None and cfg.lonely_psu == "adjust"


BASE = {"run": {"name": "x", "questionnaire": "tryghed_trivsel"}, "data": {"demo": True}}


@pytest.mark.parametrize(
    "patch,message",
    [
        ({"run": {"questionnaire": "q"}}, r"\[run\]: missing key 'name'"),
        ({"run": {"name": "x", "questionnaire": "q", "survey": "other"}}, r"key 'survey'"),
        ({"data": {}}, r"\[data\]: give 'files'"),
        ({"data": {"demo": "yes"}}, r"key 'demo' must be true or false, found 'yes'"),
        ({"report": {"adjust": "tukey"}}, r"key 'adjust' must be one of holm, "),
        ({"report": {"suppression_threshold": 3}}, r"must be at least 5"),
        ({"report": {"level": 95}}, r"key 'level' must be between"),
        ({"weighting": {"bounds": [2, 1]}}, r"key 'bounds' must be \[low, high\]"),
        ({"comparison": {"crossings": ["gender"]}}, r"key 'crossings' must be a list of lists"),
        ({"extra": {}}, r"unknown section \[extra\]"),
        ({"data": {"files": [{"year": 2018}]}}, r"\[data\] files\[0\]: missing key 'path'"),
    ],
)
def test_bad_configuration_names_the_key(patch: dict, message: str) -> None:
    raw = {**BASE, **patch}
    with pytest.raises(sk.ConfigError, match=message):
        parse_config(raw, Path("."))


def test_missing_and_invalid_files(tmp_path: Path) -> None:
    with pytest.raises(sk.ConfigError, match="configuration file not found"):
        load_config(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[run\nname=")
    with pytest.raises(sk.ConfigError, match=r"bad.toml: not valid TOML"):
        load_config(bad)
    files = tmp_path / "files.toml"
    files.write_text('[run]\nname="x"\nquestionnaire="tryghed_trivsel"\n[data]\n'
                     'files=[{path="a.sav", year=2018}, "b.csv"]\n')
    cfg = load_config(files)
    assert [f.path for f in cfg.files] == [tmp_path / "a.sav", tmp_path / "b.csv"]
    assert [f.year for f in cfg.files] == [2018, None]


def test_demo_command_finds_its_bundled_configurations() -> None:
    from importlib import resources

    from survey_kit.cli import COMMANDS

    assert {"demo", "run", "validate"} <= set(COMMANDS)
    configs = resources.files("survey_kit.run") / "configs"
    for name in ("tryghedsmaaling", "livsmestring"):
        with resources.as_file(configs / f"{name}.toml") as path:
            cfg = load_config(path)
        assert cfg.demo and cfg.questionnaire in ("tryghed_trivsel", "livsmestring")
