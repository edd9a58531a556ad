"""Domain means, totals and proportions with Taylor-linearised standard errors.

All variables and all domains are estimated in one pass: per variable a handful of
``np.bincount`` calls give PSU x domain sums, from which the domain estimates and the PSU
totals of their influence values follow; the variance engine returns their joint
covariance matrix.  Missing values of
a variable are a domain restriction for that variable (R: ``na.rm = TRUE`` within
``svyby``); the full design is kept for the variance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from survey_kit.errors import EstimationError
from survey_kit.estimate.distributions import beta_ppf, t_ppf
from survey_kit.estimate.domains import check_columns
from survey_kit.estimate.fine import FineSums, row_products
from survey_kit.estimate.result import Estimate
from survey_kit.estimate.variance import VarianceEngine

CI_METHODS = ("logit", "beta", "wald")


@dataclass(frozen=True)
class DomainSums:
    """Per variable and domain: weight total, weighted sum, mean, respondents, and the PSU
    totals of the influence values of the domain means and totals."""

    W: np.ndarray  # (V, D) sum of weights of respondents with a value
    S: np.ndarray  # (V, D) weighted sum of the variable
    n: np.ndarray  # (V, D) respondents with a value and a positive weight
    n_psu: np.ndarray  # (V, D) PSUs with such respondents
    W2: np.ndarray  # (V, D) sum of squared weights (for the Kish effective n)
    mean: np.ndarray  # (V, D)
    ss: np.ndarray  # (V, D) weighted sum of squared deviations from the domain mean
    mean_totals: np.ndarray  # (P, V * D) PSU totals of the mean influence values
    total_totals: np.ndarray  # (P, V * D) PSU totals of the total influence values
    mean_cells: tuple[np.ndarray, ...] = ()  # per calibration basis, (C, V * D) sums of e * x
    total_cells: tuple[np.ndarray, ...] = ()


def numeric_column(data: pd.DataFrame, name: str) -> np.ndarray:
    """A column as float (bool -> 0/1, missing -> NaN) or EstimationError naming it."""
    col = data[name]
    if pd.api.types.is_bool_dtype(col) or pd.api.types.is_numeric_dtype(col):
        return np.asarray(col.to_numpy(dtype=float, na_value=np.nan), dtype=float)
    converted = pd.to_numeric(col, errors="coerce")
    bad = converted.isna() & col.notna()
    if bad.any():
        first = col[bad].iloc[0]
        raise EstimationError(
            f"column {name!r} is not numeric: value {first!r} in row {col[bad].index[0]!r}; "
            "estimate a categorical variable with proportion(), or recode it first"
        )
    return np.asarray(converted.to_numpy(dtype=float, na_value=np.nan), dtype=float)


def domain_sums(
    data: pd.DataFrame,
    variables: Sequence[str],
    weights: np.ndarray,
    domain: np.ndarray,
    n_domains: int,
    psu: np.ndarray,
    n_psu: int,
    cells: Sequence[tuple[np.ndarray, int, np.ndarray]] = (),
    columns: dict[str, tuple[np.ndarray, np.ndarray]] | None = None,
    passes: dict[str, tuple[np.ndarray, ...]] | None = None,
    fine: FineSums | None = None,
) -> DomainSums:
    """Accumulate, per variable, PSU x domain sums in one ``np.bincount`` pass each.

    Everything else (domain totals, means, sums of squares, and the PSU totals of the
    influence values ``w_i (y_i - mean_d) / W_d`` of a domain mean) follows from these
    small ``(P, D)`` arrays without another pass over the respondents.  Rows outside every
    domain, and rows where the variable is missing, fall into an extra bin that is dropped.
    With many PSU x domain bins (areas x rounds: a PSU lies in one area) only the bins that
    hold respondents are accumulated (:class:`_Bins`); every sum is the same number.
    ``cells`` are the calibration bases of the design (``(codes, n_cells, e)``, from
    :meth:`VarianceEngine.cell_accumulators`): for each, the sums of ``e * w`` and
    ``e * w * y`` over cells x domains give what calibration explains of the influence values.
    ``columns`` caches each variable as (values with 0 for missing, in float32 when exact;
    present mask).
    ``passes`` caches each variable's PSU x domain sums for these ``domain`` codes, weights
    and cells (the caller keys it by them): a variable estimated again in the same domains
    (a proportion after the mean, a comparison after the table) costs no pass over the
    respondents, and its sums are the very same numbers.
    ``fine``: the design's fine cells (:mod:`survey_kit.estimate.fine`), built for these
    weights and cells; when ``domain`` is constant within each of them the sums are taken
    over the fine cells (the same sums added in another order), else over the rows.
    """
    check_columns(data, variables, "variable")
    V, D, P = len(variables), n_domains, n_psu
    outside = domain < 0
    fine_domain = fine.domain(domain) if fine is not None and fine.applies(weights, cells) else None
    if fine_domain is None:
        bins = _Bins.of(psu, P, domain, D, outside, V)
        cell_keys = [_bin_keys(codes, D, domain, outside | (codes < 0), C * D)
                     for codes, C, _ in cells]
    else:  # over the fine cells: no keys over the rows
        assert fine is not None
        bins = _Bins.of_fine(fine.psu_bins(fine_domain, D), P, D, V)
        cell_keys = []
    acc = {k: np.zeros((V, bins.size)) for k in _PASSES}
    cell_acc = [(np.zeros((V, C, D)), np.zeros((V, C, D))) for _, C, _ in cells]
    cache = {} if columns is None else columns
    done = {} if passes is None else passes

    def sums(keys: np.ndarray, vals: np.ndarray, size: int) -> np.ndarray:
        return np.bincount(keys, weights=vals, minlength=size + 1)[:size]

    # work buffers reused for every variable (fresh arrays cost page faults at this size)
    buffers = (np.empty(weights.shape[0]), np.empty(weights.shape[0]),
               np.empty(weights.shape[0]))
    positive = weights > 0
    bases = [e for _, _, e in cells]
    for v, name in enumerate(variables):
        if name in done and _restore(done[name], v, bins, acc, cell_acc):
            continue
        if name not in cache:
            y = numeric_column(data, name)
            valid = ~np.isnan(y)
            cache[name] = (_narrow(np.where(valid, y, 0.0)), valid)
        y0, valid = cache[name]
        if fine is not None and fine_domain is not None:  # from the fine cells, not the rows
            _put(bins.take(fine.fold(name, y0, valid, fine_domain, D)), v, acc, cell_acc)
            continue
        # missing values get weight 0: they add nothing to any sum, so the keys stay fixed
        products = row_products(weights, positive, valid, y0, bases, buffers)
        for k in _PASSES:
            acc[k][v] = sums(bins.key, next(products), bins.size)
        for (_, C, _), ckey, (cw, cwy) in zip(cells, cell_keys, cell_acc, strict=True):
            cw[v] = sums(ckey, next(products), C * D).reshape(C, D)
            cwy[v] = sums(ckey, next(products), C * D).reshape(C, D)
        if passes is not None:
            done[name] = (bins.layout, *(acc[k][v].copy() for k in _PASSES),
                          *(a[v].copy() for pair in cell_acc for a in pair))
    return _finish(acc, cell_acc, bins)


_PASSES = ("W", "S", "S2", "W2", "n")


def _narrow(y0: np.ndarray) -> np.ndarray:
    """A cached column in float32 when that holds every value exactly (a 0/1 indicator: half
    the memory); numpy multiplies it with float64 in float64, so every sum is the same.

    Examples
    --------
    >>> _narrow(np.array([0.0, 1.0, 0.0])).dtype, _narrow(np.array([0.1, 1.0])).dtype
    (dtype('float32'), dtype('float64'))
    """
    narrow = y0.astype(np.float32)
    return narrow if np.array_equal(narrow, y0) else y0

COMPACT_CELLS = 2**18
"""Above this many variable x PSU x domain cells (2 MB an accumulator), :func:`domain_sums`
accumulates only the PSU x domain bins that hold respondents."""


@dataclass(frozen=True)
class _Bins:
    """The PSU x domain bins of one :func:`domain_sums` call.

    ``key`` is each row's bin (``size`` for a row outside every domain, dropped).  With
    ``where`` None the bins are the dense ``P x D`` grid in order; else only the ``size``
    bins that hold respondents are kept, ``where`` giving their places in that grid.  A
    bin's sum is the same number either way (the same rows, added in the same order), and
    a bin without respondents holds 0 in the grid.
    """

    key: np.ndarray
    size: int
    where: np.ndarray | None
    P: int
    D: int

    @classmethod
    def of(cls, psu: np.ndarray, P: int, domain: np.ndarray, D: int, outside: np.ndarray,
           V: int) -> _Bins:
        """The bins of rows in ``psu`` x ``domain``; compact when ``V * P * D`` exceeds
        :data:`COMPACT_CELLS`."""
        PD = P * D
        key = _bin_keys(psu, D, domain, outside, PD)
        if V * PD <= COMPACT_CELLS:
            return cls(key, PD, None, P, D)
        where = np.flatnonzero(np.bincount(key, minlength=PD + 1)[:PD])
        remap = np.full(PD + 1, where.shape[0], dtype=np.int64)
        remap[where] = np.arange(where.shape[0])
        return cls(remap[key], int(where.shape[0]), where, P, D)

    @classmethod
    def of_fine(cls, occupied: np.ndarray, P: int, D: int, V: int) -> _Bins:
        """The bins of a sum over fine cells (no row keys): ``occupied`` holds the bin of
        each fine cell inside a domain (:meth:`FineSums.psu_bins`); compact as :meth:`of`."""
        PD = P * D
        empty = np.zeros(0, dtype=np.int64)
        if V * PD <= COMPACT_CELLS:
            return cls(empty, PD, None, P, D)
        where = np.unique(occupied)
        return cls(empty, int(where.shape[0]), where, P, D)

    def take(self, sums: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
        """Sums in the dense ``(P, D)`` grid (the first five; the calibration bases' sums
        after them stay as they are) as this layout keeps them."""
        grid = [a.ravel() if self.where is None else a.ravel()[self.where] for a in sums[:5]]
        return (*grid, *sums[5:])

    @property
    def layout(self) -> np.ndarray:
        """What a cached pass must have been accumulated over (see :func:`_restore`)."""
        return np.arange(0) if self.where is None else self.where

    def grid(self, sums: np.ndarray) -> np.ndarray:
        """One variable's bin sums as the dense ``(P, D)`` grid."""
        if self.where is None:
            return sums.reshape(self.P, self.D)
        out = np.zeros(self.P * self.D)
        out[self.where] = sums
        return out.reshape(self.P, self.D)


