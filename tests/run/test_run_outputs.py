"""What a run writes is reproducible and tied to no machine: identical inputs give
byte-identical files (the workbook included; the timings are a file of their own), no output
holds an absolute path, and long names are shortened in file names."""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from survey_kit.cli import main
from survey_kit.run.folders import MAX_STEM


def _hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _contents(path: Path) -> bytes:
    """The bytes of a file; the members of a workbook unpacked."""
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as archive:
            return b"".join(archive.read(name) for name in archive.namelist())
    return path.read_bytes()


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory, new_project: Callable[[Path], Any]
             ) -> tuple[Path, Path, Path]:
    """The project run twice, into two folders, from another working directory."""
    root = tmp_path_factory.mktemp("repro") / "project"
    project = new_project(root)
    project.write()
    here = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("elsewhere"))
    try:
        for name in ("first", "second"):
            assert main(["run", str(project.config), "--out", str(root / name), "--quiet"]) == 0
    finally:
        os.chdir(here)
    return root, root / "first", root / "second"


def test_identical_inputs_give_identical_bytes(two_runs: tuple[Path, Path, Path]) -> None:
    _, first, second = two_runs
    a, b = _hashes(first), _hashes(second)
    assert a.keys() == b.keys()
    assert {"signifikanstabeller.xlsx", "manifest.json", "omraader/engparken.pdf",
            "figurer/grupper_index.svg", "timings.json"} <= a.keys()
    differ = sorted(name for name in a if a[name] != b[name])
    assert differ == ["timings.json"]
    manifest = json.loads((first / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["timings"] == "timings.json" and "timings.json" not in manifest["outputs"]
    assert set(manifest["outputs"]) == set(a) - {"timings.json", "manifest.json"}
    assert set(json.loads((first / "timings.json").read_text(encoding="utf-8"))) >= {
        "read", "validate", "weight", "analyse"}


def test_no_output_holds_an_absolute_path(two_runs: tuple[Path, Path, Path]) -> None:
    root, first, _ = two_runs
    needles = [str(root).encode(), str(root.parent).encode(), str(Path.cwd()).encode()]
    for path in sorted(first.rglob("*")):
        if path.is_file():
            data = _contents(path)
            assert not any(n in data for n in needles), path
    manifest = json.loads((first / "manifest.json").read_text(encoding="utf-8"))
    config = manifest["configuration"]
    assert (config["source"], config["questionnaire"], config["output"]) == (
        "run.toml", "spec/survey.yaml", "out")
    assert [f["path"] for f in config["files"]] == ["data/survey_2023.csv",
                                                     "data/survey_2024.csv"]
    assert [i["file"] for i in manifest["inputs"]] == ["data/survey_2023.csv",
                                                        "data/survey_2024.csv"]
    sheet = openpyxl.load_workbook(first / "signifikanstabeller.xlsx")["Indhold"]
    texts = [c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "data/survey_2023.csv: 200 rækker" in texts


def test_the_workbook_describes_effective_n_as_computed(two_runs: tuple[Path, Path, Path]
                                                       ) -> None:
    _, first, _ = two_runs
    book = openpyxl.load_workbook(first / "signifikanstabeller.xlsx")
    notes = [c for ws in book.worksheets[1:2] for row in ws.iter_rows(values_only=True)
             for c in row if isinstance(c, str) and "Effektivt n:" in c]
    assert notes == ["n: antal besvarelser (uvægtet). Effektivt n: (summen af vægtene)² / "
                     "summen af de kvadrerede vægte (Kish), dvs. n rettet for vægtenes "
                     "spredning."]


def test_the_pages_follow_the_spec_not_the_bundled_survey(two_runs: tuple[Path, Path, Path]
                                                          ) -> None:
    """The drafted spec has three dimensions and no descriptions: no page speaks of six
    dimensions or of the bundled survey."""
    _, first, _ = two_runs
    for page in (first / "omraader").glob("*.html"):
        if page.name == "index.html":  # the list of the area pages
            continue
        html = page.read_text(encoding="utf-8")
        assert "seks" not in html and "trygheds- og trivselsmålingen" not in html
        assert "lægger de tre dimensioner sammen" in html
        assert "Tallene kommer fra survey_2024 (TODO: title)" in html


def test_a_long_area_name_is_shortened_in_file_names(
        project, capsys: pytest.CaptureFixture[str]) -> None:
    long_name = "Engparken " + "meget langt navn " * 294  # 5,007 characters as read

    def edit(year: int, rows: list[list[str]]) -> list[list[str]]:
        area = rows[0].index("omraade")
        return [rows[0], *([*r[:area], long_name if r[area] == "Engparken" else r[area],
                            *r[area + 1:]] for r in rows[1:])]

    project.write(edit=edit)
    code, err = project.run(capsys)
    assert code == 0, err
    names = sorted(p.name for p in (project.root / "out" / "omraader").iterdir()
                   if p.suffix in (".html", ".pdf")  # the area tables are CSV beside them
                   and p.name != "index.html")  # and the index of the pages
    assert len(names) == 4 and max(len(n) for n in names) <= MAX_STEM + len(".html")
    assert names[0].startswith("engparken-meget-langt-navn-") and names[2:] == [
        "lindegaarden.html", "lindegaarden.pdf"]
    assert ("  note: 1 value(s) of column 'omraade' longer than 100 characters (the longest "
            "5,007) are shown shortened; give them a label under [labels.omraade]"
            ) in err.splitlines()
    page = (project.root / "out" / "omraader" / names[0]).read_text(encoding="utf-8")
    assert "Engparken meget langt navn" in page and long_name not in page


def test_a_long_value_in_an_error_gives_a_short_line(
        project, capsys: pytest.CaptureFixture[str]) -> None:
    project.write()
    text = project.config.read_text(encoding="utf-8").replace(
        'groups = ["helhedsplan", "sammenligning"]', f'groups = ["helhedsplan", "{"x" * 5000}"]')
    project.config.write_text(text, encoding="utf-8")
    code, err = project.run(capsys)
    assert code == 2 and len(err.splitlines()) == 1
    assert len(err) < 400 and "(5,002 characters)" in err and "is not a value of column" in err
