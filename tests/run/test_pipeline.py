"""The annual run end to end on the demo data: outputs, suppression, escaping, failures."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import survey_kit as sk
from survey_kit.cli import main
from survey_kit.run.config import load_config, parse_config
from survey_kit.run.pipeline import run

ROOT = Path(__file__).resolve().parents[2]
TRYG = ROOT / "reports" / "tryghedsmaaling.toml"
LIVS = ROOT / "reports" / "livsmestring.toml"


@pytest.fixture(scope="module")
def tryg_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run(TRYG, out=tmp_path_factory.mktemp("run") / "tryghed")


@pytest.fixture(scope="module")
def hostile_livs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The youth run with a high threshold (so cells are suppressed) and hostile labels."""
    import tomllib

    raw = tomllib.loads(LIVS.read_text(encoding="utf-8"))
    raw["report"]["suppression_threshold"] = 120
    raw["labels"]["gruppe"]["pige / True"] = "<script>alert(1)</script>"
    raw["labels"]["gruppe"]["dreng / True"] = "=HYPERLINK(\"http://x\")"
    cfg = parse_config(raw, LIVS.parent, source=LIVS)
    return run(cfg, out=tmp_path_factory.mktemp("run") / "livs")


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(path: Path) -> _Collect:
    parser = _Collect()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def _pdf_pages(path: Path) -> int:
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    return len(re.findall(rb"/Type\s*/Page\b", data))


def test_tryghed_run_writes_every_output(tryg_out: Path) -> None:
    for name in ("signifikanstabeller.xlsx", "signifikanstabeller.csv", "estimater.csv",
                 "sammenligninger.csv", "manifest.json", "kontrol/afviste_svar.csv",
                 "kontrol/undertrykkelse.csv", "kontrol/vaegtning_marginer.csv",
                 "kontrol/reliabilitet.csv"):
        assert (tryg_out / name).is_file(), name
    pages = [p for p in (tryg_out / "omraader").glob("*.html") if p.name != "index.html"]
    assert len(pages) == 66 and (tryg_out / "omraader" / "index.html").is_file()
    assert len(list((tryg_out / "omraader").glob("*.pdf"))) == 66
    assert len(list((tryg_out / "figurer").glob("*.png"))) >= 13
    assert not list(tryg_out.parent.glob(".tryghed*")), "temporary folders left behind"


def test_reliability_per_dimension(tryg_out: Path) -> None:
    table = pd.read_csv(tryg_out / "kontrol" / "reliabilitet.csv")
    assert set(table["dimension"]) == {d.id for d in sk.load_questionnaire("tryghed_trivsel")
                                       .dimensions}
    assert table["alpha"].between(0, 1).all()


def test_workbook_sheets_and_cells(tryg_out: Path) -> None:
    wb = openpyxl.load_workbook(tryg_out / "signifikanstabeller.xlsx")
    assert wb.sheetnames[:3] == ["Indhold", "Oplevet tryghed", "Social sammenhængskraft"]
    ws = wb["Tillid"]
    assert ws.freeze_panes == "C7"
    rows = list(ws.iter_rows(values_only=True))
    header = next(r for r in rows if r and r[2] == "Områder med helhedsplan")
    assert "Almene boliger" in header and "Hele befolkningen" in header
    total = next(r for r in rows if r and r[0] == "I alt")
    scores = [v for v in total[2:] if isinstance(v, float)]
    assert len(scores) == 5 and all(40 < v < 80 for v in scores)
    letters = [v for v in total[2:] if isinstance(v, str) and v.strip()]
    assert any("▲" in v for v in letters), "the rise in tillid 2018-2021 is marked"
    notes = " ".join(str(c) for r in rows for c in r if isinstance(c, str))
    assert "Holm" in notes and "5 %" in notes


def test_manifest_records_inputs_steps_and_versions(tryg_out: Path) -> None:
    manifest = json.loads((tryg_out / "manifest.json").read_text())
    assert manifest["rows"]["read"] == manifest["rows"]["valid"] + manifest["rows"]["rejected"]
    assert manifest["weighting"]["converged"] is True
    assert [s["step"] for s in manifest["steps"]][:3] == ["validate", "score", "weight"]
    assert manifest["versions"]["survey_kit"] == sk.__version__
    assert len(manifest["inputs"][0]["sha256"]) == 64
    assert "signifikanstabeller.xlsx" in manifest["outputs"]


