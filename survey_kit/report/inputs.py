"""Input contract of :mod:`survey_kit.report`: frozen dataclasses, checked at the boundary.

The pipeline hands the report writers tidy DataFrames made by the estimation and comparison
code.  This module says exactly what they must hold and checks it once, collecting every
problem into one :class:`ReportInputError` message.  Inside the report package the types are
trusted.

Tidy estimates (one row per cell)::

    variable, <by columns>, estimate, se, ci_low, ci_high, df, deff, n  [, n_eff, level]

Tidy contrasts (one row per comparison)::

    variable, <by columns>, group_a, group_b, estimate_a, estimate_b, difference, se,
    ci_low, ci_high, statistic, df, p_value, p_adjusted, adjust_method, significant
    [, n_a, n_b, note]

A *total* row has every breakdown column (gender, menapt, ...) missing; a subgroup row has the
breakdown column(s) of one :class:`Breakdown` set.  Values of key columns are compared as text
(:func:`key_text`), so ``2021``, ``2021.0`` and ``"2021"`` name the same round.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from survey_kit.disclosure.tables import (
    CONTRAST_COLUMNS,
    ESTIMATE_COLUMNS,
    FORBIDDEN_COLUMNS,
    STAT_COLUMNS,
    ReportInputError,
    check_frame,
    key_text,
    raise_if,
)
from survey_kit.report.descriptions import bundled_descriptions

DEFAULT_GROUPS: tuple[tuple[str, str], ...] = (
    ("helhedsplan", "Områder med helhedsplan"),
    ("almene", "Almene boliger"),
    ("befolkning", "Hele befolkningen"),
)
"""The three comparison groups with their Danish labels, in display order."""


@dataclass(frozen=True)
class VariableInfo:
    """One variable of the report: a dimension score, the index or a share indicator.

    Parameters
    ----------
    id : str
        The value in the ``variable`` column (e.g. ``"oplevet_tryghed"``).
    label : str
        Danish label shown to readers (e.g. ``"Oplevet tryghed"``).
    kind : {"score", "share"}
        ``"score"``: a 0-1 score shown as points from 0 to 100; ``"share"``: a 0-1 share shown
        as a percentage.
    description : str
        One short plain-Danish sentence saying what the variable means (resident summaries).
    decimals : int or None
        Decimals shown; default 1 for scores, 0 for shares.
    higher_is_better : bool
        False for negatively worded indicators (a higher share is worse).
    """

    id: str
    label: str
    kind: Literal["score", "share"] = "score"
    description: str = ""
    decimals: int | None = None
    higher_is_better: bool = True

    def __post_init__(self) -> None:
        if self.kind not in ("score", "share"):
            raise ReportInputError(
                f"variable {self.id!r}: kind must be 'score' or 'share', found {self.kind!r}"
            )
        if not self.id or not self.label:
            raise ReportInputError(f"variable {self.id!r}: id and label must be non-empty")

    @property
    def shown_decimals(self) -> int:
        """Decimals used when the value is shown (1 for scores, 0 for shares by default)."""
        if self.decimals is not None:
            return self.decimals
        return 1 if self.kind == "score" else 0

    @property
    def unit(self) -> str:
        """Danish unit of a difference: "point" for scores, "procentpoint" for shares."""
        return "point" if self.kind == "score" else "procentpoint"


def variables_from_labels(
    labels: Mapping[str, str],
    shares: Iterable[str] = (),
    descriptions: Mapping[str, str] | None = None,
) -> tuple[VariableInfo, ...]:
    """Build :class:`VariableInfo` objects from the caller's mapping id -> Danish label.

    Parameters
    ----------
    labels : Mapping[str, str]
        Variable id -> label, in display order.
    shares : Iterable[str]
        Ids of 0/1 indicators (shown as percentages); the rest are scores.
    descriptions : Mapping[str, str], optional
        Id -> one-sentence description (e.g. ``Questionnaire.descriptions()``); defaults to
        the sentences of the bundled questionnaires
        (:func:`survey_kit.report.descriptions.bundled_descriptions`) where known.

    Examples
    --------
    >>> v = variables_from_labels({"tillid": "Tillid", "tryg": "Føler sig tryg"}, shares=["tryg"])
    >>> [(x.id, x.kind) for x in v]
    [('tillid', 'score'), ('tryg', 'share')]
    """
    share_ids = set(shares)
    desc = bundled_descriptions() if descriptions is None else dict(descriptions)
    return tuple(
        VariableInfo(
            id=vid, label=label, kind="share" if vid in share_ids else "score",
            description=desc.get(vid, ""),
        )
        for vid, label in labels.items()
    )


@dataclass(frozen=True)
class Breakdown:
    """A block of subgroup rows: one column (gender) or a cross of columns (gender x MENAPT).

    Parameters
    ----------
    columns : str or tuple of str
        Breakdown column(s) of the tidy tables.
    heading : str
        Danish heading of the block (e.g. ``"Køn"``).
    levels : tuple of (value, label)
        Levels in display order with their Danish labels.  For a cross, each value is a tuple
        with one entry per column.  Empty: the observed levels, sorted, labelled by their text.
    """

    columns: str | tuple[str, ...]
    heading: str
    levels: tuple[tuple[object, str], ...] = ()

    @property
    def column_names(self) -> tuple[str, ...]:
        """The breakdown columns as a tuple."""
        return (self.columns,) if isinstance(self.columns, str) else tuple(self.columns)

    def level_keys(self) -> tuple[tuple[tuple[str, ...], str], ...]:
        """The declared levels as (normalised key tuple, label)."""
        out = []
        for value, label in self.levels:
            values = value if isinstance(value, tuple) else (value,)
            out.append((tuple(key_text(v) for v in values), label))
        return tuple(out)


@dataclass(frozen=True)
class Banner:
    """The column and row layout of the significance tables.

    Parameters
    ----------
    group_column : str
        Column naming the comparison group (``"group"``).
    groups : tuple of (id, label)
        Groups in display order with their Danish labels.
    round_column : str
        Column naming the survey round (``"year"``).
    rounds : tuple
        Rounds in chronological order; arrows mark change since the previous round.
    breakdowns : tuple of Breakdown
        Subgroup row blocks shown under the total row.
    total_label : str
        Label of the total row.
    """

    group_column: str = "group"
    groups: tuple[tuple[str, str], ...] = DEFAULT_GROUPS
    round_column: str = "year"
    rounds: tuple[object, ...] = (2018, 2021)
    breakdowns: tuple[Breakdown, ...] = ()
    total_label: str = "I alt"

    @property
    def breakdown_columns(self) -> tuple[str, ...]:
        """Every column used by a breakdown, each once."""
        seen: list[str] = []
        for b in self.breakdowns:
            seen.extend(c for c in b.column_names if c not in seen)
        return tuple(seen)

    @property
    def round_keys(self) -> tuple[str, ...]:
        """The rounds as normalised text."""
        return tuple(key_text(r) for r in self.rounds)


def check_suppressed(frame: pd.DataFrame, what: str, problems: list[str]) -> None:
    """Require the ``suppressed`` column that :func:`survey_kit.report.suppress` adds."""
    if "suppressed" not in frame.columns:
        problems.append(
            f"{what}: no 'suppressed' column; run survey_kit.disclosure.suppress() on the tables "
            "first so that no small cell is shown"
        )
    elif frame["suppressed"].dtype != bool and not frame["suppressed"].map(
            lambda v: isinstance(v, (bool, np.bool_))).all():
        problems.append(f"{what}: column 'suppressed' must hold True/False only")


def check_unit_interval(frame: pd.DataFrame, column: str, what: str, problems: list[str]) -> None:
    """Estimates are scores or shares on 0-1: report values outside (NaN allowed)."""
    if column not in frame.columns:
        return
    if frame[column].dtype.kind in "fiu":  # numbers: one pass (NaN allowed)
        plain = frame[column].to_numpy()
        if not ((plain < -1e-9) | (plain > 1 + 1e-9)).any():
            return
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = frame.index[(values < -1e-9) | (values > 1 + 1e-9)]
    if len(bad):
        problems.append(
            f"{what}: column {column!r} must lie in [0, 1] (scores and shares); "
            f"rows {list(bad[:5])} hold {list(values[bad[:5]])}"
        )


def check_variables(
    frame: pd.DataFrame, variables: Sequence[VariableInfo], what: str, problems: list[str]
) -> None:
    """Every variable in ``frame`` must be described by a :class:`VariableInfo`."""
    if "variable" not in frame.columns:
        return
    known = {v.id for v in variables}
    unknown = sorted({str(v) for v in frame["variable"].unique()} - known)
    if unknown:
        problems.append(
            f"{what}: variable(s) {unknown} have no label; add them to the variables "
            f"(known: {sorted(known)})"
        )
    if len(known) != len(variables):
        problems.append(f"{what}: variable ids must be unique")


@dataclass(frozen=True, eq=False)
class SignificanceInput:
    """Everything the significance workbook and its tidy CSV need.

    Parameters
    ----------
    estimates : pandas.DataFrame
        Tidy estimates after :func:`survey_kit.report.suppress` (has ``suppressed``), with
        the banner's group and round columns and any breakdown columns.
    variables : tuple of VariableInfo
        One per variable, in sheet order.
    group_contrasts : pandas.DataFrame, optional
        Contrasts between banner groups within a round (``group_a``/``group_b`` are group ids,
        the round column is set), after suppression.  Drives the column letters.
    change_contrasts : pandas.DataFrame, optional
        Contrasts between rounds within a group (``group_a``/``group_b`` are rounds, the group
        column is set), after suppression.  Drives the ▲/▼ arrows.
    banner : Banner
        Column and row layout.
    title : str
        Title on the index sheet.
    sources : tuple of str
        Data sources, one line each (index sheet).
    method_notes : tuple of str
        Extra method notes (index sheet), after the generated ones.
    created : str
        Date shown on the index sheet (ISO text); given by the caller so that the same inputs
        give the same file.
    alpha : float
        Significance level the ``significant`` column was computed at (for the footnotes).
    min_n : int
        Suppression threshold used (for the footnotes).
    weighted : bool
        True when the answers are weighted to register margins; False: the text never says
        the figures are weighted.
    clustered : bool
        True for a clustered/stratified design; False: the test is described as a t-test for a
        simple random sample, without klynger or strata.
    """

    estimates: pd.DataFrame
    variables: tuple[VariableInfo, ...]
    group_contrasts: pd.DataFrame | None = None
    change_contrasts: pd.DataFrame | None = None
    banner: Banner = field(default_factory=Banner)
    title: str = "Tryghed og trivsel – signifikanstabeller"
    sources: tuple[str, ...] = ()
    method_notes: tuple[str, ...] = ()
    created: str = ""
    alpha: float = 0.05
    min_n: int = 10
    weighted: bool = True
    clustered: bool = True

    def __post_init__(self) -> None:
        problems: list[str] = []
        b = self.banner
        need = [*ESTIMATE_COLUMNS, b.group_column, b.round_column]
        est = check_frame(self.estimates, need, "estimates", problems)
        check_suppressed(est, "estimates", problems)
        check_unit_interval(est, "estimate", "estimates", problems)
        check_variables(est, self.variables, "estimates", problems)
        object.__setattr__(self, "estimates", est)
        for name, extra in (("group_contrasts", b.round_column),
                            ("change_contrasts", b.group_column)):
            frame = getattr(self, name)
            if frame is None:
                frame = pd.DataFrame(columns=[*CONTRAST_COLUMNS, extra, "suppressed"])
                frame["suppressed"] = frame["suppressed"].astype(bool)
            frame = check_frame(frame, [*CONTRAST_COLUMNS, extra], name, problems)
            check_suppressed(frame, name, problems)
            check_variables(frame, self.variables, name, problems)
            object.__setattr__(self, name, frame)
        if not 0 < self.alpha < 1:
            problems.append(f"alpha must lie in (0, 1), found {self.alpha}")
        if self.min_n < 5:
            problems.append(f"min_n must be at least 5, found {self.min_n}")
        raise_if(problems, "significance tables")

    def variable(self, vid: str) -> VariableInfo:
        """The :class:`VariableInfo` with id ``vid``."""
        return next(v for v in self.variables if v.id == vid)


__all__ = [
    "CONTRAST_COLUMNS",
    "DEFAULT_GROUPS",
    "ESTIMATE_COLUMNS",
    "FORBIDDEN_COLUMNS",
    "STAT_COLUMNS",
    "Banner",
    "Breakdown",
    "ReportInputError",
    "SignificanceInput",
    "VariableInfo",
    "check_frame",
    "check_suppressed",
    "check_unit_interval",
    "check_variables",
    "key_text",
    "raise_if",
    "variables_from_labels",
]
