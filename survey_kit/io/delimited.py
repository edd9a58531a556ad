"""Reading delimited text (CSV, semicolon CSV, tab-separated) as a table of text cells.

The delimiter is the one of comma, semicolon and tab that splits the first lines into the
same number of fields (more than one); the header row is found below any title rows
(:func:`survey_kit.io.header.find_header`).  Every cell is read as text; the caller
converts columns deliberately (:mod:`survey_kit.io.convert`).  Rows are numbered as a
spreadsheet shows the file: the first line is row 1, a quoted line break does not start a
new row, blank lines count.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from survey_kit.errors import DataValidationError
from survey_kit.io.header import SCAN_ROWS, find_header
from survey_kit.io.show import show_value

DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
_FIELDS = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


@dataclass(frozen=True)
class TextTable:
    """Text cells below the header; ``header_row`` is the 1-based row of the names."""

    cells: pd.DataFrame
    header: list[str]
    header_row: int
    delimiter: str


def read_delimited(text: str, name: str, header_row: int | None = None) -> TextTable:
    """Split decoded text into a header and text cells (empty strings for blank cells).

    Raises
    ------
    DataValidationError
        An empty file, a header that does not split on comma, semicolon or tab, or a row
        with more fields than the header.

    Examples
    --------
    >>> t = read_delimited("Titel\\n\\nid;vægt\\n01;1,5\\n", "a.csv")
    >>> t.header, t.header_row, t.delimiter, t.cells.values.tolist()
    (['id', 'vægt'], 3, ';', [['01', '1,5']])
    """
    if not text.strip():
        raise DataValidationError(f"{name}: empty file (expected a header row and data rows)")
    sample = [line.rstrip("\r") for line in text.split("\n", SCAN_ROWS + 1)[:SCAN_ROWS]]
    delimiter, width = detect_delimiter(sample, name)
    records = list(csv.reader(sample, delimiter=delimiter))
    start = header_row - 1 if header_row is not None else find_header(records, name, width)
    header = [h.strip() for h in records[start]] if start < len(records) else []
    rest = text.split("\n", start + 1)[start + 1] if text.count("\n") > start else ""
    cells = _parse(rest, delimiter, len(header), name, start + 1)
    return TextTable(cells, header, start + 1, delimiter)


def detect_delimiter(lines: list[str], name: str) -> tuple[str, int]:
    """The delimiter that splits the most lines into the same number (> 1) of fields, and
    that number.

    Examples
    --------
    >>> detect_delimiter(["a;b;c", "1;2,5;3"], "a.csv")
    (';', 3)
    >>> detect_delimiter(["a|b|c", "1|2|3"], "a.csv")
    Traceback (most recent call last):
    ...
    survey_kit.errors.DataValidationError: a.csv: the header does not split ...
    """
    best: tuple[int, int, str] | None = None
    for delimiter in DELIMITERS:
        counts = Counter(len(r) for r in csv.reader(lines, delimiter=delimiter) if any(r))
        fields, freq = max(counts.items(), key=lambda kv: (kv[1], kv[0]), default=(0, 0))
        if fields > 1 and (best is None or (freq, fields) > best[:2]):
            best = (freq, fields, delimiter)
    if best is None:
        first = next((line for line in lines if line.strip()), "")
        raise DataValidationError(
            f"{name}: the header does not split on comma, semicolon or tab (found one "
            f"column {show_value(first.strip())}); save the file as CSV with one of those"
        )
    return best[2], best[1]


def _parse(rest: str, delimiter: str, width: int, name: str, header_row: int) -> pd.DataFrame:
    """The records below the header as text cells (blank rows kept, short rows padded)."""
    columns = list(range(width))
    if not rest.strip():
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    try:
        cells = pd.read_csv(
            io.StringIO(rest), sep=delimiter, header=None, names=columns, dtype=str,
            keep_default_na=False, na_filter=False, skip_blank_lines=False, quotechar='"',
            engine="c", index_col=False,
        )
    except pd.errors.ParserError as exc:
        raise _too_many_fields(str(exc), name, header_row, delimiter) from None
    return cells


def _too_many_fields(
    detail: str, name: str, header_row: int, delimiter: str
) -> DataValidationError:
    found = _FIELDS.search(detail)
    if found is None:
        text = " ".join(detail.split())
        return DataValidationError(f"{name}: cannot read .csv file: {text}")
    width, line, seen = (int(g) for g in found.groups())
    return DataValidationError(
        f"{name}: cannot read .csv file: line {header_row + line} has {seen} fields but the "
        f"header (row {header_row}) has {width}; a {DELIMITERS[delimiter]} inside a value "
        "must be quoted"
    )
