"""`survey-kit init DATA`: draft questionnaire and run configuration from SPSS and CSV files."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import survey_kit as sk
from survey_kit.cli import main
from survey_kit.errors import DataValidationError
from survey_kit.run.config import load_config
from survey_kit.scaffold import init_project

EXAMPLE = Path(__file__).parent.parent.parent / "examples" / "own_data" / "survey_2024.csv"


def _csv(folder: Path, name: str = "svar_2024.csv") -> Path:
    rng = np.random.default_rng(3)
    n = 120
    data = pd.DataFrame({
        "resp_id": [f"{k:04d}" for k in range(n)], "aar": 2024,
        "stratum": rng.choice(["nord", "syd"], n), "afdeling": rng.integers(1, 9, n),
        "omraade": rng.choice(["Engparken", "Søndervang"], n),
        "vaegt": rng.uniform(10, 30, n).round(2), "koen": rng.choice(["kvinde", "mand"], n),
    })
    for k in range(1, 7):
        answers = rng.integers(1, 6, n).astype(float)
        answers[rng.random(n) < 0.1] = 9
        data[f"q{k}"] = answers.astype(int)
    data["tilfreds"] = np.where(rng.random(n) < 0.05, rng.choice([98, 99], n),
                                np.resize(np.arange(11), n))
    data.loc[5, "q4"] = 33
    path = folder / name
    data.to_csv(path, sep=";", decimal=",", index=False, encoding="utf-8-sig")
    return path


def test_csv_draft_passes_the_strict_loader_and_names_the_design(tmp_path: Path) -> None:
    path = _csv(tmp_path)
    result = init_project(path)
    assert (result.spec_path, result.config_path) == (tmp_path / "svar_2024.yaml",
                                                      tmp_path / "svar_2024.toml")
    q = sk.load_questionnaire(result.spec_path)  # strict: every key, every id checked
    assert [i.id for i in q.items] == [*(f"q{k}" for k in range(1, 7)), "tilfreds"]
    assert all(item.provisional and item.note for item in q.items)
    likert, ten = q.item("q1").scale, q.item("tilfreds").scale
    assert (likert.kind, likert.codes, likert.missing_codes) == ("ordinal", (1, 2, 3, 4, 5), (9,))
    assert likert.missing[0].kind == "dont_know"
    assert (ten.kind, ten.low, ten.high, ten.missing_codes) == ("numeric", 0, 10, (98, 99))
    assert [d.id for d in q.dimensions] == ["q", "tilfreds_dim"] and q.rounds == (2024,)
    assert result.notes == ("value 33 in 'q4' (1 row) is left out of its scale: correct the "
                            "data or add the code",)
    cfg = load_config(result.config_path)
    assert (cfg.weight, cfg.strata, cfg.psu, cfg.year, cfg.area, cfg.id_column) == (
        "vaegt", "stratum", "afdeling", "aar", "omraade", "resp_id")
    assert cfg.subgroups == ("koen",) and cfg.group is None and cfg.fpc is None
    assert cfg.files[0].path == path and cfg.questionnaire == "svar_2024.yaml"
    text = result.config_path.read_text(encoding="utf-8")
    assert text.count("# TODO") >= 9
    report = sk.load_questionnaire(result.spec_path).validate(sk.read_data(path))
    assert report.rejects[["column", "value", "action"]].values.tolist() == [
        ["q4", 33, "blanked"]]


def test_spss_draft_takes_scales_and_missing_codes_from_labels(tmp_path: Path) -> None:
    bundled = sk.load_questionnaire("tryghed_trivsel")
    data = sk.datasets.load_demo().tryghed.head(300)
    path = sk.write_sav(data, tmp_path / "tryghed.sav", bundled)
    draft = init_project(path).questionnaire
    for item in bundled.items:  # every item as the labelled file says, wording included
        got = draft.item(item.id)
        assert (got.text, got.scale.kind, got.scale.codes) == (item.text, item.scale.kind,
                                                               item.scale.codes)
        assert dict(got.scale.labels) == dict(item.scale.labels)
        assert got.scale.missing == item.scale.missing  # codes, labels and kinds
    config = tomllib.loads((tmp_path / "tryghed.toml").read_text(encoding="utf-8"))
    assert config["design"] == {"weight": "design_weight", "strata": "stratum", "psu": "psu",
                                "fpc": "", "lonely_psu": "adjust"}
    assert config["comparison"]["group"] == "group"
    assert config["comparison"]["subgroups"][:3] == ["gender", "age_group", "menapt"]


def test_existing_drafts_are_kept_unless_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _csv(tmp_path)
    assert main(["init", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"wrote {tmp_path / 'svar_2024.yaml'} (7 items in 2 dimensions, "
                          "2 scales; every item provisional)")
    assert f"  2. survey-kit validate {path} --questionnaire {tmp_path / 'svar_2024.yaml'}" in out
    spec = tmp_path / "svar_2024.yaml"
    spec.write_text("# my edits\n", encoding="utf-8")
    assert main(["init", str(path)]) == 2
    assert capsys.readouterr().err == (
        f"survey-kit: error: {spec} and {tmp_path / 'svar_2024.toml'} already exist; use "
        "--force to overwrite\n")
    assert spec.read_text(encoding="utf-8") == "# my edits\n"
    assert main(["init", str(path), "--force"]) == 0
    assert spec.read_text(encoding="utf-8").startswith("# Draft questionnaire")


def test_out_folder_and_relative_paths(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    path = _csv(tmp_path / "data")
    result = init_project(path, out_dir=tmp_path / "config")
    assert load_config(result.config_path).files[0].path.resolve() == path.resolve()
    assert 'files = ["../data/svar_2024.csv"]' in result.config_path.read_text(encoding="utf-8")
    assert not list((tmp_path / "config").glob(".*"))  # no temporary files left


def test_columns_that_cannot_be_item_ids(tmp_path: Path) -> None:
    path = tmp_path / "SPSS eksport.csv"
    pd.DataFrame({"RespID": [1, 2, 3], "Q1": [1, 2, 3], "q2": [1, 2, 3]}).to_csv(path,
                                                                             index=False)
    result = init_project(path)
    assert result.spec_path.name == "spss_eksport.yaml"
    assert [i.id for i in result.questionnaire.items] == ["q2"]
    assert result.notes == ("1 column(s) hold answer codes but cannot be item ids: 'Q1'; rename "
                            "them in the data (lowercase a-z, 0-9 and _, e.g. Q1 -> q1) and run "
                            "init again",)
    only_bad = tmp_path / "bad.csv"
    pd.DataFrame({"Q1": [1, 2, 3], "navn": ["a", "b", "c"]}).to_csv(only_bad, index=False)
    with pytest.raises(DataValidationError, match=r"bad\.csv: no column looks like answer "
                       r"codes"):
        init_project(only_bad)
    assert not (tmp_path / "bad.yaml").exists()


def test_the_example_file_of_the_readme(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                        ) -> None:
    result = init_project(EXAMPLE, out_dir=tmp_path)
    q = result.questionnaire
    assert [i.id for i in q.items] == ["tryg1", "tryg2", "tryg3", "tryg4", "trivsel1",
                                       "trivsel2", "trivsel3", "tilfreds"]
    spec = str(result.spec_path)
    assert main(["validate", str(EXAMPLE), "-q", spec, "--rejects",
                 str(tmp_path / "r.csv")]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{EXAMPLE}: survey_2024: 400 rows, 400 kept, 0 rejected (0.0 %)"
    assert "1 × code 33 in trivsel2 is not a code of scale 's1_5'" in out[3]
    assert out[-2].startswith("  within the limits")
