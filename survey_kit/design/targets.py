"""Raking targets: check them against the sample up front and turn them into margin codes.

Targets are a long table ``[*by, "variable", "level", "total"]``.  Each (by group,
variable) pair is one margin of the raking; the margins of all by groups for one variable
are stacked into one integer code vector (cell = by group x level), so raking every group
is one call.  Levels and by values are compared as text (``1`` matches ``"1"``, ``True``
matches ``"True"``, ``2018.0`` matches ``2018``).

Every problem is collected and reported in one :class:`~survey_kit.errors.WeightingError`
whose message names the by group, variable and level and says what to do.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from survey_kit.design.auxiliaries import GROUP, NumericMargins, build_numeric, split_numeric
from survey_kit.errors import WeightingError

#: Relative tolerance for the margins of one by group to add to the same total.
TOTAL_RTOL = 1e-6
__all__ = ["GROUP", "Margins", "build_margins"]


@dataclass(frozen=True)
class Margins:
    """Raking margins in code form (output of :func:`build_margins`).

    Attributes
    ----------
    by : tuple of str
        By columns.
    variables : tuple of str
        Raking variables, in order of first appearance in the targets.
    codes : tuple of ndarray
        Per variable, the cell code of every row (``-1``: the row's group has no target
        for this variable).
    totals : tuple of ndarray
        Per variable, the target of each cell, harmonised so that every variable of a group
        adds to the group total of its first variable (a change of at most ``TOTAL_RTOL``).
    cells : tuple of DataFrame
        Per variable, one row per cell code: the by values, ``variable``, ``level``,
        ``target`` (as given) and :data:`GROUP` (the by-group code).
    groups : DataFrame
        The by values of each group code (one row, no columns, without ``by``).
    group_codes : ndarray
        The by-group code of every row.
    numeric : NumericMargins or None
        Totals of numeric columns (targets with an empty level), for calibration.
    """

    by: tuple[str, ...]
    variables: tuple[str, ...]
    codes: tuple[np.ndarray, ...]
    totals: tuple[np.ndarray, ...]
    cells: tuple[pd.DataFrame, ...]
    groups: pd.DataFrame
    group_codes: np.ndarray
    numeric: NumericMargins | None = None

    def cell_labels(self) -> list[list[str]]:
        """Per variable, a readable label of each cell (by group and level)."""
        out = []
        for frame in self.cells:
            out.append([_describe(row, self.by) + f"variable {row['variable']!r}, level "
                        f"{row['level']!r}" for _, row in frame.iterrows()])
        return out


def label(value: object) -> str:
    """Text form of a level or by value, so that ``1``, ``1.0`` and ``"1"`` compare equal.

    Examples
    --------
    >>> label(1), label(2018.0), label(True), label("65+")
    ('1', '2018', 'True', '65+')
    """
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, np.integer):
        return str(int(value))
    return str(value)


def boolean_aliases(sample: Sequence[str], targets: Sequence[str]) -> list[str]:
    """Target levels rewritten to the sample's spelling of a yes/no variable.

    SPSS and CSV files often hold a boolean as 0/1 while register margins say True/False
    (or the other way round); such levels are matched, anything else is left as it is.

    Examples
    --------
    >>> boolean_aliases(["0", "1"], ["True", "False"])
    ['1', '0']
    >>> boolean_aliases(["True", "False"], ["1", "0"])
    ['True', 'False']
    >>> boolean_aliases(["a", "b"], ["1", "0"])
    ['1', '0']
    """
    numeric, words = {"0", "1"}, {"True", "False"}
    if set(sample) <= numeric and set(targets) <= words:
        return ["1" if t == "True" else "0" for t in targets]
    if set(sample) <= words and set(targets) <= numeric:
        return ["True" if t == "1" else "False" for t in targets]
    return list(targets)


def factorize_labels(column: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Codes (``-1`` for missing) and distinct text labels of a column, fast on large data.

    Examples
    --------
    >>> factorize_labels(pd.Series([1, 2, None, 1.0]))
    (array([ 0,  1, -1,  0]), ['1', '2'])
    """
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    labels = [label(u) for u in np.asarray(uniques, dtype=object)]
    distinct = list(dict.fromkeys(labels))
    remap = np.array([distinct.index(lab) for lab in labels] + [-1], dtype=np.int64)
    return remap[codes], distinct


