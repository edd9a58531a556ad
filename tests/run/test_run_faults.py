"""Faults while a run writes: Ctrl-C and SIGTERM give one line and leave no temporary
folder; temporary folders that killed runs left behind are removed by the next run, and only
those (never another run's that is still writing, never a folder that is not ours)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from survey_kit.run.folders import MARKER, remove_stale

# A run whose writing stops for a minute once every output is in the temporary folder, so
# that the test can signal it while it writes.
SLOW_WRITE = """
import sys, time
import survey_kit.run.pipeline as pipeline
from survey_kit.cli import main

write = pipeline.write_outputs

def slow(result, tmp, target, *progress):
    write(result, tmp, target, *progress)
    (tmp.parent / "written").write_text(str(tmp))
    time.sleep(60)

pipeline.write_outputs = slow
sys.exit(main(["run", sys.argv[1], "--quiet"]))
"""


@pytest.mark.parametrize("signum,code,line", [
    (signal.SIGTERM, 143, "survey-kit: terminated (SIGTERM); nothing was written, temporary "
                          "files were removed"),
    (signal.SIGINT, 130, "survey-kit: interrupted (Ctrl-C); nothing was written, temporary "
                         "files were removed"),
])
def test_a_signal_while_writing_leaves_one_line_and_no_folder(
        project, signum: int, code: int, line: str) -> None:
    config = project.write()
    child = subprocess.Popen([sys.executable, "-c", SLOW_WRITE, str(config)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    flag = project.root / "written"
    deadline = time.monotonic() + 120
    while not flag.exists() and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    tmp = Path(flag.read_text())
    assert tmp.name.startswith(".out.") and (tmp / "manifest.json").is_file()
    child.send_signal(signum)
    _, err = child.communicate(timeout=60)
    assert child.returncode == code
    assert err.strip() == line
    assert not tmp.exists() and not (project.root / "out").exists()
    assert [p.name for p in project.root.iterdir() if p.name.startswith(".")] == []


def _temporary(parent: Path, name: str, pid: int, started: float,
               host: str | None = None) -> Path:
    folder = parent / name
    folder.mkdir()
    (folder / "estimater.csv").write_text("half written")
    (folder / MARKER).write_text(json.dumps(
        {"pid": pid, "host": host or socket.gethostname(), "started": started}))
    return folder


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_stale_temporary_folders_are_removed_and_only_those(tmp_path: Path) -> None:
    now = time.time()
    dead = _temporary(tmp_path, ".out.k1l2m3n4", _dead_pid(), now - 600)
    running = _temporary(tmp_path, ".out.a1b2c3d4", os.getpid(), now - 600)
    later = _temporary(tmp_path, ".out.z9y8x7w6", _dead_pid(), now + 5)
    remote = _temporary(tmp_path, ".out.r1r2r3r4", 1, now - 600, host="another-host")
    old_remote = _temporary(tmp_path, ".out.r5r6r7r8", 1, now - 2 * 86400, host="another")
    unmarked = tmp_path / ".out.q1q2q3q4"
    unmarked.mkdir()
    other_name = _temporary(tmp_path, ".ud.k1l2m3n4", _dead_pid(), now - 600)
    removed = remove_stale(tmp_path / "out", now)
    assert sorted(removed) == sorted([dead, old_remote])
    assert all(p.exists() for p in (running, later, remote, unmarked, other_name))
    assert not dead.exists() and not old_remote.exists()


def test_a_run_cleans_up_after_a_killed_run(project, capsys: pytest.CaptureFixture[str]
                                            ) -> None:
    config = project.write()
    stale = _temporary(project.root, ".out.s1t2a3l4", _dead_pid(), time.time() - 60)
    code, err = project.run(capsys)
    assert code == 0, err
    assert not stale.exists()
    out = project.root / "out"
    assert not (out / MARKER).exists() and (out / "manifest.json").is_file()
    assert sorted(p.name for p in project.root.iterdir() if p.name.startswith(".")) == []
    assert config.is_file()
