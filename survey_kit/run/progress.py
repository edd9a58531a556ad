"""What a run tells the person waiting for it: step names, and counts of long work.

A run reports through one callback, ``progress(message)``.  Most messages are step names
(``"read"``, ``"write"``); long work sends :class:`Count` messages, which are texts too
(``"områder skrevet 12/66"``), so a callback that only prints text needs nothing new, and
one that draws a progress bar reads ``done`` and ``total``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

STEPS = ("read", "validate", "score", "weight", "analyse", "write")
"""The step names a run sends, in order (other messages are notes and counts)."""

Progress = Callable[[str], None]
"""A run's progress callback: given each step name and each :class:`Count`."""


class Count(str):
    """A progress message with a count: the text ``"<what> <done>/<total>"``.

    Examples
    --------
    >>> c = Count("områder skrevet", 12, 66)
    >>> c, c.what, c.done, c.total
    ('områder skrevet 12/66', 'områder skrevet', 12, 66)
    >>> isinstance(c, str)
    True
    """

    what: str
    done: int
    total: int

    def __new__(cls, what: str, done: int, total: int) -> Count:
        self = super().__new__(cls, f"{what} {done}/{total}")
        self.what, self.done, self.total = what, done, total
        return self

    def __reduce__(self) -> tuple[type[Count], tuple[str, int, int]]:
        return Count, (self.what, self.done, self.total)


def step_times(starts: Sequence[tuple[str, float]], end: float) -> str:
    """The time of each step from the clock times the steps started, for the run's last
    console line: each step lasts until the next one starts (or ``end``).

    Examples
    --------
    >>> step_times([("read", 0.0), ("validate", 1.25), ("write", 2.0)], 5.5)
    'read 1.2 s, validate 0.8 s, write 3.5 s'
    """
    ends = [t for _, t in starts[1:]] + [end]
    return ", ".join(f"{name} {stop - start:.1f} s"
                     for (name, start), stop in zip(starts, ends, strict=True))


def quiet(_: str) -> None:
    """The progress callback that shows nothing."""
    return None


__all__ = ["STEPS", "Count", "Progress", "quiet", "step_times"]
