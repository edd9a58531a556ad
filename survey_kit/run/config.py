"""Run configuration: a documented TOML file, checked with messages that name the key.

See ``reports/tryghedsmaaling.toml`` for a commented example.  Relative paths are taken
relative to the configuration file.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from survey_kit.compare.multiplicity import ADJUST_METHODS
from survey_kit.errors import ConfigError


@dataclass(frozen=True)
class DataFile:
    """One raw data file; ``year`` is added as a column when the file has none."""

    path: Path
    year: int | None = None


@dataclass(frozen=True)
class SmallAreaConfig:
    """``[small_area]``: the Fay-Herriot models of the areas and which figure a page shows.

    ``method`` (REML, ML or FH), ``variance`` (the sampling variances given to the model:
    ``deff``, ``loglinear`` or ``raw``), ``covariates`` (``<variable>=<level>`` register
    shares, ``n_psu``, ``previous``), ``area_margins`` (a tidy CSV ``year, area, variable,
    level, total`` of register counts per area; ``demo_area_margins`` for the demo's), and the
    page rule: an area's page shows its direct estimate when the area has at least ``min_df``
    degrees of freedom and a coefficient of variation of at most ``max_cv``, otherwise the
    small-area estimate.
    """

    enabled: bool = True
    method: str = "REML"
    variance: str = "deff"
    covariates: tuple[str, ...] = ("menapt=True", "age_group=18-29", "age_group=65+",
                                   "previous")
    area_margins: Path | None = None
    demo_area_margins: bool = False
    min_df: int = 5
    max_cv: float = 0.2


SMALL_AREA_METHODS = ("REML", "ML", "FH")
VARIANCE_METHODS = ("deff", "loglinear", "raw")


@dataclass(frozen=True)
class RunConfig:
    """Everything one annual run needs (see the module docstring)."""

    source: Path | None
    name: str
    survey: str  # "tryghed" | "livsmestring"
    questionnaire: str
    files: tuple[DataFile, ...]
    demo: bool
    default_year: int | None
    id_column: str
    output: Path
    weight: str | None
    strata: str | None
    psu: str | None
    fpc: str | None
    lonely_psu: str
    margins: Path | None
    weighting_by: tuple[str, ...]
    bounds: tuple[float, float] | None
    trim_upper: float | None
    group: str | None
    group_from: tuple[str, ...]
    groups: tuple[str, ...]
    focus_group: str | None
    year: str | None
    area: str | None
    subgroups: tuple[str, ...]
    crossings: tuple[tuple[str, ...], ...]
    suppression_threshold: int
    level: float
    adjust: str
    low_threshold: float = 0.5
    low_min_dimensions: int | None = None
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    demo_margins: bool = False
    small_area: SmallAreaConfig = field(default_factory=SmallAreaConfig)
    protection_share: float = 0.10

    def label(self, column: str, value: object) -> str:
        """The Danish label of a value of ``column`` (``[labels.<column>]``), else its text."""
        return self.labels.get(column, {}).get(str(value), str(value))

    def heading(self, column: str) -> str:
        """The heading of a breakdown column (``[labels.headings]``), else its name."""
        return self.labels.get(HEADINGS, {}).get(column, column)

    def phrase(self, group: str) -> str:
        """A comparison group inside a sentence (``[labels.phrases]``), else its label in
        lower case."""
        return self.labels.get(PHRASES, {}).get(group, self.label(self.group or "", group).lower())

    def noun(self, column: str) -> str:
        """A column as a noun inside a sentence (``[labels.nouns]``), else its name."""
        return self.labels.get(NOUNS, {}).get(column, column)

    def text(self, key: str, default: str = "") -> str:
        """A text of the run's reports (``[labels.texts]``), e.g. ``survey_name``."""
        return self.labels.get(TEXTS, {}).get(key, default)

    @property
    def group_summary(self) -> bool:
        """Whether the resident summary is about the comparison groups built from several
        columns (``group_from``, e.g. the youth survey) rather than one page per area."""
        return bool(self.group_from)


HEADINGS, PHRASES, NOUNS, TEXTS = "headings", "phrases", "nouns", "texts"
"""Tables of ``[labels]`` that hold report texts rather than the labels of a column's values:
breakdown headings, comparison groups and columns as said in sentences, and named texts."""


def _get(table: Mapping[str, Any], key: str, where: str, kind: type | tuple[type, ...],
         default: Any = ..., ) -> Any:
    if key not in table:
        if default is ...:
            raise ConfigError(f"{where}: missing key '{key}'")
        return default
    value = table[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _kinds(kind)):
        names = " or ".join(k.__name__ for k in _kinds(kind))
        raise ConfigError(f"{where}: key '{key}' must be {names}, found {value!r}")
    return value


def _kinds(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _str_list(table: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    values = _get(table, key, where, list, [])
    if not all(isinstance(v, str) for v in values):
        raise ConfigError(f"{where}: key '{key}' must be a list of strings, found {values!r}")
    return tuple(values)


def _optional_str(table: Mapping[str, Any], key: str, where: str) -> str | None:
    value = _get(table, key, where, str, "")
    return value or None


def _path(base: Path, value: str) -> Path:
    path = Path(value)
    return path if path.is_absolute() else base / path


def _files(data: Mapping[str, Any], base: Path, where: str) -> tuple[DataFile, ...]:
    out = []
    default_year = _get(data, "year", where, int, None)
    for i, entry in enumerate(_get(data, "files", where, list, [])):
        here = f"{where}.files[{i}]"
        if isinstance(entry, str):
            out.append(DataFile(_path(base, entry), default_year))
            continue
        if not isinstance(entry, dict):
            raise ConfigError(f"{here}: must be a path or a table {{path = ..., year = ...}}")
        year = _get(entry, "year", here, int, default_year)
        out.append(DataFile(_path(base, _get(entry, "path", here, str)), year))
    return tuple(out)


def _bounds(weighting: Mapping[str, Any], where: str) -> tuple[float, float] | None:
    bounds = _get(weighting, "bounds", where, list, [])
    if not bounds:
        return None
    if len(bounds) != 2 or not all(isinstance(b, int | float) for b in bounds) or not (
        0 <= bounds[0] < 1 < bounds[1]
    ):
        raise ConfigError(
            f"{where}: key 'bounds' must be [low, high] with 0 <= low < 1 < high, found {bounds!r}"
        )
    return float(bounds[0]), float(bounds[1])


def parse_config(raw: Mapping[str, Any], base: Path, source: Path | None = None) -> RunConfig:
    """Check a parsed TOML document and build a :class:`RunConfig`."""
    known = {"run", "data", "design", "weighting", "comparison", "report", "labels",
             "small_area"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ConfigError(f"unknown section [{unknown[0]}]; expected {', '.join(sorted(known))}")
    run = _get(raw, "run", "configuration", dict)
    data = _get(raw, "data", "configuration", dict, {})
    design = _get(raw, "design", "configuration", dict, {})
    weighting = _get(raw, "weighting", "configuration", dict, {})
    comparison = _get(raw, "comparison", "configuration", dict, {})
    report = _get(raw, "report", "configuration", dict, {})
    survey = _get(run, "survey", "[run]", str, "tryghed")
    if survey not in ("tryghed", "livsmestring"):
        raise ConfigError(
            f"[run]: key 'survey' must be 'tryghed' or 'livsmestring', found {survey!r}"
        )
    demo = _get(data, "demo", "[data]", bool, False)
    files = _files(data, base, "[data]")
    if not demo and not files:
        raise ConfigError("[data]: give 'files' (a list of data files) or set 'demo = true'")
    adjust = _get(report, "adjust", "[report]", str, "holm")
    if adjust not in ADJUST_METHODS:
        raise ConfigError(f"[report]: key 'adjust' must be one of {', '.join(ADJUST_METHODS)}, "
                          f"found {adjust!r}")
    threshold = _get(report, "suppression_threshold", "[report]", int, 10)
    if threshold < 5:
        raise ConfigError(
            f"[report]: key 'suppression_threshold' must be at least 5, found {threshold}"
        )
    protection = float(_get(report, "protection_share", "[report]", (int, float), 0.10))
    if not 0 <= protection < 0.5:
        raise ConfigError(
            f"[report]: key 'protection_share' must be in [0, 0.5), found {protection}")
    level = float(_get(report, "level", "[report]", (int, float), 0.95))
    if not 0.5 < level < 1:
        raise ConfigError(f"[report]: key 'level' must be between 0.5 and 1, found {level}")
    margins = _optional_str(weighting, "margins", "[weighting]")
    crossings = _get(comparison, "crossings", "[comparison]", list, [])
    if not all(isinstance(c, list) and all(isinstance(x, str) for x in c) for c in crossings):
        raise ConfigError("[comparison]: key 'crossings' must be a list of lists of column names")
    labels = _get(raw, "labels", "configuration", dict, {})
    return RunConfig(
        source=source,
        name=_get(run, "name", "[run]", str),
        survey=survey,
        questionnaire=_get(run, "questionnaire", "[run]", str),
        files=files,
        demo=demo,
        default_year=_get(data, "year", "[data]", int, None),
        id_column=_get(data, "id_column", "[data]", str, "resp_id"),
        output=_path(base, _get(run, "output", "[run]", str, "out")),
        weight=_optional_str(design, "weight", "[design]"),
        strata=_optional_str(design, "strata", "[design]"),
        psu=_optional_str(design, "psu", "[design]"),
        fpc=_optional_str(design, "fpc", "[design]"),
        lonely_psu=_get(design, "lonely_psu", "[design]", str, "adjust"),
        margins=None if margins is None or margins == "demo" else _path(base, margins),
        weighting_by=_str_list(weighting, "by", "[weighting]"),
        bounds=_bounds(weighting, "[weighting]"),
        trim_upper=_get(weighting, "trim_upper", "[weighting]", (int, float), None),
        group=_optional_str(comparison, "group", "[comparison]"),
        group_from=_str_list(comparison, "group_from", "[comparison]"),
        groups=_str_list(comparison, "groups", "[comparison]"),
        focus_group=_optional_str(comparison, "focus", "[comparison]"),
        year=_optional_str(comparison, "year", "[comparison]"),
        area=_optional_str(comparison, "area", "[comparison]"),
        subgroups=_str_list(comparison, "subgroups", "[comparison]"),
        crossings=tuple(tuple(c) for c in crossings),
        suppression_threshold=threshold,
        level=level,
        adjust=adjust,
        low_threshold=float(_get(report, "low_threshold", "[report]", (int, float), 0.5)),
        low_min_dimensions=_get(report, "low_min_dimensions", "[report]", int, None),
        labels=_with_defaults({k: dict(v) for k, v in labels.items() if isinstance(v, dict)},
                              survey),
        demo_margins=margins == "demo",
        small_area=_small_area(_get(raw, "small_area", "configuration", dict, {}), base),
        protection_share=protection,
    )


def _small_area(table: Mapping[str, Any], base: Path) -> SmallAreaConfig:
    """The ``[small_area]`` section (every key optional; see :class:`SmallAreaConfig`)."""
    where = "[small_area]"
    default = SmallAreaConfig()
    method = _get(table, "method", where, str, default.method)
    if method not in SMALL_AREA_METHODS:
        raise ConfigError(f"{where}: key 'method' must be one of "
                          f"{', '.join(SMALL_AREA_METHODS)}, found {method!r}")
    variance = _get(table, "variance", where, str, default.variance)
    if variance not in VARIANCE_METHODS:
        raise ConfigError(f"{where}: key 'variance' must be one of "
                          f"{', '.join(VARIANCE_METHODS)}, found {variance!r}")
    min_df = _get(table, "min_df", where, int, default.min_df)
    max_cv = float(_get(table, "max_cv", where, (int, float), default.max_cv))
    if min_df < 1 or not max_cv > 0:
        raise ConfigError(f"{where}: 'min_df' must be at least 1 and 'max_cv' positive, "
                          f"found {min_df} and {max_cv}")
    margins = _optional_str(table, "area_margins", where)
    covariates = (_str_list(table, "covariates", where) if "covariates" in table
                  else default.covariates)
    return SmallAreaConfig(
        enabled=_get(table, "enabled", where, bool, True), method=method, variance=variance,
        covariates=covariates,
        area_margins=None if margins in (None, "demo") else _path(base, str(margins)),
        demo_area_margins=margins == "demo", min_df=min_df, max_cv=max_cv)


def _with_defaults(labels: dict[str, dict[str, str]], survey: str
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


def load_config(path: str | Path) -> RunConfig:
    """Read and check a run configuration file (TOML)."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: configuration file not found")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    try:
        return parse_config(raw, path.parent, source=path)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None
