"""A small project of one's own data, as a new user would have it: the example file of the
README split into two rounds (semicolon CSV, decimal commas), the questionnaire drafted by
``survey-kit init`` from it, and a run configuration naming both files."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from survey_kit.cli import main
from survey_kit.scaffold import init_project

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "own_data" / "survey_2024.csv"
FOCUS = ("Engparken", "Lindegården")  # the areas of the focus group "helhedsplan"

CONFIG = """\
[run]
name = "Tryghed i egne data"
survey = "tryghed"
questionnaire = "spec/survey.yaml"
output = "out"

[data]
files = [{{ path = "data/survey_2023.csv", year = 2023 }},
         {{ path = "data/survey_2024.csv", year = 2024 }}]
id_column = "resp_id"

[design]
weight = "vaegt"
psu = "afdeling"

[comparison]
group = "gruppe"
groups = ["helhedsplan", "sammenligning"]
focus = "helhedsplan"
year = "aar"
area = "omraade"
subgroups = ["koen"]

[report]
date = "2024-11-30"
{extra}
"""


@pytest.fixture(scope="session")
def drafted_spec(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The questionnaire ``survey-kit init`` drafts from the example, for rounds 2023-24."""
    folder = tmp_path_factory.mktemp("init")
    shutil.copy(EXAMPLE, folder / EXAMPLE.name)
    text = init_project(folder / EXAMPLE.name).spec_path.read_text(encoding="utf-8")
    return text.replace("rounds: [2024]", "rounds: [2023, 2024]")


@dataclass
class Project:
    """The project folder; ``rows`` are the example's lines as cells (header first); the
    odd data rows are round 2023, the even ones round 2024."""

    root: Path
    spec: str
    rows: list[list[str]] = field(default_factory=list)

    @property
    def config(self) -> Path:
        return self.root / "run.toml"

    def write(self, extra: str = "", spec: str | None = None,
              edit: Callable[[int, list[list[str]]], list[list[str]]] | None = None) -> Path:
        """Write both round files (``edit(year, rows)`` may change a file's rows), the spec
        and the configuration (``extra`` appended); returns the configuration."""
        (self.root / "spec").mkdir(exist_ok=True)
        (self.root / "spec" / "survey.yaml").write_text(spec or self.spec, encoding="utf-8")
        (self.root / "data").mkdir(exist_ok=True)
        header, body = self.rows[0], self.rows[1:]
        for year, part in ((2023, body[0::2]), (2024, body[1::2])):
            rows = [header, *(_with_year(r, header, year) for r in part)]
            rows = edit(year, rows) if edit else rows
            text = "\n".join(";".join(r) for r in rows) + "\n"
            (self.root / "data" / f"survey_{year}.csv").write_text(text, encoding="utf-8")
        self.config.write_text(CONFIG.format(extra=extra), encoding="utf-8")
        return self.config

    def summary(self) -> str:
        """The run's console summary, from the statistics alone (nothing written)."""
        from survey_kit.run.config import load_config
        from survey_kit.run.pipeline import process

        lines: list[str] = []
        process(load_config(self.config), summary=lines.append)
        return "\n".join(lines)

    def run(self, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
        """``survey-kit run`` on the configuration; (exit code, stderr)."""
        code = main(["run", str(self.config), "--quiet", *args])
        return code, capsys.readouterr().err


def _with_year(row: list[str], header: list[str], year: int) -> list[str]:
    out = list(row)
    out[header.index("aar")] = str(year)
    return out


@pytest.fixture(scope="session")
def new_project(drafted_spec: str) -> Callable[[Path], Project]:
    """Make a project in a folder: the example rows with a comparison group column."""
    lines = EXAMPLE.read_text(encoding="utf-8-sig").splitlines()

    def make(root: Path) -> Project:
        rows = [line.split(";") for line in lines if line]
        area = rows[0].index("omraade")
        rows[0].append("gruppe")
        for row in rows[1:]:
            row.append("helhedsplan" if row[area] in FOCUS else "sammenligning")
        root.mkdir(parents=True)
        return Project(root, drafted_spec, rows)

    return make


@pytest.fixture
def project(tmp_path: Path, new_project: Callable[[Path], Project]) -> Project:
    return new_project(tmp_path / "project")
