"""Reading spec YAML files strictly: duplicate keys and syntax errors become SpecError."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from survey_kit.errors import SpecError

BUNDLED_FOLDER = "questionnaires"


class _StrictLoader(yaml.SafeLoader):
    """A SafeLoader that refuses duplicate mapping keys (PyYAML keeps the last one)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)  # type: ignore[no-untyped-call]
        if key in seen:
            line = key_node.start_mark.line + 1
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (line {line}, first on line {seen[key]})"
            )
        seen[key] = key_node.start_mark.line + 1
    return loader.construct_mapping(node, deep=True)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def bundled_names() -> tuple[str, ...]:
    """Names of the questionnaires shipped with the package.

    Examples
    --------
    >>> bundled_names()
    ('livsmestring', 'tryghed_trivsel')
    """
    folder = resources.files("survey_kit").joinpath(BUNDLED_FOLDER)
    return tuple(sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml")))


def resolve(name_or_path: str | Path) -> Path:
    """Path of a bundled spec given its name, or the given path to a YAML file."""
    text = str(name_or_path)
    if text in bundled_names():
        folder = resources.files("survey_kit").joinpath(BUNDLED_FOLDER)
        return Path(str(folder.joinpath(f"{text}.yaml")))
    path = Path(text)
    if path.suffix.lower() in {".yaml", ".yml"} or path.exists():
        if not path.is_file():
            raise SpecError(f"{path}: questionnaire file not found")
        return path
    raise SpecError(
        f"unknown questionnaire {text!r}: expected a bundled name "
        f"({', '.join(bundled_names())}) or a path to a .yaml file"
    )


def read_yaml(path: Path) -> dict[str, Any]:
    """Parse ``path`` into a mapping; syntax errors and duplicate keys raise SpecError."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"{path}: cannot read questionnaire file ({exc})") from exc
    try:
        data = yaml.load(text, Loader=_StrictLoader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        detail = " ".join(str(exc).split())
        raise SpecError(f"{path}: invalid YAML: {detail}") from exc
    if not isinstance(data, dict):
        found = type(data).__name__
        raise SpecError(f"{path}: expected a mapping at the top level, found {found}")
    return data
