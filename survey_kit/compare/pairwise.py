"""Pairwise comparisons of domain means within cells, with the joint covariance."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from survey_kit.compare.contrasts import (
    combine,
    contrast_df,
    contrast_notes,
    domain_index,
    labels,
)
from survey_kit.compare.multiplicity import check_method
from survey_kit.compare.table import ContrastTable, Family, _family, assemble, check_level
from survey_kit.errors import EstimationError
from survey_kit.estimate.domains import as_list
from survey_kit.estimate.estimators import NO_DF_NOTE
from survey_kit.estimate.result import Estimate
from survey_kit.estimate.variance import VarianceEngine

if TYPE_CHECKING:
    from survey_kit.design.design import Design


@dataclass(frozen=True)
class DomainGrid:
    """Domain means of ``variables`` over ``by + between`` cells, ready for contrasts."""

    estimate: Estimate
    keys: pd.DataFrame  # one row per domain, in estimate order
    psus: np.ndarray  # (V, D) PSUs with data
    variables: tuple[str, ...]
    presence: np.ndarray | None = None  # (P, D) PSUs holding each domain's respondents
    engine: VarianceEngine | None = None  # strata of those PSUs, for the df of contrasts

    def contrast_df(self, terms: list[tuple[np.ndarray, float]]) -> np.ndarray:
        """Degrees of freedom of each contrast row built from ``terms`` (see
        :func:`~survey_kit.compare.contrasts.contrast_df`); the design's df without a PSU
        structure."""
        if self.presence is None or self.engine is None:
            return np.full(terms[0][0].shape[0], float(self.estimate.df))
        return contrast_df(terms, self.presence, self.n_domains, self.estimate.vcov,
                           self.engine)

    @property
    def n_domains(self) -> int:
        return len(self.keys)

    def rows(self, wanted: pd.DataFrame) -> np.ndarray:
        """Estimate rows (variable-major) of the wanted domains, ``(V * len(wanted),)``."""
        dom = domain_index(self.keys, wanted)
        offsets = np.arange(len(self.variables))[:, None] * self.n_domains
        return np.where(dom[None, :] >= 0, offsets + dom[None, :], -1).ravel()


def domain_grid(
    design: Design, variables: Sequence[str], columns: Sequence[str], level: float
) -> DomainGrid:
    """Estimate the means of ``variables`` in the domains of ``columns`` once."""
    names = tuple(as_list(variables))
    estimate = design.mean(list(names), by=list(columns), level=level)
    table = estimate.table
    keys = table.iloc[: len(table) // len(names)][list(columns)].reset_index(drop=True)
    psus = table["n_psu"].to_numpy(dtype=np.int64).reshape(len(names), len(keys))
    if not hasattr(design, "engine"):  # a ReplicateDesign: its degf for every contrast
        return DomainGrid(estimate, keys, psus, names)
    codes, found = design.domains(list(columns))
    engine = design.engine
    presence = engine.psu_presence(codes, len(found), design.weights.to_numpy() > 0)
    order = domain_index(found, keys)
    return DomainGrid(estimate, keys, psus, names, presence[:, order], engine)


def check_names(variables: Any, *groups: tuple[str, list[str]]) -> list[str]:
    """Variables as a list; raise EstimationError when a grouping column is repeated."""
    names = as_list(variables)
    if not names:
        raise EstimationError("no variables given: name at least one column")
    seen: dict[str, str] = {}
    for role, cols in groups:
        for col in cols:
            if col in seen:
                raise EstimationError(
                    f"column {col!r} is used both as {seen[col]} and as {role}; "
                    "each grouping column may appear once"
                )
            seen[col] = role
    return names


def level_pairs(levels: pd.DataFrame, reference: Any) -> tuple[np.ndarray, np.ndarray]:
    """Indices (a, b) of the compared levels: every level against ``reference`` or, without
    one, every pair with ``a`` the later level in sort order (``difference = later - earlier``)."""
    k = len(levels)
    if reference is None:
        b, a = np.triu_indices(k, 1)
        order = np.lexsort((b, a))
        return a[order], b[order]
    ref_key = reference if isinstance(reference, tuple) else (reference,)
    match = np.ones(k, dtype=bool)
    for col, value in zip(levels.columns, ref_key, strict=False):
        column = levels[col]
        match &= (column == value).to_numpy() | (column.astype(str) == str(value)).to_numpy()
    if len(ref_key) != levels.shape[1] or not match.any():
        raise EstimationError(
            f"reference={reference!r} is not a level of {', '.join(levels.columns)}; "
            f"levels: {', '.join(map(str, labels(levels)))}"
        )
    ref = int(np.flatnonzero(match)[0])
    a = np.array([i for i in range(k) if i != ref], dtype=np.int64)
    return a, np.full(a.shape, ref, dtype=np.int64)


def cross(cells: pd.DataFrame, levels: pd.DataFrame, index: np.ndarray) -> pd.DataFrame:
    """Every cell combined with the levels ``levels.iloc[index]``, cell-major."""
    left = cells.loc[np.repeat(np.arange(len(cells)), len(index))].reset_index(drop=True)
    right = levels.iloc[np.tile(index, len(cells))].reset_index(drop=True)
    return pd.concat([left, right], axis=1)


def key_frame(variables: Sequence[str], cells: pd.DataFrame, n_pairs: int) -> pd.DataFrame:
    """``variable`` and the by columns for ``variables × cells × pairs`` rows."""
    per_var = cells.loc[np.repeat(np.arange(len(cells)), n_pairs)].reset_index(drop=True)
    frame = pd.concat([per_var] * len(variables), ignore_index=True)
    frame.insert(0, "variable", np.repeat(np.asarray(variables, dtype=object), len(per_var)))
    return frame


def compare(
    design: Design,
    variables: str | Sequence[str],
    between: str | Sequence[str],
    by: str | Sequence[str] | None = None,
    reference: Any = None,
    adjust: str = "holm",
    level: float = 0.95,
    family: Family = None,
    df: float | None = None,
) -> ContrastTable:
    """Differences of domain means between the levels of ``between`` within each ``by`` cell.

    The means of all variables in all ``by × between`` domains are estimated once; each
    difference ``a - b`` and its SE come from their joint covariance (domains of the same
    design share strata and PSUs, e.g. respondents of both rounds in one PSU), never from
    an independence assumption.  Tests and intervals use t(``df``) with each contrast's own
    degrees of freedom: when the two domains share PSUs (a change within one area, two
    subgroups of one group) the PSUs minus strata among the union of their respondents;
    when their PSUs are separate (an area against the almene sector) the
    Welch-Satterthwaite combination of the two variances and their domain df (see
    :func:`~survey_kit.compare.contrasts.contrast_df`).  For a comparison of two groups
    that R's ``svyttest`` would make, use :func:`survey_kit.ttest`.

    Parameters
    ----------
    design
        The survey design (a subset design compares within that domain).
    variables
        Column(s) whose means are compared; missing values are a domain restriction per
        variable.
    between
        Column (or columns, compared as their combinations) whose levels are compared.
    by
        Columns defining the cells within which levels are compared (e.g. ``["year"]``).
    reference
        Compare every level with this one (``a`` = level, ``b`` = reference); None: every
        pair, ``a`` the later level in sort order, so ``between="year"`` gives the change.
    adjust
        ``p.adjust`` method over the family: ``"holm"``, ``"bonferroni"``, ``"BH"``,
        ``"BY"``, ``"hochberg"``, ``"hommel"``, ``"none"``.
    level
        Confidence level; ``significant`` is ``p_adjusted < 1 - level``.
    family
        Columns within which p-values are adjusted (None: the whole table; ``"variable"``:
        per variable).
    df
        One df for every test and interval instead of each contrast's own.

    Returns
    -------
    ContrastTable
        One row per variable, cell and pair.  A contrast with an empty domain, a domain
        with data in one PSU only, or a zero/undefined SE gets NaN test columns and a
        ``note`` saying why.

    Examples
    --------
    R: ``svyby(~y, ~g, des, svymean, covmat=TRUE)`` then ``svycontrast`` (b - a)

    >>> import survey_kit as sk
    >>> d = pd.DataFrame({"g": ["a", "a", "b", "b"], "y": [1.0, 3.0, 4.0, 6.0]})
    >>> row = compare(sk.Design(d), "y", between="g").to_frame().iloc[0]
    >>> row["group_a"], row["group_b"], float(row["difference"]), round(float(row["se"]), 4)
    ('b', 'a', 3.0, 1.1547)
    """
    between_cols, by_cols = as_list(between), as_list(by)
    names = check_names(variables, ("between", between_cols), ("by", by_cols))
    check_method(adjust)
    check_level(level)
    grid = domain_grid(design, names, [*by_cols, *between_cols], level)
    return pairwise(grid, between_cols, by_cols, reference, df, level, adjust, family)


def distinct(keys: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """The sorted distinct combinations of ``columns`` among the domain keys."""
    if not columns:
        return pd.DataFrame(index=range(1))
    unique = keys[list(columns)].drop_duplicates()
    return unique.sort_values(list(columns), kind="stable").reset_index(drop=True)


def pairwise(
    grid: DomainGrid, between_cols: list[str], by_cols: list[str], reference: Any,
    df: float | None, level: float, adjust: str, family: Family,
) -> ContrastTable:
    """Pairwise contrasts between the ``between`` levels within each ``by`` cell of a grid
    (the grid's domains may list the columns in any order)."""
    cells = distinct(grid.keys, by_cols)
    levels = distinct(grid.keys, between_cols)
    ia, ib = level_pairs(levels, reference)
    rows_a = grid.rows(cross(cells, levels, ia))
    rows_b = grid.rows(cross(cells, levels, ib))
    names = grid.variables
    keys = key_frame(names, cells, len(ia))
    label_a = np.tile(labels(levels)[ia], len(cells) * len(names))
    label_b = np.tile(labels(levels)[ib], len(cells) * len(names))
    return finish(grid, keys, [(rows_a, 1.0), (rows_b, -1.0)], (label_a, label_b), df,
                  level, adjust, family)


def finish(
    grid: DomainGrid,
    keys: pd.DataFrame,
    terms: list[tuple[np.ndarray, float]],
    names: tuple[np.ndarray, np.ndarray],
    df: float | None,
    level: float,
    adjust: str,
    family: Family,
    term_names: Sequence[np.ndarray] | None = None,
) -> ContrastTable:
    """Contrast table for ``terms``; the first half of the terms form side ``a``.

    ``df`` None: each row's own degrees of freedom (:meth:`DomainGrid.contrast_df`)."""
    theta = grid.estimate.table["estimate"].to_numpy(dtype=float)
    n_obs = grid.estimate.table["n"].to_numpy()
    vcov = grid.estimate.vcov
    half = len(terms) // 2
    est_a, _, _ = combine(theta, vcov, terms[:half])
    est_b, _, _ = combine(theta, vcov, [(r, -c) for r, c in terms[half:]])
    diff, cov, valid = combine(theta, vcov, terms)
    se = np.sqrt(np.maximum(np.diag(cov), 0.0))
    notes = contrast_notes([r for r, _ in terms], term_names or [names[0], names[1]],
                           grid.estimate, grid.psus, se)
    se = np.where(valid & grid_psu_ok(grid, terms), se, np.nan)
    row_df = grid.contrast_df(terms) if df is None else np.full(se.shape, float(df))
    no_df = np.isfinite(se) & (se > 0) & ~(row_df >= 1) & (notes == "")
    notes[no_df] = NO_DF_NOTE
    parts = {"group_a": names[0], "group_b": names[1], "estimate_a": est_a,
             "estimate_b": est_b, "difference": diff, "se": se,
             "n_a": _count(n_obs, terms[:half]), "n_b": _count(n_obs, terms[half:]),
             "note": notes}
    table = assemble(keys, parts, row_df, level, adjust, family)
    bad = ~np.isfinite(se)
    cov[bad, :] = np.nan
    cov[:, bad] = np.nan
    return ContrastTable(table, cov, tuple(keys.columns), level, adjust, _family(family))


def grid_psu_ok(grid: DomainGrid, terms: list[tuple[np.ndarray, float]]) -> np.ndarray:
    """True for contrast rows whose domains all have data in at least two PSUs."""
    flat = grid.psus.ravel()
    ok = np.ones(terms[0][0].shape[0], dtype=bool)
    for rows, _ in terms:
        ok &= (rows >= 0) & (flat[np.maximum(rows, 0)] >= 2)
    return ok


def _count(n_obs: np.ndarray, terms: list[tuple[np.ndarray, float]]) -> np.ndarray:
    """Respondents in the domains of one side (0 for an absent domain; DiD sides add up)."""
    total = np.zeros(terms[0][0].shape[0], dtype=np.int64)
    for rows, _ in terms:
        total += np.where(rows >= 0, n_obs[np.maximum(rows, 0)], 0)
    return total
