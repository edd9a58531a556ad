"""The suppression rule, what a hidden row blanks, and :func:`suppress` for one table.

No figure resting on fewer than ``min_n`` answers (default 10, never below 5: Statistics
Denmark blanks cells below 5 and resident-facing output must be at least as strict) is shown,
and no hidden figure can be recovered from what is shown.

:func:`suppress` protects one table of estimates and the contrasts on it, outside a run:
primary suppression, then the lines of the table are closed (a total with the cells that
split it never has exactly one hidden cell; :mod:`survey_kit.disclosure.lines`).  A run
protects everything it publishes at once, with the audit: :func:`survey_kit.disclosure.protect`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from survey_kit.disclosure.lines import close_lines, find_lines
from survey_kit.disclosure.linked import Published, Side, link, universe
from survey_kit.disclosure.pattern import Pattern, apply_pattern, hide_primary
from survey_kit.disclosure.tables import (
    ESTIMATE_COLUMNS,
    STAT_COLUMNS,
    ReportInputError,
    check_frame,
    key_text,
    raise_if,
)

ESTIMATE_HIDDEN: tuple[str, ...] = (
    "estimate", "se", "ci_low", "ci_high", "df", "deff", "n", "n_eff", "n_psu", "note",
)
"""Columns of an estimates table blanked in a hidden row: every number, and the note (which
can say why an interval is missing, and so tell the number of PSUs)."""

CONTRAST_HIDDEN: tuple[str, ...] = (
    "estimate_a", "estimate_b", "difference", "se", "ci_low", "ci_high", "statistic", "df",
    "p_value", "p_adjusted", "n_a", "n_b", "note", "significant",
)
"""Columns of a contrasts table blanked in a hidden row (``significant`` becomes False)."""

LOG_COLUMNS: tuple[str, ...] = ("table", "variable", "cell", "reason", "detail")


@dataclass(frozen=True)
class SuppressionRule:
    """How small cells are protected.

    Parameters
    ----------
    min_n : int, default 10
        Smallest unweighted base shown.  Must be at least 5.
    protection_share : float, default 0.10
        A hidden cell's share (or 0-1 score) must not be pinned to within this many points
        either way by the published figures (audited when values are additive).
    subgroup_columns : tuple of str
        Kept for callers of earlier versions; lines are now found from the tables themselves
        (every published total with the published cells that split it).
    """

    min_n: int = 10
    protection_share: float = 0.10
    subgroup_columns: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.min_n, (int, np.integer)) or self.min_n < 5:
            raise ReportInputError(
                f"suppression: min_n must be an integer of at least 5 (cells below 5 are never "
                f"shown), found {self.min_n!r}"
            )
        if not 0 <= self.protection_share < 0.5:
            raise ReportInputError(f"suppression: protection_share must be in [0, 0.5), found "
                                   f"{self.protection_share!r}")


@dataclass(frozen=True, eq=False)
class SuppressedTables:
    """The result of :func:`suppress`.

    Attributes
    ----------
    estimates : pandas.DataFrame
        The input with ``suppressed`` (bool) and ``suppression_reason`` (str, "" when shown);
        :data:`ESTIMATE_HIDDEN` columns are blank in suppressed rows.
    contrasts : Mapping[str, pandas.DataFrame]
        Each contrasts table, keyed like the input, with the same two columns;
        :data:`CONTRAST_HIDDEN` columns are blank and ``significant`` False in suppressed rows.
    log : pandas.DataFrame
        One row per suppressed row: ``table, variable, cell, reason, detail`` (reason
        ``"primary"``, ``"complementary"``, ``"contrast"`` or ``"unknown_base"``).  It names
        cells but never their counts.
    rule : SuppressionRule
        The rule applied.
    """

    estimates: pd.DataFrame
    contrasts: Mapping[str, pd.DataFrame]
    log: pd.DataFrame
    rule: SuppressionRule = field(default_factory=SuppressionRule)


def key_columns(frame: pd.DataFrame) -> list[str]:
    """Columns that identify a cell: everything that is not a number or result column."""
    return [str(c) for c in frame.columns if str(c) not in STAT_COLUMNS]


def _atoms(est: pd.DataFrame, base: list[str], contrasts: Mapping[str, pd.DataFrame]
           ) -> pd.DataFrame:
    levels: dict[str, list[str]] = {}
    for c in base:
        values = [key_text(v) for v in est[c].tolist()]
        if c in contrasts:
            values += [key_text(v) for side in ("group_a", "group_b")
                       for v in contrasts[c][side].tolist()]
        levels[c] = sorted({v for v in values if v}) or [""]
    return universe(levels)


def _contrast_table(name: str, frame: pd.DataFrame, between: str, base: list[str]
                    ) -> Published:
    problems: list[str] = []
    con = check_frame(frame, ["variable", "group_a", "group_b"], f"contrasts[{between}]",
                      problems)
    raise_if(problems, "suppression")
    if between not in base:
        raise ReportInputError(f"suppression: contrasts[{between}] compare a column the "
                               f"estimates do not have; they have {base}")
    keys = [c for c in base if c in con.columns and c != between]
    sides = tuple(Side(con[keys].assign(**{between: con[g].to_numpy()}),
                       n=f"n_{g[-1]}" if f"n_{g[-1]}" in con.columns else "")
                  for g in ("group_a", "group_b"))
    return Published(name, con, sides, CONTRAST_HIDDEN)


def _log_rows(frame: pd.DataFrame, table: str, reasons: np.ndarray, details: list[str]
              ) -> list[dict[str, str]]:
    cols = [c for c in key_columns(frame) if c not in ("variable", "suppressed")]
    rows = []
    for i in np.flatnonzero(reasons != ""):
        cell = ", ".join(f"{c}={key_text(frame[c].iloc[i])}" for c in sorted(cols)
                         if key_text(frame[c].iloc[i]))
        if "group_a" in frame.columns:
            cell += (f"{', ' if cell else ''}{key_text(frame['group_a'].iloc[i])} vs "
                     f"{key_text(frame['group_b'].iloc[i])}")
        rows.append({"table": table, "variable": key_text(frame["variable"].iloc[i]),
                     "cell": cell, "reason": str(reasons[i]), "detail": details[i]})
    return rows


def suppress(
    estimates: pd.DataFrame,
    contrasts: Mapping[str, pd.DataFrame] | None = None,
    rule: SuppressionRule | None = None,
) -> SuppressedTables:
    """Suppress small cells in one table of tidy estimates and the contrasts built on it.

    Parameters
    ----------
    estimates : pandas.DataFrame
        Tidy estimates (``variable, <by columns>, estimate, se, ci_low, ci_high, df, deff, n``).
        Total rows have the subgroup columns missing.
    contrasts : Mapping[str, pandas.DataFrame], optional
        Contrast tables keyed by the column they compare along, e.g.
        ``{"group": group_contrasts, "year": change_contrasts}``; a side with no estimate row
        is checked on ``n_a``/``n_b``, and hidden when it has neither (``"unknown_base"``).
    rule : SuppressionRule, optional
        Threshold; default ``SuppressionRule()`` (n < 10 hidden).

    Examples
    --------
    >>> est = pd.DataFrame({
    ...     "variable": "tillid", "year": 2021, "gender": [None, "K", "M"],
    ...     "estimate": [.6, .5, .7], "se": .05, "ci_low": .5, "ci_high": .8, "df": 30,
    ...     "deff": 1.2, "n": [60, 4, 56]})
    >>> out = suppress(est)
    >>> out.estimates["suppression_reason"].tolist()
    ['', 'primary', 'complementary']
    >>> out.estimates["n"].tolist()
    [60.0, nan, nan]
    >>> out.log[["cell", "reason"]].to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    [{'cell': 'gender=K, year=2021', 'reason': 'primary'},
     {'cell': 'gender=M, year=2021', 'reason': 'complementary'}]
    """
    rule = SuppressionRule() if rule is None else rule
    problems: list[str] = []
    est = check_frame(estimates, ESTIMATE_COLUMNS, "estimates", problems)
    raise_if(problems, "suppression")
    base = [c for c in key_columns(est) if c != "variable"]
    if est[["variable", *base]].map(key_text).duplicated().any():
        raise ReportInputError("suppression: estimates hold the same cell more than once")
    tables = [Published("estimates", est, (Side(est[base], "n", "estimate"),),
                        ESTIMATE_HIDDEN)]
    tables += [_contrast_table(f"contrasts:{b}", frame, b, base)
               for b, frame in (contrasts or {}).items()]
    pattern = Pattern(link(tables, _atoms(est, base, contrasts or {})))
    hide_primary(pattern, tables, rule.min_n)
    close_lines(find_lines(pattern.linked), pattern.hidden, pattern.sizes(), pattern.line_hide)
    estimated = set(pattern.linked.refs["estimates"][0].tolist())
    out, log = {}, []
    for table in tables:
        frame, _ = apply_pattern(table, pattern)
        refs = pattern.linked.refs[table.name]
        first = [next((int(r[i]) for r in refs if r[i] >= 0 and pattern.hidden[r[i]]), -1)
                 for i in range(len(frame))]
        reasons = np.array(["" if d < 0 else "contrast" if table.name != "estimates"
                            and d in estimated else pattern.reason[d] for d in first],
                           dtype=object)
        frame["suppression_reason"] = reasons
        log += _log_rows(frame, table.name, reasons,
                         ["" if d < 0 else pattern.detail[d] for d in first])
        out[table.name] = frame
    return SuppressedTables(
        estimates=out.pop("estimates"), log=pd.DataFrame(log, columns=list(LOG_COLUMNS)),
        contrasts={k.split(":", 1)[1]: v for k, v in out.items()}, rule=rule)


__all__ = [
    "CONTRAST_HIDDEN",
    "ESTIMATE_HIDDEN",
    "LOG_COLUMNS",
    "SuppressedTables",
    "SuppressionRule",
    "key_columns",
    "suppress",
]