def test_area_summary_html_is_accessible_and_has_no_ids(tryg_out: Path) -> None:
    page = tryg_out / "omraader" / "hp01.html"
    parsed = _parse(page)
    html = page.read_text(encoding="utf-8")
    assert re.search(r'<html[^>]*lang="da"', html)
    images = [attrs for tag, attrs in parsed.tags if tag == "img"]
    assert images and all(a.get("alt") for a in images)
    assert not any(tag == "script" for tag, _ in parsed.tags)
    text = " ".join(parsed.text)
    assert "Tryghed og trivsel i HP01" in text and "Almene boliger" in text
    ids = set(sk.datasets.load_demo().tryghed["resp_id"].astype(str))
    tokens = set(re.findall(r"[A-Z]{2}\d{2}-\d{5}-\d{4}", html))
    assert not tokens & ids
    for bad in (r"_pos\b", r"negatively", r"\bnan\b", r"\bNone\b", r"\bTrue\b", r"\bFalse\b"):
        assert not re.search(bad, text), bad
    assert _pdf_pages(tryg_out / "omraader" / "hp01.pdf") >= 1


def test_suppressed_cells_show_no_number(hostile_livs: Path) -> None:
    est = pd.read_csv(hostile_livs / "estimater.csv")
    assert est["suppressed"].any(), "the high threshold must suppress some cells"
    shown = est[~est["suppressed"]]
    assert (shown["n"] >= 120).all()
    hidden = est[est["suppressed"]]
    assert hidden[["estimate", "se", "ci_low", "ci_high", "n"]].isna().all().all()
    log = pd.read_csv(hostile_livs / "kontrol" / "undertrykkelse.csv")  # one row per cell
    assert 0 < len(log) <= int(est["suppressed"].sum()) and log["protected"].all()
    html = (hostile_livs / "livsmestring.html").read_text(encoding="utf-8")
    assert "Vises ikke" in html and "for få har svaret" in html


def test_labels_are_escaped_everywhere(hostile_livs: Path) -> None:
    html = (hostile_livs / "livsmestring.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html
    csv = (hostile_livs / "signifikanstabeller.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in csv and ",=HYPERLINK" not in csv
    wb = openpyxl.load_workbook(hostile_livs / "signifikanstabeller.xlsx")
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"
    assert _pdf_pages(hostile_livs / "livsmestring.pdf") >= 1


def test_missing_required_column_is_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    data = sk.datasets.load_demo().livsmestring.drop(columns=["menapt"])
    path = tmp_path / "unge.csv"
    data.to_csv(path, index=False)
    config = tmp_path / "run.toml"
    text = LIVS.read_text(encoding="utf-8").replace(
        "demo = true", f'demo = false\nfiles = ["{path.name}"]')
    config.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "survey_kit.cli", "run", str(config), "--out",
                           str(out), "--quiet"], capture_output=True, text=True, check=False)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert "unge.csv" in lines[0] and "'menapt'" in lines[0]
    assert not out.exists() and not list(tmp_path.glob(".out*"))


def test_bad_config_key_exits_two(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "bad.toml"
    config.write_text('[run]\nname = "x"\n[data]\ndemo = true\n', encoding="utf-8")
    assert main(["run", str(config), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "missing key 'questionnaire'" in err and "bad.toml" in err


def test_low_on_several_dimensions() -> None:
    from survey_kit.run.pipeline import low_on_several

    scored = pd.DataFrame({"a": [0.1, 0.1, 0.9, np.nan], "b": [0.2, 0.9, 0.9, 0.1],
                           "c": [0.3, np.nan, 0.9, np.nan]})
    out = low_on_several(scored, ["a", "b", "c"], 0.5, 2).to_numpy()
    np.testing.assert_array_equal(out, [1.0, np.nan, 0.0, np.nan])


def test_demo_configuration_paths_resolve() -> None:
    cfg = load_config(TRYG)
    assert cfg.output.name == "tryghedsmaaling" and cfg.area == "area"
