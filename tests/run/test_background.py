"""Work drawn beside the rest of the writing: done in a forked child where two cores are
free, its files there when :meth:`Beside.wait` returns, its error raised by ``wait``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from survey_kit.errors import ConfigError
from survey_kit.run.background import Beside
from survey_kit.run.render import workers_for


def test_the_work_is_done_in_a_child_and_its_files_are_there(tmp_path: Path) -> None:
    target = tmp_path / "pid.txt"
    job = Beside(lambda: target.write_text(str(os.getpid())))
    job.wait()
    child = int(target.read_text())
    assert (child != os.getpid()) == (workers_for(2) >= 2)
    job.wait()  # waiting again does nothing


def test_the_error_of_the_work_is_raised_by_wait(tmp_path: Path) -> None:
    def fail() -> None:
        (tmp_path / "started").touch()
        raise ConfigError("figurer: cannot write chart 'x.png'")

    if workers_for(2) < 2:
        with pytest.raises(ConfigError, match="cannot write chart"):
            Beside(fail)
        return
    job = Beside(fail)
    with pytest.raises(ConfigError, match="cannot write chart"):
        job.wait()
    assert (tmp_path / "started").exists()
