"""Assembling a :class:`Questionnaire` from a parsed spec, with consistency checks."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Any

from survey_kit.spec.items import build_item, check_id
from survey_kit.spec.model import Dimension, IndexRule, Item, Provenance, Questionnaire
from survey_kit.spec.parse import SpecReader
from survey_kit.spec.scales import build_scales
from survey_kit.spec.yaml_io import read_yaml, resolve

RESERVED_COLUMNS = frozenset({"index", "year"})
_TOP_REQUIRED = ("name", "title", "provenance", "scales", "items", "dimensions")
_TOP_OPTIONAL = ("version", "language", "rounds", "unknown_rounds", "index")
UNKNOWN_ROUND_RULES = ("latest", "reject")


def load_questionnaire(name_or_path: str | Path) -> Questionnaire:
    """Load and check a questionnaire spec.

    Parameters
    ----------
    name_or_path
        A bundled name (``"tryghed_trivsel"``, ``"livsmestring"``) or a path to a YAML file.

    Returns
    -------
    Questionnaire
        The frozen, checked spec.

    Raises
    ------
    SpecError
        The file is missing, is not valid YAML, or is inconsistent; the message names the
        file, the item/scale/dimension and the problem.

    Examples
    --------
    >>> q = load_questionnaire("livsmestring")
    >>> [d.id for d in q.dimensions][:3]
    ['skoleglaede', 'faglig_selvvurdering', 'fravaer']
    """
    path = resolve(name_or_path)
    questionnaire = build_questionnaire(read_yaml(path), str(path))
    return dataclasses.replace(questionnaire, path=str(path))


def build_questionnaire(data: dict[str, Any], file: str) -> Questionnaire:
    """Build the model from a parsed YAML mapping; ``file`` is used in error messages."""
    reader = SpecReader(file)
    body = reader.mapping(data, "top level", required=_TOP_REQUIRED, optional=_TOP_OPTIONAL)
    rounds = reader.int_list(body.get("rounds", []), "rounds")
    unknown_rounds = reader.text(body.get("unknown_rounds", "latest"), "unknown_rounds")
    if unknown_rounds not in UNKNOWN_ROUND_RULES:
        raise reader.error("unknown_rounds", f"expected 'latest' or 'reject', found "
                           f"{unknown_rounds!r}")
    scales = build_scales(reader, body["scales"])
    if not isinstance(body["items"], list) or not body["items"]:
        raise reader.error("items", "expected a non-empty list of items")
    items = [build_item(reader, raw, scales, rounds) for raw in body["items"]]
    _check_unique(reader, [item.id for item in items], "item")
    dimensions = _build_dimensions(reader, body["dimensions"], {i.id: i for i in items})
    _check_columns(reader, items, dimensions)
    return Questionnaire(
        name=check_id(reader, body["name"], "name"),
        title=reader.text(body["title"], "title"),
        version=str(body.get("version", "")),
        provenance=_provenance(reader, body["provenance"]),
        rounds=rounds,
        scales=tuple(scales.values()),
        dimensions=dimensions,
        index=_index_rule(reader, body.get("index", {}), len(dimensions)),
        unknown_rounds=unknown_rounds,
    )


def _build_dimensions(
    reader: SpecReader, raw: Any, items: dict[str, Item]
) -> tuple[Dimension, ...]:
    if not isinstance(raw, list) or not raw:
        raise reader.error("dimensions", "expected a non-empty list of dimensions")
    owner: dict[str, str] = {}
    dimensions = []
    for entry in raw:
        dim = _build_dimension(reader, entry, items)
        for item in dim.items:
            if item.id in owner:
                raise reader.error(
                    f"item {item.id!r}",
                    f"listed in two dimensions: {owner[item.id]!r} and {dim.id!r}",
                )
            owner[item.id] = dim.id
        dimensions.append(dim)
    _check_unique(reader, [d.id for d in dimensions], "dimension")
    orphans = [item_id for item_id in items if item_id not in owner]
    if orphans:
        raise reader.error(f"item {orphans[0]!r}", "belongs to no dimension")
    return tuple(dimensions)


def _build_dimension(reader: SpecReader, raw: Any, items: dict[str, Item]) -> Dimension:
    if not isinstance(raw, dict):
        raise reader.error("dimensions", "each dimension must be a mapping")
    dim_id = check_id(reader, raw.get("id"), "dimension")
    where = f"dimension {dim_id!r}"
    body = reader.mapping(
        raw, where, required=("id", "label", "items"), optional=("min_items", "description")
    )
    if not isinstance(body["items"], list) or not body["items"]:
        raise reader.error(where, "expected a non-empty list of item ids")
    unknown = [i for i in body["items"] if i not in items]
    if unknown:
        raise reader.error(where, f"unknown item {unknown[0]!r}")
    _check_unique(reader, body["items"], f"{where}: item")
    members = tuple(dataclasses.replace(items[i], dimension=dim_id) for i in body["items"])
    n_scored = sum(item.scored for item in members)
    if n_scored == 0:
        raise reader.error(where, "has no scored (ordinal or numeric) item")
    min_items = body.get("min_items", max(1, math.ceil(n_scored / 2)))
    min_items = reader.integer(min_items, f"{where} min_items")
    if not 1 <= min_items <= n_scored:
        raise reader.error(
            where, f"min_items must be between 1 and {n_scored} (scored items), found {min_items}"
        )
    description = body.get("description")
    return Dimension(
        id=dim_id,
        label=reader.text(body["label"], f"{where} label"),
        items=members,
        min_items=min_items,
        description=None if description is None else reader.text(description, where),
    )


def _check_unique(reader: SpecReader, ids: list[str], what: str) -> None:
    seen: set[str] = set()
    for value in ids:
        if value in seen:
            raise reader.error(f"{what} {value!r}", "duplicate id")
        seen.add(value)


def _check_columns(
    reader: SpecReader, items: list[Item], dimensions: tuple[Dimension, ...]
) -> None:
    """Item, variant and generated column names must not collide."""
    taken: dict[str, str] = {}
    names = [(item.id, f"item {item.id!r}") for item in items]
    names += [(d.id, f"dimension {d.id!r}") for d in dimensions]
    for item in items:
        names += [(v.column, f"item {item.id!r} variant") for v in item.variants if v.column]
        names += [(f"{item.id}_pos", f"indicator of item {item.id!r}")]
        names += [(f"{item.id}_score", f"score of item {item.id!r}")]
    for name, owner in names:
        if name in RESERVED_COLUMNS:
            raise reader.error(owner, f"the name {name!r} is reserved")
        if name in taken:
            raise reader.error(owner, f"column name {name!r} is also used by {taken[name]}")
        taken[name] = owner


def _provenance(reader: SpecReader, raw: Any) -> Provenance:
    body = reader.mapping(raw, "provenance", required=("source",),
                          optional=("confirmed", "provisional"))
    return Provenance(
        source=reader.text(body["source"], "provenance source"),
        confirmed=reader.text_list(body.get("confirmed", []), "provenance confirmed"),
        provisional=reader.text_list(body.get("provisional", []), "provenance provisional"),
    )


def _index_rule(reader: SpecReader, raw: Any, n_dimensions: int) -> IndexRule:
    body = reader.mapping(raw, "index", optional=("label", "min_dimensions"))
    minimum = reader.integer(body.get("min_dimensions", n_dimensions), "index min_dimensions")
    if not 1 <= minimum <= n_dimensions:
        raise reader.error(
            "index", f"min_dimensions must be between 1 and {n_dimensions}, found {minimum}"
        )
    label = reader.text(body.get("label", "Samlet indeks"), "index label")
    return IndexRule(label=label, min_dimensions=minimum)
