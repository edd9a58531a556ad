"""Safe text for the outputs: HTML escaping, spreadsheet formula neutralising, Danish numbers.

Three small concerns that every writer in :mod:`survey_kit.report` shares:

* :func:`html_escape` -- labels come from questionnaires and configuration files written by
  people, so every label is escaped before it reaches HTML (the Jinja2 environment of
  :mod:`survey_kit.report.resident` also autoescapes).
* :func:`neutralise_formula` -- a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab
  or a carriage return is read as a formula by Excel, LibreOffice and Google Sheets when a CSV
  file is opened ("CSV injection").  We choose the OWASP rule: such a cell gets a leading
  apostrophe.  In ``.xlsx`` files written by :mod:`survey_kit.report.excel` every text cell is
  stored as a string cell (never a formula), so no apostrophe is needed there.
* :func:`fmt_pct`, :func:`fmt_dec`, :func:`fmt_int` -- Danish number formatting: decimal
  comma, "." as thousands separator, a no-break space before the percent sign;
  :func:`fmt_date` (Danish long dates) and :func:`display_label` (en dash in number ranges).

And :func:`slug`, the one way a label becomes part of a file name.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterable

import pandas as pd
from markupsafe import Markup, escape

FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet treat a text cell as a formula."""

MISSING_TEXT = "–"
"""What a number that cannot be shown (missing or suppressed) prints as: an en dash."""


def slug(text: str, sep: str = "-", empty: str = "x") -> str:
    """``text`` as a lower-case ASCII file-name part: æ/ø/å spelled out, accents dropped, every
    run of other characters one ``sep``; ``empty`` when nothing is left.

    Examples
    --------
    >>> slug("Ærø Øst – Ålborg"), slug("oplevet_tryghed", "_"), slug("!!", empty="omraade")
    ('aeroe-oest-aalborg', 'oplevet_tryghed', 'omraade')
    """
    spelled = (text.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
               .replace("Æ", "Ae").replace("Ø", "Oe").replace("Å", "Aa"))
    ascii_text = unicodedata.normalize("NFKD", spelled).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", sep, ascii_text).strip(sep).lower() or empty


def html_escape(text: object) -> Markup:
    """Escape a value for HTML (``&``, ``<``, ``>``, quotes).

    Parameters
    ----------
    text : object
        Any value; it is converted with ``str``.  A :class:`markupsafe.Markup` value is
        trusted and returned unchanged, as in Jinja2.

    Returns
    -------
    markupsafe.Markup
        The escaped text.

    Examples
    --------
    >>> str(html_escape('<script>alert("x")</script>'))
    '&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;'
    """
    return escape(text)


def neutralise_formula(value: object) -> object:
    """Make a text value safe to write into a CSV cell that a spreadsheet will open.

    Parameters
    ----------
    value : object
        A cell value.  Only ``str`` values are changed; numbers, booleans and missing values
        pass through unchanged, so a negative number stays a number.

    Returns
    -------
    object
        ``"'" + value`` when the text starts with one of :data:`FORMULA_TRIGGERS`, otherwise
        ``value``.

    Examples
    --------
    >>> neutralise_formula("=1+1"), neutralise_formula("-tryg"), neutralise_formula(-0.5)
    ("'=1+1", "'-tryg", -0.5)
    >>> neutralise_formula("helhedsplan")
    'helhedsplan'
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``frame`` whose text cells and column names are formula-safe.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table about to be written as CSV.

    Returns
    -------
    pandas.DataFrame
        A copy; object and string columns are passed through :func:`neutralise_formula`
        cell by cell, numeric columns are untouched.
    """
    out = frame.copy()
    out.columns = [str(neutralise_formula(str(c))) for c in out.columns]
    for col in out.columns:
        if not pd.api.types.is_numeric_dtype(out[col]) or pd.api.types.is_bool_dtype(out[col]):
            out[col] = out[col].map(neutralise_formula).astype(object)
    return out


def _group_thousands(digits: str) -> str:
    """Insert "." every three digits from the right in a string of digits."""
    groups: list[str] = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return ".".join(groups)


