"""The survey design: respondents, weights, strata, PSUs, fpc and weighting history together."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from survey_kit.design.diagnostics import WeightingReport
from survey_kit.design.structure import Columns, build_design
from survey_kit.design.trimming import trim_result
from survey_kit.design.weighting import WeightingResult, calibrate_weights, rake_weights
from survey_kit.errors import DesignError, EstimationError
from survey_kit.estimate.domains import as_list, check_columns, compact, factorise, restrict
from survey_kit.estimate.estimators import CI_METHODS, estimate_means, proportion_ci
from survey_kit.estimate.fine import FineSums
from survey_kit.estimate.result import Estimate
from survey_kit.estimate.variance import VarianceEngine

if TYPE_CHECKING:
    from survey_kit.design.replicate import ReplicateDesign


class Design:
    """A stratified, clustered survey design (R: ``svydesign(ids=~psu, strata=~stratum,
    weights=~w, fpc=~fpc, nest=TRUE)``).

    Parameters
    ----------
    df
        The respondent table; never filtered (domains keep the full design).
    weight
        Column of sampling weights (None: from the fpc of every stage as R, else every
        weight is 1).
    strata
        Column of strata (None: one stratum); in a multistage design a list with the
        stratum column (or None) of each stage.
    psu
        Column of primary sampling units, nested within strata (None: each row is its own
        PSU); a list of columns for a multistage design (R: ``ids=~dnum+snum``), each stage's
        ids read within the unit above (None for a later stage: each row its own unit).
    fpc
        Column with the population number of PSUs per stratum, or the sampling fraction
        (values <= 1), constant within each stratum; None for with-replacement variance.
        A list with one column per stage (R: ``fpc=~fpc1+fpc2``) adds the variance of the
        later stages (R's ``svyrecvar``); a stratum whose units were all taken adds no
        variance and is not lonely.
    lonely_psu
        Rule for strata with one PSU: ``"fail"`` (raise, naming the stratum),
        ``"remove"``, ``"adjust"``, ``"certainty"``, ``"average"`` as in R.

    Examples
    --------
    >>> import survey_kit as sk
    >>> d = pd.DataFrame({"h": [1, 1, 2, 2], "w": [2.0, 2.0, 1.0, 3.0], "y": [1.0, 0.0, 1.0, 1.0]})
    >>> des = sk.Design(d, weight="w", strata="h")
    >>> round(float(des.mean("y").to_frame()["estimate"].iloc[0]), 4)
    0.75
    """

    __slots__ = ("_by_cache", "_column_cache", "_data", "_engine", "_est_cache", "_fine", "_mask",
                 "_spec", "_sums_cache", "_value_cache", "_weighting", "_weights")
    _value_cache: dict[str, tuple[np.ndarray, np.ndarray]]
    _sums_cache: dict[tuple[str, ...], dict[str, tuple[np.ndarray, ...]]]
    _column_cache: dict[str, tuple[np.ndarray, pd.Index]]
    _est_cache: dict[tuple[object, ...], Estimate]
    _data: pd.DataFrame
    _weights: np.ndarray
    _engine: VarianceEngine
    _mask: np.ndarray | None
    _weighting: WeightingReport | None
    _spec: dict[str, Any]
    _by_cache: dict[tuple[str, ...], tuple[np.ndarray, pd.DataFrame]]
    _fine: FineSums | None  # the fine cells declared by prepare()

    def __init__(
        self,
        df: pd.DataFrame,
        weight: str | None = None,
        strata: Columns = None,
        psu: Columns = None,
        fpc: Columns = None,
        lonely_psu: str = "fail",
    ) -> None:
        if not isinstance(df, pd.DataFrame):
            raise DesignError(f"Design needs a pandas DataFrame, got {type(df).__name__}")
        if len(df) == 0:
            raise DesignError("Design needs at least one respondent; the data frame is empty")
        weights, engine = build_design(df, weight, strata, psu, fpc, lonely_psu)
        spec = {"weight": weight, "strata": strata, "psu": psu, "fpc": fpc,
                "lonely_psu": lonely_psu}
        self._init(df, weights, engine, None, None, spec, {}, {}, {})

    def _init(
        self,
        data: pd.DataFrame,
        weights: np.ndarray,
        engine: VarianceEngine,
        mask: np.ndarray | None,
        weighting: WeightingReport | None,
        spec: dict[str, Any],
        by_cache: dict[tuple[str, ...], tuple[np.ndarray, pd.DataFrame]],
        column_cache: dict[str, tuple[np.ndarray, pd.Index]],
        value_cache: dict[str, tuple[np.ndarray, np.ndarray]],
        fine: FineSums | None = None,
    ) -> None:
        setter = object.__setattr__
        setter(self, "_data", data)
        setter(self, "_weights", weights)
        setter(self, "_engine", engine)
        setter(self, "_mask", mask)
        setter(self, "_weighting", weighting)
        setter(self, "_spec", spec)
        setter(self, "_by_cache", by_cache)
        setter(self, "_est_cache", {})
        setter(self, "_sums_cache", {})
        setter(self, "_column_cache", column_cache)
        setter(self, "_value_cache", value_cache)
        setter(self, "_fine", fine)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Design is immutable: rake(), trim() and subset() return a new one")

    def drop_caches(self) -> None:
        """Forget what estimation cached on this design: each variable's values, the domain
        codes, the PSU x domain sums, the estimates and the variance engine's calibration
        bases (about 200 MB for a national run).  Whatever is asked for again is computed
        again, the same numbers; a run drops them once its tables are computed, before it
        writes (the writers read only the data and the weights).

        Examples
        --------
        >>> import survey_kit as sk
        >>> d = pd.DataFrame({"w": [1.0, 2.0, 1.0], "y": [1.0, 0.0, 1.0], "g": list("aab")})
        >>> des = sk.Design(d, weight="w")
        >>> before = des.mean("y", by="g").to_frame()
        >>> des.drop_caches()
        >>> des.mean("y", by="g").to_frame().equals(before)
        True
        """
        for cache in (self._by_cache, self._column_cache, self._value_cache, self._est_cache,
                      self._sums_cache):
            cache.clear()
        self._engine.forget()

    def _replace(self, **changes: Any) -> Design:
        new = object.__new__(Design)
        parts = {"data": self._data, "weights": self._weights, "engine": self._engine,
                 "mask": self._mask, "weighting": self._weighting, "spec": self._spec,
                 "by_cache": self._by_cache, "column_cache": self._column_cache,
                 "value_cache": self._value_cache, "fine": self._fine}
        if self._fine is not None and ("weights" in changes or "engine" in changes):
            parts["fine"] = self._fine.renewed()  # declared still, built anew when used
        parts.update(changes)
        new._init(**parts)
        return new

    # -- read-only views ------------------------------------------------------------------
    @property
    def data(self) -> pd.DataFrame:
        """The respondent table (all rows, including those outside a subset)."""
        return self._data

    @property
    def weights(self) -> pd.Series:
        """Current weights, aligned with ``data.index``."""
        return pd.Series(self._weights, index=self._data.index, name="weight", copy=True)

    @property
    def weighting(self) -> WeightingReport | None:
        """Report of the last raking/calibration/trimming step (None for base weights)."""
        return self._weighting

    @property
    def df(self) -> int:
        """Design degrees of freedom: PSUs minus strata, counting those with respondents of
        positive weight in the (sub)design, as R's ``degf()`` (the whole design: all of them)."""
        if self._mask is None and bool(np.all(self._weights > 0)):
            return self._engine.df
        rows = self._weights > 0
        if self._mask is not None:
            rows &= self._mask
        return int(self._engine.domain_df(np.zeros(len(rows), dtype=np.int64), 1, rows)[0])

    @property
    def n_psu(self) -> int:
        """Number of PSUs."""
        return self._engine.n_psu

    @property
    def n_strata(self) -> int:
        """Number of strata."""
        return self._engine.n_strata

    @property
    def engine(self) -> VarianceEngine:
        """The variance engine (PSU structure, fpc, lonely-PSU rule, calibration history)."""
        return self._engine

    @property
    def domain_mask(self) -> np.ndarray | None:
        """Boolean mask of the rows in the current subset (None: the whole design)."""
        return None if self._mask is None else self._mask.copy()

    @property
    def columns(self) -> dict[str, Any]:
        """The design columns and lonely-PSU rule the design was built with."""
        return {k: v for k, v in self._spec.items() if k not in ("steps", "unweighted")}

    @property
    def weighting_steps(self) -> tuple[tuple[str, dict[str, Any]], ...]:
        """The rake/calibrate/trim calls that made the current weights, in order (``(kind,
        arguments)``), from the design's weights before the first of them;
        :meth:`replicate` re-applies them."""
        return tuple(self._spec.get("steps", ()))

    def unweighted(self) -> np.ndarray:
        """The weights before the first step of :attr:`weighting_steps` (the current weights
        when there is none)."""
        return np.array(self._spec.get("unweighted", self._weights), dtype=float)

    def _logged(self, before: np.ndarray, kind: str, **arguments: Any) -> Design:
        """The same design with one more weighting step on record (``before``: the weights
        the step started from; the first step's are kept as the unweighted weights)."""
        spec = {"unweighted": before, **self._spec,
                "steps": (*self.weighting_steps, (kind, arguments))}
        return self._replace(spec=spec)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        sub = "" if self._mask is None else f", subset of {int(self._mask.sum())} rows"
        return (
            f"Design(n={len(self._data)}, strata={self.n_strata}, psu={self.n_psu}, "
            f"df={self.df}{sub}, weights={'calibrated' if self._engine.history else 'base'})"
        )

    # -- domains -------------------------------------------------------------------------
    def domains(self, by: str | Sequence[str] | None) -> tuple[np.ndarray, pd.DataFrame]:
        """Domain code per row (``-1`` outside) and the domain keys, restricted to the subset."""
        names = tuple(as_list(by))
        cached = self._by_cache.get(names)
        if cached is None:
            fine = self._fine_sums()  # from the fine cells when prepared for these columns
            found = None if fine is None else fine.factorise(self._data, names,
                                                             self._column_cache)
            codes, keys = found or factorise(self._data, names, self._column_cache)
            cached = (compact(codes), keys)  # kept small; handed out as fresh int64 codes
            self._by_cache[names] = cached
        codes, keys = cached
        return restrict(codes.astype(np.int64), keys, self._mask)

    def subset(self, mask: pd.Series | np.ndarray | str) -> Design:
        """A design restricted to a domain; the full design is kept for the variance
        (R: ``subset(design, ...)``).

        ``mask`` is a boolean Series aligned with the data, a boolean array, or the name
        of a boolean column.  Missing values in the mask count as False.
        """
        if isinstance(mask, str):
            if mask not in self._data.columns:
                raise EstimationError(f"subset column {mask!r} is not in the design's data")
            mask = self._data[mask]
        if isinstance(mask, pd.Series):
            if not mask.index.equals(self._data.index):
                mask = mask.reindex(self._data.index)
            values = mask.fillna(False).to_numpy(dtype=bool)
        else:
            values = np.asarray(mask, dtype=bool)
        if values.shape != (len(self._data),):
            raise EstimationError(
                f"subset mask has {values.shape[0] if values.ndim else 0} values; the design "
                f"has {len(self._data)} rows"
            )
        if self._mask is not None:
            values = values & self._mask
        return self._replace(mask=values)

    # -- estimation ------------------------------------------------------------------------
    def _estimate(
        self, variables: str | Sequence[str], by: str | Sequence[str] | None, level: float,
        statistic: str,
    ) -> Estimate:
        names = as_list(variables)
        if not names:
            raise EstimationError("no variables given: name at least one column")
        by_names = as_list(by)
        canonical = sorted(by_names)
        key = (statistic, tuple(names), tuple(canonical), level)
        result = self._est_cache.get(key)
        if result is None:
            domain, keys = self.domains(canonical)
            if len(keys) == 0:
                raise EstimationError("the domain is empty: no respondent is in the subset")
            result, _ = estimate_means(self._engine, self._data, names, self._weights, domain,
                                       keys, level, statistic, columns=self._value_cache,
                                       design_df=self.df, passes=self._passes(canonical),
                                       fine=self._fine_sums())
            if len(self._est_cache) >= 32:
                self._est_cache.pop(next(iter(self._est_cache)))
            self._est_cache[key] = result
        return _reorder_domains(result, by_names)

    def _passes(self, by: list[str]) -> dict[str, tuple[np.ndarray, ...]]:
        """This design's per-variable PSU x domain sums for the domains of ``by`` (weights,
        subset and calibration cells are fixed per design; a few by-sets are kept)."""
        key = tuple(by)
        if key not in self._sums_cache:
            if len(self._sums_cache) >= 8:
                self._sums_cache.pop(next(iter(self._sums_cache)))
            self._sums_cache[key] = {}
        return self._sums_cache[key]

    def prepare(self, by: str | Sequence[str]) -> Design:
        """The same design, told the columns its tables will break down by, so that each
        variable's sums are taken over the respondents once for all of them.

        The respondents are grouped into *fine cells*: the occupied combinations of PSU,
        calibration cell and the values of ``by`` (missing counts as a value).  Each
        variable's sums are accumulated once per fine cell, and every domain that the fine
        cells separate (any set of ``by`` columns, a subset by them) is estimated from those
        cells instead of every row: the same sums added in another order, so equal to the
        unprepared design's estimates up to rounding in the last bits.  Other domains are
        estimated from the rows as before.  Worth it for several tables of a large file.
        R's ``survey`` has no equivalent (each ``svyby`` call passes over the rows).

        Returns a new design sharing this one's caches; the cells are built at its first
        estimate.  Its subsets share them; raking, calibrating or trimming it keeps the
        declaration and builds new cells for the new weights.

        Examples
        --------
        >>> d = pd.DataFrame({"sex": ["f", "m", "m", "f"], "y": [1.0, 0.0, 1.0, 1.0]})
        >>> des = Design(d).prepare(["sex"])
        >>> des.mean("y", by="sex").to_frame()["estimate"].tolist()
        [1.0, 0.5]
        """
        names = list(dict.fromkeys(as_list(by)))
        check_columns(self._data, names, "prepare")
        return self._replace(fine=FineSums(names))

    def _fine_sums(self) -> FineSums | None:
        """The fine cells declared by :meth:`prepare`, built on first use (None: not
        prepared)."""
        if self._fine is None:
            return None
        engine = self._engine
        return self._fine.build(self._data, self._weights, engine.psu, engine.n_psu,
                                engine.cell_accumulators() or (), self._column_cache)

    def mean(
        self, variables: str | Sequence[str], by: str | Sequence[str] | None = None,
        level: float = 0.95,
    ) -> Estimate:
        """Domain means with Taylor-linearised SEs (R: ``svyby(~y, ~by, design, svymean,
        na.rm=TRUE, deff=TRUE, covmat=TRUE)``)."""
        return self._estimate(variables, by, level, "mean")

    def total(
        self, variables: str | Sequence[str], by: str | Sequence[str] | None = None,
        level: float = 0.95,
    ) -> Estimate:
        """Domain totals (R: ``svyby(~y, ~by, design, svytotal, na.rm=TRUE)``)."""
        return self._estimate(variables, by, level, "total")

    def proportion(
        self, variables: str | Sequence[str], by: str | Sequence[str] | None = None,
        method: str = "logit", level: float = 0.95,
    ) -> Estimate:
        """Proportions of 0/1 (or boolean) variables with ``logit`` or Korn-Graubard ``beta``
        intervals (R: ``svyciprop``), or symmetric ``wald`` intervals."""
        if method not in CI_METHODS:
            raise EstimationError(
                f"method={method!r} is not a known interval; expected one of "
                f"{', '.join(CI_METHODS)}"
            )
        names = as_list(variables)
        for name in names:
            if name not in self._data.columns:
                continue
            if name in self._value_cache:  # numeric, already read: (y with 0 for NaN, valid)
                y0, valid = self._value_cache[name]
                if not (valid & (y0 != 0) & (y0 != 1)).any():
                    continue
            col = pd.to_numeric(self._data[name], errors="coerce")
            bad = col.notna() & ~col.isin([0, 1])
            if bad.any():
                raise EstimationError(
                    f"proportion() needs a 0/1 variable: column {name!r} has value "
                    f"{self._data[name][bad].iloc[0]!r} in row {bad[bad].index[0]!r}"
                )
        result = self._estimate(names, by, level, "mean")  # the same numbers, cached once
        table = result.table
        by_names = as_list(by)  # counted in the domains of the cached, sorted by-set
        domain, keys = self.domains(sorted(by_names))
        rows_in_domain = np.bincount(domain[domain >= 0], minlength=len(keys)).astype(float)
        if by_names != sorted(by_names):
            rows_in_domain = rows_in_domain[keys.sort_values(by_names, kind="stable").index]
        low, high = proportion_ci(table["estimate"].to_numpy(), table["se"].to_numpy(),
                                  table["df"].to_numpy(dtype=float), level, method,
                                  np.tile(rows_in_domain, len(names)))
        table = table.assign(ci_low=low, ci_high=high)
        return Estimate("proportion", result.variables, result.by, table, result.vcov, result.df,
                        level)

    def influence_vcov(
        self, values: np.ndarray, domain: np.ndarray | None = None, n_domains: int = 1
    ) -> np.ndarray:
        """Covariance matrix of statistics with the given influence values (domain form),
        through the design's variance engine (strata, PSUs, fpc, calibration)."""
        return self._engine.vcov(values, domain, n_domains)

    # -- weighting ---------------------------------------------------------------------------
    def _apply(self, result: WeightingResult) -> Design:
        """A new design with the result's weights and report, and its calibration record
        added to the variance engine (a result without history keeps the design's)."""
        weights = np.asarray(result.weights, dtype=float)
        if weights.shape != self._weights.shape:
            raise DesignError(
                f"new weights have {weights.shape[0]} values; the design has {len(self._data)} rows"
            )
        return self._replace(weights=weights, engine=self._engine.with_history(result.history),
                             weighting=result.report)

    def rake(
        self, targets: pd.DataFrame, by: str | Sequence[str] | None = None,
        bounds: tuple[float, float] | None = None, max_iter: int = 1000, tol: float = 1e-10,
    ) -> Design:
        """Rake the weights to register margins, per ``by`` group (R: ``rake()``, or
        ``calibrate(calfun="raking", bounds=)`` when ``bounds`` are given); see
        :func:`survey_kit.design.weighting.rake_weights`.

        Examples
        --------
        R: ``rake(design, list(~sex), list(pop_sex))``

        >>> df = pd.DataFrame({"sex": ["f", "m", "m"], "w": [1.0, 1.0, 1.0]})
        >>> tg = pd.DataFrame({"variable": "sex", "level": ["f", "m"], "total": [5.0, 5.0]})
        >>> Design(df, weight="w").rake(tg).weights.tolist()
        [5.0, 2.5, 2.5]
        """
        base = self.weights.to_numpy()
        return self._apply(rake_weights(self._data, base, targets, by=by, bounds=bounds,
                                        max_iter=max_iter, tol=tol))._logged(
            base, "rake", targets=targets, by=by, bounds=bounds, max_iter=max_iter, tol=tol)

    def calibrate(
        self, targets: pd.DataFrame, by: str | Sequence[str] | None = None,
        calfun: str = "linear", bounds: tuple[float, float] | None = None,
        max_iter: int = 100, tol: float = 1e-10,
    ) -> Design:
        """Calibrate the weights to the margins in ``targets`` (same layout as :meth:`rake`)
        with the linear (GREG), raking or logit distance; ``bounds`` limit new / old weight
        during the fit (R: ``calibrate(design, formula, population, calfun=, bounds=)``).

        Examples
        --------
        R: ``calibrate(design, ~sex, totals, calfun="logit", bounds=c(0.5, 3))``

        >>> df = pd.DataFrame({"sex": ["f", "m", "m"], "w": [1.0, 1.0, 1.0]})
        >>> tg = pd.DataFrame({"variable": "sex", "level": ["f", "m"], "total": [5.0, 5.0]})
        >>> des = Design(df, weight="w").calibrate(tg, calfun="logit", bounds=(0.5, 6))
        >>> des.weights.round(8).tolist()
        [5.0, 2.5, 2.5]
        """
        base = self.weights.to_numpy()
        return self._apply(calibrate_weights(self._data, base, targets, by=by, calfun=calfun,
                                             bounds=bounds, max_iter=max_iter, tol=tol))._logged(
            base, "calibrate", targets=targets, by=by, calfun=calfun, bounds=bounds,
            max_iter=max_iter, tol=tol)

    def trim(
        self, lower: float | None = None, upper: float | None = None,
        relative: bool | str = False, by: str | Sequence[str] | None = None,
        method: str = "proportional", rerake: pd.DataFrame | None = None,
        rerake_by: str | Sequence[str] | None = None, max_rounds: int = 20,
    ) -> Design:
        """Trim weights to ``[lower, upper]`` (absolute, or multiples of the group median with
        ``relative=True``) and spread the trimmed amount over the other weights of the same
        ``by`` group (``method="proportional"``, or ``"equal"`` as R's ``trimWeights``);
        with ``rerake=targets`` trim and re-rake until both hold.  The calibration history
        is kept, as R does; see :func:`survey_kit.design.trimming.trim_result`.

        Examples
        --------
        R: ``trimWeights(design, upper = 6, strict = TRUE)`` (R spreads equally)

        >>> df = pd.DataFrame({"w": [1.0, 2.0, 3.0, 12.0]})
        >>> Design(df, weight="w").trim(upper=6).weights.tolist()
        [2.0, 4.0, 6.0, 6.0]
        """
        base = self.weights.to_numpy()
        return self._apply(trim_result(self._data, base, lower=lower, upper=upper,
                                       relative=relative, by=by, method=method, rerake=rerake,
                                       rerake_by=rerake_by, max_rounds=max_rounds))._logged(
            base, "trim", lower=lower, upper=upper)

    # -- replicate weights, ratios, quantiles ------------------------------------------------
    def replicate(self, type: str = "auto", replicates: int = 50, seed: int = 0,
                  rho: float | None = None, mse: bool = False) -> ReplicateDesign:
        """Replicate weights for this design (R: ``as.svrepdesign``), redoing its weighting.

        ``type``: ``"JK1"`` (unstratified), ``"JKn"``, ``"BRR"``, ``"Fay"`` (``rho=``),
        ``"bootstrap"``, ``"subbootstrap"`` (``replicates=``, ``seed=``) or ``"auto"``
        (JKn with strata, JK1 without).  For a raked or calibrated design, every recorded
        :meth:`rake`/:meth:`calibrate` step is re-applied to each replicate, starting from
        the weights before the first step (R: ``rake``/``calibrate`` on ``as.svrepdesign`` of
        the unweighted design); see :mod:`survey_kit.design.replicate_build`.
        """
        from survey_kit.design.replicate_build import replicate_design

        return replicate_design(self, type, replicates=replicates, seed=seed, rho=rho, mse=mse)

    def ratio(
        self, numerator: str | Sequence[str], denominator: str | Sequence[str],
        by: str | Sequence[str] | None = None, level: float = 0.95,
    ) -> Estimate:
        """Ratios of totals ``sum(w y) / sum(w x)`` with Taylor SEs (R: ``svyratio``; with
        ``by``: ``svyby(~y, ~by, design, svyratio, denominator=~x, covmat=TRUE)``); every
        numerator with every denominator, variable ``"y/x"``."""
        from survey_kit.estimate.ratio import taylor_ratio

        return taylor_ratio(self, as_list(numerator), as_list(denominator), as_list(by), level)

    def quantile(
        self, variables: str | Sequence[str], q: float | Sequence[float] = 0.5,
        by: str | Sequence[str] | None = None, level: float = 0.95, qrule: str = "math",
        interval_type: str = "mean", df: float | None = None,
    ) -> Estimate:
        """Quantiles with Woodruff intervals (R 4.1 ``svyquantile(ci=TRUE)``: ``qrule="math"``,
        ``interval.type="mean"``; SE = interval width / (2 t)); see
        :mod:`survey_kit.estimate.quantile`."""
        from survey_kit.estimate.quantile import design_quantiles

        return design_quantiles(self, as_list(variables), q, as_list(by), level, qrule,
                                interval_type, df)


def _reorder_domains(result: Estimate, by: list[str]) -> Estimate:
    """The same estimates with the ``by`` columns (and the domain order) as requested.

    Estimates are computed and cached for the sorted by-set; any order of the same
    columns is a permutation of those rows (and of the covariance matrix).
    """
    if list(result.by) == by:
        return result
    table = result.table
    V = len(result.variables)
    D = len(table) // V
    keys = table.iloc[:D][by].reset_index(drop=True)
    perm = keys.sort_values(by, kind="stable").index.to_numpy()
    rows = (np.arange(V)[:, None] * D + perm[None, :]).ravel()
    stats = [c for c in table.columns if c not in ("variable", *by)]
    reordered = table.iloc[rows][["variable", *by, *stats]].reset_index(drop=True)
    vcov = result.vcov[np.ix_(rows, rows)]
    return Estimate(result.statistic, result.variables, tuple(by), reordered, vcov, result.df,
                    result.level)
