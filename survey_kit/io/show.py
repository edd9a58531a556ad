"""Showing found values in one-line messages: short, on one line, without numpy wrappers."""

from __future__ import annotations

import math

import numpy as np

MAX_SHOWN = 60


def show_value(value: object, limit: int = MAX_SHOWN) -> str:
    """``repr`` of a cell value for a message, shortened to about ``limit`` characters.

    Numbers lose their numpy type and a trailing ``.0``; text longer than ``limit`` is cut
    with its full length given, and line breaks are shown as ``\\n``.

    Examples
    --------
    >>> show_value(np.float64(9.0)), show_value(2.5), show_value(float("nan"))
    ('9', '2.5', 'a blank')
    >>> show_value("x" * 5000)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…' (5,000 characters)"
    """
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "a blank"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if not isinstance(value, str):
        value = str(value) if isinstance(value, int | float) else repr(value)
        return value if len(value) <= limit else value[: limit - 20] + "…"
    if len(value) <= limit:
        return repr(value)
    head = value[: max(limit - 20, 10)]
    return f"{head + '…'!r} ({len(value):,} characters)"
