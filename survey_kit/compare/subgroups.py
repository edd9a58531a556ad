"""Subgroup significance tables and the banner-table column-letter presentation."""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from survey_kit.compare.contrasts import labels
from survey_kit.compare.pairwise import domain_grid, pairwise
from survey_kit.compare.table import (
    CONTRAST_COLUMNS,
    ContrastTable,
    Family,
    _family,
    check_level,
    with_adjustment,
)

if TYPE_CHECKING:
    from survey_kit.design.design import Design

#: Names of the comparison families in ``subgroup_tables``.
FAMILIES = {
    "groups": "groups within subgroup",
    "levels": "subgroup levels within group",
    "change": "change within group and subgroup",
}

Subgroup = str | Sequence[str]


def _stack_keys(
    frame: pd.DataFrame, family: str, sub: list[str], group: str, time: str | None,
    level_side: bool,
) -> pd.DataFrame:
    """The identifying columns of one family's rows in the stacked table."""
    n = len(frame)
    keys = pd.DataFrame({"family": [family] * n, "variable": frame["variable"].to_numpy()})
    if time is not None:
        keys[time] = frame[time].to_numpy() if time in frame else [None] * n
    keys[group] = frame[group].to_numpy() if group in frame else [None] * n
    keys["subgroup"] = " × ".join(sub)
    keys["subgroup_level"] = labels(frame[sub]) if level_side else [None] * n
    return keys


def _families(
    design: Design, variables: Sequence[str], sub: list[str], group: str, time: str | None,
    level: float, include_change: bool,
) -> list[tuple[pd.DataFrame, np.ndarray]]:
    """The contrasts of one subgroup dimension, family by family (unadjusted), from one
    estimation of the ``time × group × subgroup`` domains."""
    t = [] if time is None else [time]
    runs = [("groups", group, [*t, *sub], True), ("levels", sub, [*t, group], False)]
    if include_change and time is not None:
        runs.append(("change", time, [group, *sub], True))
    grid = domain_grid(design, variables, [*t, group, *sub], level)
    out = []
    for key, between, by, level_side in runs:
        between_cols = [between] if isinstance(between, str) else list(between)
        table = pairwise(grid, between_cols, by, None, None, level, "none", None)
        frame = table.to_frame()
        keys = _stack_keys(frame, FAMILIES[key], sub, group, time, level_side)
        body = frame[list(CONTRAST_COLUMNS)].reset_index(drop=True)
        out.append((pd.concat([keys, body], axis=1), table.vcov))
    return out


def subgroup_tables(
    design: Design,
    variables: str | Sequence[str],
    subgroups: Sequence[Subgroup],
    group: str = "group",
    time: str | None = "year",
    adjust: str = "holm",
    level: float = 0.95,
    family: Family = ("family", "subgroup", "variable"),
    include_change: bool = True,
) -> ContrastTable:
    """Significance tables for groups × rounds crossed with subgroups, in one tidy table.

    For every subgroup dimension (a column such as ``"gender"``, or a list of columns
    for an interaction such as ``["gender", "menapt"]``) three comparison families are
    estimated, each from one joint covariance:

    * ``"groups within subgroup"``: every pair of ``group`` levels within each round and
      subgroup level (``subgroup_level`` set, ``group`` empty);
    * ``"subgroup levels within group"``: every pair of subgroup levels within each round
      and group (``group`` set, ``subgroup_level`` empty);
    * ``"change within group and subgroup"`` (``include_change``): later minus earlier
      round within each group and subgroup level (the ``time`` column empty).

    p-values are adjusted within ``family`` (default: each comparison family, subgroup
    dimension and variable separately).  Contrasts of different families are estimated
    separately: the off-diagonal blocks of ``vcov`` are NaN.

    Examples
    --------
    R: ``svyby(~y, ~year+group+gender, des, svymean, covmat=TRUE)`` + ``svycontrast``

    >>> import survey_kit as sk
    >>> d = pd.DataFrame({"group": ["a", "b"] * 8, "year": [1] * 8 + [2] * 8,
    ...                   "gender": ["f", "f", "m", "m"] * 4, "y": np.arange(16.0) % 5})
    >>> tab = subgroup_tables(sk.Design(d), "y", ["gender"]).to_frame()
    >>> tab.groupby("family").size().to_dict()
    {'change within group and subgroup': 4, 'groups within subgroup': 4, \
'subgroup levels within group': 4}
    """
    check_level(level)
    names = [variables] if isinstance(variables, str) else list(variables)
    parts: list[tuple[pd.DataFrame, np.ndarray]] = []
    for sub in subgroups:
        cols = [sub] if isinstance(sub, str) else list(sub)
        parts.extend(_families(design, names, cols, group, time, level, include_change))
    table = pd.concat([p for p, _ in parts], ignore_index=True)
    table = with_adjustment(table, adjust, family, level)
    vcov = np.full((len(table), len(table)), np.nan)
    start = 0
    for _, block in parts:
        stop = start + block.shape[0]
        vcov[start:stop, start:stop] = block
        start = stop
    by = tuple(c for c in table.columns if c not in CONTRAST_COLUMNS)
    return ContrastTable(table, vcov, by, level, adjust, _family(family))


