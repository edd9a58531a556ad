"""Finding the row of column names below title rows (Excel and CSV exports).

Exports often put a title, a date or a blank line above the table.  The header is the
first row that fills (nearly) the table's width with names that are not numbers.  When a
second such row of distinct names follows before the first row holding numbers (two candidate
header rows), the header is ambiguous and the reader says so rather than guess.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from survey_kit.errors import DataValidationError
from survey_kit.io.convert import DANISH, ENGLISH, MISSING_TOKENS

SCAN_ROWS = 50


def find_header(rows: Sequence[Sequence[object]], name: str, width: int | None = None) -> int:
    """0-based position of the header among ``rows`` (the first rows of a sheet or file).

    Parameters
    ----------
    rows
        Cells of the first rows, as read (text, numbers or None).
    name
        The file as the user named it, for messages; rows are named by their 1-based
        position, which is the spreadsheet row.
    width
        Number of columns of the table (for CSV: the usual number of fields per line);
        default: the most filled cells in a row.

    Raises
    ------
    DataValidationError
        No row looks like a header, or two rows do.

    Examples
    --------
    >>> find_header([["Tryghed 2024", None], [None, None], ["resp_id", "q1"], [1, 3]], "a.xlsx")
    2
    >>> find_header([["Spørgsmål", "Hvor tryg"], ["resp_id", "q1"], [1, 3]], "a.xlsx")
    Traceback (most recent call last):
    ...
    survey_kit.errors.DataValidationError: a.xlsx: cannot tell which row holds the column ...
    """
    rows = list(rows[:SCAN_ROWS])
    filled = [[c for c in row if not _blank(c)] for row in rows]
    width = width or max((len(f) for f in filled), default=0)
    if not any(filled):
        raise DataValidationError(f"{name}: no data: every cell is blank")
    need = max(min(2, width), math.ceil(0.8 * width))
    candidates = [i for i, f in enumerate(filled) if len(f) >= need and not _has_number(f)]
    if not candidates:
        raise DataValidationError(
            f"{name}: cannot find the row of column names in the first {len(rows)} rows "
            f"(expected a row of {width} distinct names above the data)"
        )
    header = candidates[0]
    data = next((i for i in range(header + 1, len(rows)) if _has_number(filled[i])), None)
    rival = [i for i in candidates[1:] if data is not None and i < data and _distinct(filled[i])]
    if rival:
        raise DataValidationError(
            f"{name}: cannot tell which row holds the column names: rows {header + 1} and "
            f"{rival[0] + 1} both look like headers; delete the extra row above the data "
            "(or pass header_row= to read_data)"
        )
    return header


def _blank(cell: object) -> bool:
    if cell is None:
        return True
    if isinstance(cell, float) and math.isnan(cell):
        return True
    return isinstance(cell, str) and cell.strip() in MISSING_TOKENS


def _is_number(cell: object) -> bool:
    if isinstance(cell, bool):
        return False
    if isinstance(cell, int | float):
        return True
    if not isinstance(cell, str):
        return False
    text = cell.strip()
    return bool(ENGLISH.pattern.fullmatch(text) or DANISH.pattern.fullmatch(text))


def _has_number(cells: list[object]) -> bool:
    return any(_is_number(c) for c in cells)


def _distinct(cells: list[object]) -> bool:
    """No repeated value (a row of column names; answers repeat)."""
    texts = [str(c).strip() for c in cells]
    return len(set(texts)) == len(texts)
