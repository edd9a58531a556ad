"""Rendering the area summaries, on every core where the platform can fork."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from survey_kit.report.resident import AreaSummaryInput, render_area


def _render_one(job: tuple[AreaSummaryInput, Path, Path]) -> None:
    render_area(*job)


def _worker_signals() -> None:
    """Workers leave Ctrl-C to the run (which cancels the pending pages and cleans up) and
    die quietly on SIGTERM, instead of each printing a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def render_all(jobs: list[tuple[AreaSummaryInput, Path, Path]]) -> None:
    """Render the area summaries, on every core where the platform can fork; an interrupt
    cancels the pages not yet started."""
    workers = min(os.cpu_count() or 1, 4, len(jobs))
    if workers < 2 or "fork" not in mp.get_all_start_methods():
        for job in jobs:
            _render_one(job)
        return
    with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork"),
                             initializer=_worker_signals) as pool:
        try:
            list(pool.map(_render_one, jobs, chunksize=max(1, len(jobs) // (4 * workers))))
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise


__all__ = [
    "render_all",
]
