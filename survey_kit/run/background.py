"""One piece of work done beside the rest, in a forked process: the area tables and the
small-area models while the run computes the national tables and the reliability table; the
workbook's charts while it writes the workbook, the tables and the area pages.

The child inherits what it works on when it forks (nothing is pickled on the way in: the
design, its cached columns and sums are shared with the run until either writes to them),
sends back what the work returns (pickled: a few tables), ignores Ctrl-C (the run cancels and
cleans up, as with the page workers) and dies quietly on SIGTERM.  Where the platform cannot
fork, or only one core is free, the work runs at once, in this process.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import signal
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Generic, TypeVar

T = TypeVar("T")

MAX_WORKERS = 4
"""The most processes a run forks for one piece of parallel work."""


def child_signals() -> None:
    """In a forked process of the run: leave Ctrl-C to the run (which cancels and cleans
    up) and die quietly on SIGTERM, instead of each printing a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _child(work: Callable[[], object], send: Connection) -> None:
    """In the forked child (:func:`child_signals`): send back ``(True, result)`` or
    ``(False, error)``."""
    child_signals()
    try:
        message: tuple[bool, object] = (True, work())
    except BaseException as exc:  # sent to the run, which raises it
        message = (False, exc)
    try:
        send.send(message)
    except Exception as exc:  # an error that cannot be pickled: its text
        send.send((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
    send.close()


def workers_for(tasks: int) -> int:
    """How many processes share ``tasks`` pieces of work: the cores this process may use, at
    most :data:`MAX_WORKERS`, one when the platform cannot fork.

    Examples
    --------
    >>> workers_for(0), workers_for(1)
    (1, 1)
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if "fork" not in mp.get_all_start_methods():
        return 1
    return max(1, min(cores or 1, MAX_WORKERS, tasks))


class Beside(Generic[T]):
    """``work()`` started in a forked child (or done at once); :meth:`wait` returns what it
    returned when it is done, and raises its error, if any; :meth:`stop` ends it unfinished.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> job = Beside(lambda: (folder / "x.txt").write_text("done"))
    >>> job.wait()
    4
    >>> (folder / "x.txt").read_text()
    'done'
    """

    def __init__(self, work: Callable[[], T]) -> None:
        self._process: mp.process.BaseProcess | None = None
        self._done: tuple[T] | None = None
        if workers_for(2) < 2:
            self._done = (work(),)
            return
        context = mp.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_child, args=(work, send), daemon=True)
        gc.freeze()  # the run's objects: the child's collections neither scan nor copy them
        try:
            self._process.start()
        finally:
            gc.unfreeze()
        send.close()

    def wait(self) -> T:
        """Wait for the work; return what it returned, or raise its error."""
        if self._done is not None:
            return self._done[0]
        assert self._process is not None
        try:
            ok, value = self._receive.recv()
        except EOFError:
            self._process.join()
            raise RuntimeError(f"a forked part of the run ended without a result (exit code "
                               f"{self._process.exitcode})") from None
        finally:
            self._receive.close()
        self._process.join()
        self._process = None
        if not ok:
            raise value
        self._done = (value,)
        return value

    def stop(self) -> None:
        """End the work unfinished (when the run stops for another reason)."""
        if self._process is not None:
            self._process.terminate()
            self._process.join()
            self._receive.close()
            self._process = None


__all__ = ["MAX_WORKERS", "Beside", "child_signals", "workers_for"]
