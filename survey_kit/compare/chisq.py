"""Rao-Scott tests of association in a two-way table (R: ``svychisq``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from survey_kit.compare.contrasts import design_rows
from survey_kit.errors import EstimationError
from survey_kit.estimate.distributions import chi2_sf, f_sf
from survey_kit.estimate.domains import check_columns

if TYPE_CHECKING:
    from survey_kit.design.design import Design

STATISTICS = ("F", "Chisq", "Wald", "adjWald")


@dataclass(frozen=True)
class ChisqResult:
    """A design-based test of independence of two categorical variables.

    Attributes
    ----------
    statistic
        ``"F"``: Pearson X² / tr(Δ); ``"Chisq"``: the unadjusted Pearson X² (as R reports);
        ``"Wald"``, ``"adjWald"``: the design-based Wald statistic of the interaction, as F.
    ndf, ddf
        ``"F"``: Satterthwaite degrees of freedom ``tr(Δ)²/tr(Δ²)`` and ``ndf × design df``;
        ``"Chisq"``: ``(R-1)(C-1)`` and ``inf`` (a chi-square reference distribution);
        ``"Wald"``: ``(R-1)(C-1)`` and the design df ``ν``; ``"adjWald"``: ``(R-1)(C-1)``
        and ``ν - (R-1)(C-1) + 1``.
    p_value
        Upper-tail probability.
    pearson
        Pearson X² of the weighted table rescaled to the number of respondents.
    design_effects
        Eigenvalues of Δ, the generalised design effects.
    table
        Estimated cell proportions, rows × columns.
    method
        ``"F"``, ``"Chisq"``, ``"Wald"`` or ``"adjWald"``.
    """

    statistic: float
    ndf: float
    ddf: float
    p_value: float
    pearson: float
    design_effects: np.ndarray
    table: pd.DataFrame
    method: str

    def to_frame(self) -> pd.DataFrame:
        """One row: ``method, statistic, ndf, ddf, p_value, pearson``."""
        return pd.DataFrame({"method": [self.method], "statistic": [self.statistic],
                             "ndf": [self.ndf], "ddf": [self.ddf], "p_value": [self.p_value],
                             "pearson": [self.pearson]})


def _cells(design: Design, row: str, col: str) -> tuple[np.ndarray, np.ndarray, pd.Index,
                                                         pd.Index]:
    """Cell code per row (rows fastest; -1 outside the subset or with a missing value)."""
    data = design.data
    check_columns(data, [row, col], "table")
    inside = design_rows(design)
    r_codes, r_levels = pd.factorize(data[row].where(inside), sort=True)
    c_codes, c_levels = pd.factorize(data[col].where(inside), sort=True)
    if len(r_levels) < 2 or len(c_levels) < 2:
        raise EstimationError(
            f"chisq needs at least two levels of {row!r} and of {col!r}; found "
            f"{len(r_levels)} and {len(c_levels)} among the design's respondents"
        )
    ok = (r_codes >= 0) & (c_codes >= 0)
    cell = np.where(ok, r_codes + len(r_levels) * c_codes, -1)
    return cell, inside, pd.Index(r_levels), pd.Index(c_levels)


def _interaction_basis(nr: int, nc: int) -> np.ndarray:
    """Interaction columns of ``~r*c`` on the R×C grid (rows fastest), residualised on
    the main effects ``~r + c``."""
    rows = np.tile(np.arange(nr), nc)
    cols = np.repeat(np.arange(nc), nr)
    main = np.column_stack([np.ones(nr * nc), *(rows == i for i in range(1, nr)),
                            *(cols == j for j in range(1, nc))]).astype(float)
    inter = np.column_stack([(rows == i) & (cols == j) for j in range(1, nc)
                             for i in range(1, nr)]).astype(float)
    coef = np.linalg.lstsq(main, inter, rcond=None)[0]
    return np.asarray(inter - main @ coef)


def _delta(p: np.ndarray, V: np.ndarray, n_rows: int, nr: int, nc: int) -> np.ndarray:
    """Δ = (Cᵀ D⁻¹ C / N)⁻¹ Cᵀ D⁻¹ V D⁻¹ C, the generalised design-effect matrix."""
    C = _interaction_basis(nr, nc)
    inv = np.divide(1.0, p, out=np.zeros_like(p), where=p != 0)
    CD = C * inv[:, None]
    denom = C.T @ CD / n_rows
    numer = CD.T @ V @ CD
    return np.asarray(np.linalg.solve(denom, numer))


def _pearson(weighted: np.ndarray, n_rows: int) -> float:
    """Pearson X² of a weighted R×C table rescaled to ``n_rows``."""
    table = weighted / weighted.sum() * n_rows
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / n_rows
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.sum((table - expected) ** 2 / expected))


def chisq(design: Design, row: str, col: str, statistic: str = "F") -> ChisqResult:
    """Rao-Scott test of independence of ``row`` and ``col``, as R's
    ``svychisq(~row + col, design, statistic=)``.

    The cell proportions and their design-based covariance come from the variance engine;
    Δ is the matrix of generalised design effects of the interaction contrasts.
    ``statistic="F"`` (second-order, Satterthwaite): ``F = X²/tr(Δ)`` on
    ``tr(Δ)²/tr(Δ²)`` and ``tr(Δ)²/tr(Δ²) × ν`` degrees of freedom, ``ν`` = PSUs minus
    strata of the design.  ``statistic="Chisq"`` (first-order): X² with p-value from
    ``X²/mean(eigenvalues)`` on ``(R-1)(C-1)`` df.  ``statistic="Wald"`` / ``"adjWald"``:
    the Wald test that the cell totals equal row total × column total / N (the
    ``(R-1)(C-1)`` cells after the first row and column), with R's F scaling.  Rows with a
    missing value of either variable are a domain restriction.

    Examples
    --------
    R: ``svychisq(~a + b, svydesign(ids=~1, data=d), statistic="F")``

    >>> import survey_kit as sk
    >>> d = pd.DataFrame({"a": list("xxxxyyyy") * 3, "b": list("uvuuvvvu") * 3})
    >>> res = chisq(sk.Design(d), "a", "b")
    >>> round(res.statistic, 4), round(res.ndf, 4)
    (5.75, 1.0)
    """
    if statistic not in STATISTICS:
        raise EstimationError(f"statistic={statistic!r}; expected one of {', '.join(STATISTICS)}")
    cell, inside, r_levels, c_levels = _cells(design, row, col)
    nr, nc = len(r_levels), len(c_levels)
    weights = design.weights.to_numpy()
    ok = cell >= 0
    total = np.bincount(cell[ok], weights=weights[ok], minlength=nr * nc)
    p = total / total.sum()
    indicator = (cell[ok, None] == np.arange(nr * nc)[None, :]).astype(float)
    values = np.zeros((len(cell), nr * nc))
    values[ok] = weights[ok, None] * (indicator - p[None, :]) / total.sum()
    V = design.influence_vcov(values)
    n_rows = int(len(cell) if design.engine.history else inside.sum())
    delta = _delta(p, V, n_rows, nr, nc)
    nu = _nu(design, inside)
    table = pd.DataFrame(p.reshape(nc, nr).T, index=r_levels, columns=c_levels)
    pearson = _pearson(total.reshape(nc, nr).T, n_rows)
    if statistic in ("Wald", "adjWald"):
        cell_values = np.zeros((len(cell), nr * nc))
        cell_values[ok] = weights[ok, None] * indicator
        wald = _wald(total, design.influence_vcov(cell_values), nr, nc)
        eigen = np.sort(np.linalg.eigvals(delta).real)[::-1]
        return _wald_result(wald, nr, nc, nu, statistic, pearson, eigen, table)
    return _result(delta, pearson, nu, statistic, table)


def _wald(total: np.ndarray, V: np.ndarray, nr: int, nc: int) -> float:
    """Wald statistic of ``Y = T_ij - R_i C_j / N`` over the cells after the first row and
    column; the row and column totals and N are sums of the cell totals ``T``."""
    rows = np.tile(np.arange(nr), nc)
    cols = np.repeat(np.arange(nc), nr)
    R = np.bincount(rows, weights=total, minlength=nr)
    C = np.bincount(cols, weights=total, minlength=nc)
    N = float(total.sum())
    Y = total - R[rows] * C[cols] / N
    # dY/dT: identity, minus the parts through R_i, C_j and N (each a sum of cells)
    J = np.eye(nr * nc)
    J -= (rows[:, None] == rows[None, :]) * (C[cols] / N)[:, None]
    J -= (cols[:, None] == cols[None, :]) * (R[rows] / N)[:, None]
    J += (R[rows] * C[cols] / N**2)[:, None]
    use = (rows > 0) & (cols > 0)
    VY = J @ V @ J.T
    return float(Y[use] @ np.linalg.solve(VY[np.ix_(use, use)], Y[use]))


def _wald_result(
    wald: float, nr: int, nc: int, nu: int, statistic: str, pearson: float,
    eigen: np.ndarray, table: pd.DataFrame,
) -> ChisqResult:
    ndf = float((nr - 1) * (nc - 1))
    if statistic == "Wald":
        value, ddf = wald / ndf, float(nu)
    else:
        ddf = float(nu - ndf + 1)
        value = wald * ddf / (ndf * nu)
    return ChisqResult(value, ndf, ddf, float(f_sf(value, ndf, ddf)), pearson, eigen, table,
                       statistic)


def _nu(design: Design, inside: np.ndarray) -> int:
    """PSUs minus strata among the design's rows (R's ``nu`` in ``svychisq``)."""
    rows = np.ones_like(inside) if design.engine.history else inside
    psus = np.unique(design.engine.psu[rows])
    return int(psus.size - np.unique(design.engine.psu_stratum[psus]).size)


def _result(
    delta: np.ndarray, pearson: float, nu: int, statistic: str, table: pd.DataFrame
) -> ChisqResult:
    trace = float(np.trace(delta))
    eigen = np.sort(np.linalg.eigvals(delta).real)[::-1]
    if statistic == "F":
        d0 = trace**2 / float(np.trace(delta @ delta))
        value = pearson / trace
        p_value = float(f_sf(value, d0, d0 * nu))
        return ChisqResult(value, d0, d0 * nu, p_value, pearson, eigen, table, "F")
    k = delta.shape[0]
    p_value = float(chi2_sf(pearson / (trace / k), k))
    return ChisqResult(pearson, float(k), float("inf"), p_value, pearson, eigen, table, "Chisq")
