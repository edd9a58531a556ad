"""Weighting diagnostics: the frozen :class:`WeightingReport` a raked or trimmed design carries.

Kish's design effect due to unequal weights is ``deff = n sum(w^2) / (sum w)^2`` and the
effective sample size ``n_eff = (sum w)^2 / sum(w^2) = n / deff``.  Weight quantiles are
unweighted (numpy's default, R's ``quantile(type = 7)``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

QUANTILES: tuple[float, ...] = (0.01, 0.05, 0.50, 0.95, 0.99)
MARGIN_COLUMNS: tuple[str, ...] = ("variable", "level", "target", "achieved")


def kish(weights: np.ndarray) -> tuple[float, float]:
    """Kish design effect and effective sample size of a weight vector.

    Examples
    --------
    R: ``n * sum(w^2) / sum(w)^2``

    >>> kish(np.array([1.0, 1.0, 2.0, 4.0]))
    (1.375, 2.909090909090909)
    """
    w = np.asarray(weights, dtype=float)
    s1, s2 = float(w.sum()), float(np.square(w).sum())
    if s2 == 0:
        return float("nan"), 0.0
    return len(w) * s2 / s1**2, s1**2 / s2


def _summary_row(w: np.ndarray, ratio: np.ndarray) -> dict[str, float]:
    deff, neff = kish(w)
    row: dict[str, float] = {"n": float(len(w)), "sum_weights": float(w.sum()),
                             "kish_deff": deff, "effective_n": neff}
    for name, values in (("weight", w), ("ratio", ratio)):
        qs = np.quantile(values, QUANTILES) if len(values) else np.full(len(QUANTILES), np.nan)
        row[f"{name}_min"] = float(values.min()) if len(values) else np.nan
        for q, v in zip(QUANTILES, qs, strict=True):
            row[f"{name}_p{round(q * 100):02d}"] = float(v)
        row[f"{name}_max"] = float(values.max()) if len(values) else np.nan
    return row


def group_summary(weights: np.ndarray, base: np.ndarray, group_codes: np.ndarray,
                  groups: pd.DataFrame) -> pd.DataFrame:
    """Per by group: n, sum of weights, Kish deff, effective n, weight and ratio quantiles.

    Examples
    --------
    >>> t = group_summary(np.array([2.0, 2.0, 3.0]), np.ones(3), np.array([0, 0, 1]),
    ...                   pd.DataFrame({"g": ["a", "b"]}))
    >>> t[["g", "n", "sum_weights", "kish_deff"]].values.tolist()
    [['a', 2, 4.0, 1.0], ['b', 1, 3.0, 1.0]]
    """
    small = np.int16 if len(groups) < 2**15 else np.int64  # int16: numpy's radix sort
    order = np.argsort(group_codes.astype(small), kind="stable")
    bounds = np.searchsorted(group_codes[order], np.arange(len(groups) + 1))
    ratio = np.divide(weights, base, out=np.full(len(weights), np.nan), where=base != 0)
    rows = []
    for g in range(len(groups)):
        idx = order[bounds[g]:bounds[g + 1]]
        rows.append(_summary_row(weights[idx], ratio[idx]))
    table = pd.DataFrame(rows)
    if len(table):
        table["n"] = table["n"].astype(int)
    return pd.concat([groups.reset_index(drop=True), table], axis=1)


@dataclass(frozen=True, repr=False)
class WeightingReport:
    """What raking, calibration or trimming did to the weights.

    Attributes
    ----------
    method : str
        ``"rake"`` (IPF), ``"calibrate:<calfun>"`` or ``"trim:<method>"`` (+ re-raking).
    converged : bool
        Always true on a returned design (failure raises ``WeightingError``).
    iterations : int
        Sweeps (IPF), Newton iterations (calibration) or trimming rounds.
    margins : DataFrame
        ``[*by, variable, level, target, achieved]``: ``target`` as given, ``achieved`` the
        weighted total after weighting.
    kish_deff, effective_n : float
        Kish design effect of the final weights and effective sample size, whole sample.
    by_group : DataFrame
        Per by group: ``n``, ``sum_weights``, ``kish_deff``, ``effective_n``, min / 1 % / 5 % /
        50 % / 95 % / 99 % / max of the weights (``weight_*``) and of new / base (``ratio_*``).
    bounds : tuple of float or None
        Bounds on new / base weight, if any.
    tol : float
        Convergence tolerance used.
    by : tuple of str
        By columns.
    """

    method: str
    converged: bool
    iterations: int
    margins: pd.DataFrame
    kish_deff: float
    effective_n: float
    by_group: pd.DataFrame
    bounds: tuple[float, float] | None
    tol: float
    by: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """The per-group weight diagnostics (``by_group``), one row per by group."""
        return self.by_group.copy()

    def __repr__(self) -> str:
        by = f", by={list(self.by)}" if self.by else ""
        return (f"WeightingReport({self.method}{by}, converged={self.converged}, "
                f"iterations={self.iterations}, margins={len(self.margins)}, "
                f"groups={len(self.by_group)}, kish_deff={self.kish_deff:.3f}, "
                f"effective_n={self.effective_n:,.1f})")

    def summary(self) -> str:
        """Plain-text summary: method, convergence, Kish deff and the worst margin."""
        lines = [f"weighting: {self.method}, converged={self.converged} after "
                 f"{self.iterations} iterations (tol {self.tol:g}, bounds {self.bounds})",
                 f"Kish deff {self.kish_deff:.4f}, effective n {self.effective_n:.1f} of "
                 f"{int(self.by_group['n'].sum())}"]
        if len(self.margins):
            rel = (self.margins["achieved"] - self.margins["target"]).abs() / self.margins[
                "target"].where(self.margins["target"] > 0, 1.0)
            lines.append(f"largest relative margin misfit {rel.max():.3g}")
        ratio = self.by_group
        lines.append(f"new/base weight ratio from {ratio['ratio_min'].min():.4g} to "
                     f"{ratio['ratio_max'].max():.4g}")
        return "\n".join(lines)


def build_report(method: str, iterations: int, weights: np.ndarray, base: np.ndarray,
                 group_codes: np.ndarray, groups: pd.DataFrame, margins: pd.DataFrame,
                 bounds: tuple[float, float] | None, tol: float,
                 by: Sequence[str]) -> WeightingReport:
    """Assemble a :class:`WeightingReport` from final and base weights.

    Examples
    --------
    >>> r = build_report("rake", 3, np.array([2.0, 2.0]), np.ones(2), np.zeros(2, int),
    ...                  pd.DataFrame(index=[0]), pd.DataFrame(), None, 1e-10, ())
    >>> r.kish_deff, r.effective_n
    (1.0, 2.0)
    """
    deff, neff = kish(weights)
    table = group_summary(weights, base, group_codes, groups)
    bnd = None if bounds is None else (float(bounds[0]), float(bounds[1]))
    return WeightingReport(method, True, int(iterations), margins, deff, neff, table, bnd,
                           float(tol), tuple(by))
