"""``[labels]`` of a run configuration: the labels of a column's values and the report
texts (headings, phrases, nouns, named texts), completed from the bundled configuration of
the same survey."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from survey_kit.errors import ConfigError
from survey_kit.run.strict import check_keys

HEADINGS, PHRASES, NOUNS, TEXTS = "headings", "phrases", "nouns", "texts"
"""Tables of ``[labels]`` that hold report texts rather than the labels of a column's values:
breakdown headings, comparison groups and columns as said in sentences, and named texts."""
TEXT_KEYS = ("survey_name", "topic", "population", "title")
"""The named texts of ``[labels.texts]``."""


def read_labels(table: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """``[labels]``: one table per column (value = label) or report text table."""
    out: dict[str, dict[str, str]] = {}
    for column, values in table.items():
        if not isinstance(values, dict):
            raise ConfigError(
                f"[labels]: key {column!r} must be a table of value = label ([labels.{column}] "
                f"with one line per value), found {values!r}")
        for key, label in values.items():
            if not isinstance(label, str):
                raise ConfigError(f"[labels.{column}]: the label of {key!r} must be a text, "
                                  f"found {label!r}")
        out[column] = dict(values)
    check_keys(out.get(TEXTS, {}), TEXT_KEYS, f"[labels.{TEXTS}]")
    return out


def with_defaults(labels: dict[str, dict[str, str]], survey: str
                   ) -> dict[str, dict[str, str]]:
    """The text tables of ``[labels]`` completed from the bundled configuration of the same
    survey (the configuration's own entries win)."""
    defaults = _bundled_texts().get(survey, {})
    out = dict(labels)
    for table in (HEADINGS, PHRASES, NOUNS, TEXTS):
        merged = {**defaults.get(table, {}), **labels.get(table, {})}
        if merged:
            out[table] = merged
    return out


@cache
def _bundled_texts() -> dict[str, dict[str, dict[str, str]]]:
    """Survey -> the text tables of ``[labels]`` in the bundled configuration for it."""
    out: dict[str, dict[str, dict[str, str]]] = {}
    for entry in sorted(resources.files("survey_kit.run").joinpath("configs").iterdir(),
                        key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        raw = tomllib.loads(entry.read_text(encoding="utf-8"))
        labels = raw.get("labels", {})
        out.setdefault(raw.get("run", {}).get("survey", "tryghed"), {
            t: dict(labels[t]) for t in (HEADINGS, PHRASES, NOUNS, TEXTS) if t in labels})
    return out



__all__ = [
    "HEADINGS",
    "NOUNS",
    "PHRASES",
    "TEXTS",
    "TEXT_KEYS",
    "read_labels",
    "with_defaults",
]
