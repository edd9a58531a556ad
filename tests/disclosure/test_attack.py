"""The attacker's scenarios end to end: planted small cells, every published file, every
subtraction within a file and across files (tests/disclosure/attacker.py, reading with
attack_files.py).

Each survey is run twice from the same results: as published (complementary suppression and
the audit), and with complementary suppression switched off, which is what the run
published before issue 14 (complementary suppression never fired: ``n_psu`` was part of
every cell's key).  The same attacker recovers the planted cells from the second and nothing
from the first.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from attack_files import RESPONDENTS, Schema, norm, page_text, read_all
from attacker import attack, disclosed, truth
from planted import Planted, tryghed, youth

from survey_kit.cli import main
from survey_kit.report.resident import AreaSummaryInput, render_area_html
from survey_kit.report.youth import render_youth_html
from survey_kit.run import outputs, tablesets, wording
from survey_kit.run.pipeline import process
from survey_kit.run.result import RunResult


@dataclass(frozen=True)
class Published:
    """A planted survey run, its microdata (with scores) and the folders it was written to."""

    result: RunResult
    data: pd.DataFrame
    schema: Schema
    labels: dict[str, str]
    safe: Path
    weak: Path


def _labels(result: RunResult) -> dict[str, str]:
    """Label text -> value, as a reader of the tables sees them (groups, levels, headings)."""
    cfg = result.config
    out = {norm(cfg.label(str(cfg.group), g)): str(g) for g in
           result.analysis.estimates[str(cfg.group)].dropna().unique()}
    for b in wording.banner_breakdowns(cfg, result.analysis.estimates):
        cols = b.column_names
        out[f"heading:{norm(b.heading)}"] = " x ".join(cols)
        for values, label in b.levels:
            vals = values if isinstance(values, tuple) else (values,)
            out[norm(label)] = " / ".join(str(v) for v in vals)
            out[f"column:{norm(label)}"] = " x ".join(cols)
    return out


def _html_only(data: AreaSummaryInput, html: Path, pdf: Path
               ) -> tuple[AreaSummaryInput, Path, Path]:
    """A page written as HTML only (the stand-in for ``render.render_all``)."""
    render_area_html(data, html)
    return data, html, pdf


def _publish(planted: Planted, folder: Path) -> Published:
    """Run a planted survey and write it twice: as published, and without complementary
    suppression.  Charts and PDFs are left out: the attacker reads the CSVs, the workbook and
    the HTML pages, and the charts and PDFs are drawn from the same protected tables."""
    result = process(planted.config)
    safe, weak = folder / "safe", folder / "weak"
    protected = tablesets.protect_run(result)
    protected.protection.check()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(outputs, "make_charts", lambda *args, **kwargs: None)
        mp.setattr(outputs.render, "render_all", lambda jobs, *progress, **index: [
            _html_only(data() if callable(data) else data, html, pdf)
            for data, html, pdf in jobs])
        mp.setattr(outputs, "render_youth", lambda data, html, pdf: render_youth_html(
            data, html))
        for path, tables in ((safe, protected),
                             (weak, tablesets.protect_run(result, complementary=False))):
            path.mkdir()
            outputs.write_protected(result, tables, path)
    cfg = result.config
    derived = tuple(cfg.group_from)
    columns = ("year", *(() if derived else ("group",)), *cfg.subgroups,
               *(c for x in cfg.crossings for c in x), *derived)
    schema = Schema(tuple(dict.fromkeys(columns)), group=str(cfg.group),
                    focus=cfg.focus_group or "", derived=derived,
                    single_year="2021" if derived else "")
    data = result.design.data.assign(**{RESPONDENTS: 1.0})
    return Published(result, data, schema, _labels(result), safe, weak)


@pytest.fixture(scope="module")
def tryg(tmp_path_factory: pytest.TempPathFactory) -> Published:
    folder = tmp_path_factory.mktemp("planted_tryghed")
    return _publish(tryghed(folder / "input"), folder)


@pytest.fixture(scope="module")
def young(tmp_path_factory: pytest.TempPathFactory) -> Published:
    folder = tmp_path_factory.mktemp("planted_youth")
    return _publish(youth(folder / "input"), folder)


def _attack(run: Published, folder: Path) -> list[str]:
    """What the attacker pins down among the hidden cells below the threshold (it attacks
    only those, to keep the test fast; every other hidden cell is not sensitive)."""
    reader = read_all(folder, run.schema, run.labels)
    threshold = run.result.config.suppression_threshold

    def small(variable: str, domain: frozenset[tuple[str, str]]) -> bool:
        return 0 < truth(run.data, variable, domain, run.schema)[0] < threshold

    findings = attack(reader.know, run.schema, additive=True, wanted=small)
    return disclosed(findings, run.data, run.schema, threshold)


PLANTED_TRYGHED = (
    r"'area': 'HP04'.*'year': '2021'",  # the area of 7 respondents
    r"'area': 'HP02'.*'year': '2018'",  # the area of 8
    r"'gender': 'mand', 'group': 'helhedsplan', 'menapt': 'False'",  # 6 men, no MENAPT
    r"'age_group': '65\+', 'group': 'almene'",  # 5 aged 65+ in almene
)


def test_tryghed_nothing_hidden_is_recoverable(tryg: Published) -> None:
    assert _attack(tryg, tryg.safe) == []


def test_tryghed_planted_cells_are_recovered_without_complementary_suppression(
        tryg: Published) -> None:
    found = _attack(tryg, tryg.weak)
    for pattern in PLANTED_TRYGHED:
        hits = [f for f in found if re.search(pattern, f)]
        assert any("count" in f and "subtraction" in f for f in hits), pattern


def test_youth_nothing_hidden_is_recoverable(young: Published) -> None:
    assert _attack(young, young.safe) == []


def test_youth_planted_boys_are_pinned_down_without_complementary_suppression(
        young: Published) -> None:
    """The page's "Alle" figures and "N unge har svaret" minus the shown cells of
    estimater.csv pin the 6 boys with MENAPT background (and their age cells) below 10."""
    found = _attack(young, young.weak)
    boys = [f for f in found if "'gender': 'dreng', 'menapt': 'True', 'year': '2021'}" in f]
    assert any(f.startswith("ensomhed {'gender'") and "count 6" in f for f in boys), found
    assert len(boys) >= 3 * len(young.result.analysis.variables.scores)  # every score


def test_hidden_cells_show_nothing_anywhere(tryg: Published) -> None:
    est = pd.read_csv(tryg.safe / "omraader" / "estimater.csv")
    hidden = est[est["suppressed"]]
    assert set(zip(hidden["unit"], hidden["year"], strict=True)) == {
        ("HP01", 2018), ("HP02", 2018), ("HP02", 2021), ("HP04", 2021)}
    blank = ["estimate", "se", "ci_low", "ci_high", "df", "deff", "n", "n_eff", "n_psu", "note"]
    assert hidden[blank].isna().all().all()
    fh = pd.read_csv(tryg.safe / "omraader" / "smaaomraademodel.csv")
    hp04 = fh[(fh["area"] == "HP04") & (fh["year"] == 2021)]
    assert hp04[["direct", "n", "df", "eblup", "rmse", "gamma", "synthetic"]].isna().all().all()
    # the trend of men without MENAPT background in helhedsplan rests on 2021 too
    con = pd.read_csv(tryg.safe / "sammenligninger.csv")
    cell = (con["group"] == "helhedsplan") & (con["gender"] == "mand") & (con["menapt"] == False)  # noqa: E712
    assert con.loc[cell & (con["family"] == "trend"), "suppressed"].all()
    shown = pd.read_csv(tryg.safe / "estimater.csv")
    shown = shown[(shown["group"] == "helhedsplan") & (shown["gender"] == "mand")
                  & (shown["menapt"] == False)]  # noqa: E712
    assert set(shown.loc[~shown["suppressed"], "year"]) == {2018, 2024}
    # HP01 is shown in 2021, but its model regresses on 2018, where it is hidden
    hp01 = fh[(fh["area"] == "HP01") & (fh["year"] == 2021)]
    assert hp01[["direct", "n"]].notna().all().all() and hp01["suppressed"].all()
    assert hp01[["eblup", "rmse", "gamma", "synthetic"]].isna().all().all()
    names = {"variable", "group", "year", "gender", "menapt", "age_group", "area", "unit",
             "family", "subgroup", "comparison", "reference", "group_a", "group_b", "time_a",
             "time_b", "adjust_method", "multiplicity_family", "family_size", "suppressed"}
    for name in ("estimater.csv", "sammenligninger.csv", "omraader/sammenligninger.csv",
                 "omraader/estimater.csv"):
        frame = pd.read_csv(tryg.safe / name)
        assert "suppression_reason" not in frame.columns, name
        numbers = [c for c in frame.columns if c not in names | {"significant"}]
        assert {"df", "se", "note"} <= set(numbers), name
        hidden_rows = frame[frame["suppressed"]]
        assert len(hidden_rows) and hidden_rows[numbers].isna().all().all(), name
        assert not hidden_rows.get("significant", pd.Series(False)).any(), name
    text = " ".join(page_text(tryg.safe / "omraader" / "hp04.html"))
    assert "I 2021 svarede" not in text and "I 2018 svarede 40 beboere" in text
    assert "Vises ikke" in text and "for få har svaret, eller tallet er skjult" in text


def test_manifest_records_the_audit(tryg: Published) -> None:
    record = json.loads((tryg.safe / "manifest.json").read_text(encoding="utf-8"))
    disclosure = record["disclosure"]
    assert disclosure["additive"] is True and disclosure["protection_share"] == 0.10
    assert disclosure["cells_by_reason"]["primary"] == 18
    audit = disclosure["audit"]
    assert audit["unprotected"] == 0 and audit["cells_audited"] > 0
    assert audit["count_high_min"] >= 10 and audit["share_width_min"] >= 0.2
    assert audit["linear_programs"] > 0
    timings = json.loads((tryg.safe / "timings.json").read_text(encoding="utf-8"))
    assert timings["disclosure audit (linear programs)"] > 0
    assert disclosure["tables"]["omraader/estimater.csv"]["hidden_primary"] == 2 * 13
    log = pd.read_csv(tryg.safe / "kontrol" / "undertrykkelse.csv")
    assert log["protected"].all() and set(log["reason"]) == {"primary", "complementary"}
    counts = set(tryg.result.analysis.area_estimates["n"].astype(int))  # never a count
    assert not any(re.search(rf"\b{n}\b", d) for d in log["detail"] for n in counts if n < 10)


def test_the_run_refuses_to_publish_an_unprotected_cell(
        young: Published, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    weak = tablesets.protect_run
    monkeypatch.setattr(tablesets, "protect_run", lambda r: weak(r, complementary=False))
    config = young.result.config.source
    assert config is not None
    out = tmp_path / "out"
    assert main(["run", str(config), "--out", str(out), "--quiet"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "disclosure audit: hidden cell" in err[0]
    assert "not protected" in err[0] and not out.exists()


def test_published_figures_agree_across_files(tryg: Published) -> None:
    """The attacker's readers are right: the workbook and the CSVs state the same figures."""
    reader = read_all(tryg.safe, tryg.schema, tryg.labels)
    facts = reader.know.facts
    est = pd.read_csv(tryg.safe / "estimater.csv")
    shown = est[~est["suppressed"]]
    assert len(shown) and all(
        np.isclose(facts[(r.variable, reader.domain(r._asdict()))][0], r.n)
        for r in shown.itertuples(index=False))
    pages = reader.page_counts
    assert ("hp04", "2018", 40) in pages and not any(p[:2] == ("hp04", "2021") for p in pages)
