"""One piece of writing done beside the rest: the workbook's charts drawn in a forked process
while the run writes the workbook, the tables and the area pages.

The charts (matplotlib, about 17 figures saved as PNG and SVG) take seconds whatever the
number of respondents; drawn beside the other writing they no longer add to the run's wall
time on a machine with two cores or more.  The child inherits what it draws when it forks
(nothing is pickled on the way in), ignores Ctrl-C (the run cancels and cleans up, as with
the page workers) and dies quietly on SIGTERM.  Where the platform cannot fork, or only one
core is free, the work runs at once, in this process.
"""

from __future__ import annotations

import multiprocessing as mp
import signal
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor

from survey_kit.run.render import workers_for

_WORK: Callable[[], object] | None = None
"""The work of the child (set in the child when it starts)."""


def _start_child(work: Callable[[], object]) -> None:
    global _WORK
    _WORK = work
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _run_work() -> None:
    assert _WORK is not None
    _WORK()


class Beside:
    """``work()`` started in a forked child (or done at once); :meth:`wait` returns when it
    is done and raises its error, if any.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> job = Beside(lambda: (folder / "x.txt").write_text("done"))
    >>> job.wait()
    >>> (folder / "x.txt").read_text()
    'done'
    """

    def __init__(self, work: Callable[[], object]) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._future: Future[None] | None = None
        if workers_for(2) < 2:
            work()
            return
        self._pool = ProcessPoolExecutor(1, mp_context=mp.get_context("fork"),
                                         initializer=_start_child, initargs=(work,))
        self._future = self._pool.submit(_run_work)

    def wait(self) -> None:
        """Wait for the work; raise its error."""
        if self._pool is None or self._future is None:
            return
        try:
            self._future.result()
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


__all__ = ["Beside"]
