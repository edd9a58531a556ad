"""Linear trend across any number of rounds: a design-based contrast of the round means.

For rounds ``t_1 < ... < t_k`` (the values of the ``time`` column, e.g. 2018, 2021, 2024) the
least-squares slope through the round means is the linear contrast

    slope = Σ_j c_j θ_j,    c_j = (t_j - t̄) / Σ_j (t_j - t̄)²,

of the domain means θ_j of one cell (a group, an area).  Its variance ``c' V c`` comes from
the joint covariance of the round means: respondents of several rounds share their PSU (and a
panel member answers twice), so the rounds are not independent, and the engine's covariance
says by how much.  Degrees of freedom as for every contrast (the rounds of one cell share
PSUs: the PSUs minus strata among the cell's respondents).  With two rounds the slope is the
change divided by the years between them.  R: ``svycontrast(svyby(~y, ~year + group, des,
svymean, covmat = TRUE), c)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from survey_kit.compare.contrasts import combine, contrast_notes, labels
from survey_kit.compare.multiplicity import check_method
from survey_kit.compare.pairwise import (
    DomainGrid,
    check_names,
    cross,
    distinct,
    domain_grid,
    grid_psu_ok,
    key_frame,
)
from survey_kit.compare.table import ContrastTable, Family, _family, assemble, check_level
from survey_kit.errors import EstimationError
from survey_kit.estimate.domains import as_list

if TYPE_CHECKING:
    from survey_kit.design.design import Design


def slope_weights(times: Sequence[float] | np.ndarray) -> np.ndarray:
    """Contrast weights of the least-squares slope through points at ``times``.

    Examples
    --------
    >>> slope_weights([2018, 2021, 2024]).round(6).tolist()
    [-0.166667, 0.0, 0.166667]
    >>> float(slope_weights([2018, 2021]) @ np.array([0.5, 0.56]))  # (0.56 - 0.5) / 3
    0.02000000000000001
    """
    t = np.asarray(times, dtype=float)
    centred = t - t.mean()
    scale = float(centred @ centred)
    if scale == 0:
        raise EstimationError("a trend needs at least two different rounds")
    return centred / scale


def _numeric_times(levels: pd.DataFrame, time: str) -> np.ndarray:
    values = pd.to_numeric(levels[time], errors="coerce").to_numpy(dtype=float)
    if np.isnan(values).any():
        bad = levels[time][np.isnan(values)].iloc[0]
        raise EstimationError(
            f"trend: round {bad!r} in column {time!r} is not a number; rounds must be years "
            "(or other numbers) so that the slope has a unit"
        )
    return values


def trend(
    design: Design,
    variables: str | Sequence[str],
    time: str = "year",
    by: str | Sequence[str] | None = None,
    adjust: str = "holm",
    level: float = 0.95,
    family: Family = None,
    per: float = 1.0,
) -> ContrastTable:
    """Linear trend of domain means across all rounds, per variable and ``by`` cell.

    ``difference`` is the slope per ``per`` units of ``time`` (``per=1``: per year), with its
    SE, t test and interval; ``estimate_a``/``estimate_b`` are the means of the last and the
    first round, ``group_a``/``group_b`` name those rounds, and ``n_a``/``n_b`` their
    respondents.  A cell not observed in every round gets a note and no test.

    Examples
    --------
    >>> import survey_kit as sk
    >>> d = pd.DataFrame({"yr": [2018] * 4 + [2021] * 4 + [2024] * 4,
    ...                   "y": [1.0, 2.0, 1.0, 2.0, 2.0, 3.0, 2.0, 3.0, 3.0, 4.0, 3.0, 4.0]})
    >>> row = trend(sk.Design(d), "y", time="yr").to_frame().iloc[0]
    >>> round(float(row["difference"]), 6), row["group_a"], row["group_b"]
    (0.333333, 2024, 2018)
    """
    by_cols = as_list(by)
    names = check_names(variables, ("time", [time]), ("by", by_cols))
    check_method(adjust)
    check_level(level)
    if per <= 0:
        raise EstimationError(f"per={per!r} must be positive (e.g. 1 for a slope per year)")
    grid = domain_grid(design, names, [*by_cols, time], level)
    cells = distinct(grid.keys, by_cols)
    rounds = distinct(grid.keys, [time])
    if len(rounds) < 2:
        raise EstimationError(f"trend: column {time!r} has fewer than two rounds")
    weights = slope_weights(_numeric_times(rounds, time)) * per
    terms = [(grid.rows(cross(cells, rounds, np.array([j]))), float(w))
             for j, w in enumerate(weights)]
    return _table(grid, names, cells, rounds, terms, level, adjust, family)


def _table(grid: DomainGrid, names: Sequence[str], cells: pd.DataFrame, rounds: pd.DataFrame,
           terms: list[tuple[np.ndarray, float]], level: float, adjust: str,
           family: Family) -> ContrastTable:
    theta = grid.estimate.table["estimate"].to_numpy(dtype=float)
    n_obs = grid.estimate.table["n"].to_numpy()
    observed = np.sum([rows >= 0 for rows, _ in terms], axis=0)
    slope, cov, valid = combine(theta, grid.estimate.vcov, terms)
    se = np.sqrt(np.maximum(np.diag(cov), 0.0))
    last, first = terms[-1][0], terms[0][0]
    round_names = labels(rounds)
    name_a = np.full(slope.shape, round_names[-1], dtype=object)
    name_b = np.full(slope.shape, round_names[0], dtype=object)
    notes = contrast_notes([first, last], [name_b, name_a], grid.estimate, grid.psus, se)
    notes[observed < len(terms)] = "not observed in every round: no trend"
    se = np.where(valid & grid_psu_ok(grid, terms), se, np.nan)
    row_df = grid.contrast_df(terms)
    keys = key_frame(names, cells, 1)
    parts = {"group_a": name_a, "group_b": name_b,
             "estimate_a": np.where(last >= 0, theta[np.maximum(last, 0)], np.nan),
             "estimate_b": np.where(first >= 0, theta[np.maximum(first, 0)], np.nan),
             "difference": slope, "se": se,
             "n_a": np.where(last >= 0, n_obs[np.maximum(last, 0)], 0),
             "n_b": np.where(first >= 0, n_obs[np.maximum(first, 0)], 0), "note": notes}
    table = assemble(keys, parts, row_df, level, adjust, family)
    bad = ~np.isfinite(se)
    cov[bad, :] = np.nan
    cov[:, bad] = np.nan
    return ContrastTable(table, cov, tuple(keys.columns), level, adjust, _family(family))
