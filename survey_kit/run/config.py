"""Run configuration: a documented TOML file, checked with messages that name the key.

See ``reports/tryghedsmaaling.toml`` for a commented example.  Every key is checked, inside
the sections too (an unknown key stops the run with a "did you mean"); relative paths,
the questionnaire's included, are taken relative to the configuration file.  What can only
be checked against the data (group values, label keys) is checked by
:mod:`survey_kit.run.checks` once the data are read.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from survey_kit.compare.multiplicity import ADJUST_METHODS
from survey_kit.design.calfuns import CALFUNS
from survey_kit.errors import ConfigError
from survey_kit.estimate.variance import LONELY_PSU_RULES
from survey_kit.respondents.report import Thresholds
from survey_kit.run.config_labels import (
    HEADINGS,
    NOUNS,
    PHRASES,
    TEXTS,
    read_labels,
    with_defaults,
)
from survey_kit.run.strict import (
    check_keys,
    did_you_mean,
    get,
    one_of,
    optional_str,
    resolve,
    section,
    share,
    str_list,
)
from survey_kit.spec import bundled_names


@dataclass(frozen=True)
class DataFile:
    """One raw data file; ``year`` is added as a column when the file has none.  ``name`` is
    the path as written in the configuration (relative to it), for messages and outputs."""

    path: Path
    year: int | None = None
    name: str = ""

    @property
    def shown(self) -> str:
        """The file as the user named it."""
        return self.name or self.path.name


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
    covariates: tuple[str, ...] = ("menapt=True", "age_group=18-29", "age_group=65+")
    area_margins: Path | None = None
    demo_area_margins: bool = False
    min_df: int = 5
    max_cv: float = 0.2


SMALL_AREA_METHODS = ("REML", "ML", "FH")
VARIANCE_METHODS = ("deff", "loglinear", "raw")
WEIGHTING_METHODS = ("rake", "calibrate")
SURVEYS = ("tryghed", "livsmestring")


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
    """``[report] protection_share``: a hidden cell's share must not be pinned to within this
    many points either way by the published figures (the disclosure audit)."""
    base: Path | None = None
    """The folder relative paths are read from (the configuration file's)."""
    questionnaire_file: Path | None = None
    """The questionnaire YAML when ``questionnaire`` is a path (resolved), None for a
    bundled name."""
    weighting_method: str = "rake"
    calfun: str = "linear"
    thresholds: Thresholds = field(default_factory=Thresholds)
    own_labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """``[labels]`` as written in this configuration (before the bundled text defaults)."""
    date: str | None = None
    """``[report] date``: the date the reports carry (ISO); None: the day of the run."""
    demo_rounds: tuple[int, ...] = (2018, 2021)
    """``[data] demo_rounds``: the rounds the demo data hold (``survey-kit demo --rounds
    3`` adds 2024)."""
    area_group: str | None = None
    """``[comparison] area_group``: the column (kommune or region) the index of the area
    pages groups the areas by; None: one list."""

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

    @property
    def spec(self) -> str | Path:
        """What :func:`survey_kit.load_questionnaire` is given: the resolved YAML path, or
        the bundled name."""
        return self.questionnaire_file or self.questionnaire


KEYS: dict[str, tuple[str, ...]] = {
    "run": ("name", "survey", "questionnaire", "output"),
    "data": ("demo", "demo_rounds", "files", "year", "id_column"),
    "design": ("weight", "strata", "psu", "fpc", "lonely_psu"),
    "weighting": ("margins", "by", "method", "calfun", "bounds", "trim_upper"),
    "comparison": ("group", "group_from", "groups", "focus", "year", "area", "area_group",
                   "subgroups", "crossings"),
    "report": ("suppression_threshold", "protection_share", "level", "adjust",
               "low_threshold", "low_min_dimensions", "date"),
    "validation": ("max_blank_share", "max_reject_share"),
    "small_area": ("enabled", "method", "variance", "covariates", "area_margins", "min_df",
                   "max_cv"),
    "labels": (),
}
"""Every key of every section (``[labels]`` holds one table per column, any name)."""
FILE_KEYS = ("path", "year")


def _files(data: Mapping[str, Any], base: Path, where: str) -> tuple[DataFile, ...]:
    out = []
    default_year = get(data, "year", where, int, None)
    for i, entry in enumerate(get(data, "files", where, list, [])):
        here = f"{where} files[{i}]"
        if isinstance(entry, str):
            out.append(DataFile(resolve(base, entry), default_year, entry))
            continue
        if not isinstance(entry, dict):
            raise ConfigError(f"{here}: must be a path or a table {{path = ..., year = ...}}, "
                              f"found {entry!r}")
        check_keys(entry, FILE_KEYS, here)
        path = get(entry, "path", here, str)
        out.append(DataFile(resolve(base, path), get(entry, "year", here, int, default_year),
                            path))
    return tuple(out)


def _bounds(weighting: Mapping[str, Any], where: str) -> tuple[float, float] | None:
    bounds = get(weighting, "bounds", where, list, [])
    if not bounds:
        return None
    if len(bounds) != 2 or not all(isinstance(b, int | float) and not isinstance(b, bool)
                                   for b in bounds) or not (0 <= bounds[0] < 1 < bounds[1]):
        raise ConfigError(
            f"{where}: key 'bounds' must be [low, high] with 0 <= low < 1 < high, found {bounds!r}"
        )
    return float(bounds[0]), float(bounds[1])


def questionnaire_file(value: str, base: Path) -> Path | None:
    """The YAML file a ``questionnaire`` value names, relative to the configuration's folder
    (never the working directory), or None for a bundled name.

    A value with a ``.yaml``/``.yml`` suffix or a folder in it is a path; any other value
    must be a bundled name.
    """
    path = Path(value)
    if path.suffix.lower() not in (".yaml", ".yml") and len(path.parts) == 1:
        if value in bundled_names():
            return None
        raise ConfigError(
            f"[run]: key 'questionnaire': {value!r} is not a bundled questionnaire "
            f"({', '.join(bundled_names())}){did_you_mean(value, bundled_names())}; for your "
            "own spec give the path of its .yaml file, relative to this configuration")
    found = resolve(base, value)
    if not found.is_file():
        raise ConfigError(f"[run]: key 'questionnaire': file {value!r} not found (paths are "
                          f"relative to the configuration's folder, {base})")
    return found


def _weighting(weighting: Mapping[str, Any], where: str) -> tuple[str, str]:
    """``method`` and ``calfun`` of ``[weighting]``, checked together."""
    method = one_of(weighting, "method", where, WEIGHTING_METHODS, "rake")
    calfun = one_of(weighting, "calfun", where, CALFUNS, "linear")
    if method == "rake" and "calfun" in weighting:
        raise ConfigError(f"{where}: key 'calfun' applies to method = \"calibrate\", found "
                          "method = \"rake\"")
    if method == "calibrate" and calfun == "logit" and "bounds" not in weighting:
        raise ConfigError(f"{where}: calfun = \"logit\" needs 'bounds' = [low, high]")
    if method == "calibrate" and "trim_upper" in weighting:
        raise ConfigError(f"{where}: key 'trim_upper' (trim, then re-rake) applies to "
                          "method = \"rake\"")
    return method, calfun


DEMO_ROUNDS: tuple[tuple[int, ...], ...] = ((2018, 2021), (2018, 2021, 2024))
"""The rounds the demo data can hold."""


def _demo_rounds(data: Mapping[str, Any]) -> tuple[int, ...]:
    """``[data] demo_rounds``: 2018 and 2021 (default), or 2018, 2021 and 2024."""
    value = get(data, "demo_rounds", "[data]", list, list(DEMO_ROUNDS[0]))
    rounds = tuple(value)
    if rounds not in DEMO_ROUNDS:
        raise ConfigError(f"[data]: key 'demo_rounds' must be one of "
                          f"{' or '.join(str(list(r)) for r in DEMO_ROUNDS)}, found {value!r}")
    return rounds


def _report_date(report: Mapping[str, Any], where: str) -> str | None:
    """``[report] date`` as an ISO date (a TOML date or a text), or None."""
    text = get(report, "date", where, (str, dt.date), None)
    if text is None:
        return None
    if isinstance(text, dt.date):
        return text.isoformat()
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise ConfigError(f"{where}: key 'date' must be a date (2024-11-30), found "
                          f"{text!r}") from None


def parse_config(raw: Mapping[str, Any], base: Path, source: Path | None = None) -> RunConfig:
    """Check a parsed TOML document and build a :class:`RunConfig`."""
    for name in raw:
        if name not in KEYS:
            raise ConfigError(f"unknown section [{name}]{did_you_mean(name, KEYS)}; expected "
                              f"{', '.join(f'[{k}]' for k in KEYS)}")
    run = section(raw, "run", KEYS["run"], required=True)
    data, design = section(raw, "data", KEYS["data"]), section(raw, "design", KEYS["design"])
    weighting = section(raw, "weighting", KEYS["weighting"])
    comparison = section(raw, "comparison", KEYS["comparison"])
    report = section(raw, "report", KEYS["report"])
    limits = section(raw, "validation", KEYS["validation"])
    survey = one_of(run, "survey", "[run]", SURVEYS, "tryghed")
    demo = get(data, "demo", "[data]", bool, False)
    files = _files(data, base, "[data]")
    if not demo and not files:
        raise ConfigError("[data]: give 'files' (a list of data files) or set 'demo = true'")
    if demo and files:
        raise ConfigError("[data]: give either 'files' or 'demo = true', not both")
    threshold = get(report, "suppression_threshold", "[report]", int, 10)
    if threshold < 5:
        raise ConfigError(
            f"[report]: key 'suppression_threshold' must be at least 5, found {threshold}"
        )
    protection = share(report, "protection_share", "[report]", 0.10)
    if not protection < 0.5:
        raise ConfigError(
            f"[report]: key 'protection_share' must be below 0.5, found {protection:g}")
    level = float(get(report, "level", "[report]", (int, float), 0.95))
    if not 0.5 < level < 1:
        raise ConfigError(f"[report]: key 'level' must be between 0.5 and 1, found {level}")
    low_min = get(report, "low_min_dimensions", "[report]", int, None)
    if low_min is not None and low_min < 1:
        raise ConfigError(f"[report]: key 'low_min_dimensions' must be at least 1, found "
                          f"{low_min}")
    margins = optional_str(weighting, "margins", "[weighting]")
    method, calfun = _weighting(weighting, "[weighting]")
    trim_upper = get(weighting, "trim_upper", "[weighting]", (int, float), None)
    if trim_upper is not None and not trim_upper > 1:
        raise ConfigError(f"[weighting]: key 'trim_upper' must be above 1 (a multiple of the "
                          f"median weight), found {trim_upper}")
    crossings = get(comparison, "crossings", "[comparison]", list, [])
    if not all(isinstance(c, list) and all(isinstance(x, str) for x in c) for c in crossings):
        raise ConfigError("[comparison]: key 'crossings' must be a list of lists of column names")
    groups = str_list(comparison, "groups", "[comparison]")
    group = optional_str(comparison, "group", "[comparison]")
    focus = optional_str(comparison, "focus", "[comparison]")
    group_from = str_list(comparison, "group_from", "[comparison]")
    _check_groups(group, groups, focus, group_from)
    area_group = optional_str(comparison, "area_group", "[comparison]")
    if area_group and not optional_str(comparison, "area", "[comparison]"):
        raise ConfigError("[comparison]: key 'area_group' needs 'area' (the area column)")
    own_labels = read_labels(get(raw, "labels", "configuration", dict, {}))
    questionnaire = get(run, "questionnaire", "[run]", str)
    return RunConfig(
        source=source,
        name=get(run, "name", "[run]", str),
        survey=survey,
        questionnaire=questionnaire,
        files=files,
        demo=demo,
        default_year=get(data, "year", "[data]", int, None),
        id_column=get(data, "id_column", "[data]", str, "resp_id"),
        demo_rounds=_demo_rounds(data),
        output=resolve(base, get(run, "output", "[run]", str, "out")),
        weight=optional_str(design, "weight", "[design]"),
        strata=optional_str(design, "strata", "[design]"),
        psu=optional_str(design, "psu", "[design]"),
        fpc=optional_str(design, "fpc", "[design]"),
        lonely_psu=one_of(design, "lonely_psu", "[design]", LONELY_PSU_RULES, "adjust"),
        margins=None if margins is None or margins == "demo" else resolve(base, margins),
        weighting_by=str_list(weighting, "by", "[weighting]"),
        bounds=_bounds(weighting, "[weighting]"),
        trim_upper=None if trim_upper is None else float(trim_upper),
        group=group,
        group_from=group_from,
        groups=groups,
        focus_group=focus,
        year=optional_str(comparison, "year", "[comparison]"),
        area=optional_str(comparison, "area", "[comparison]"),
        subgroups=str_list(comparison, "subgroups", "[comparison]"),
        crossings=tuple(tuple(c) for c in crossings),
        suppression_threshold=threshold,
        level=level,
        adjust=one_of(report, "adjust", "[report]", ADJUST_METHODS, "holm"),
        low_threshold=share(report, "low_threshold", "[report]", 0.5),
        low_min_dimensions=low_min,
        labels=with_defaults(own_labels, survey, bundled=questionnaire in bundled_names()),
        demo_margins=margins == "demo",
        small_area=_small_area(section(raw, "small_area", KEYS["small_area"]), base),
        protection_share=protection,
        base=base,
        questionnaire_file=questionnaire_file(questionnaire, base),
        weighting_method=method,
        calfun=calfun,
        thresholds=Thresholds(
            share(limits, "max_blank_share", "[validation]", Thresholds.max_blank_share),
            share(limits, "max_reject_share", "[validation]", Thresholds.max_reject_share)),
        own_labels=own_labels,
        date=_report_date(report, "[report]"),
        area_group=area_group,
    )


def _check_groups(group: str | None, groups: tuple[str, ...], focus: str | None,
                  group_from: tuple[str, ...]) -> None:
    """The keys of ``[comparison]`` that depend on each other."""
    where = "[comparison]"
    if (groups or focus or group_from) and not group:
        key = "groups" if groups else "focus" if focus else "group_from"
        raise ConfigError(f"{where}: key '{key}' needs 'group' (the comparison group column)")
    if len(set(groups)) < len(groups):
        twice = next(g for g in groups if groups.count(g) > 1)
        raise ConfigError(f"{where}: key 'groups' lists {twice!r} twice")
    if focus and groups and focus not in groups:
        raise ConfigError(f"{where}: key 'focus' must be one of 'groups' ({', '.join(groups)}), "
                          f"found {focus!r}{did_you_mean(focus, groups)}")


def _small_area(table: Mapping[str, Any], base: Path) -> SmallAreaConfig:
    """The ``[small_area]`` section (every key optional; see :class:`SmallAreaConfig`)."""
    where = "[small_area]"
    default = SmallAreaConfig()
    method = one_of(table, "method", where, SMALL_AREA_METHODS, default.method)
    variance = one_of(table, "variance", where, VARIANCE_METHODS, default.variance)
    min_df = get(table, "min_df", where, int, default.min_df)
    max_cv = float(get(table, "max_cv", where, (int, float), default.max_cv))
    if min_df < 1 or not max_cv > 0:
        raise ConfigError(f"{where}: 'min_df' must be at least 1 and 'max_cv' positive, "
                          f"found {min_df} and {max_cv}")
    margins = optional_str(table, "area_margins", where)
    covariates = (str_list(table, "covariates", where) if "covariates" in table
                  else default.covariates)
    return SmallAreaConfig(
        enabled=get(table, "enabled", where, bool, True), method=method, variance=variance,
        covariates=covariates,
        area_margins=None if margins in (None, "demo") else resolve(base, str(margins)),
        demo_area_margins=margins == "demo", min_df=min_df, max_cv=max_cv)


def load_config(path: str | Path) -> RunConfig:
    """Read and check a run configuration file (TOML)."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: configuration file not found")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start}); save the "
                          "configuration as UTF-8") from None
    try:
        return parse_config(raw, path.parent, source=path)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None