def _finish(acc: dict[str, np.ndarray], cell_acc: list[tuple[np.ndarray, np.ndarray]],
            bins: _Bins) -> DomainSums:
    """Domain totals, means and PSU totals of the influence values from the bin sums, one
    variable's ``(P, D)`` grid at a time (the same numbers as on all variables at once)."""
    V, P, D = acc["W"].shape[0], bins.P, bins.D
    totals = {k: np.empty((V, D)) for k in _PASSES}
    n_psu = np.empty((V, D), dtype=np.int64)
    for v in range(V):
        for k in _PASSES:
            totals[k][v] = bins.grid(acc[k][v]).sum(axis=0)
        n_psu[v] = (bins.grid(acc["n"][v]) > 0).sum(axis=0)
    W, S = totals["W"], totals["S"]
    mean = _ratio(S, W)
    mu = np.nan_to_num(mean)
    ss = np.maximum(totals["S2"] - S * mu, 0.0)
    inv = np.divide(1.0, W, out=np.zeros_like(W), where=W > 0)
    mean_totals, total_totals = np.empty((P, V * D)), np.empty((P, V * D))
    for v in range(V):
        sum_w, sum_wy = bins.grid(acc["W"][v]), bins.grid(acc["S"][v])
        mean_totals[:, v * D:(v + 1) * D] = (sum_wy - mu[v] * sum_w) * inv[v]
        total_totals[:, v * D:(v + 1) * D] = sum_wy

    def mean_influence(sum_w: np.ndarray, sum_wy: np.ndarray) -> np.ndarray:
        out = (sum_wy - mu[:, None, :] * sum_w) * inv[:, None, :]
        return out.transpose(1, 0, 2).reshape(out.shape[1], V * D)

    def flat(sum_wy: np.ndarray) -> np.ndarray:
        return sum_wy.transpose(1, 0, 2).reshape(sum_wy.shape[1], V * D)

    return DomainSums(
        W, S, totals["n"], n_psu, totals["W2"], mean, ss, mean_totals, total_totals,
        tuple(mean_influence(cw, cwy) for cw, cwy in cell_acc),
        tuple(flat(cwy) for _, cwy in cell_acc),
    )


