"""Input contract of the resident summary of one helhedsplan area (:class:`AreaSummaryInput`).

Only aggregated, suppressed results go in: the input frames are checked for the
``suppressed`` column and for respondent-id or free-text columns, and only known columns are
kept.  The shown cells are indexed once (:class:`~survey_kit.report.cells.ShownCells`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from survey_kit.report.cells import ShownCells
from survey_kit.report.inputs import (
    VariableInfo,
    check_frame,
    check_suppressed,
    check_unit_interval,
    check_variables,
    key_text,
    raise_if,
)
from survey_kit.report.shown import DIRECT, SUPPRESSED, PageRule, ShownFigure, shown_figures
from survey_kit.report.statements import PAGE_HIGH, PAGE_LOW, TestedStatement, statement_table

OPTIONAL_COLUMNS: tuple[str, ...] = (
    "se", "df", PAGE_LOW, PAGE_HIGH, "family_size", "adjust_method",
)
"""Columns of the input tables kept when present (the page rule and the page intervals)."""


FRAMES: tuple[str, ...] = ("area_estimates", "comparison_estimates", "comparisons", "changes")
"""The input tables of :class:`AreaSummaryInput` besides ``small_area``."""


def required_columns(name: str, round_column: str = "year", group_column: str = "group"
                     ) -> tuple[str, ...]:
    """The columns :class:`AreaSummaryInput` requires of its table ``name`` (one of
    :data:`FRAMES` or ``"small_area"``; ``suppressed`` is checked apart).

    Examples
    --------
    >>> required_columns("comparisons")
    ('variable', 'group_a', 'group_b', 'difference', 'significant')
    """
    if name == "small_area":
        return ("variable", round_column, "eblup", "rmse", "model_variance")
    if name in ("comparisons", "changes"):
        return ("variable", "group_a", "group_b", "difference", "significant")
    estimates = ("variable", "estimate", "ci_low", "ci_high", "n", round_column)
    return estimates if name == "area_estimates" else (*estimates, group_column)


def kept_columns(name: str, round_column: str = "year", group_column: str = "group"
                 ) -> frozenset[str]:
    """The columns of table ``name`` that :class:`AreaSummaryInput` keeps (in their order in
    the table; the rest are dropped): the required ones, ``suppressed`` and
    :data:`OPTIONAL_COLUMNS` (``small_area``: the required ones and ``suppressed``)."""
    optional = () if name == "small_area" else OPTIONAL_COLUMNS
    return frozenset({*required_columns(name, round_column, group_column), "suppressed",
                      *optional})


def _only(frame: pd.DataFrame, keep: frozenset[str]) -> pd.DataFrame:
    """``frame`` without the columns not in ``keep`` (itself when it has no other)."""
    cols = [c for c in frame.columns if c in keep]
    return frame if len(cols) == frame.shape[1] else frame[cols]


@dataclass(frozen=True)
class ComparisonGroup:
    """A group the area is compared with: id in the tables, table header, name in sentences."""

    id: str
    label: str
    phrase: str


DEFAULT_COMPARISONS = (
    ComparisonGroup("almene", "Almene boliger", "de almene boliger i hele landet"),
    ComparisonGroup("befolkning", "Hele befolkningen", "hele befolkningen"),
)


@dataclass(frozen=True, eq=False)
class AreaSummaryInput:
    """What one area's resident summary needs (all tables after ``suppress``).

    Parameters
    ----------
    area_name : str
        The area's name as residents know it.
    area_estimates : pandas.DataFrame
        The area's totals: ``variable, <round_column>, estimate, ci_low, ci_high, n,
        suppressed`` and, for the page rule (:mod:`survey_kit.report.shown`), ``se`` and
        ``df`` (without them every estimate is shown as given).
    comparison_estimates : pandas.DataFrame
        Totals of the comparison groups: ``variable, <group_column>, <round_column>,
        estimate, ci_low, ci_high, n, suppressed``.
    comparisons : pandas.DataFrame
        Contrasts of the area with each comparison group in the latest round: ``variable,
        group_a, group_b, difference, significant, suppressed``; one of group_a/group_b is
        ``area_id`` (the sign is turned so the difference is area - group).  With the page
        intervals ``ci_low_page, ci_high_page`` (the simultaneous intervals of the page's
        multiplicity family, :mod:`survey_kit.run.areas`), ``family_size`` and
        ``adjust_method``, the page draws the differences and names the family; a row whose
        ``significant`` disagrees with its page interval is refused.
    changes : pandas.DataFrame
        Contrasts between rounds for the area: ``variable, group_a, group_b, difference,
        significant, suppressed`` with rounds in group_a/group_b (the later round first);
        the page states the change since each earlier round given (previous, baseline).
    variables : tuple of VariableInfo
        Variables in display order; their ``description`` is the one-sentence explanation.
    area_id : str
        The area's value in ``comparisons`` (default: ``area_name``).
    comparison_groups : tuple of ComparisonGroup
        Groups compared with, in order.
    rounds : tuple
        Rounds, oldest first; the last one is "now".
    respondents : tuple of (round, count)
        How many answered per round; default: the largest shown ``n`` per round.
    alpha, min_n, adjust_method : float, int, str
        Test level, suppression threshold and multiplicity correction (for the method note).
    topic, population : str
        The title is "<topic> i <area>"; ``population`` completes "en
        spørgeskemaundersøgelse blandt ..." in the method note.
    survey_name, created : str
        Name of the survey in sentences, and a date for the footer (ISO dates are shown as
        Danish long dates: "Udarbejdet 22. november 2026").
    weighted : bool
        True when the answers are weighted to register margins (said in the method note).
    clustered : bool
        True for a clustered/stratified design (kept for the method facts; the resident text
        does not go into the design).
    small_area : pandas.DataFrame or None
        The area's Fay-Herriot estimates after disclosure control: ``variable,
        <round_column>, eblup, rmse, model_variance, suppressed``; None when the run has no
        small-area models.
    rule : PageRule
        Which figure the page shows (``[small_area] min_df, max_cv`` and the level).

    Attributes
    ----------
    area_cells, comparison_cells : ShownCells
        The shown cells of ``area_estimates`` (by variable and round) and of
        ``comparison_estimates`` (by variable, group and round), indexed once.
    figures : dict
        The figure the page shows per (variable, round text) (:func:`shown_figures`).
    group_figures : dict
        Each comparison group's figure in the latest round, per (variable, group id).
    statements : tuple of TestedStatement
        Every difference and change the page may state (:func:`statement_table`).
    """

    area_name: str
    area_estimates: pd.DataFrame
    comparison_estimates: pd.DataFrame
    comparisons: pd.DataFrame
    changes: pd.DataFrame
    variables: tuple[VariableInfo, ...]
    area_id: str = ""
    comparison_groups: tuple[ComparisonGroup, ...] = DEFAULT_COMPARISONS
    rounds: tuple[object, ...] = (2018, 2021)
    round_column: str = "year"
    group_column: str = "group"
    respondents: tuple[tuple[object, int], ...] = ()
    alpha: float = 0.05
    min_n: int = 10
    adjust_method: str = "holm"
    survey_name: str = "trygheds- og trivselsmålingen"
    topic: str = "Tryghed og trivsel"
    population: str = "beboere på 18 år og derover"
    created: str = ""
    organisation: str = ""
    weighted: bool = True
    clustered: bool = True
    small_area: pd.DataFrame | None = None
    rule: PageRule = field(default_factory=PageRule)
    area_cells: ShownCells = field(init=False, repr=False)
    comparison_cells: ShownCells = field(init=False, repr=False)
    figures: dict[tuple[str, str], ShownFigure] = field(init=False, repr=False)
    group_figures: dict[tuple[str, str], ShownFigure] = field(init=False, repr=False)
    statements: tuple[TestedStatement, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        problems: list[str] = []
        for name in FRAMES:
            cols = required_columns(name, self.round_column, self.group_column)
            frame = check_frame(getattr(self, name), cols, name, problems)
            check_suppressed(frame, name, problems)
            check_variables(frame, self.variables, name, problems)
            if "estimate" in cols:
                check_unit_interval(frame, "estimate", name, problems)
            object.__setattr__(self, name, _only(frame, kept_columns(
                name, self.round_column, self.group_column)))
        self._check_small_area(problems)
        if not self.area_name.strip():
            problems.append("area_name must be non-empty")
        if self.min_n < 5:
            problems.append(f"min_n must be at least 5, found {self.min_n}")
        raise_if(problems, f"resident summary {self.area_name!r}")
        if not self.area_id:
            object.__setattr__(self, "area_id", self.area_name)
        object.__setattr__(self, "area_cells",
                           ShownCells(self.area_estimates, ("variable", self.round_column)))
        object.__setattr__(self, "comparison_cells", ShownCells(
            self.comparison_estimates, ("variable", self.group_column, self.round_column)))
        self._statements()

    def _check_small_area(self, problems: list[str]) -> None:
        if self.small_area is None:
            return
        cols = required_columns("small_area", self.round_column)
        frame = check_frame(self.small_area, cols, "small_area", problems)
        check_suppressed(frame, "small_area", problems)
        check_variables(frame, self.variables, "small_area", problems)
        if not problems and list(frame.columns) != [*cols, "suppressed"]:
            frame = frame[[*cols, "suppressed"]]
        object.__setattr__(self, "small_area", frame)

    def _statements(self) -> None:
        """The shown figures and the tested statements (refused when inconsistent)."""
        figures = shown_figures(self.area_estimates, self.small_area, self.round_column,
                                self.rule)
        now = self.round_keys[-1]
        groups = {}
        for v in self.variables:
            for g in self.comparison_groups:
                hit = self.comparison_cells.get(variable=v.id, **{self.group_column: g.id,
                                                                  self.round_column: now})
                if hit is not None:
                    groups[(v.id, g.id)] = (ShownFigure(SUPPRESSED) if hit[0] != hit[0]
                                            else ShownFigure(DIRECT, *hit))
        problems: list[str] = []
        statements = statement_table(
            self.variables, figures, groups, self.comparisons, self.changes, self.area_id,
            [g.id for g in self.comparison_groups], self.round_keys, problems)
        raise_if(problems, f"resident summary {self.area_name!r}")
        object.__setattr__(self, "figures", figures)
        object.__setattr__(self, "group_figures", groups)
        object.__setattr__(self, "statements", statements)

    @property
    def page_adjust_method(self) -> str:
        """The multiplicity correction of the page's statements (the contrasts' own, else
        ``adjust_method``)."""
        for frame in (self.comparisons, self.changes):
            if "adjust_method" in frame.columns:
                methods = [key_text(m) for m in frame["adjust_method"] if key_text(m)]
                if methods:
                    return methods[0]
        return self.adjust_method

    @property
    def family_size(self) -> int:
        """The size of the page's multiplicity family (0 when the contrasts do not say)."""
        return max((s.family_size for s in self.statements), default=0)

    @property
    def round_keys(self) -> tuple[str, ...]:
        """Rounds as text, oldest first."""
        return tuple(key_text(r) for r in self.rounds)


__all__ = ["DEFAULT_COMPARISONS", "FRAMES", "OPTIONAL_COLUMNS", "AreaSummaryInput",
           "ComparisonGroup", "kept_columns", "required_columns"]
