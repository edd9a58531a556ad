"""`survey-kit validate`: exit codes, the rejects file and one-line errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from survey_kit.cli import COMMANDS, main
from survey_kit.spec import load_questionnaire

MINI = Path(__file__).parent / "data" / "mini.yaml"


def _write(tmp_path: Path, bad: bool) -> Path:
    q = load_questionnaire("tryghed_trivsel")
    data = pd.DataFrame({item.id: [1, 2, 1] for item in q.items})
    data.insert(0, "resp_id", [1, 2, 3])
    if bad:
        data.loc[1, "ot1_tryg_omraade"] = 6
        data.loc[2, "resp_id"] = 1
    path = tmp_path / "svar.csv"
    data.to_csv(path, index=False)
    return path


def test_clean_file_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, bad=False)
    assert main(["validate", str(path), "--questionnaire", "tryghed_trivsel"]) == 0
    assert capsys.readouterr().out.strip() == f"{path}: tryghed_trivsel: 3 rows, all valid"
    assert not (tmp_path / "svar.rejects.csv").exists()


def test_problems_exit_1_and_write_rejects(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, bad=True)
    assert main(["validate", str(path), "--questionnaire", "tryghed_trivsel"]) == 1
    target = tmp_path / "svar.rejects.csv"
    out = capsys.readouterr().out.strip().splitlines()
    assert out[0] == f"{path}: tryghed_trivsel: 3 rows, 2 kept, 1 rejected (33.3 %)"
    assert out[-1] == f"rejects written to {target}"
    rejects = pd.read_csv(target)
    assert list(rejects.columns) == ["row", "column", "value", "reason", "problem", "action",
                                     "id", "source_row"]
    assert rejects["row"].tolist() == [1, 2]
    assert rejects["column"].tolist() == ["ot1_tryg_omraade", "resp_id"]


def test_rejects_option_and_path_spec(tmp_path: Path) -> None:
    path = _write(tmp_path, bad=True)
    target = tmp_path / "andet.csv"
    spec = str(Path(__file__).parent.parent / "questionnaires" / "tryghed_trivsel.yaml")
    assert main(["validate", str(path), "-q", spec, "--rejects", str(target)]) == 1
    assert len(pd.read_csv(target)) == 2


def test_data_errors_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, bad=False)
    assert main(["validate", str(path), "--questionnaire", str(MINI)]) == 2
    err = capsys.readouterr().err
    assert err == (
        "survey-kit: error: data lacks 5 item column(s) required by questionnaire 'mini': "
        "a1, a2, a3, b1, b2\n"
    )
    assert main(["validate", str(path), "--questionnaire", "nope"]) == 2
    assert capsys.readouterr().err.startswith("survey-kit: error: unknown questionnaire 'nope'")
    assert main(["validate", str(tmp_path / "x.csv"), "--questionnaire", "livsmestring"]) == 2
    assert capsys.readouterr().err.endswith("x.csv: data file not found\n")


def test_usage_errors_and_registry(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 2
    assert "usage: survey-kit validate" in capsys.readouterr().err
    assert main([]) == 2
    assert "validate" in COMMANDS
    assert COMMANDS["validate"].help


def test_console_entry_point_without_traceback(tmp_path: Path) -> None:
    path = _write(tmp_path, bad=True)
    result = subprocess.run(
        [sys.executable, "-m", "survey_kit.cli", "validate", str(path), "-q", "livsmestring"],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("survey-kit: error: data lacks 17 item column(s)")
    assert "Traceback" not in result.stderr
    ok = subprocess.run(
        [sys.executable, "-m", "survey_kit.cli", "validate", str(path), "-q", "tryghed_trivsel"],
        capture_output=True, text=True, check=False,
    )
    assert ok.returncode == 1 and ok.stdout.splitlines()[-1].startswith("rejects written to")


def test_rejects_file_is_formula_safe(tmp_path: Path) -> None:
    """A hostile value in the data cannot become a spreadsheet formula in the rejects file."""
    from survey_kit.cli import write_csv_atomic

    target = tmp_path / "rejects.csv"
    write_csv_atomic(pd.DataFrame({"row": [1], "value": ["=HYPERLINK(\"http://x\")"]}), target)
    text = target.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
