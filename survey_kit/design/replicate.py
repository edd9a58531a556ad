"""Replicate-weight designs: R's ``svrepdesign`` (weights delivered with the data) and the
designs :meth:`Design.replicate` builds (R ``as.svrepdesign``)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from survey_kit.design.replicate_supplied import (
    replicate_matrix,
    repweight_columns,
    variance_constants,
)
from survey_kit.design.structure import check_weights
from survey_kit.errors import DesignError, EstimationError
from survey_kit.estimate.domains import as_list, factorise, restrict
from survey_kit.estimate.replicate import rank_patterns, rows_rank
from survey_kit.estimate.result import Estimate

if TYPE_CHECKING:
    from survey_kit.compare.glm import GlmResult
    from survey_kit.design.diagnostics import WeightingReport

class ReplicateDesign:
    """A survey design whose variances come from replicate weights (R: ``svrepdesign``).

    Parameters
    ----------
    df
        The respondent table (never filtered: domains keep every row).
    weight
        Column of full-sample weights (None: every weight 1, with a warning, as R).
    repweights
        The replicate weight columns: a list of names or a regular expression (as R).
    type
        ``"BRR"``, ``"Fay"``, ``"JK1"``, ``"JKn"``, ``"bootstrap"``, ``"subbootstrap"``,
        ``"ACS"``, ``"successive-difference"``, ``"JK2"`` or ``"other"``: sets ``scale`` and
        ``rscales`` exactly as R's ``svrepdesign`` (BRR ``1/R``, Fay ``1/(R (1-rho)^2)``,
        bootstrap ``1/(R-1)``; JK1 and JKn guessed from the weights with a warning when
        not given).
    scale, rscales
        Variance constants: ``Var = scale * sum_r rscales_r (theta_r - theta_bar)^2``.
    mse
        Centre the replicates at the full-sample estimate instead of their mean.
    combined_weights
        True: the replicate columns are analysis weights (include the sampling weight);
        False: they are multipliers of ``weight``.
    rho
        Fay's coefficient (``type="Fay"``).

    Examples
    --------
    R: ``svymean(~y, svrepdesign(data=d, weights=~w, repweights="r[0-9]", type="BRR"))``

    >>> import survey_kit as sk
    >>> d = pd.DataFrame({"y": [1.0, 2.0, 4.0, 5.0], "w": [1.0] * 4,
    ...                   "r1": [2.0, 0, 2, 0], "r2": [0, 2.0, 0, 2]})
    >>> rep = sk.ReplicateDesign(d, weight="w", repweights="r[0-9]", type="BRR")
    >>> rep.mean("y").to_frame()[["estimate", "se"]].round(4).values.tolist()
    [[3.0, 0.5]]
    """

    __slots__ = ("_cache", "_data", "_mask", "_rep", "_spec", "_weighting", "_weights")
    _data: pd.DataFrame
    _weights: np.ndarray
    _rep: np.ndarray
    _spec: dict[str, Any]
    _mask: np.ndarray | None
    _weighting: WeightingReport | None
    _cache: dict[Any, Any]

    def __init__(self, df: pd.DataFrame, weight: str | None = None,
                 repweights: str | Sequence[str] = (), type: str = "bootstrap",
                 scale: float | None = None, rscales: Any = None, mse: bool = False,
                 combined_weights: bool = True, rho: float | None = None) -> None:
        if not isinstance(df, pd.DataFrame) or len(df) == 0:
            raise DesignError("ReplicateDesign needs a non-empty pandas DataFrame")
        if weight is None:
            warnings.warn("no sampling weights given: equal weights assumed (as R)", stacklevel=2)
        weights = check_weights(df, weight)
        rep = replicate_matrix(df, repweight_columns(df, repweights))
        scale, rscales = variance_constants(type, rep, combined_weights, scale, rscales, rho)
        if not combined_weights:
            rep = rep * weights[:, None]
        spec = {"type": type, "scale": scale, "rscales": rscales, "mse": bool(mse), "rho": rho,
                "psu": None, "steps": ()}
        self._init(df, weights, rep, spec, None, None)

    def _init(self, data: pd.DataFrame, weights: np.ndarray, rep: np.ndarray,
              spec: dict[str, Any], mask: np.ndarray | None,
              weighting: WeightingReport | None) -> None:
        setter = object.__setattr__
        for name, value in (("_data", data), ("_weights", weights), ("_rep", rep),
                            ("_spec", spec), ("_mask", mask), ("_weighting", weighting),
                            ("_cache", {})):
            setter(self, name, value)

    @classmethod
    def from_arrays(cls, data: pd.DataFrame, weights: np.ndarray, rep: np.ndarray,
                    spec: dict[str, Any], mask: np.ndarray | None = None,
                    weighting: WeightingReport | None = None) -> ReplicateDesign:
        """A design from analysis weights (``(n,)``, ``(n, R)``) and its ``spec`` (type,
        scale, rscales, mse, rho, psu codes or None, weighting steps)."""
        new = object.__new__(cls)
        new._init(data, np.asarray(weights, dtype=float), np.asarray(rep, dtype=float),
                  spec, mask, weighting)
        return new

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("ReplicateDesign is immutable: subset(), rake() and calibrate() "
                             "return a new one")

    def _replace(self, **changes: Any) -> ReplicateDesign:
        parts = {"data": self._data, "weights": self._weights, "rep": self._rep,
                 "spec": self._spec, "mask": self._mask, "weighting": self._weighting}
        parts.update(changes)
        return ReplicateDesign.from_arrays(**parts)

    def _spec_view(self) -> dict[str, Any]:
        return dict(self._spec)

    # -- read-only views ------------------------------------------------------------------
    @property
    def data(self) -> pd.DataFrame:
        """The respondent table (all rows, including those outside a subset)."""
        return self._data

    @property
    def weights(self) -> pd.Series:
        """Full-sample weights, aligned with ``data.index``."""
        return pd.Series(self._weights, index=self._data.index, name="weight", copy=True)

    @property
    def repweights(self) -> pd.DataFrame:
        """Replicate analysis weights (combined: sampling weight times multiplier)."""
        return pd.DataFrame(self._rep, index=self._data.index,
                            columns=[f"rep{r + 1}" for r in range(self._rep.shape[1])])

    @property
    def type(self) -> str:
        """Replicate method (``"JK1"``, ``"bootstrap"``, ...)."""
        return str(self._spec["type"])

    @property
    def scale(self) -> float:
        """Overall variance multiplier (R ``scale``)."""
        return float(self._spec["scale"])

    @property
    def rscales(self) -> np.ndarray:
        """Per-replicate variance multipliers (R ``rscales``)."""
        return np.asarray(self._spec["rscales"], dtype=float).copy()

    @property
    def mse(self) -> bool:
        """Whether replicates are centred at the full-sample estimate."""
        return bool(self._spec["mse"])

    @property
    def replicates(self) -> int:
        """Number of replicates."""
        return int(self._rep.shape[1])

    @property
    def weighting(self) -> WeightingReport | None:
        """Report of the last raking/calibration of the full-sample weights."""
        return self._weighting

    @property
    def weighting_steps(self) -> tuple[tuple[str, dict[str, Any]], ...]:
        """The raking/calibration steps applied to every replicate, in order."""
        return tuple(self._spec["steps"])

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """The full-sample weights ``(n,)`` and replicate analysis weights ``(n, R)`` (the
        design's own arrays: do not modify them)."""
        return self._weights, self._rep

    @property
    def domain_mask(self) -> np.ndarray | None:
        """Boolean mask of the rows in the current subset (None: the whole design)."""
        return None if self._mask is None else self._mask.copy()

    @property
    def df(self) -> int:
        """Degrees of freedom as R's ``degf``: rank of the replicate weights of the
        (sub)design's rows minus one."""
        rows = np.ones(len(self._data), dtype=bool) if self._mask is None else self._mask
        return self.degf(rows)

    def degf(self, rows: np.ndarray) -> int:
        """R's ``degf(subset(design, rows))``: rank of those rows' replicate weights - 1."""
        if "patterns" not in self._cache:
            self._cache["patterns"] = rank_patterns(self._rep)
        key = np.packbits(rows).tobytes()
        ranks = self._cache.setdefault("ranks", {})
        if key not in ranks:
            U, pattern = self._cache["patterns"]
            ranks[key] = rows_rank(U, pattern, np.asarray(rows, dtype=bool)) - 1
        return int(ranks[key])

    def n_psu(self, rows: np.ndarray) -> int:
        """PSUs with respondents of positive weight among ``rows`` (designs built from a
        :class:`Design`); for supplied weights, independent replicate patterns (df + 1)."""
        psu = self._spec.get("psu")
        if psu is None:
            return self.degf(rows) + 1
        return int(np.unique(psu[rows & (self._weights > 0)]).size)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        sub = "" if self._mask is None else f", subset of {int(self._mask.sum())} rows"
        return (f"ReplicateDesign(n={len(self._data)}, type={self.type}, "
                f"replicates={self.replicates}, df={self.df}{sub})")

    # -- domains ---------------------------------------------------------------------------
    def domains(self, by: str | Sequence[str] | None) -> tuple[np.ndarray, pd.DataFrame]:
        """Domain code per row (``-1`` outside) and the domain keys, restricted to the subset."""
        codes, keys = factorise(self._data, as_list(by), self._cache.setdefault("columns", {}))
        return restrict(codes, keys, self._mask)

    def subset(self, mask: pd.Series | np.ndarray | str) -> ReplicateDesign:
        """A design restricted to a domain; every row is kept for the replicates (R:
        ``subset(design, ...)``)."""
        if isinstance(mask, str):
            if mask not in self._data.columns:
                raise EstimationError(f"subset column {mask!r} is not in the design's data")
            mask = self._data[mask]
        if isinstance(mask, pd.Series):
            values = mask.reindex(self._data.index).fillna(False).to_numpy(dtype=bool)
        else:
            values = np.asarray(mask, dtype=bool)
        if values.shape != (len(self._data),):
            raise EstimationError(f"subset mask has {values.size} values; the design has "
                                  f"{len(self._data)} rows")
        if self._mask is not None:
            values = values & self._mask
        return self._replace(mask=values)

    # -- estimation --------------------------------------------------------------------------
    def mean(self, variables: str | Sequence[str], by: str | Sequence[str] | None = None,
             level: float = 0.95) -> Estimate:
        """Domain means with replicate SEs and their joint covariance (R: ``svyby(~y, ~by,
        repdesign, svymean, covmat=TRUE)``)."""
        from survey_kit.estimate.replicate_estimators import replicate_means

        return replicate_means(self, as_list(variables), as_list(by), level, "mean")

    def total(self, variables: str | Sequence[str], by: str | Sequence[str] | None = None,
              level: float = 0.95) -> Estimate:
        """Domain totals (R: ``svyby(~y, ~by, repdesign, svytotal)``)."""
        from survey_kit.estimate.replicate_estimators import replicate_means

        return replicate_means(self, as_list(variables), as_list(by), level, "total")

    def proportion(self, variables: str | Sequence[str], by: str | Sequence[str] | None = None,
                   method: str = "logit", level: float = 0.95) -> Estimate:
        """Proportions of 0/1 variables with ``logit``/``beta``/``wald`` intervals (R:
        ``svyciprop`` on a replicate design, df = ``degf`` of the domain)."""
        from survey_kit.estimate.replicate_estimators import replicate_proportions

        return replicate_proportions(self, as_list(variables), as_list(by), method, level)

    def ratio(self, numerator: str | Sequence[str], denominator: str | Sequence[str],
              by: str | Sequence[str] | None = None, level: float = 0.95) -> Estimate:
        """Ratios of totals (R: ``svyratio`` on a replicate design); see
        :meth:`Design.ratio`."""
        from survey_kit.estimate.ratio import replicate_ratio

        return replicate_ratio(self, as_list(numerator), as_list(denominator), as_list(by),
                               level)

    def quantile(self, variables: str | Sequence[str], q: float | Sequence[float] = 0.5,
                 by: str | Sequence[str] | None = None, level: float = 0.95,
                 qrule: str = "math", interval_type: str = "mean",
                 df: float | None = None) -> Estimate:
        """Quantiles (R: ``svyquantile`` on a replicate design): ``interval_type="mean"``
        (Woodruff, replicate SE of the CDF) or ``"quantile"`` (replicate quantiles)."""
        from survey_kit.estimate.quantile import design_quantiles

        return design_quantiles(self, as_list(variables), q, as_list(by), level, qrule,
                                interval_type, df)

    def fit_glm(self, formula: str, family: str = "gaussian", level: float = 0.95) -> GlmResult:
        """The model fitted with the full-sample weights and refitted with every replicate's
        (R: ``svyglm`` on a replicate design); used by :func:`survey_kit.glm`."""
        from survey_kit.compare.glm_replicate import glm_replicate

        return glm_replicate(self, formula, family, level)

    # -- weighting -----------------------------------------------------------------------
    def rake(self, targets: pd.DataFrame, by: str | Sequence[str] | None = None,
             bounds: tuple[float, float] | None = None, max_iter: int = 1000,
             tol: float = 1e-10) -> ReplicateDesign:
        """Rake the full-sample weights and every replicate to the margins (R: ``rake`` on
        a replicate design); same arguments as :meth:`Design.rake`."""
        from survey_kit.design.replicate_weighting import rake_replicates

        return rake_replicates(self, targets, by=by, bounds=bounds, max_iter=max_iter, tol=tol)

    def calibrate(self, targets: pd.DataFrame, by: str | Sequence[str] | None = None,
                  calfun: str = "linear", bounds: tuple[float, float] | None = None,
                  max_iter: int = 100, tol: float = 1e-10) -> ReplicateDesign:
        """Calibrate the full-sample weights and every replicate (R: ``calibrate`` on a
        replicate design); same arguments as :meth:`Design.calibrate`."""
        from survey_kit.design.replicate_weighting import calibrate_replicates

        return calibrate_replicates(self, targets, by=by, calfun=calfun, bounds=bounds,
                                    max_iter=max_iter, tol=tol)
