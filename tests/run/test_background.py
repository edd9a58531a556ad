"""Work done beside the rest of the run: in a forked child where two cores are free, its
files there and its result returned when :meth:`Beside.wait` returns, its error raised by
``wait``."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from survey_kit.errors import ConfigError
from survey_kit.run.background import Beside, workers_for


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


def test_the_work_returns_its_tables_from_the_child_unchanged() -> None:
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({"x": rng.normal(size=1000), "g": rng.integers(0, 3, 1000)})
    job = Beside(lambda: (os.getpid(), frame.groupby("g")["x"].agg(["mean", "var"])))
    pid, table = job.wait()
    assert (pid != os.getpid()) == (workers_for(2) >= 2)
    expected = frame.groupby("g")["x"].agg(["mean", "var"])
    pd.testing.assert_frame_equal(table, expected, check_exact=True)
    assert job.wait() is job.wait()  # waiting again returns the same result


def test_the_analysis_gives_the_same_tables_with_and_without_the_forked_child(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo run's analysis, with the area tables and small-area models in a forked child,
    equals the same analysis done in one process, table by table, exactly."""
    from pathlib import Path as _Path

    from survey_kit.run import background
    from survey_kit.run.config import load_config
    from survey_kit.run.pipeline import process

    config = load_config(_Path(__file__).resolve().parents[2] / "reports" / "tryghedsmaaling.toml")
    forked = process(config)
    monkeypatch.setattr(background, "workers_for", lambda tasks: 1)
    alone = process(config)
    for name in ("estimates", "contrasts", "area_estimates", "area_contrasts", "small_area",
                 "reliability"):
        a, b = getattr(forked.analysis, name), getattr(alone.analysis, name)
        assert not a.empty, name
        pd.testing.assert_frame_equal(a, b, check_exact=True, obj=name)
    pd.testing.assert_frame_equal(forked.reliability, alone.reliability, check_exact=True)