def _bin_keys(unit: np.ndarray, D: int, domain: np.ndarray, outside: np.ndarray,
              spare: int) -> np.ndarray:
    """``unit * D + domain`` as int64, ``spare`` (the dropped bin) where ``outside``; built
    in one array (a national file's temporaries are 80 MB each)."""
    key = np.multiply(unit, D, dtype=np.int64)
    key += domain
    if outside.any():
        key[outside] = spare
    return key


def _restore(saved: tuple[np.ndarray, ...], v: int, bins: _Bins, acc: dict[str, np.ndarray],
             cell_acc: list[tuple[np.ndarray, np.ndarray]]) -> bool:
    """Put one variable's cached sums (see ``passes`` of :func:`domain_sums`) in row ``v``;
    False (nothing restored) when they were accumulated over other bins."""
    layout, *rest = saved
    if layout.shape != bins.layout.shape or not np.array_equal(layout, bins.layout) \
            or rest[0].shape[0] != bins.size:
        return False
    _put(rest, v, acc, cell_acc)
    return True


def _put(sums: Sequence[np.ndarray], v: int, acc: dict[str, np.ndarray],
         cell_acc: list[tuple[np.ndarray, np.ndarray]]) -> None:
    """One variable's sums (the five passes in the bins' layout, then each basis's two) in
    row ``v``."""
    for k, values in zip(_PASSES, sums, strict=False):
        acc[k][v] = values
    cells = sums[len(_PASSES):]
    for j, (cw, cwy) in enumerate(cell_acc):
        cw[v], cwy[v] = cells[2 * j], cells[2 * j + 1]


