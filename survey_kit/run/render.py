"""Rendering the area summaries, on every core where the platform can fork."""

from __future__ import annotations

import multiprocessing as mp
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from survey_kit.report.resident import AreaSummaryInput, render_area


def _render_one(job: tuple[AreaSummaryInput, Path, Path]) -> None:
    render_area(*job)


def render_all(jobs: list[tuple[AreaSummaryInput, Path, Path]]) -> None:
    """Render the area summaries, on every core where the platform can fork."""
    workers = min(os.cpu_count() or 1, 4, len(jobs))
    if workers < 2 or "fork" not in mp.get_all_start_methods():
        for job in jobs:
            _render_one(job)
        return
    with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
        list(pool.map(_render_one, jobs, chunksize=max(1, len(jobs) // (4 * workers))))


__all__ = [
    "render_all",
]
