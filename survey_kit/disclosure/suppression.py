"""Primary and complementary suppression of small cells in tidy estimates and contrasts.

No figure resting on fewer than ``min_n`` answers (default 10, never below 5: Statistics Denmark
blanks cells below 5 and resident-facing output must be at least as strict) is shown, and no
hidden figure can be recovered from what is shown.

*Primary suppression* hides every estimate whose unweighted base ``n`` is below ``min_n`` (or
missing).

*Complementary suppression* works on **lines**: a total cell together with the subgroup cells
that split it along one breakdown column (the total of women and men; the total of the age
groups; for a cross gender x MENAPT, every margin with its cells).  The counts of a line add up
(total n = sum of subgroup n, and weighted totals likewise), so a line with exactly one hidden
cell gives that cell away as total - sum(shown).  Whenever a line has exactly one hidden cell,
the shown subgroup cell with the smallest base is hidden too (or, when the line has no shown
subgroup cell, its total).  This is repeated until no line has exactly one hidden cell, since a
cell hidden to protect one line can expose another.

*Contrasts* involving a hidden estimate are hidden.

The R equivalent is the primary/secondary suppression of ``sdcTable::protectTable`` (method
"SIMPLEHEURISTIC"), restricted to one-level hierarchies per breakdown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from survey_kit.disclosure.tables import (
    ESTIMATE_COLUMNS,
    STAT_COLUMNS,
    ReportInputError,
    check_frame,
    key_text,
    raise_if,
)

ESTIMATE_HIDDEN: tuple[str, ...] = ("estimate", "se", "ci_low", "ci_high", "deff", "n", "n_eff")
"""Columns of an estimates table set to NaN in a suppressed row."""

CONTRAST_HIDDEN: tuple[str, ...] = (
    "estimate_a", "estimate_b", "difference", "se", "ci_low", "ci_high", "statistic",
    "p_value", "p_adjusted", "n_a", "n_b",
)
"""Columns of a contrasts table set to NaN in a suppressed row."""

LOG_COLUMNS: tuple[str, ...] = ("table", "variable", "cell", "reason", "detail")

Key = tuple[tuple[str, str], ...]
"""A cell's key: its non-missing (column, value text) pairs, sorted by column."""


@dataclass(frozen=True)
class SuppressionRule:
    """How small cells are protected.

    Parameters
    ----------
    min_n : int, default 10
        Smallest unweighted base shown.  Must be at least 5.
    subgroup_columns : tuple of str
        Breakdown columns whose levels split a total into a line (only those present in a
        table are used).  Group, round and variable are *not* lines: no total across them is
        shown.
    """

    min_n: int = 10
    subgroup_columns: tuple[str, ...] = ("gender", "menapt", "age_group", "area")

    def __post_init__(self) -> None:
        if not isinstance(self.min_n, (int, np.integer)) or self.min_n < 5:
            raise ReportInputError(
                f"suppression: min_n must be an integer of at least 5 (cells below 5 are never "
                f"shown), found {self.min_n!r}"
            )