def influence_values(
    data: pd.DataFrame, variables: Sequence[str], weights: np.ndarray, domain: np.ndarray,
    sums: DomainSums, statistic: str,
) -> np.ndarray:
    """Row-level influence values in domain form (needed only for calibrated designs)."""
    values = np.zeros((len(data), len(variables)), order="F")
    inside = domain >= 0
    dom = np.where(inside, domain, 0)
    for v, name in enumerate(variables):
        y = numeric_column(data, name)
        ok = inside & ~np.isnan(y)
        y0 = np.where(ok, y, 0.0)
        w = np.where(ok, weights, 0.0)
        if statistic == "total":
            values[:, v] = w * y0
        else:
            inv = np.divide(1.0, sums.W[v], out=np.zeros(sums.W.shape[1]), where=sums.W[v] > 0)
            values[:, v] = w * (y0 - np.nan_to_num(sums.mean[v])[dom]) * inv[dom]
    return values


def _srs_mean_variance(sums: DomainSums) -> np.ndarray:
    """Variance of a mean under simple random sampling, as R's ``svymean(deff=TRUE)``."""
    n, W = sums.n, sums.W
    with np.errstate(divide="ignore", invalid="ignore"):
        s2 = sums.ss / W * n / (n - 1)
        vsrs = s2 * (W - n) / (W * n)
    return np.where(n <= W, vsrs, np.nan)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        out = num / den
    return np.where(np.isfinite(out), out, np.nan)


