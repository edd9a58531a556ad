"""Unpacking data files as they arrive: gzip-compressed and zip archives with one data file."""

from __future__ import annotations

import gzip
import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from survey_kit.errors import DataValidationError

DATA_SUFFIXES = (".sav", ".zsav", ".csv", ".tsv", ".csv.gz", ".tsv.gz", ".xlsx", ".xls",
                 ".parquet")


@dataclass(frozen=True)
class Member:
    """The bytes of the data file inside an archive and what to call it in messages."""

    raw: bytes
    kind: str
    name: str


def file_kind(filename: str) -> str | None:
    """The data suffix of a file name (``.csv.gz`` counts as one), or None.

    Examples
    --------
    >>> file_kind("Svar_2024.CSV.GZ"), file_kind("svar.zip"), file_kind("svar.txt")
    ('.csv.gz', '.zip', None)
    """
    lower = filename.lower()
    for suffix in (*DATA_SUFFIXES, ".zip"):
        if lower.endswith(suffix):
            return suffix
    return None


def gunzip(raw: bytes, name: str) -> bytes:
    """The decompressed content of a ``.gz`` file."""
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError) as exc:
        raise DataValidationError(f"{name}: not a valid gzip file ({exc})") from None


def zip_member(raw: bytes, name: str) -> Member:
    """The one data file inside a zip archive (folders, hidden and ``__MACOSX`` entries
    and files of other types are ignored).

    Raises
    ------
    DataValidationError
        Not a zip file, or no or several data files inside.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile:
        raise DataValidationError(f"{name}: not a valid zip file") from None
    with archive:
        found = [(info, kind) for info in archive.infolist()
                 if (kind := _data_kind(info)) is not None]
        if len(found) != 1:
            listed = ", ".join(info.filename for info, _ in found[:5]) or "none"
            raise DataValidationError(
                f"{name}: expected exactly one data file ({', '.join(DATA_SUFFIXES)}) in the "
                f"zip archive, found {len(found)}: {listed}"
            )
        info, kind = found[0]
        return Member(archive.read(info), kind, f"{name} ({info.filename})")


def _data_kind(info: zipfile.ZipInfo) -> str | None:
    """The data suffix of an archive entry; None for folders, hidden files, other types."""
    path = PurePosixPath(info.filename)
    if info.is_dir() or any(part.startswith((".", "__MACOSX")) for part in path.parts):
        return None
    kind = file_kind(path.name)
    return None if kind == ".zip" else kind