@dataclass(frozen=True, eq=False)
class SuppressedTables:
    """The result of :func:`suppress`.

    Attributes
    ----------
    estimates : pandas.DataFrame
        The input with ``suppressed`` (bool) and ``suppression_reason`` (str, "" when shown);
        :data:`ESTIMATE_HIDDEN` columns are NaN in suppressed rows.
    contrasts : Mapping[str, pandas.DataFrame]
        Each contrasts table, keyed like the input, with the same two columns;
        :data:`CONTRAST_HIDDEN` columns are NaN and ``significant`` is False in suppressed rows.
    log : pandas.DataFrame
        One row per suppressed cell: ``table, variable, cell, reason, detail`` (reason is
        ``"primary"``, ``"complementary"``, ``"contrast"`` or ``"unknown_base"``).  It names cells
        but never their counts, so it can go into the run manifest.
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


def cell_keys(frame: pd.DataFrame, columns: list[str]) -> list[Key]:
    """The :data:`Key` of every row of ``frame`` over ``columns``."""
    texts = {c: [key_text(v) for v in frame[c].tolist()] for c in sorted(columns)}
    return [
        tuple((c, texts[c][i]) for c in sorted(columns) if texts[c][i])
        for i in range(len(frame))
    ]


def describe_key(key: Key) -> str:
    """Readable text of a key: ``"variable=tillid, year=2021"``."""
    return ", ".join(f"{c}={v}" for c, v in key)


def find_lines(
    keys: list[Key], subgroup_columns: tuple[str, ...]
) -> dict[tuple[Key, str], list[int]]:
    """Group row positions into lines: (parent key, split column) -> member rows.

    A row whose key has a value for a subgroup column ``c`` belongs to the line whose parent
    is the same key without ``c``.
    """
    lines: dict[tuple[Key, str], list[int]] = {}
    for i, key in enumerate(keys):
        for col, _ in key:
            if col in subgroup_columns:
                parent = tuple(p for p in key if p[0] != col)
                lines.setdefault((parent, col), []).append(i)
    return lines


def _complementary(
    keys: list[Key], n: np.ndarray, hidden: np.ndarray, reasons: list[str],
    details: list[str], subgroup_columns: tuple[str, ...],
) -> None:
    """Hide cells until no line (with its total present) has exactly one hidden cell."""
    position = {k: i for i, k in enumerate(keys)}
    lines = find_lines(keys, subgroup_columns)
    order = sorted(lines)
    changed = True
    while changed:
        changed = False
        for line in order:
            parent = position.get(line[0])
            if parent is None:
                continue
            members = lines[line]
            cells = [parent, *members]
            hidden_cells = [i for i in cells if hidden[i]]
            if len(hidden_cells) != 1:
                continue
            shown = sorted((i for i in members if not hidden[i]), key=lambda i: (n[i], keys[i]))
            target = shown[0] if shown else parent
            hidden[target] = True
            reasons[target] = "complementary"
            details[target] = (
                f"protects {describe_key(keys[hidden_cells[0]])} in the {line[1]} line of "
                f"{describe_key(line[0])}"
            )
            changed = True


def suppress_estimates(estimates: pd.DataFrame, rule: SuppressionRule) -> pd.DataFrame:
    """Primary and complementary suppression of one tidy estimates table (see module text)."""
    problems: list[str] = []
    est = check_frame(estimates, ESTIMATE_COLUMNS, "estimates", problems)
    raise_if(problems, "suppression")
    cols = key_columns(est)
    keys = cell_keys(est, cols)
    duplicated = pd.Series([describe_key(k) for k in keys]).duplicated(keep=False)
    if duplicated.any():
        raise ReportInputError(
            "suppression: estimates hold the same cell more than once: "
            f"{sorted(set(pd.Series([describe_key(k) for k in keys])[duplicated]))[:3]}"
        )
    n = pd.to_numeric(est["n"], errors="coerce").to_numpy(dtype=float)
    hidden = ~(n >= rule.min_n)
    reasons = ["primary" if h else "" for h in hidden]
    details = [f"unweighted base below {rule.min_n} or missing" if h else "" for h in hidden]
    _complementary(keys, np.nan_to_num(n, nan=-1.0), hidden, reasons, details,
                   rule.subgroup_columns)
    est["suppressed"] = hidden.astype(bool)
    est["suppression_reason"] = reasons
    est.attrs["suppression_details"] = details
    for col in ESTIMATE_HIDDEN:
        if col in est.columns:
            est[col] = pd.to_numeric(est[col], errors="coerce").astype(float)
            est.loc[hidden, col] = np.nan
    return est


def _side_status(
    est_lookup: Mapping[Key, bool], base: Key, between: str, group: object,
    n_side: float, min_n: int,
) -> str:
    """Why one side of a contrast must be hidden ("" when it may be shown)."""
    key = tuple(sorted((*base, (between, key_text(group)))))
    if key in est_lookup:
        if est_lookup[key]:
            return "contrast"
        return "primary" if not np.isnan(n_side) and n_side < min_n else ""
    if np.isnan(n_side):
        return "unknown_base"
    return "primary" if n_side < min_n else ""


def suppress_contrasts(
    contrasts: pd.DataFrame, between: str, estimates: pd.DataFrame, rule: SuppressionRule
) -> pd.DataFrame:
    """Hide contrasts whose either side is a hidden estimate or has a base below ``min_n``.

    Parameters
    ----------
    contrasts : pandas.DataFrame
        Tidy contrasts; the side of a row is found by putting ``group_a`` (``group_b``) into
        the ``between`` column next to the row's by columns.
    between : str
        The column the contrasts compare levels of (``"group"`` or ``"year"``).
    estimates : pandas.DataFrame
        The output of :func:`suppress_estimates`.
    rule : SuppressionRule
        The rule; ``n_a``/``n_b`` are used when a side has no estimate row.  A side with
        neither is hidden (reason ``"unknown_base"``).
    """
    problems: list[str] = []
    con = check_frame(contrasts, ["variable", "group_a", "group_b"], f"contrasts[{between}]",
                      problems)
    raise_if(problems, "suppression")
    est_cols = set(key_columns(estimates))
    cols = [c for c in key_columns(con) if c in est_cols and c != between]
    est_keys = cell_keys(estimates, sorted(est_cols))
    lookup = dict(zip(est_keys, estimates["suppressed"].astype(bool).tolist(), strict=True))
    base_keys = cell_keys(con, cols)
    n_a = pd.to_numeric(con.get("n_a", pd.Series(np.nan, index=con.index)), errors="coerce")
    n_b = pd.to_numeric(con.get("n_b", pd.Series(np.nan, index=con.index)), errors="coerce")
    reasons: list[str] = []
    for i, base in enumerate(base_keys):
        sides = [
            _side_status(lookup, base, between, con["group_a"].iloc[i], float(n_a.iloc[i]),
                         rule.min_n),
            _side_status(lookup, base, between, con["group_b"].iloc[i], float(n_b.iloc[i]),
                         rule.min_n),
        ]
        reasons.append(next((s for s in sides if s), ""))
    hidden = np.array([bool(r) for r in reasons], dtype=bool)
    con["suppressed"] = hidden
    con["suppression_reason"] = reasons
    for col in CONTRAST_HIDDEN:
        if col in con.columns:
            con[col] = pd.to_numeric(con[col], errors="coerce").astype(float)
            con.loc[hidden, col] = np.nan
    if "significant" in con.columns:
        con["significant"] = con["significant"].fillna(False).astype(bool) & ~hidden
    return con


def log_rows(frame: pd.DataFrame, table: str, details: list[str] | None) -> list[dict[str, str]]:
    """One log row per suppressed row of ``frame`` (``details``: per row, else by reason)."""
    rows = []
    keys = cell_keys(frame, key_columns(frame))
    for i in np.flatnonzero(frame["suppressed"].to_numpy(dtype=bool)):
        reason = str(frame["suppression_reason"].iloc[i])
        detail = details[i] if details else {
            "contrast": "a compared estimate is suppressed",
            "primary": "a compared group has an unweighted base below the threshold",
            "unknown_base": "no estimate and no n_a/n_b to check the base",
        }.get(reason, "")
        cell = describe_key(tuple(p for p in keys[i] if p[0] != "variable"))
        if "group_a" in frame.columns:
            cell += (f"{', ' if cell else ''}{key_text(frame['group_a'].iloc[i])} vs "
                     f"{key_text(frame['group_b'].iloc[i])}")
        rows.append({
            "table": table, "variable": key_text(frame["variable"].iloc[i]), "cell": cell,
            "reason": reason, "detail": detail,
        })
    return rows


def suppress(
    estimates: pd.DataFrame,
    contrasts: Mapping[str, pd.DataFrame] | None = None,
    rule: SuppressionRule | None = None,
) -> SuppressedTables:
    """Suppress small cells in tidy estimates and the contrasts built on them.

    Parameters
    ----------
    estimates : pandas.DataFrame
        Tidy estimates (``variable, <by columns>, estimate, se, ci_low, ci_high, df, deff, n``).
        Total rows have the subgroup columns missing.
    contrasts : Mapping[str, pandas.DataFrame], optional
        Contrast tables keyed by the column they compare along, e.g.
        ``{"group": group_contrasts, "year": change_contrasts}``.
    rule : SuppressionRule, optional
        Threshold and subgroup columns; default ``SuppressionRule()`` (n < 10 hidden).

    Returns
    -------
    SuppressedTables
        The tables with ``suppressed`` and ``suppression_reason`` added, and the log.

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
    est = suppress_estimates(estimates, rule)
    details = est.attrs.pop("suppression_details")
    log = log_rows(est, "estimates", details)
    out: dict[str, pd.DataFrame] = {}
    for between, frame in (contrasts or {}).items():
        out[between] = suppress_contrasts(frame, between, est, rule)
        log.extend(log_rows(out[between], f"contrasts:{between}", None))
    return SuppressedTables(
        estimates=est, contrasts=out, log=pd.DataFrame(log, columns=list(LOG_COLUMNS)),
        rule=rule,
    )


__all__ = [
    "CONTRAST_HIDDEN",
    "ESTIMATE_HIDDEN",
    "SuppressedTables",
    "SuppressionRule",
    "find_lines",
    "log_rows",
    "suppress",
    "suppress_contrasts",
    "suppress_estimates",
]
