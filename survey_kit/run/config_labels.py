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
SURVEY_TEXTS = {"tryghed": ("survey_name", "topic", "population"),
                "livsmestring": ("survey_name", "title", "population")}
"""The named texts of ``[labels.texts]`` each report layout uses."""
TEXT_KEYS = ("survey_name", "topic", "population", "title")
"""Every named text of ``[labels.texts]``."""


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


def with_defaults(labels: dict[str, dict[str, str]], survey: str, bundled: bool = True
                   ) -> dict[str, dict[str, str]]:
    """The text tables of ``[labels]`` completed from the bundled configuration of the same
    survey (the configuration's own entries win).  The named texts (``[labels.texts]``:
    the survey's name, topic, population) only when the questionnaire is the bundled one
    (``bundled``): an own questionnaire is another survey (see :func:`own_texts`)."""
    defaults = _bundled_texts().get(survey, {})
    out = dict(labels)
    for table in (HEADINGS, PHRASES, NOUNS, *((TEXTS,) if bundled else ())):
        merged = {**defaults.get(table, {}), **labels.get(table, {})}
        if merged:
            out[table] = merged
    return out


OWN_POPULATION = "de adspurgte"
"""``population`` of an own questionnaire's reports when ``[labels.texts]`` has none."""


def own_texts(labels: Mapping[str, Mapping[str, str]], spec_title: str, run_name: str,
              survey: str = "tryghed") -> tuple[dict[str, dict[str, str]], str | None]:
    """The named texts of a run on an own questionnaire completed from its spec and
    configuration: ``survey_name`` the spec's title, ``topic`` and ``title`` the run's name,
    ``population`` :data:`OWN_POPULATION`; and a note naming what was filled in of the texts
    the ``survey``'s reports use (None when ``[labels.texts]`` gives all of them).

    Examples
    --------
    >>> labels, note = own_texts({}, "Tryghedsmåling 2024", "Tryghed i Nordby")
    >>> labels["texts"]["survey_name"], note
    ('Tryghedsmåling 2024', "[labels.texts] has no survey_name, topic, population: the \
reports use 'Tryghedsmåling 2024' (the questionnaire's title), 'Tryghed i Nordby' (the \
run's name) and 'de adspurgte'")
    """
    fallback = {"survey_name": spec_title, "topic": run_name, "population": OWN_POPULATION,
                "title": run_name}
    texts = dict(labels.get(TEXTS, {}))
    missing = [key for key in SURVEY_TEXTS[survey] if key not in texts]
    out = {k: dict(v) for k, v in labels.items()}
    out[TEXTS] = {**fallback, **texts}
    if not missing:
        return out, None
    used = list(dict.fromkeys(f"{fallback[k]!r}{_WHAT[k]}" for k in missing))
    shown = f"{', '.join(used[:-1])} and {used[-1]}" if len(used) > 1 else used[0]
    return out, f"[labels.texts] has no {', '.join(missing)}: the reports use {shown}"


_WHAT = {"survey_name": " (the questionnaire's title)", "topic": " (the run's name)",
         "title": " (the run's name)", "population": ""}


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
    "SURVEY_TEXTS",
    "TEXTS",
    "TEXT_KEYS",
    "own_texts",
    "read_labels",
    "with_defaults",
]