def _frame(
    variables: Sequence[str],
    keys: pd.DataFrame,
    estimate: np.ndarray,
    se: np.ndarray,
    ci: tuple[np.ndarray, np.ndarray],
    df: np.ndarray,
    deff: np.ndarray,
    sums: DomainSums,
) -> pd.DataFrame:
    V, D = len(variables), len(keys)
    table = pd.DataFrame({"variable": np.repeat(np.asarray(variables, dtype=object), D)})
    for col in keys.columns:
        table[col] = np.tile(keys[col].to_numpy(), V)
    table["estimate"] = estimate.ravel()
    table["se"] = se.ravel()
    table["ci_low"] = ci[0].ravel()
    table["ci_high"] = ci[1].ravel()
    table["df"] = df.ravel()
    table["deff"] = deff.ravel()
    table["n"] = sums.n.ravel().astype(np.int64)
    table["n_eff"] = _ratio(sums.W**2, sums.W2).ravel()
    table["n_psu"] = sums.n_psu.ravel().astype(np.int64)
    table["note"] = df_notes(df.ravel())
    return table


#: Why a row has no confidence interval although it has an estimate.
NO_DF_NOTE = "fewer than two PSUs in a stratum of the domain (df < 1): no confidence interval"


def df_notes(df: np.ndarray) -> np.ndarray:
    """The note of each row: :data:`NO_DF_NOTE` where ``df < 1``, else ``""``."""
    df = np.asarray(df, dtype=float)
    return np.where(~(df >= 1), NO_DF_NOTE, "").astype(object)


def t_quantiles(level: float, df: float | np.ndarray) -> np.ndarray:
    """Two-sided t quantiles ``t(0.5 + level / 2, df)``; NaN where ``df < 1``.

    Examples
    --------
    >>> t_quantiles(0.95, np.array([2, 0, np.inf])).round(4).tolist()
    [4.3027, nan, 1.96]
    """
    if not 0 < level < 1:
        raise EstimationError(f"level={level!r} must be between 0 and 1, e.g. 0.95")
    df = np.asarray(df, dtype=float)
    usable = df >= 1
    out = np.asarray(t_ppf(0.5 + level / 2, np.where(usable, df, 1.0)), dtype=float)
    return np.where(usable, out, np.nan)


