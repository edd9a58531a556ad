"""The significance tables (or any report table) as tidy CSV that is safe to open in Excel.

* UTF-8 with a byte-order mark, so Excel shows æ, ø, å, ▲ and – correctly;
* decimal point and no thousands separator, so every program reads the numbers back;
* every text cell that starts with ``=``, ``+``, ``-``, ``@``, tab or CR gets a leading
  apostrophe (:func:`survey_kit.report.escape.neutralise_formula`);
* suppressed numbers are empty cells; the ``suppressed`` column says why they are empty.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from survey_kit.report.escape import neutralise_frame
from survey_kit.report.inputs import FORBIDDEN_COLUMNS, SignificanceInput, raise_if
from survey_kit.report.tables import tidy_tables

CSV_ENCODING = "utf-8-sig"


def write_tidy_csv(data: SignificanceInput | pd.DataFrame, path: str | Path) -> Path:
    """Write tidy tables to a CSV file.

    Parameters
    ----------
    data : SignificanceInput or pandas.DataFrame
        A :class:`SignificanceInput` is written as the stacked significance tables (one row
        per shown cell, columns of :data:`survey_kit.report.tables.TIDY_COLUMNS`); a DataFrame
        (e.g. suppressed estimates) is written as it is.  A DataFrame with a ``suppressed``
        column must have been through :func:`survey_kit.report.suppress`; one with a
        respondent-id or free-text column is refused.
    path : str or pathlib.Path
        Where to write (its folder must exist).

    Returns
    -------
    pathlib.Path
        ``path``.

    Examples
    --------
    >>> import tempfile, os
    >>> frame = pd.DataFrame({"label": ["=2+3", "tryg"], "estimate": [-0.5, 0.25]})
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = write_tidy_csv(frame, os.path.join(d, "t.csv"))
    ...     p.read_bytes()
    b"\\xef\\xbb\\xbflabel,estimate\\r\\n'=2+3,-0.5\\r\\ntryg,0.25\\r\\n"
    """
    if isinstance(data, SignificanceInput):
        frame = tidy_tables(data)
    else:
        problems: list[str] = []
        if not isinstance(data, pd.DataFrame):
            problems.append(f"expected a SignificanceInput or DataFrame, found {type(data)}")
        else:
            bad = [str(c) for c in data.columns if str(c).lower() in FORBIDDEN_COLUMNS]
            if bad:
                problems.append(f"column(s) {bad} identify respondents or hold free text")
        raise_if(problems, "tidy CSV")
        frame = data
    path = Path(path)
    safe = neutralise_frame(frame)
    safe.to_csv(path, index=False, encoding=CSV_ENCODING, lineterminator="\r\n",
                quoting=csv.QUOTE_MINIMAL)
    return path


__all__ = ["CSV_ENCODING", "write_tidy_csv"]