def _describe(row: pd.Series | dict[Hashable, object], by: Sequence[str]) -> str:
    if not by:
        return ""
    return "group " + ", ".join(f"{b}={row[b]!s}" for b in by) + ", "


def _as_list(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def _check_columns(data: pd.DataFrame, targets: pd.DataFrame, by: list[str]) -> None:
    expected = [*by, "variable", "level", "total"]
    missing = [c for c in expected if c not in targets.columns]
    if missing:
        raise WeightingError(
            f"targets lack column(s) {missing}: expected columns {expected}, "
            f"found {list(targets.columns)}")
    absent = [c for c in by if c not in data.columns]
    if absent:
        raise WeightingError(f"by column(s) {absent} not in the data: add them or change by")
    unknown = sorted(set(map(str, targets["variable"])) - set(map(str, data.columns)))
    if unknown:
        raise WeightingError(
            f"target variable(s) {unknown} not in the data: rename the column or drop "
            "those targets")


def _normalise_targets(targets: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    tg = pd.DataFrame({c: [label(v) for v in targets[c]] for c in [*by, "variable", "level"]})
    tg["total"] = pd.to_numeric(targets["total"], errors="coerce").to_numpy(dtype=float)
    tg["target"] = tg["total"]
    problems = []
    for _, row in tg[~np.isfinite(tg["total"]) | (tg["total"] < 0)].iterrows():
        problems.append(f"{_describe(row, by)}variable {row['variable']!r}, level "
                        f"{row['level']!r}: target {row['total']} is negative or not a finite "
                        "number; give a total >= 0")
    dup = tg.duplicated([*by, "variable", "level"], keep="first")
    for _, row in tg[dup].iterrows():
        problems.append(f"{_describe(row, by)}variable {row['variable']!r}, level "
                        f"{row['level']!r}: target given more than once; keep one row")
    _raise(problems)
    return tg


def _raise(problems: list[str]) -> None:
    if problems:
        head = "raking targets do not fit the sample" if len(problems) > 1 else ""
        body = "; ".join(problems)
        raise WeightingError(f"{head} ({len(problems)} problems): {body}" if head else body)


def group_codes(data: pd.DataFrame, by: str | Sequence[str] | None) -> tuple[np.ndarray,
                                                                             pd.DataFrame]:
    """By-group code of every row and the by values of each group (in order of first appearance).

    Examples
    --------
    >>> codes, groups = group_codes(pd.DataFrame({"y": [2021, 2018, 2021]}), ["y"])
    >>> codes.tolist(), groups["y"].tolist()
    ([0, 1, 0], ['2021', '2018'])
    """
    by = _as_list(by)
    if not by:
        return np.zeros(len(data), dtype=np.int64), pd.DataFrame(index=[0])
    key = np.zeros(len(data), dtype=np.int64)
    all_labels = []
    for col in by:
        codes, labels = factorize_labels(data[col])
        n_missing = int((codes < 0).sum())
        if n_missing:
            raise WeightingError(f"by column {col!r} has {n_missing} missing values: "
                                 "fill them or drop those respondents before weighting")
        key = key * len(labels) + codes
        all_labels.append(labels)
    gcodes, uniques = pd.factorize(key, sort=True)
    columns = {}
    for col, labels in zip(reversed(by), reversed(all_labels), strict=True):
        columns[col] = np.asarray(labels, dtype=object)[uniques % len(labels)]
        uniques = uniques // len(labels)
    return np.asarray(gcodes, dtype=np.int64), pd.DataFrame({c: columns[c] for c in by})


def _group_problems(tg: pd.DataFrame, groups: pd.DataFrame, by: list[str]) -> list[str]:
    problems = []
    for _, row in tg[tg[GROUP] < 0].drop_duplicates(by).iterrows():
        problems.append(f"{_describe(row, by)}has targets but no respondents in the data; "
                        "drop those targets or check the by values")
    covered = set(tg[GROUP])
    for g, row in groups.iterrows():
        if g not in covered:
            problems.append(f"{_describe(row, by)}has respondents but no targets; add targets "
                            "for this group or drop its respondents")
    return problems


def _weight_problems(weights: np.ndarray, group_codes: np.ndarray, groups: pd.DataFrame,
                     by: list[str]) -> list[str]:
    bad = ~np.isfinite(weights) | (weights <= 0)
    counts = np.bincount(group_codes[bad], minlength=len(groups))
    return [f"{_describe(groups.iloc[g], by)}{counts[g]} base weights are zero, negative or "
            "missing; raking needs positive base weights: fix them or drop those respondents"
            for g in np.flatnonzero(counts)]


@dataclass(frozen=True)
class _VariableMargin:
    codes: np.ndarray
    cells: pd.DataFrame
    problems: list[str]


def _variable_margin(column: pd.Series, tv: pd.DataFrame, group_codes: np.ndarray,
                     groups: pd.DataFrame, by: list[str]) -> _VariableMargin:
    name = str(column.name)
    level_codes, labels = factorize_labels(column)
    n_groups, n_levels = len(groups), max(len(labels), 1)
    has = np.zeros(n_groups, dtype=bool)
    has[tv[GROUP].to_numpy()[tv[GROUP].to_numpy() >= 0]] = True
    # one pass: cell = group x (level + 1), column 0 holding the missing values
    cell = group_codes * (n_levels + 1) + (level_codes + 1)
    full = np.bincount(cell, minlength=n_groups * (n_levels + 1)).reshape(n_groups, -1)
    full[~has] = 0
    problems = []
    missing = full[:, 0]
    for gm in np.flatnonzero(missing):
        problems.append(f"{_describe(groups.iloc[gm], by)}column {name!r} has {missing[gm]} "
                        "missing values; impute them or drop those respondents before raking")
    counts = full[:, 1:]
    position = {lab: i for i, lab in enumerate(labels)}
    table = np.full((n_groups, n_levels), -1, dtype=np.int64)
    t_groups = tv[GROUP].to_numpy(dtype=np.int64)
    t_levels = [str(v) for v in tv["level"]]
    t_match = boolean_aliases(labels, t_levels)
    t_totals = tv["total"].to_numpy(dtype=float)
    for k in range(len(tv)):
        g, lev, total = int(t_groups[k]), position.get(t_match[k], -1), float(t_totals[k])
        n = int(counts[g, lev]) if g >= 0 and lev >= 0 else 0
        where = f"{_describe(tv.iloc[k], by)}variable {name!r}, level {t_levels[k]!r}"
        if n == 0 and total > 0 and g >= 0:
            problems.append(f"{where}: target {total:g} but no respondents in the sample; "
                            "collapse levels or drop the target")
        elif n > 0 and total == 0:
            problems.append(f"{where}: target 0 but {n} respondents; drop them or collapse "
                            "levels")
        if g >= 0 and lev >= 0:
            table[g, lev] = k
    for g, lev in zip(*np.nonzero((counts > 0) & (table < 0)), strict=True):
        problems.append(f"{_describe(groups.iloc[g], by)}variable {name!r}, level "
                        f"{labels[lev]!r}: {counts[g, lev]} respondents but no target; add a "
                        "target or recode the level")
    lookup = np.full((n_groups, n_levels + 1), -1, dtype=np.int64)
    lookup[:, 1:] = table
    lookup[~has] = -1
    codes = lookup.ravel()[cell]
    return _VariableMargin(codes, tv.reset_index(drop=True), problems)


def _harmonise(margins: list[_VariableMargin], n_groups: int, groups: pd.DataFrame,
               by: list[str]) -> tuple[list[np.ndarray], list[str]]:
    sums = np.full((len(margins), n_groups), np.nan)
    for j, m in enumerate(margins):
        valid = m.cells[GROUP].to_numpy() >= 0
        sums[j] = pd.Series(m.cells["total"].to_numpy()[valid]).groupby(
            m.cells[GROUP].to_numpy()[valid]).sum().reindex(range(n_groups)).to_numpy()
    reference = np.full(n_groups, np.nan)
    ref_var = np.full(n_groups, -1)
    problems = []
    for j, m in enumerate(margins):
        for g in np.flatnonzero(np.isfinite(sums[j])):
            if ref_var[g] < 0:
                reference[g], ref_var[g] = sums[j, g], j
            elif abs(sums[j, g] - reference[g]) > TOTAL_RTOL * max(sums[j, g], reference[g]):
                first = margins[ref_var[g]].cells["variable"].iloc[0]
                problems.append(
                    f"{_describe(groups.iloc[g], by)}the targets of {first!r} add to "
                    f"{reference[g]:.10g} but those of {m.cells['variable'].iloc[0]!r} add to "
                    f"{sums[j, g]:.10g} (relative tolerance {TOTAL_RTOL:g}); make every "
                    "variable's margin add to the same group total")
    totals = []
    for j, m in enumerate(margins):
        cg = np.maximum(m.cells[GROUP].to_numpy(dtype=np.int64), 0)
        factor = np.where(m.cells[GROUP].to_numpy() >= 0, reference[cg] / sums[j, cg], 1.0)
        totals.append(m.cells["total"].to_numpy() * np.nan_to_num(factor, nan=1.0))
    return totals, problems


def build_margins(data: pd.DataFrame, weights: np.ndarray, targets: pd.DataFrame,
                  by: str | Sequence[str] | None = None, numeric: bool = False) -> Margins:
    """Check targets against the sample and build the margin codes for raking.

    Parameters
    ----------
    data : DataFrame
        Respondent table.
    weights : ndarray
        Base weights, aligned with ``data``.
    targets : DataFrame
        Columns ``[*by, "variable", "level", "total"]``.
    by : str or list of str, optional
        Columns whose groups are raked separately.
    numeric : bool
        Accept targets with an empty level as totals of numeric columns (calibration;
        raking raises for them).

    Returns
    -------
    Margins

    Raises
    ------
    WeightingError
        Listing every problem found (see module docstring).

    Examples
    --------
    R: ``rake(design, list(~gender), list(data.frame(gender=c("f", "m"), Freq=c(6, 4))))``

    >>> df = pd.DataFrame({"gender": ["f", "m", "f"]})
    >>> tg = pd.DataFrame({"variable": ["gender"] * 2, "level": ["f", "m"], "total": [6, 4]})
    >>> m = build_margins(df, np.ones(3), tg)
    >>> m.variables, m.codes[0].tolist(), m.totals[0].tolist()
    (('gender',), [0, 1, 0], [6.0, 4.0])
    """
    by_list = _as_list(by)
    _check_columns(data, targets, by_list)
    targets, numeric_targets = split_numeric(targets)
    if len(numeric_targets) and not numeric:
        names = sorted(set(map(str, numeric_targets["variable"])))
        raise WeightingError(
            f"targets for {names} have an empty level (totals of a numeric column); raking "
            "matches categorical margins only: use calibrate() for numeric totals")
    tg = _normalise_targets(targets, by_list)
    codes_g, groups = group_codes(data, by_list)
    index = {tuple(r): i for i, r in enumerate(groups[by_list].itertuples(index=False))}
    tg[GROUP] = [index.get(tuple(r), -1) for r in tg[by_list].itertuples(index=False)]
    ntg = pd.DataFrame({c: [label(v) for v in numeric_targets[c]] for c in [*by_list, "variable"]})
    ntg["total"] = numeric_targets["total"].to_numpy()
    ntg[GROUP] = [index.get(tuple(r), -1) for r in ntg[by_list].itertuples(index=False)]
    weights = np.asarray(weights, dtype=float)
    problems = _group_problems(pd.concat([tg[[*by_list, GROUP]], ntg[[*by_list, GROUP]]]),
                               groups, by_list)
    problems += _weight_problems(weights, codes_g, groups, by_list)
    variables = list(dict.fromkeys(tg["variable"]))
    columns = {label(c): c for c in data.columns}
    margins = [_variable_margin(data[columns[v]].rename(v), tg[tg["variable"] == v],
                                codes_g, groups, by_list) for v in variables]
    for m in margins:
        problems += m.problems
    totals, total_problems = _harmonise(margins, len(groups), groups, by_list)
    numeric_part = None
    if len(ntg):
        numeric_part, numeric_problems = build_numeric(data, ntg, by_list, codes_g, columns)
        problems += numeric_problems
    _raise(problems + total_problems)
    cells = tuple(m.cells[[*by_list, "variable", "level", "target", GROUP]] for m in margins)
    return Margins(tuple(by_list), tuple(variables), tuple(m.codes for m in margins),
                   tuple(totals), cells, groups, codes_g, numeric_part)