def estimate_means(
    engine: VarianceEngine,
    data: pd.DataFrame,
    variables: Sequence[str],
    weights: np.ndarray,
    domain: np.ndarray,
    keys: pd.DataFrame,
    level: float,
    statistic: str = "mean",
    df: float | None = None,
    columns: dict[str, tuple[np.ndarray, np.ndarray]] | None = None,
    design_df: int | None = None,
    passes: dict[str, tuple[np.ndarray, ...]] | None = None,
    fine: FineSums | None = None,
) -> tuple[Estimate, DomainSums]:
    """Domain means (or totals) of several variables with their joint covariance.

    Each domain's t interval uses its own degrees of freedom: PSUs minus strata among the
    domain's respondents with a positive weight (R: ``degf(subset(design, domain))``, as
    ``svyby(..., svyciprop)``), whether or not they answered the variable.  A domain with
    ``df < 1`` gets no interval and a ``note``.  ``df`` overrides this with one value for
    every row; ``design_df`` is the whole design's df, kept on the result (default: the
    engine's).  ``passes``, ``fine``: see :func:`domain_sums`.
    """
    D = len(keys)
    cells = engine.cell_accumulators()
    fine_domain = (fine.domain(domain) if fine is not None and fine.applies(weights, cells or ())
                   else None)
    if df is None and fine is not None and fine_domain is not None:  # from the fine cells
        dom_df = engine.presence_df(fine.presence(fine_domain, D)).astype(float)
    elif df is None:
        dom_df = engine.domain_df(domain, D, weights > 0).astype(float)
    else:
        dom_df = np.full(D, float(df))
    row_df = np.tile(dom_df, len(variables))
    columns = {} if columns is None else columns
    sums = domain_sums(data, variables, weights, domain, D, engine.psu, engine.n_psu,
                       cells or (), columns, passes, fine)
    if statistic == "total":
        totals, est, cell_sums = sums.total_totals, sums.S, sums.total_cells
        srs = _srs_mean_variance(sums) * sums.W**2
    else:
        totals, est, cell_sums = sums.mean_totals, sums.mean, sums.mean_cells
        srs = _srs_mean_variance(sums)
    if cells:
        totals = totals - engine.correction_from_cell_sums(cell_sums)
    elif cells is None:
        values = influence_values(data, variables, weights, domain, sums, statistic)
        totals = totals - engine.calibration_correction(values, domain, D)
    present = None
    if engine.needs_presence:  # R's "average" counts the strata of the domain's rows
        valid = np.column_stack([columns[name][1] for name in variables])
        present = engine.group_presence(valid, domain, D)
    vcov = engine.vcov_from_totals(totals, present)
    if engine.stages:  # multistage: the later stages from row-level influence values
        values = influence_values(data, variables, weights, domain, sums, statistic)
        vcov = vcov + engine.later_vcov(values, domain, D, present)
    var = np.diag(vcov).reshape(len(variables), D)
    empty = sums.n == 0
    se = np.where(empty, np.nan, np.sqrt(np.maximum(var, 0.0)))
    tq = t_quantiles(level, row_df).reshape(est.shape)
    table = _frame(variables, keys, est, se, (est - tq * se, est + tq * se), row_df,
                   _ratio(var, srs), sums)
    whole = engine.df if design_df is None else design_df
    result = Estimate(statistic, tuple(variables), tuple(keys.columns), table, vcov, whole, level)
    return result, sums


def proportion_ci(
    p: np.ndarray, se: np.ndarray, df: float | np.ndarray, level: float, method: str,
    n_rows: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Confidence limits for proportions as R's ``svyciprop`` (``logit``, ``beta``) or Wald.

    ``df`` is one value or one per row (NaN limits where ``df < 1``).

    ``logit``: the interval for logit(p) with SE ``se / (p (1 - p))`` and t(df) quantiles,
    transformed back.  ``beta`` (Korn-Graubard): Clopper-Pearson limits with the
    effective sample size ``p (1 - p) / se**2``, scaled by ``(t(n-1) / t(df))**2`` quantiles.
    At p = 0 or 1 the logit interval is undefined and the beta interval is used.
    """
    alpha = 1 - level
    tq = t_quantiles(level, df)
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "wald":
            return np.clip(p - tq * se, 0, 1), np.clip(p + tq * se, 0, 1)
        if method == "logit":
            eta = np.log(p / (1 - p))
            half = tq * se / (p * (1 - p))
            low, high = 1 / (1 + np.exp(-(eta - half))), 1 / (1 + np.exp(-(eta + half)))
            edge = (p <= 0) | (p >= 1)
            if not edge.any():
                return low, high
            blow, bhigh = proportion_ci(p, se, df, level, "beta", n_rows)
            return np.where(edge, blow, low), np.where(edge, bhigh, high)
        n_eff = np.where(se > 0, p * (1 - p) / se**2, n_rows)
        ratio = t_ppf(alpha / 2, np.maximum(n_rows - 1, 1)) / -tq
        n_eff = n_eff * ratio**2
        low = beta_ppf(alpha / 2, n_eff * p, n_eff * (1 - p) + 1)
        high = beta_ppf(1 - alpha / 2, n_eff * p + 1, n_eff * (1 - p))
    return np.where(p <= 0, 0.0, low), np.where(p >= 1, 1.0, high)
