"""Where a run reads and writes: paths as the user named them, short file names, and the
temporary output folder (marked as ours, removed on failure, stale ones cleaned later).

An output folder is written as ``.<name>.XXXXXXXX`` next to the target and renamed into
place only when complete.  The folder holds a marker file with the process id, host and
start time of the run, so a later run can tell a folder left by a killed run (its process
is gone) from one that another run is writing right now.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import tempfile
import time
from pathlib import Path

MARKER = ".survey_kit_run"
"""The file that marks a temporary output folder as a survey_kit run's."""
MAX_STEM = 80
"""The longest file-name stem a run writes (file systems allow 255 bytes)."""
OTHER_HOST_AGE = 24 * 3600.0
"""Seconds after which a temporary folder written from another host counts as stale."""


def shown_path(path: Path, base: Path | None) -> str:
    """``path`` as the user named it: relative to the configuration's folder ``base``, with
    forward slashes (the file name alone when it is on another drive).

    Examples
    --------
    >>> shown_path(Path("/p/run/data/a.csv"), Path("/p/run"))
    'data/a.csv'
    >>> shown_path(Path("/p/data/a.csv"), Path("/p/run"))
    '../data/a.csv'
    """
    if base is None:
        return path.name
    try:
        return Path(os.path.relpath(path, base)).as_posix()
    except ValueError:  # another drive (Windows)
        return path.name


def short_stem(stem: str, limit: int = MAX_STEM) -> str:
    """A file-name stem of at most ``limit`` characters: a longer one is cut and ends in a
    hash of the whole, so different long names stay different.

    Examples
    --------
    >>> short_stem("hp01")
    'hp01'
    >>> s = short_stem("a" * 5000); len(s), s[-9:]
    (80, '-c526c622')
    """
    if len(stem) <= limit:
        return stem
    digest = hashlib.sha256(stem.encode("utf-8")).hexdigest()[:8]
    return f"{stem[:limit - 9]}-{digest}"


def make_temporary(target: Path, started: float) -> Path:
    """A fresh temporary folder next to ``target``, marked as this run's."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{short_stem(target.name)}.", dir=target.parent))
    record = {"pid": os.getpid(), "host": socket.gethostname(), "started": started}
    (tmp / MARKER).write_text(json.dumps(record), encoding="utf-8")
    return tmp


def unmark(folder: Path) -> None:
    """Remove the marker before the folder is moved into place."""
    (folder / MARKER).unlink(missing_ok=True)


def remove_stale(target: Path, started: float) -> list[Path]:
    """Remove temporary folders of earlier runs of ``target`` that are clearly ours and
    dead: named ``.<name>.*``, holding our marker, started before this run, and their
    process gone (or, from another host, older than a day).  Returns what was removed."""
    removed = []
    for folder in sorted(target.parent.glob(f".{short_stem(target.name)}.*")):
        record = _marker(folder)
        if record is None or not record[2] < started:
            continue
        pid, host, when = record
        if host == socket.gethostname():
            if _alive(pid):
                continue
        elif time.time() - when < OTHER_HOST_AGE:
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def _marker(folder: Path) -> tuple[int, str, float] | None:
    """(pid, host, start time) of the run that wrote ``folder``, None when not ours."""
    if not folder.is_dir() or folder.is_symlink():
        return None
    try:
        record = json.loads((folder / MARKER).read_text(encoding="utf-8"))
        return int(record["pid"]), str(record["host"]), float(record["started"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _alive(pid: int) -> bool:
    """Whether a process of that id runs on this host."""
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    except OSError:
        return False
    return True


__all__ = [
    "MARKER",
    "MAX_STEM",
    "make_temporary",
    "remove_stale",
    "short_stem",
    "shown_path",
    "unmark",
]
