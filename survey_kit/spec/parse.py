"""Small typed readers for spec YAML values; every failure names file and place."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from survey_kit.errors import SpecError


class SpecReader:
    """Reads values from a parsed spec and raises SpecError naming the file and place.

    Examples
    --------
    >>> r = SpecReader("demo.yaml")
    >>> r.int_list([2018, 2021], "rounds")
    (2018, 2021)
    >>> r.int_list(["x"], "rounds")
    Traceback (most recent call last):
    ...
    survey_kit.errors.SpecError: demo.yaml: rounds: expected whole numbers, found 'x'
    """

    def __init__(self, file: str) -> None:
        self.file = file

    def error(self, where: str, problem: str) -> SpecError:
        """A SpecError with the message ``<file>: <where>: <problem>``."""
        return SpecError(f"{self.file}: {where}: {problem}")

    def mapping(
        self,
        value: Any,
        where: str,
        required: Iterable[str] = (),
        optional: Iterable[str] = (),
    ) -> dict[str, Any]:
        """Check that ``value`` is a mapping with the required keys and no unknown ones."""
        if not isinstance(value, Mapping):
            raise self.error(where, f"expected a mapping, found {_show(value)}")
        required = tuple(required)
        allowed = set(required) | set(optional)
        missing = [key for key in required if key not in value]
        if missing:
            raise self.error(where, f"missing key(s): {', '.join(missing)}")
        unknown = sorted(str(key) for key in value if key not in allowed)
        if unknown:
            known = ", ".join(sorted(allowed))
            raise self.error(where, f"unknown key(s): {', '.join(unknown)} (allowed: {known})")
        return dict(value)

    def text(self, value: Any, where: str) -> str:
        """A non-empty string."""
        if not isinstance(value, str) or not value.strip():
            raise self.error(where, f"expected non-empty text, found {_show(value)}")
        return " ".join(value.split())

    def text_list(self, value: Any, where: str) -> tuple[str, ...]:
        """A string or a list of strings, as a tuple."""
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list):
            raise self.error(where, f"expected text or a list of text, found {_show(value)}")
        return tuple(self.text(v, where) for v in values)

    def integer(self, value: Any, where: str) -> int:
        """A whole number (booleans are refused)."""
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(where, f"expected a whole number, found {_show(value)}")
        return value

    def int_list(self, value: Any, where: str) -> tuple[int, ...]:
        """A list of distinct whole numbers."""
        if not isinstance(value, list):
            raise self.error(where, f"expected a list of whole numbers, found {_show(value)}")
        bad = [v for v in value if isinstance(v, bool) or not isinstance(v, int)]
        if bad:
            raise self.error(where, f"expected whole numbers, found {_show(bad[0])}")
        dupes = sorted({v for v in value if value.count(v) > 1})
        if dupes:
            raise self.error(where, f"duplicate value(s): {', '.join(map(str, dupes))}")
        return tuple(value)

    def flag(self, value: Any, where: str) -> bool:
        """A boolean."""
        if not isinstance(value, bool):
            raise self.error(where, f"expected true or false, found {_show(value)}")
        return value

    def code_labels(self, value: Any, where: str) -> dict[int, str]:
        """A non-empty mapping from whole-number codes to labels."""
        if not isinstance(value, Mapping) or not value:
            raise self.error(where, f"expected a mapping code: label, found {_show(value)}")
        return {self.integer(k, where): self.text(v, f"{where} {k}") for k, v in value.items()}


def _show(value: Any) -> str:
    """Short description of a found value for messages."""
    if isinstance(value, str):
        return repr(value)
    if value is None:
        return "nothing"
    if isinstance(value, int | float):
        return repr(value)
    return type(value).__name__
