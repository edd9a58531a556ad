"""Rendering the area summaries, on every core where the platform can fork, with progress.

The PDF fonts (which also measure the charts' text) and the compiled page template are set up
once in the run's process before the workers start, so every worker begins warm
(:func:`warm_up`); the workers inherit the pages' inputs when they fork (nothing is pickled
but a page's number), their garbage collector leaves the inherited objects alone
(``gc.freeze``), and they take one page at a time, so both cores stay busy to the last page.
Each finished page sends a :class:`~survey_kit.run.progress.Count` ``"områder skrevet 12/66"``
to the run's progress callback.
"""

from __future__ import annotations

import dataclasses
import gc
import multiprocessing as mp
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from pathlib import Path

from survey_kit.report.chart_scene import text_width
from survey_kit.report.document import compile_templates
from survey_kit.report.pdf import register_fonts, write_document
from survey_kit.report.resident import AreaSummaryInput, build_area_document
from survey_kit.run.background import child_signals, workers_for
from survey_kit.run.progress import Count, Progress, quiet

Job = tuple[AreaSummaryInput, Path, Path]
"""One area page: its input, the HTML file and the PDF file."""

LazyJob = tuple[AreaSummaryInput | Callable[[], AreaSummaryInput], Path, Path]
"""One area page whose input may still have to be built (a function that builds it): the
workers build the inputs too, in parallel, and send them back for the index."""

AREAS_WRITTEN = "områder skrevet"
"""The text of the progress count while the area pages are written."""
INDEX_LABEL = "Alle områder"
PDF_LABEL = "Hent siden som PDF"

_JOBS: Sequence[tuple[LazyJob, str | None]] = ()
"""The pages of the pool a worker belongs to (set in each worker when it starts)."""


def render_page(job: LazyJob, index: str | None = None) -> AreaSummaryInput:
    """Write one area page as HTML and PDF and return its input (built first when the job
    holds a function); with ``index`` (the index page's address, relative to the page), the
    HTML page links to it and to its own PDF."""
    given, html_path, pdf_path = job
    data = given() if callable(given) else given
    doc = build_area_document(data)
    if index is not None:
        doc = dataclasses.replace(doc, nav=((INDEX_LABEL, index),
                                            (PDF_LABEL, Path(pdf_path).name)))
    write_document(doc, html_path, pdf_path)
    return data


def warm_up() -> None:
    """Load once what every page needs: the PDF fonts (which also measure the charts' text)
    and the compiled page template."""
    register_fonts()
    text_width("Æøå 0,5", 11.0, bold=True)
    compile_templates()


def _start_worker(jobs: Sequence[tuple[LazyJob, str | None]]) -> None:
    """Workers keep the pages they inherited, leave Ctrl-C to the run (which cancels the
    pending pages and cleans up) and die quietly on SIGTERM (:func:`child_signals`)."""
    global _JOBS
    _JOBS = jobs
    child_signals()


def _render_number(i: int) -> AreaSummaryInput:
    job, index = _JOBS[i]
    return render_page(job, index)


def render_all(jobs: Sequence[LazyJob], progress: Progress = quiet,
               index: str | None = "index.html") -> list[Job]:
    """Render the area pages, on every core where the platform can fork; each finished page
    sends ``Count("områder skrevet", done, total)`` to ``progress``.  An interrupt or a
    failed page cancels the pages not yet started (the failure is raised).  Returns the jobs
    with their inputs built, in the order given.

    ``index``: the index page's address relative to the pages (None: no links to it).
    """
    total = len(jobs)
    pages = [(job, index) for job in jobs]
    inputs: list[AreaSummaryInput | None] = [None] * total
    workers = workers_for(total)
    if workers < 2:
        for done, (job, idx) in enumerate(pages, 1):
            inputs[done - 1] = render_page(job, idx)
            progress(Count(AREAS_WRITTEN, done, total))
        return _built(jobs, inputs)
    warm_up()
    gc.freeze()  # the run's objects: never scanned (nor copied) by the workers' collections
    with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork"),
                             initializer=_start_worker, initargs=(pages,)) as pool:
        try:
            number = {pool.submit(_render_number, i): i for i in range(total)}
            pending, done = set(number), 0
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    inputs[number[future]] = future.result()
                done += len(finished)
                progress(Count(AREAS_WRITTEN, done, total))
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        finally:
            gc.unfreeze()
    return _built(jobs, inputs)


def _built(jobs: Sequence[LazyJob], inputs: Sequence[AreaSummaryInput | None]) -> list[Job]:
    out: list[Job] = []
    for (_, html, pdf), data in zip(jobs, inputs, strict=True):
        assert data is not None  # every page was rendered (or the error raised)
        out.append((data, html, pdf))
    return out


__all__ = [
    "AREAS_WRITTEN",
    "Job",
    "LazyJob",
    "render_all",
    "render_page",
    "warm_up",
    "workers_for",
]