def fmt_dec(x: float | None, decimals: int = 1, *, sign: bool = False) -> str:
    """Format a number the Danish way: decimal comma and "." between thousands.

    Parameters
    ----------
    x : float or None
        The number.  Missing values (None, NaN) print as :data:`MISSING_TEXT`.
    decimals : int, default 1
        Number of decimals (half away from zero, as people round by hand).
    sign : bool, default False
        Print a leading "+" for positive numbers (changes and differences).

    Returns
    -------
    str

    Examples
    --------
    >>> fmt_dec(0.5334, 2), fmt_dec(12345.678, 1), fmt_dec(-3.25, 1), fmt_dec(2.0, 0)
    ('0,53', '12.345,7', '-3,3', '2')
    >>> fmt_dec(4.0, 0, sign=True), fmt_dec(float("nan"))
    ('+4', '–')
    """
    if x is None or pd.isna(x):
        return MISSING_TEXT
    value = float(x)
    scaled = abs(value) * 10**decimals
    rounded = math.floor(scaled + 0.5 + 1e-9)
    integer, fraction = divmod(rounded, 10**decimals)
    text = _group_thousands(str(int(integer)))
    if decimals > 0:
        text += "," + str(int(fraction)).zfill(decimals)
    if rounded == 0:
        return text
    if value < 0:
        return "-" + text
    return ("+" + text) if sign else text


def fmt_int(x: float | None) -> str:
    """Format a count with "." between thousands.

    Examples
    --------
    >>> fmt_int(10473), fmt_int(None)
    ('10.473', '–')
    """
    return fmt_dec(x, 0)


NBSP = "\u00a0"
"""No-break space: joins a number to its unit so that "50 %" never wraps."""

MONTHS_DA: tuple[str, ...] = (
    "januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september",
    "oktober", "november", "december",
)
"""Danish month names (lower case, as written inside a sentence)."""

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DIGIT_HYPHEN = re.compile(r"(?<=\d)\s?-\s?(?=\d)")


def fmt_date(text: str) -> str:
    """An ISO date (``2026-11-22``) as a Danish long date (``22. november 2026``).

    Text that is not an ISO date is returned unchanged.

    Examples
    --------
    >>> fmt_date("2026-11-22"), fmt_date("2024-05-01"), fmt_date("Maj 2024"), fmt_date("")
    ('22. november 2026', '1. maj 2024', 'Maj 2024', '')
    """
    m = _ISO_DATE.fullmatch(text.strip())
    if not m:
        return text
    try:
        day = dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return text
    return f"{day.day}. {MONTHS_DA[day.month - 1]} {day.year}"


def display_label(text: str) -> str:
    """A label for display: a hyphen between two numbers becomes an en dash ("18–29 år").

    Examples
    --------
    >>> display_label("18-29 år"), display_label("MENAPT-baggrund"), display_label("65+")
    ('18–29 år', 'MENAPT-baggrund', '65+')
    """
    return _DIGIT_HYPHEN.sub("–", text)


def fmt_pct(x: float | None, decimals: int = 0, *, sign: bool = False) -> str:
    """Format a share on 0-1 as a Danish percentage ("73\u00a0%", with a no-break space).

    Parameters
    ----------
    x : float or None
        The share (0.734 means 73.4 %).  Missing values print as :data:`MISSING_TEXT`.
    decimals : int, default 0
        Decimals of the percentage.
    sign : bool, default False
        Print a leading "+" for positive numbers.

    Returns
    -------
    str

    Examples
    --------
    >>> fmt_pct(0.734), fmt_pct(0.7345, 1), fmt_pct(1.0)
    ('73\xa0%', '73,5\xa0%', '100\xa0%')
    """
    if x is None or pd.isna(x):
        return MISSING_TEXT
    return fmt_dec(float(x) * 100, decimals, sign=sign) + NBSP + "%"


def join_danish(parts: Iterable[str]) -> str:
    """Join words as a Danish list: "a, b og c".

    Examples
    --------
    >>> join_danish(["tillid", "tilfredshed", "livskvalitet"])
    'tillid, tilfredshed og livskvalitet'
    >>> join_danish(["tillid"]), join_danish([])
    ('tillid', '')
    """
    items = list(parts)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " og " + items[-1]


__all__ = [
    "FORMULA_TRIGGERS",
    "MISSING_TEXT",
    "MONTHS_DA",
    "NBSP",
    "display_label",
    "fmt_date",
    "fmt_dec",
    "fmt_int",
    "fmt_pct",
    "html_escape",
    "join_danish",
    "neutralise_formula",
    "neutralise_frame",
]
