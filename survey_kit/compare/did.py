"""Relative development: difference in differences of domain means between rounds."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from survey_kit.compare.contrasts import labels
from survey_kit.compare.multiplicity import check_method
from survey_kit.compare.pairwise import check_names, cross, domain_grid, finish, level_pairs
from survey_kit.compare.table import ContrastTable, Family, check_level
from survey_kit.errors import EstimationError
from survey_kit.estimate.domains import as_list

if TYPE_CHECKING:
    from survey_kit.design.design import Design


def _level_index(levels: pd.DataFrame, value: Any, role: str) -> int:
    """Position of ``value`` among the (one-column) levels, or EstimationError."""
    column = levels.iloc[:, 0]
    hit = (column == value).to_numpy() | (column.astype(str) == str(value)).to_numpy()
    if not hit.any():
        raise EstimationError(
            f"{role} {value!r} is not a level of {levels.columns[0]!r}; levels: "
            f"{', '.join(map(str, column))}"
        )
    return int(np.flatnonzero(hit)[0])


def _periods(
    times: pd.DataFrame, periods: Sequence[tuple[Any, Any]] | None
) -> tuple[np.ndarray, np.ndarray]:
    """Indices (later, earlier) of the rounds whose change is compared."""
    if periods is None:
        return level_pairs(times, None)
    late = [_level_index(times, p[0], "period end") for p in periods]
    early = [_level_index(times, p[1], "period start") for p in periods]
    return np.asarray(late, dtype=np.int64), np.asarray(early, dtype=np.int64)


def did(
    design: Design,
    variables: str | Sequence[str],
    group: str = "group",
    time: str = "year",
    treated: Any = "helhedsplan",
    control: Any | Sequence[Any] = ("almene", "befolkning"),
    by: str | Sequence[str] | None = None,
    periods: Sequence[tuple[Any, Any]] | None = None,
    adjust: str = "holm",
    level: float = 0.95,
    family: Family = None,
    df: float | None = None,
) -> ContrastTable:
    """Relative development: the change in the treated group minus the change in each
    control group over the same period (difference in differences).

    ``difference = (treated[t1] - treated[t0]) - (control[t1] - control[t0])``, with its
    SE from the joint covariance of the four domain means (the rounds share PSUs, the
    groups share strata): R ``svycontrast(svyby(~y, ~group+year, des, svymean,
    covmat=TRUE), c(...))``.  ``estimate_a`` is the change in the treated group,
    ``estimate_b`` the change in the control group; ``group_a``/``group_b`` name them and
    ``time_a``/``time_b`` the end and start of the period.

    Parameters
    ----------
    design, variables, by, adjust, level, family, df
        As in :func:`compare`.
    group
        Column holding the treated and control groups.
    time
        Column holding the rounds.
    treated
        The treated level of ``group``.
    control
        One control level or several (one row per control group).
    periods
        ``(end, start)`` pairs of rounds; default every pair, later minus earlier.

    Returns
    -------
    ContrastTable
        Columns as :func:`compare` plus ``time_a`` and ``time_b`` after the by columns.

    Examples
    --------
    >>> import survey_kit as sk
    >>> d = pd.DataFrame({"g": ["t", "t", "c", "c"] * 2, "yr": [1] * 4 + [2] * 4,
    ...                   "y": [1.0, 2.0, 1.0, 2.0, 3.0, 4.0, 1.5, 2.5]})
    >>> row = did(sk.Design(d), "y", group="g", time="yr", treated="t", control="c")
    >>> float(row.to_frame()["difference"].iloc[0])
    1.5
    """
    by_cols = as_list(by)
    names = check_names(variables, ("group", [group]), ("time", [time]), ("by", by_cols))
    check_method(adjust)
    check_level(level)
    grid = domain_grid(design, names, [*by_cols, group, time], level)
    _, cells = design.domains(by_cols)
    _, groups = design.domains([group])
    _, times = design.domains([time])
    controls = [control] if isinstance(control, str) or not isinstance(control, Sequence) \
        else list(control)
    t_idx = _level_index(groups, treated, "treated group")
    c_idx = np.array([_level_index(groups, c, "control group") for c in controls])
    late, early = _periods(times, periods)
    k = len(late) * len(c_idx)
    pg = pd.concat([groups.iloc[np.repeat(c_idx, len(late))].reset_index(drop=True),
                    times.iloc[np.tile(late, len(c_idx))].reset_index(drop=True)], axis=1)
    plan = _plan(groups, times, t_idx, c_idx, late, early)
    terms = [(grid.rows(cross(cells, part, np.arange(k))), sign) for part, sign in plan]
    keys = _keys(names, cells, times, late, early, len(c_idx))
    tiled = len(cells) * len(names)
    name_a = np.tile(np.repeat(labels(groups)[[t_idx]], k), tiled)
    name_b = np.tile(labels(pg[[group]]), tiled)
    return finish(grid, keys, terms, (name_a, name_b), df, level, adjust, family,
                  term_names=[_term_label(part, tiled) for part, _ in plan])


def _plan(
    groups: pd.DataFrame, times: pd.DataFrame, t_idx: int, c_idx: np.ndarray,
    late: np.ndarray, early: np.ndarray,
) -> list[tuple[pd.DataFrame, float]]:
    """The four (group, time) domains per contrast and their signs, treated side first."""
    n_c, n_p = len(c_idx), len(late)

    def part(g: np.ndarray, t: np.ndarray) -> pd.DataFrame:
        return pd.concat([groups.iloc[g].reset_index(drop=True),
                          times.iloc[t].reset_index(drop=True)], axis=1)

    treated = np.full(n_c * n_p, t_idx)
    ctrl = np.repeat(c_idx, n_p)
    t1, t0 = np.tile(late, n_c), np.tile(early, n_c)
    return [(part(treated, t1), 1.0), (part(treated, t0), -1.0),
            (part(ctrl, t1), -1.0), (part(ctrl, t0), 1.0)]


def _term_label(part: pd.DataFrame, tiled: int) -> np.ndarray:
    return np.tile(labels(part.astype(str)), tiled)


def _keys(
    names: Sequence[str], cells: pd.DataFrame, times: pd.DataFrame, late: np.ndarray,
    early: np.ndarray, n_controls: int,
) -> pd.DataFrame:
    """``variable``, by columns, ``time_a``, ``time_b`` for every contrast row."""
    k = len(late) * n_controls
    per_cell = cells.loc[np.repeat(np.arange(len(cells)), k)].reset_index(drop=True)
    column = times.iloc[:, 0].to_numpy(dtype=object)
    per_cell["time_a"] = np.tile(column[np.tile(late, n_controls)], len(cells))
    per_cell["time_b"] = np.tile(column[np.tile(early, n_controls)], len(cells))
    frame = pd.concat([per_cell] * len(names), ignore_index=True)
    frame.insert(0, "variable", np.repeat(np.asarray(names, dtype=object), len(per_cell)))
    return frame
