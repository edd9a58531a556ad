"""Reading the tables of a TOML run configuration strictly: every key known, every value of
the expected kind, a "did you mean" for near misses.

Each reader takes a table, a key, the place for the message (``"[report]"``) and the
expected kind, and raises :class:`~survey_kit.errors.ConfigError` with one line naming the
section and the key.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import Any

from survey_kit.errors import ConfigError

MISSING: Any = ...
"""Default of :func:`get` meaning "the key is required"."""


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for the closest option, else ``""``.

    Examples
    --------
    >>> did_you_mean("suppresion_threshold", ["level", "suppression_threshold"])
    "; did you mean 'suppression_threshold'?"
    >>> did_you_mean("colour", ["level"])
    ''
    """
    by_case = {str(o).casefold(): str(o) for o in options}
    close = difflib.get_close_matches(word.casefold(), list(by_case), n=1, cutoff=0.6)
    return f"; did you mean {by_case[close[0]]!r}?" if close else ""


def listing(options: Iterable[object], limit: int = 12) -> str:
    """Options for a message, at most ``limit`` of them.

    Examples
    --------
    >>> listing(["b", "a"]), listing(range(5), limit=3)
    ('b, a', '0, 1, 2 and 2 more')
    """
    shown = [str(o) for o in options]
    more = f" and {len(shown) - limit} more" if len(shown) > limit else ""
    return ", ".join(shown[:limit]) + more


def check_keys(table: Mapping[str, Any], known: Collection[str], where: str) -> None:
    """Raise naming the first key of ``table`` that is not in ``known``.

    Examples
    --------
    >>> check_keys({"subgroup": []}, ("group", "subgroups"), "[comparison]")
    Traceback (most recent call last):
    ...
    survey_kit.errors.ConfigError: [comparison]: unknown key 'subgroup'; did you mean 'subgroups'?
    """
    for key in table:
        if key not in known:
            hint = did_you_mean(key, known) or f"; expected one of {listing(sorted(known), 40)}"
            raise ConfigError(f"{where}: unknown key {key!r}{hint}")


def kinds(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    """``kind`` as a tuple of types."""
    return kind if isinstance(kind, tuple) else (kind,)


_NAMES = {"str": "a text", "int": "a whole number", "float": "a number", "bool": "true or false",
          "list": "a list", "dict": "a table"}


def kind_name(kind: type | tuple[type, ...]) -> str:
    """What a value of ``kind`` is called in a message.

    Examples
    --------
    >>> kind_name((int, float)), kind_name(dict)
    ('a whole number or a number', 'a table')
    """
    return " or ".join(_NAMES.get(k.__name__, k.__name__) for k in kinds(kind))


def get(table: Mapping[str, Any], key: str, where: str, kind: type | tuple[type, ...],
        default: Any = MISSING) -> Any:
    """``table[key]`` when of ``kind`` (``bool`` only where ``kind`` says so), ``default``
    when absent; a missing required key or a value of another kind raises."""
    if key not in table:
        if default is MISSING:
            raise ConfigError(f"{where}: missing key '{key}'")
        return default
    value = table[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and bool not in kinds(kind)):
        raise ConfigError(f"{where}: key '{key}' must be {kind_name(kind)}, found {value!r}")
    return value


def str_list(table: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    """A list of texts (empty when absent)."""
    values = get(table, key, where, list, [])
    if not all(isinstance(v, str) for v in values):
        raise ConfigError(f"{where}: key '{key}' must be a list of texts, found {values!r}")
    return tuple(values)


def optional_str(table: Mapping[str, Any], key: str, where: str) -> str | None:
    """A text, or None when absent or ``""``."""
    value = get(table, key, where, str, "")
    return value or None


def share(table: Mapping[str, Any], key: str, where: str, default: float) -> float:
    """A number between 0 and 1."""
    value = float(get(table, key, where, (int, float), default))
    if not 0 <= value <= 1:
        raise ConfigError(f"{where}: key '{key}' must be a share between 0 and 1, "
                          f"found {value:g}")
    return value


def one_of(table: Mapping[str, Any], key: str, where: str, options: Collection[str],
           default: str) -> str:
    """A text among ``options`` (compared exactly; near misses get a "did you mean")."""
    value = get(table, key, where, str, default)
    if value not in options:
        raise ConfigError(f"{where}: key '{key}' must be one of {', '.join(options)}, found "
                          f"{value!r}{did_you_mean(value, options)}")
    return value


def section(raw: Mapping[str, Any], name: str, known: Collection[str],
            required: bool = False) -> Mapping[str, Any]:
    """The table ``[name]`` (empty when absent and not required), its keys checked."""
    table = get(raw, name, "configuration", dict, MISSING if required else {})
    check_keys(table, known, f"[{name}]")
    return table


def resolve(base: Path, value: str) -> Path:
    """A configured path: absolute as given, else relative to the configuration's folder."""
    path = Path(value)
    return path if path.is_absolute() else base / path


__all__ = [
    "MISSING",
    "check_keys",
    "did_you_mean",
    "get",
    "kind_name",
    "kinds",
    "listing",
    "one_of",
    "optional_str",
    "resolve",
    "section",
    "share",
    "str_list",
]
