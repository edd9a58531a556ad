"""Disclosure control over everything a run publishes, in one call.

A run publishes several *table sets*: the significance tables (estimates with the contrasts
between groups, rounds and subgroups), one page per area, the youth summary.  Each set is
estimates and the contrasts built on them, published together and protected together:
:func:`protect` suppresses every set with one rule and returns the tables as they may be shown,
with the log of every hidden cell.  The writers only ever see its output.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from survey_kit.disclosure.crossed import suppress_crossed
from survey_kit.disclosure.suppression import (
    LOG_COLUMNS,
    SuppressionRule,
    log_rows,
    suppress_contrasts,
    suppress_estimates,
)


@dataclass(frozen=True, eq=False)
class Contrasts:
    """A contrasts table of a set and what it compares.

    Parameters
    ----------
    frame : pandas.DataFrame
        Tidy contrasts.
    between : tuple of str
        One column the contrasts compare levels of (``("year",)``), or the crossed columns
        whose cells they compare (``("gender", "menapt")``, see
        :func:`~survey_kit.disclosure.crossed.suppress_crossed`).
    line_keys : tuple of str
        For crossed cells: the columns besides ``variable`` a line shares.
    logged : bool
        Whether its hidden rows go into the log (a table that repeats contrasts already
        logged is not logged twice).
    """

    frame: pd.DataFrame
    between: tuple[str, ...]
    line_keys: tuple[str, ...] = ()
    logged: bool = True


@dataclass(frozen=True, eq=False)
class TableSet:
    """Estimates and the contrasts built on them, published together.

    Parameters
    ----------
    name : str
        Name of the set in the log's ``table`` column (e.g. ``"significance"``).
    estimates : pandas.DataFrame
        Tidy estimates; total rows have the subgroup columns missing.
    contrasts : tuple of Contrasts
        The contrasts shown with them.
    lines : tuple of str
        Columns that split a total into a line in this set besides the rule's (e.g. the
        reporting unit of an area page).
    tags : Mapping[str, str]
        Extra columns of this set's log rows (e.g. ``{"area": "hp01"}``).
    """

    name: str
    estimates: pd.DataFrame
    contrasts: tuple[Contrasts, ...] = ()
    lines: tuple[str, ...] = ()
    tags: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class ProtectedSet:
    """A table set as it may be shown: ``suppressed`` and ``suppression_reason`` added, hidden
    numbers blank; ``contrasts`` in the order of the set's; ``log`` its hidden cells."""

    estimates: pd.DataFrame
    contrasts: tuple[pd.DataFrame, ...]
    log: pd.DataFrame


def _protect_one(tables: TableSet, rule: SuppressionRule) -> ProtectedSet:
    rule = SuppressionRule(min_n=rule.min_n, subgroup_columns=tuple(dict.fromkeys(
        [*rule.subgroup_columns, *tables.lines])))
    est = suppress_estimates(tables.estimates, rule)
    log = log_rows(est, "estimates", est.attrs.pop("suppression_details"))
    shown = []
    for c in tables.contrasts:
        if len(c.between) > 1:
            shown.append(suppress_crossed(c.frame, est, c.between, c.line_keys, rule.min_n))
            continue
        frame = suppress_contrasts(c.frame, c.between[0], est, rule)
        if c.logged:
            log.extend(log_rows(frame, f"contrasts:{c.between[0]}", None))
        shown.append(frame)
    table = pd.DataFrame(log, columns=list(LOG_COLUMNS)).assign(**tables.tags)
    return ProtectedSet(est, tuple(shown), table.assign(table=tables.name))


def protect(sets: Sequence[TableSet], rule: SuppressionRule) -> tuple[ProtectedSet, ...]:
    """Suppress every table set a run publishes with one rule (see the module docstring).

    Examples
    --------
    >>> est = pd.DataFrame({
    ...     "variable": "tillid", "year": 2021, "gender": [None, "K", "M"],
    ...     "estimate": [.6, .5, .7], "se": .05, "ci_low": .5, "ci_high": .8, "df": 30,
    ...     "deff": 1.2, "n": [60, 4, 56]})
    >>> (out,) = protect([TableSet("significance", est)],
    ...                  SuppressionRule(subgroup_columns=("gender",)))
    >>> out.estimates["suppression_reason"].tolist()
    ['', 'primary', 'complementary']
    >>> out.log[["table", "reason"]].to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    [{'table': 'significance', 'reason': 'primary'},
     {'table': 'significance', 'reason': 'complementary'}]
    """
    return tuple(_protect_one(tables, rule) for tables in sets)


__all__ = ["Contrasts", "ProtectedSet", "TableSet", "protect"]