def _letters(levels: Sequence[Any], given: Mapping[Any, str] | None) -> dict[Any, str]:
    """Column letters A, B, C, ... in the order of ``levels`` (or as given)."""
    if given is not None:
        return dict(given)
    alphabet = list(string.ascii_uppercase)
    names = alphabet + [a + b for a in alphabet for b in alphabet]
    return {level: names[i] for i, level in enumerate(levels)}


def _cell_key(keys: pd.DataFrame, column: Any) -> pd.Series:
    """One string per row identifying a banner cell (missing key values included)."""
    parts = keys.assign(column=np.asarray(column, dtype=object)).to_numpy(dtype=object)
    return pd.Series(["\x1f".join(map(str, row)) for row in parts], index=keys.index)


def banner_letters(
    contrasts: ContrastTable, letters: Mapping[Any, str] | None = None
) -> pd.DataFrame:
    """Banner-table presentation: for each cell, the letters of the columns it is
    significantly higher than.

    ``contrasts`` holds pairwise contrasts between columns (``compare(...,
    reference=None)`` or ``subgroup_tables``); the columns are the ``group_a``/``group_b``
    levels, lettered A, B, C, ... in sort order unless ``letters`` maps them.  A cell gets
    the letter of every column it is significantly higher than (``significant`` after
    the table's adjustment).

    Returns
    -------
    pandas.DataFrame
        The identifying columns of the contrasts, then ``column, letter, estimate, n,
        higher_than`` (letters, sorted; ``""`` for none).

    Examples
    --------
    Column-letter significance notation as in SPSS/Excel banner tables (no R function).

    >>> import survey_kit as sk
    >>> from survey_kit.compare import compare
    >>> d = pd.DataFrame({"g": ["a", "b", "c"] * 20, "y": [0.0, 5.0, 10.0] * 20})
    >>> d["y"] += np.tile(np.arange(20.0) % 3, 3)
    >>> banner_letters(compare(sk.Design(d), "y", between="g"))[["column", "higher_than"]]
      column higher_than
    0      a
    1      b           A
    2      c          AB
    """
    frame = contrasts.to_frame()
    keys = list(contrasts.by)
    sides = [frame[[*keys, f"group_{s}", f"estimate_{s}", f"n_{s}"]].set_axis(
        [*keys, "column", "estimate", "n"], axis=1) for s in ("a", "b")]
    cells = pd.concat(sides, ignore_index=True).drop_duplicates([*keys, "column"])
    order = sorted(pd.unique(cells["column"]), key=lambda v: (str(type(v)), v))
    mapping = _letters(order, letters)
    cells = cells.assign(letter=cells["column"].map(mapping))
    sig = frame[frame["significant"].to_numpy(dtype=bool)]
    a_wins = sig["difference"].to_numpy() > 0
    winner = np.where(a_wins, sig["group_a"], sig["group_b"])
    loser = np.where(a_wins, sig["group_b"], sig["group_a"])
    wins = pd.DataFrame({"key": _cell_key(sig[keys], winner),
                         "beaten": pd.Series(loser).map(mapping).to_numpy()})
    joined = wins.groupby("key", sort=False)["beaten"].agg(lambda s: "".join(sorted(s)))
    out = cells.assign(higher_than=_cell_key(cells[keys], cells["column"]).map(joined))
    out["higher_than"] = out["higher_than"].fillna("")
    cell = pd.factorize(_cell_key(cells[keys], np.zeros(len(cells))))[0]
    column = out["column"].map({v: i for i, v in enumerate(order)}).to_numpy()
    return out.iloc[np.lexsort((column, cell))].reset_index(drop=True)
