"""Writing the area pages: in parallel the same bytes as one by one, progress counts, the
links to the index, failures and the progress shown by ``survey-kit run``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from report_fixtures import make_area_input

from survey_kit.cli import main
from survey_kit.run import render
from survey_kit.run.progress import Count

NAMES = ("Solbakken", "Lindegården", "Bakke & Dal", "Engparken", "Ærøparken")


def _jobs(folder: Path) -> list[render.Job]:
    folder.mkdir()
    return [(make_area_input(name), folder / f"{i}.html", folder / f"{i}.pdf")
            for i, name in enumerate(NAMES)]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_parallel_pages_are_the_bytes_of_serial_ones_with_counts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parallel: list[str] = []
    render.render_all(_jobs(tmp_path / "parallel"), parallel.append)
    monkeypatch.setattr(render, "workers_for", lambda pages: 1)
    serial: list[str] = []
    render.render_all(_jobs(tmp_path / "serial"), serial.append)
    assert _files(tmp_path / "parallel") == _files(tmp_path / "serial")
    assert len(_files(tmp_path / "serial")) == 2 * len(NAMES)
    for counts in (parallel, serial):
        assert all(isinstance(c, Count) and c.total == len(NAMES) for c in counts)
        done = [c.done for c in counts]  # type: ignore[attr-defined]
        assert done == sorted(set(done)) and done[-1] == len(NAMES)
    assert serial == [f"områder skrevet {i}/{len(NAMES)}" for i in range(1, 6)]


def test_each_page_links_to_the_index_and_its_pdf(tmp_path: Path) -> None:
    render.render_all(_jobs(tmp_path / "with"))
    html = (tmp_path / "with" / "2.html").read_text(encoding="utf-8")
    assert '<a href="index.html">Alle områder</a>' in html
    assert '<a href="2.pdf">Hent siden som PDF</a>' in html
    render.render_all(_jobs(tmp_path / "without"), index=None)
    assert "<nav" not in (tmp_path / "without" / "2.html").read_text(encoding="utf-8")
    assert _files(tmp_path / "with")["2.pdf"] == _files(tmp_path / "without")["2.pdf"]


def test_a_failing_page_stops_the_rendering_with_its_error(tmp_path: Path) -> None:
    jobs = _jobs(tmp_path / "pages")
    data, html, _ = jobs[1]
    jobs[1] = (data, html, tmp_path / "no such folder" / "1.pdf")
    counts: list[str] = []
    with pytest.raises(OSError, match="no such folder"):
        render.render_all(jobs, counts.append)
    assert not counts or counts[-1] != f"områder skrevet {len(NAMES)}/{len(NAMES)}"


def test_the_run_shows_the_pages_written_unless_quiet(
        project, capsys: pytest.CaptureFixture[str]) -> None:
    config = project.write()
    assert main(["run", str(config)]) == 0
    err = capsys.readouterr().err
    line = next(x for x in err.splitlines() if "områder skrevet" in x)
    assert line.split(": ", 1)[1].startswith("områder skrevet 2/2 (")
    assert (project.root / "out" / "omraader" / "index.html").is_file()
    assert "filer læst 2/2 (" in err  # the project's two data files
    tables = re.search(r"tabeller beregnet (\d+)/(\d+) \(", err)
    assert tables and tables[1] == tables[2] and int(tables[1]) > 5
    final = next(x for x in err.splitlines() if ": done in " in x)
    assert re.search(r"done in [\d.]+ s \(read [\d.]+ s, validate [\d.]+ s, score [\d.]+ s, "
                     r"weight [\d.]+ s, analyse [\d.]+ s, write [\d.]+ s\) -> ", final), final
    assert main(["run", str(config), "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "områder skrevet" not in err and ": write" not in err and "tabeller" not in err


def test_inputs_built_by_the_workers_give_the_same_pages_and_come_back(
        tmp_path: Path) -> None:
    given = _jobs(tmp_path / "given")
    render.render_all(given)
    folder = tmp_path / "lazy"
    folder.mkdir()
    lazy: list[render.LazyJob] = [
        ((lambda name=name: make_area_input(name)), folder / f"{i}.html", folder / f"{i}.pdf")
        for i, name in enumerate(NAMES)]
    built = render.render_all(lazy)
    assert _files(folder) == _files(tmp_path / "given")
    assert [data.area_name for data, _, _ in built] == list(NAMES)
    assert [(h, p) for _, h, p in built] == [(h, p) for _, h, p in lazy]


def test_an_input_that_fails_to_build_stops_the_rendering_with_its_error(
        tmp_path: Path) -> None:
    folder = tmp_path / "lazy"
    folder.mkdir()

    def broken() -> object:
        raise ValueError("resident summary 'Engparken': area_name must be non-empty")

    lazy = [(lambda name=name: make_area_input(name), folder / f"{i}.html",
             folder / f"{i}.pdf") for i, name in enumerate(NAMES)]
    lazy[3] = (broken, folder / "3.html", folder / "3.pdf")
    with pytest.raises(ValueError, match="area_name must be non-empty"):
        render.render_all(lazy)  # type: ignore[arg-type]
