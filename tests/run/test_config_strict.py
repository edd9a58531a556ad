"""A strict run configuration: every key checked inside every section, with a "did you
mean" for near misses, wrong kinds named, and every path read relative to the file."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

import survey_kit as sk
from survey_kit.run.config import KEYS, load_config, parse_config

BASE = {"run": {"name": "x", "questionnaire": "tryghed_trivsel"}, "data": {"demo": True}}


def _with(patch: dict) -> dict:
    """BASE with the keys of ``patch`` set, section by section."""
    raw = copy.deepcopy(BASE)
    for section, table in patch.items():
        raw.setdefault(section, {}).update(table)
    return raw


@pytest.mark.parametrize(
    "patch,message",
    [
        ({"report": {"suppresion_threshold": 20}},
         r"^\[report\]: unknown key 'suppresion_threshold'; did you mean "
         r"'suppression_threshold'\?$"),
        ({"comparison": {"subgroup": ["gender"]}},
         r"^\[comparison\]: unknown key 'subgroup'; did you mean 'subgroups'\?$"),
        ({"weigthing": {}}, r"^unknown section \[weigthing\]; did you mean 'weighting'\?"),
        ({"data": {"demo": False, "files": [{"path": "a.csv", "yaer": 2021}]}},
         r"^\[data\] files\[0\]: unknown key 'yaer'; did you mean 'year'\?$"),
        ({"small_area": {"metod": "REML"}}, r"^\[small_area\]: unknown key 'metod'; did you "
                                            r"mean 'method'\?$"),
        ({"validation": {"max_blank": 0.1}}, r"did you mean 'max_blank_share'\?$"),
        ({"run": {"colour": "red"}},
         r"^\[run\]: unknown key 'colour'; expected one of name, output, questionnaire, survey$"),
        ({"design": {"Weight": "w"}}, r"^\[design\]: unknown key 'Weight'; did you mean "
                                      r"'weight'\?$"),
        ({"comparison": {"subgroups": "gender"}},
         r"^\[comparison\]: key 'subgroups' must be a list, found 'gender'$"),
        ({"report": {"level": "0.95"}},
         r"^\[report\]: key 'level' must be a whole number or a number, found '0.95'$"),
        ({"report": {"suppression_threshold": True}},
         r"key 'suppression_threshold' must be a whole number, found True$"),
        ({"design": {"lonely_psu": "ajust"}},
         r"^\[design\]: key 'lonely_psu' must be one of fail, remove, adjust, certainty, "
         r"average, found 'ajust'; did you mean 'adjust'\?$"),
        ({"labels": {"group": "x"}},
         r"^\[labels\]: key 'group' must be a table of value = label \(\[labels.group\] with "
         r"one line per value\), found 'x'$"),
        ({"labels": {"group": {"almene": 3}}},
         r"^\[labels.group\]: the label of 'almene' must be a text, found 3$"),
        ({"labels": {"texts": {"survey_nmae": "x"}}},
         r"^\[labels.texts\]: unknown key 'survey_nmae'; did you mean 'survey_name'\?$"),
        ({"validation": {"max_blank_share": 1.5}},
         r"^\[validation\]: key 'max_blank_share' must be a share between 0 and 1, found 1.5$"),
        ({"weighting": {"method": "raking"}},
         r"key 'method' must be one of rake, calibrate, found 'raking'; did you mean 'rake'\?"),
        ({"weighting": {"calfun": "logit"}},
         r"key 'calfun' applies to method = \"calibrate\""),
        ({"weighting": {"method": "calibrate", "calfun": "logit"}},
         r"calfun = \"logit\" needs 'bounds'"),
        ({"weighting": {"method": "calibrate", "calfun": "linar"}},
         r"key 'calfun' must be one of linear, raking, logit, found 'linar'; did you mean "
         r"'linear'\?"),
        ({"weighting": {"method": "calibrate", "trim_upper": 3}},
         r"key 'trim_upper' \(trim, then re-rake\) applies to method = \"rake\""),
        ({"report": {"date": "30-11-2024"}}, r"key 'date' must be a date \(2024-11-30\)"),
        ({"comparison": {"focus": "helhedsplan"}}, r"key 'focus' needs 'group'"),
        ({"comparison": {"group": "group", "groups": ["a", "b"], "focus": "bb"}},
         r"key 'focus' must be one of 'groups' \(a, b\), found 'bb'; did you mean 'b'\?"),
        ({"comparison": {"group": "group", "groups": ["a", "a"]}}, r"lists 'a' twice"),
        ({"run": {"questionnaire": "tryghed_trivsl"}},
         r"'tryghed_trivsl' is not a bundled questionnaire \(livsmestring, tryghed_trivsel\); "
         r"did you mean 'tryghed_trivsel'\?"),
        ({"data": {"files": ["a.csv"]}}, r"give either 'files' or 'demo = true', not both"),
    ],
)
def test_every_key_is_checked(patch: dict, message: str) -> None:
    with pytest.raises(sk.ConfigError, match=message):
        parse_config(_with(patch), Path("."))


def test_every_documented_key_is_accepted() -> None:
    """The bundled configurations use only known keys, and every known key is read."""
    cfg = parse_config(_with({
        "data": {"year": 2021, "id_column": "id"},
        "design": {"weight": "w", "strata": "s", "psu": "p", "fpc": "f", "lonely_psu": "remove"},
        "weighting": {"margins": "m.csv", "by": ["year"], "method": "calibrate",
                      "calfun": "logit", "bounds": [0.5, 3]},
        "comparison": {"group": "g", "groups": ["a", "b"], "focus": "a", "year": "year",
                       "area": "area", "subgroups": ["gender"], "crossings": [["gender", "a"]]},
        "report": {"suppression_threshold": 8, "level": 0.9, "adjust": "BH",
                   "low_threshold": 0.4, "low_min_dimensions": 2, "date": "2024-11-30"},
        "validation": {"max_blank_share": 0.2, "max_reject_share": 0.1},
    }), Path("/base"))
    assert (cfg.weighting_method, cfg.calfun, cfg.bounds) == ("calibrate", "logit", (0.5, 3.0))
    assert (cfg.thresholds.max_blank_share, cfg.thresholds.max_reject_share) == (0.2, 0.1)
    assert cfg.margins == Path("/base/m.csv") and cfg.date == "2024-11-30"
    assert set(KEYS) == {"run", "data", "design", "weighting", "comparison", "report",
                         "validation", "small_area", "labels"}


def test_validation_limits_default_to_validate() -> None:
    from survey_kit.respondents import Thresholds

    assert parse_config(_with({}), Path(".")).thresholds == Thresholds()


def _spec(folder: Path) -> Path:
    """A copy of the bundled questionnaire as ``folder/spec.yaml``."""
    text = Path(str(sk.load_questionnaire("tryghed_trivsel").path)).read_text(encoding="utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_questionnaire_path_is_read_next_to_the_configuration(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "project"
    _spec(project / "specs")
    config = project / "run.toml"
    config.write_text('[run]\nname = "x"\nquestionnaire = "specs/spec.yaml"\n'
                      '[data]\ndemo = true\n', encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    _spec(elsewhere / "specs")  # a different spec.yaml under the working directory
    monkeypatch.chdir(elsewhere)
    cfg = load_config(Path("..") / "project" / "run.toml")
    assert Path(cfg.spec).resolve() == (project / "specs" / "spec.yaml").resolve()
    assert cfg.questionnaire == "specs/spec.yaml"  # as written, for the manifest


def test_a_questionnaire_only_in_the_working_directory_is_never_used(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "project"
    project.mkdir()
    config = project / "run.toml"
    config.write_text('[run]\nname = "x"\nquestionnaire = "spec.yaml"\n[data]\ndemo = true\n',
                      encoding="utf-8")
    _spec(tmp_path)  # tmp_path/spec.yaml: where the working directory is
    monkeypatch.chdir(tmp_path)
    with pytest.raises(sk.ConfigError, match=r"run.toml: \[run\]: key 'questionnaire': file "
                                             r"'spec.yaml' not found \(paths are relative to "
                                             r"the configuration's folder"):
        load_config("project/run.toml")


def test_data_margins_and_output_paths_are_relative_to_the_configuration(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "cfg"
    folder.mkdir()
    (folder / "run.toml").write_text(
        '[run]\nname = "x"\nquestionnaire = "tryghed_trivsel"\noutput = "ud"\n'
        '[data]\nfiles = ["data/a.csv", {path = "../b.csv", year = 2021}]\n'
        '[weighting]\nmargins = "m.csv"\n[small_area]\narea_margins = "am.csv"\n',
        encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    cfg = load_config("cfg/run.toml")
    assert [f.path for f in cfg.files] == [Path("cfg/data/a.csv"), Path("cfg/../b.csv")]
    assert [f.shown for f in cfg.files] == ["data/a.csv", "../b.csv"]
    assert (cfg.output, cfg.margins) == (Path("cfg/ud"), Path("cfg/m.csv"))
    assert cfg.small_area.area_margins == Path("cfg/am.csv")


def test_a_configuration_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    path = tmp_path / "run.toml"
    path.write_bytes('[run]\nname = "Tryghed i Ærø"\n'.encode("cp1252"))
    with pytest.raises(sk.ConfigError, match=r"run.toml: not UTF-8 text \(byte 24\)"):
        load_config(path)


def test_the_report_date_may_be_a_toml_date(tmp_path: Path) -> None:
    path = tmp_path / "run.toml"
    path.write_text('[run]\nname = "x"\nquestionnaire = "tryghed_trivsel"\n[data]\ndemo = true\n'
                    '[report]\ndate = 2024-11-30\n', encoding="utf-8")
    assert load_config(path).date == "2024-11-30"
