"""The variance engine: one place that turns influence values into covariance matrices.

Every estimator in survey_kit (means, totals, proportions, contrasts, regression
coefficients, Rao-Scott tests) produces *influence values*: for each respondent and
each statistic, the respondent's weighted contribution to the linearised estimate
(R's ``svyrecvar`` input ``x``).  This module sums them to PSU totals (to the totals
of the finest sampling units in a multistage design), removes what calibration
explains (raking and GREG residuals, as R does), centres the totals within strata and
returns their joint covariance matrix (Taylor linearisation, with-replacement
approximation at the first stage, optional finite population correction, lonely-PSU
rules; with an fpc at every stage, the later stages add their within-unit variance
scaled by the sampling fractions above them, see :mod:`survey_kit.estimate.stages`).

Influence values come in *domain form*: an ``(n, V)`` array ``values`` and a
domain code per row ``domain`` (``0..D-1``, ``-1`` for rows outside every domain).
Column ``v * D + d`` of the implied ``(n, V * D)`` influence matrix holds
``values[i, v]`` where ``domain[i] == d`` and zero elsewhere.  All variables and all
domains are handled in one pass with ``np.bincount``: no loop over respondents,
domains or PSUs.  A dense influence matrix is the special case ``D = 1``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import scipy.sparse as sp

from survey_kit.estimate.stages import (
    Explained,
    Stage,
    _average_factor,
    sparse_stage_cov,
    stage_cov,
    unit_matrix,
)

LONELY_PSU_RULES = ("fail", "remove", "adjust", "certainty", "average")

#: Backfitting sweeps R's ``svyrecvar`` uses for a raked design (fixed in R).
RAKING_VARIANCE_SWEEPS = 10


@dataclass(frozen=True)
class RakingHistory:
    """Calibration record of a design raked by iterative proportional fitting (R ``rake``).

    Parameters
    ----------
    margins
        Per raked margin, the integer cell code of every row (``0..q-1``; ``-1`` for a row
        that was not raked).
    weights
        Per margin, the weights right after that margin was adjusted in the final sweep
        (R stores them as ``attr(margin, "weights")``).
    """

    margins: tuple[np.ndarray, ...]
    weights: tuple[np.ndarray, ...]


@dataclass(frozen=True)
class GregHistory:
    """Calibration record of a design calibrated by ``calibrate()`` (GREG, raking or logit).

    Parameters
    ----------
    X
        The ``(n, q)`` calibration model matrix (dense or scipy sparse); rows that were
        not calibrated are zero.  None when ``cells`` give it.
    old_weights
        The weights before calibration.
    g
        The adjustment factors ``new / old`` (1 for rows that were not calibrated).
    cells
        The model matrix through its distinct rows instead of ``X`` (see
        :meth:`from_cells`): the cell of every row and the ``(C, q)`` rows of the cells.
    """

    X: np.ndarray | sp.spmatrix | sp.sparray | None
    old_weights: np.ndarray
    g: np.ndarray
    cells: tuple[np.ndarray, np.ndarray] | None = None

    @classmethod
    def from_cells(cls, cell_rows: np.ndarray, cell: np.ndarray, old_weights: np.ndarray,
                   g: np.ndarray) -> GregHistory:
        """The record of a calibration whose model matrix is ``cell_rows[cell]`` (a row per
        calibration cell, the cell of each respondent), kept through its distinct rows, in
        the order the variance engine finds them in the matrix (:func:`_cells_of`): a code
        per respondent instead of a national file's 40 MB sparse matrix.  With more than
        :data:`MAX_CELLS` distinct rows, the sparse matrix.

        Examples
        --------
        >>> h = GregHistory.from_cells(np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]]),
        ...                            np.array([1, 0, 2, 1]), np.ones(4), np.ones(4))
        >>> h.X is None, h.cells[0].tolist(), h.cells[1].tolist()
        (True, [0, 1, 1, 0], [[0.0, 1.0], [1.0, 0.0]])
        """
        rows = cell_rows + 0.0  # -0.0 as 0.0, as a sparse matrix stores it
        _, merged = np.unique(rows, axis=0, return_inverse=True)  # identical rows: one
        codes, _ = pd.factorize(merged.ravel()[cell])  # in order of first appearance
        if codes.shape[0] and codes.max() + 1 > MAX_CELLS:
            return cls(sp.csr_matrix(cell_rows)[cell], old_weights, g)
        first = np.full(int(codes.max()) + 1 if codes.shape[0] else 0, -1, dtype=np.int64)
        first[codes[::-1]] = np.arange(codes.shape[0])[::-1]
        return cls(None, old_weights, g, (codes.astype(np.int64), rows[cell[first]]))


#: A calibration matrix whose rows take at most this many distinct values is handled
#: through its cells (one code per row), which turns every product into a bincount.
MAX_CELLS = 20_000


def _cells_of(matrix: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray] | None:
    """Cell code per row and the ``(C, q)`` matrix of distinct rows, or None if too many.

    Rows are grouped by two random projections (distinct rows differ in them with
    probability one) and the grouping is then verified exactly.
    """
    rng = np.random.default_rng(20181)
    signature = matrix @ rng.standard_normal((matrix.shape[1], 2))
    first_codes = pd.factorize(signature[:, 0])[0]
    second_codes = pd.factorize(signature[:, 1])[0]
    codes, _ = pd.factorize(first_codes * (int(second_codes.max()) + 1) + second_codes)
    if codes.max() + 1 > MAX_CELLS:
        return None
    first = np.full(int(codes.max()) + 1, -1, dtype=np.int64)
    first[codes[::-1]] = np.arange(codes.shape[0])[::-1]
    cells = matrix[first].toarray()
    rebuilt = sp.csr_matrix(cells)[codes]
    if (rebuilt - matrix).count_nonzero():
        return None
    return codes.astype(np.int64), cells


@dataclass(frozen=True)
class _Basis:
    """One residualisation basis: ``x <- x - diag(a) M C`` with ``C = G^-1 M' diag(e) x``.

    ``M`` is either given through cells (``codes`` per row, ``-1`` for none, and
    ``cells``: the ``(n_cells, q)`` distinct rows of ``M``, None for plain dummies), so that
    every product is a bincount over cells, or as a general sparse ``matrix``.
    """

    codes: np.ndarray | None
    n_cells: int
    cells: np.ndarray | None
    matrix: sp.csr_matrix | None
    q: int
    a: np.ndarray
    c: np.ndarray
    e: np.ndarray

    def lift(self, cell_sums: np.ndarray) -> np.ndarray:
        """Turn sums over cells ``(n_cells, k)`` into ``M' (...)``, shape ``(q, k)``."""
        return cell_sums if self.cells is None else self.cells.T @ cell_sums

    def cross(self, other: _Basis, weight: np.ndarray) -> np.ndarray:
        """``M_self' diag(weight) M_other`` as a dense ``(q_self, q_other)`` array."""
        if self.codes is not None and other.codes is not None:
            ok = (self.codes >= 0) & (other.codes >= 0)
            key = self.codes[ok] * other.n_cells + other.codes[ok]
            flat = np.bincount(key, weights=weight[ok], minlength=self.n_cells * other.n_cells)
            table = self.lift(flat.reshape(self.n_cells, other.n_cells))
            return table if other.cells is None else table @ other.cells
        left = self._as_matrix()
        right = other._as_matrix()
        product = sp.csr_matrix(left.multiply(weight[:, None])).T @ right
        return np.asarray(product.toarray(), dtype=float).reshape(self.q, other.q)

    def _as_matrix(self) -> sp.csr_matrix:
        if self.matrix is not None:
            return self.matrix
        assert self.codes is not None  # a basis is either cells or a matrix
        n = self.codes.shape[0]
        ok = self.codes >= 0
        dummies = sp.csr_matrix(
            (np.ones(int(ok.sum())), (np.flatnonzero(ok), self.codes[ok])),
            shape=(n, self.n_cells),
        )
        return dummies if self.cells is None else sp.csr_matrix(dummies @ self.cells)

    def gram(self) -> np.ndarray:
        """``M' diag(c) M``."""
        return self.cross(self, self.c)

    def project(self, values: np.ndarray, domain: np.ndarray, n_domains: int) -> np.ndarray:
        """``M' diag(e) U`` for influence values in domain form, shape ``(q, V * D)``."""
        V = values.shape[1]
        if self.codes is not None:
            C = self.n_cells
            out = np.empty((C, V * n_domains))
            key = np.where((self.codes >= 0) & (domain >= 0), self.codes * n_domains + domain,
                           C * n_domains)
            for v in range(V):
                flat = np.bincount(key, weights=self.e * values[:, v],
                                   minlength=C * n_domains + 1)[: C * n_domains]
                out[:, v * n_domains : (v + 1) * n_domains] = flat.reshape(C, n_domains)
            return self.lift(out)
        out = np.empty((self.q, V * n_domains))
        matrix = self._as_matrix()
        ok = domain >= 0
        dom = sp.csr_matrix(
            (np.ones(int(ok.sum())), (np.flatnonzero(ok), domain[ok])),
            shape=(values.shape[0], n_domains),
        )
        for v in range(V):
            weighted = sp.csr_matrix(matrix.multiply((self.e * values[:, v])[:, None]))
            block = (weighted.T @ dom).toarray()
            out[:, v * n_domains : (v + 1) * n_domains] = block
        return out

    def unit_sums(self, unit: np.ndarray, n_units: int
                  ) -> tuple[sp.csr_matrix, np.ndarray | None]:
        """Sparse unit totals of ``a`` times the basis: ``(units x cells, cells)`` for a
        cell basis (the caller lifts the coefficients by ``cells``), else
        ``(units x q, None)``."""
        if self.codes is not None:
            ok = self.codes >= 0
            block = sp.csr_matrix((self.a[ok], (unit[ok], self.codes[ok])),
                                  shape=(n_units, self.n_cells))
            return block, self.cells
        agg = sp.csr_matrix((self.a, (unit, np.arange(unit.shape[0]))),
                            shape=(n_units, unit.shape[0]))
        return sp.csr_matrix(agg @ self._as_matrix()), None

    def psu_sums(self, psu: np.ndarray, n_psu: int) -> np.ndarray:
        """``A diag(a) M``: PSU totals of ``a`` times the basis, shape ``(P, q)``."""
        if self.codes is not None:
            ok = self.codes >= 0
            key = psu[ok] * self.n_cells + self.codes[ok]
            flat = np.bincount(key, weights=self.a[ok], minlength=n_psu * self.n_cells)
            sums = flat.reshape(n_psu, self.n_cells)
            return sums if self.cells is None else sums @ self.cells
        matrix = self._as_matrix()
        agg = sp.csr_matrix(
            (self.a, (psu, np.arange(psu.shape[0]))), shape=(n_psu, psu.shape[0])
        )
        return np.asarray((agg @ matrix).toarray())


def _domain_form(values: np.ndarray, domain: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Influence values as an ``(n, V)`` float array and a domain code per row."""
    values = np.asarray(values, dtype=float)
    if values.ndim == 1:
        values = values[:, None]
    if domain is None:
        domain = np.zeros(values.shape[0], dtype=np.int64)
    return values, domain


def _gram_inverse(gram: np.ndarray) -> np.ndarray:
    """Moore-Penrose inverse of a Gram matrix (empty cells give zero coefficients).

    The matrix is equilibrated first (unit diagonal), so that columns on very different
    scales (indicators next to a numeric auxiliary in the thousands) lose no precision.
    """
    diag = np.diag(gram)
    scale = np.divide(1.0, np.sqrt(np.abs(diag)), out=np.zeros_like(diag), where=diag != 0)
    if np.count_nonzero(gram - np.diag(diag)) == 0:
        return np.diag(scale**2)
    inner = np.linalg.pinv(gram * scale[:, None] * scale[None, :], hermitian=True)
    return np.asarray(inner * scale[:, None] * scale[None, :])


def _bases_from_history(
    history: Sequence[RakingHistory | GregHistory],
) -> tuple[list[_Basis], list[int]]:
    """Expand calibration records into residualisation bases and their order of application."""
    bases: list[_Basis] = []
    schedule: list[int] = []
    for step in history:
        if isinstance(step, RakingHistory):
            first = len(bases)
            for codes, psw in zip(step.margins, step.weights, strict=True):
                codes = np.asarray(codes, dtype=np.int64)
                psw = np.asarray(psw, dtype=float)
                q = int(codes.max()) + 1 if codes.size and codes.max() >= 0 else 0
                safe = np.where(psw != 0, psw, 1.0)
                bases.append(_Basis(codes, q, None, None, q, psw, np.ones_like(psw), 1.0 / safe))
            for _ in range(RAKING_VARIANCE_SWEEPS):
                schedule.extend(range(first, len(bases)))
        else:
            matrix = None if step.cells is not None else sp.csr_matrix(step.X, dtype=float)
            old = np.asarray(step.old_weights, dtype=float)
            g = np.asarray(step.g, dtype=float)
            e = 1.0 / np.where(g != 0, g, 1.0)
            found = step.cells if matrix is None else _cells_of(matrix)
            if found is None:
                assert matrix is not None  # _cells_of found no cells in it
                bases.append(_Basis(None, 0, None, matrix, matrix.shape[1], g * old, old, e))
            else:
                codes, cells = found
                bases.append(_Basis(codes, cells.shape[0], cells, None, cells.shape[1],
                                    g * old, old, e))
            schedule.append(len(bases) - 1)
    return bases, schedule


@dataclass(frozen=True)
class VarianceEngine:
    """Stratified PSU structure of a design, factorised once.

    Parameters
    ----------
    psu
        PSU code per row, ``0..P-1``, numbered so that the PSUs of one stratum are
        consecutive (stratum 0's PSUs first).
    psu_stratum
        Stratum code of each PSU (non-decreasing).
    fpc_fraction
        Per stratum ``f_h = (N_h - n_h) / N_h`` (1 without a finite population correction).
    lonely_psu
        Rule for strata with a single PSU: ``"remove"``, ``"adjust"``, ``"certainty"``,
        ``"average"`` (``"fail"`` is enforced when the design is built).
    history
        Calibration records, in the order they were applied.
    stages
        Multistage designs: the second and later stages (:class:`Stage`, each with the
        unit of every row), whose variance R's ``svyrecvar`` adds when every stage above
        has an fpc.
    """

    psu: np.ndarray
    psu_stratum: np.ndarray
    fpc_fraction: np.ndarray
    lonely_psu: str = "fail"
    history: tuple[RakingHistory | GregHistory, ...] = ()
    stages: tuple[Stage, ...] = ()
    _cache: dict[str, object] = field(default_factory=dict, compare=False, repr=False)

    @property
    def n_psu(self) -> int:
        """Number of PSUs in the design."""
        return int(self.psu_stratum.shape[0])

    @property
    def n_strata(self) -> int:
        """Number of strata in the design."""
        return int(self.fpc_fraction.shape[0])

    @property
    def df(self) -> int:
        """Design degrees of freedom: PSUs minus strata."""
        return self.n_psu - self.n_strata

    @property
    def first_stage(self) -> Stage:
        """The first stage: PSUs within strata (see :class:`Stage`)."""
        cached = self._cache.get("stage1")
        if cached is None:
            cached = Stage(self.psu_stratum, self.fpc_fraction, np.ones(self.n_strata),
                           np.zeros(self.n_strata, dtype=np.int64))
            self._cache["stage1"] = cached
        return cached  # type: ignore[return-value]

    @property
    def needs_presence(self) -> bool:
        """Whether the ``"average"`` rule has lonely units to stand in for in an
        uncalibrated design: then the strata a domain touches change its variance (R
        drops the other rows of a subset), see :meth:`group_presence`."""
        if self.lonely_psu != "average" or self.history:
            return False
        return any(bool(st.lonely.any()) for st in (self.first_stage, *self.stages))

    def group_presence(
        self, valid: np.ndarray, domain: np.ndarray, n_domains: int
    ) -> list[np.ndarray]:
        """Per stage, which groups (strata) hold rows of each statistic: ``(G, V * D)``.

        ``valid`` is ``(n, V)``: the rows where each variable has a value (R removes the
        others, and the rows outside the domain, before it computes the variance).
        """
        valid = np.asarray(valid, dtype=bool).reshape(valid.shape[0], -1)
        V, D = valid.shape[1], n_domains
        out = []
        for st, row_group in zip((self.first_stage, *self.stages), self._row_groups(),
                                 strict=True):
            G = st.n_groups
            present = np.zeros((G, V * D), dtype=bool)
            inside = domain >= 0
            for v in range(V):
                ok = inside & valid[:, v]
                key = row_group[ok] * D + domain[ok]
                hits = np.bincount(key, minlength=G * D).reshape(G, D) > 0
                present[:, v * D : (v + 1) * D] = hits
            out.append(present)
        return out

    def _row_groups(self) -> list[np.ndarray]:
        """The group (stratum within its parent unit) of every row, per stage."""
        groups = [self.psu_stratum[self.psu]]
        for st in self.stages:
            assert st.row_unit is not None  # later stages always know their rows' units
            groups.append(st.unit_group[st.row_unit])
        return groups

    # -- degrees of freedom ------------------------------------------------------------------
    def psu_presence(
        self, domain: np.ndarray, n_domains: int, rows: np.ndarray | None = None
    ) -> np.ndarray:
        """Which PSUs hold respondents of each domain: a ``(P, D)`` boolean array.

        ``domain`` is the domain code per row (``-1`` outside every domain); ``rows`` an
        optional boolean mask of the rows that count (e.g. positive weights).
        """
        inside = domain >= 0
        if rows is not None:
            inside = inside & rows
        key = self.psu[inside] * n_domains + domain[inside]
        counts = np.bincount(key, minlength=self.n_psu * n_domains)
        return counts.reshape(self.n_psu, n_domains) > 0

    def presence_df(self, presence: np.ndarray) -> np.ndarray:
        """Degrees of freedom of each column of a PSU-presence array: the PSUs present minus
        the strata they lie in (R: ``degf(subset(design, domain))``).

        Examples
        --------
        Two strata of two PSUs; domain 0 holds PSUs 0, 1 and 2, domain 1 only PSU 3:

        >>> eng = VarianceEngine(psu=np.arange(4), psu_stratum=np.array([0, 0, 1, 1]),
        ...                      fpc_fraction=np.ones(2))
        >>> eng.presence_df(np.array([[1, 0], [1, 0], [1, 0], [0, 1]], dtype=bool)).tolist()
        [1, 0]
        """
        presence = np.asarray(presence, dtype=bool)
        if presence.ndim == 1:
            presence = presence[:, None]
        counts, starts = self._stratum_layout()
        nonempty = counts > 0
        strata = np.zeros((self.n_strata, presence.shape[1]), dtype=np.int64)
        if presence.shape[0]:
            strata[nonempty] = np.add.reduceat(presence.astype(np.int64), starts[nonempty],
                                               axis=0)
        return presence.sum(axis=0) - (strata > 0).sum(axis=0)

    def domain_df(
        self, domain: np.ndarray, n_domains: int, rows: np.ndarray | None = None
    ) -> np.ndarray:
        """Per domain, PSUs minus strata among the domain's rows (``rows``: e.g. positive
        weights), as R's ``degf(subset(design, domain))``."""
        return self.presence_df(self.psu_presence(domain, n_domains, rows))

    def forget(self) -> None:
        """Drop what this engine cached (the PSU layout of its stages, the calibration bases
        from its history): computed again, the same, when next needed."""
        self._cache.clear()

    def with_history(self, step: RakingHistory | GregHistory | None) -> VarianceEngine:
        """A new engine with one more calibration record (or the same one for ``None``)."""
        history = self.history if step is None else (*self.history, step)
        return replace(self, history=history, _cache={})

    # -- PSU totals ---------------------------------------------------------------------
    def psu_totals(
        self, values: np.ndarray, domain: np.ndarray | None = None, n_domains: int = 1
    ) -> np.ndarray:
        """PSU totals of calibration-residualised influence values, shape ``(P, V * D)``."""
        values, domain = _domain_form(values, domain)
        P, V, D = self.n_psu, values.shape[1], n_domains
        # rows outside every domain go to an extra bin P * D that is dropped
        key = np.where(domain >= 0, self.psu * D + domain, P * D)
        values_f = np.asfortranarray(values)
        totals = np.empty((P, V * D))
        for v in range(V):
            flat = np.bincount(key, weights=values_f[:, v], minlength=P * D + 1)[: P * D]
            totals[:, v * D : (v + 1) * D] = flat.reshape(P, D)
        if self.history:
            totals -= self.calibration_correction(values, domain, D)
        return totals

    def _calibration(
        self,
    ) -> tuple[
        list[_Basis], list[int], dict[tuple[int, int], np.ndarray], list[np.ndarray],
        list[np.ndarray],
    ]:
        cached = self._cache.get("bases")
        if cached is None:
            bases, schedule = _bases_from_history(self.history)
            cross: dict[tuple[int, int], np.ndarray] = {}
            for t in sorted(set(schedule)):
                for b in range(len(bases)):
                    cross[(t, b)] = bases[t].cross(bases[b], bases[t].e * bases[b].a)
            inverses = [_gram_inverse(basis.gram()) for basis in bases]
            sums = [basis.psu_sums(self.psu, self.n_psu) for basis in bases]
            cached = (bases, schedule, cross, inverses, sums)
            self._cache["bases"] = cached
        return cached  # type: ignore[return-value]

    def cell_accumulators(self) -> list[tuple[np.ndarray, int, np.ndarray]] | None:
        """Per calibration basis, ``(cell code per row, number of cells, row multiplier e)``.

        An estimator that sums ``e * w * y`` and ``e * w`` over cells x domains can hand
        those sums to :meth:`correction_from_cell_sums` instead of building row-level
        influence values.  None when a basis has no cell structure.
        """
        if not self.history:
            return []
        bases = self._calibration()[0]
        if any(basis.codes is None for basis in bases):
            return None
        return [(basis.codes, basis.n_cells, basis.e) for basis in bases]  # type: ignore[misc]

    def calibration_correction(
        self, values: np.ndarray, domain: np.ndarray | None = None, n_domains: int = 1
    ) -> np.ndarray:
        """PSU totals of what the calibration model explains, to subtract from the totals."""
        values, domain = _domain_form(values, domain)
        k = values.shape[1] * n_domains
        if not self.history:
            return np.zeros((self.n_psu, k))
        bases = self._calibration()[0]
        projected = [basis.project(values, domain, n_domains) for basis in bases]
        return self._correction(projected, k)

    def correction_from_cell_sums(self, cell_sums: Sequence[np.ndarray]) -> np.ndarray:
        """As :meth:`calibration_correction`, from ``sum(e * x)`` over each basis's cells
        (one ``(n_cells, k)`` array per basis, in the order of :meth:`cell_accumulators`)."""
        bases = self._calibration()[0]
        projected = [basis.lift(sums) for basis, sums in zip(bases, cell_sums, strict=True)]
        return self._correction(projected, projected[0].shape[1])

    def _coefficients(self, projected: Sequence[np.ndarray], k: int) -> list[np.ndarray]:
        """Backfit the residualisation schedule on ``M_b' diag(e_b) U`` of every basis:
        the coefficients of what each basis explains."""
        bases, schedule, cross, inverses, _ = self._calibration()
        coef = [np.zeros((b.q, k)) for b in bases]
        for t in schedule:
            rhs = projected[t].copy()
            for b, basis_coef in enumerate(coef):
                if basis_coef.any():
                    rhs -= cross[(t, b)] @ basis_coef
            coef[t] += inverses[t] @ rhs
        return coef

    def _correction(self, projected: Sequence[np.ndarray], k: int) -> np.ndarray:
        """PSU totals of what calibration explains (see :meth:`_coefficients`)."""
        bases, _, _, _, psu_sums = self._calibration()
        coef = self._coefficients(projected, k)
        correction = np.zeros((self.n_psu, k))
        for b in range(len(bases)):
            if coef[b].any():
                correction += psu_sums[b] @ coef[b]
        return correction

    # -- covariance -----------------------------------------------------------------------
    def _stratum_layout(self) -> tuple[np.ndarray, np.ndarray]:
        cached = self._cache.get("layout")
        if cached is None:
            counts = np.bincount(self.psu_stratum, minlength=self.n_strata)
            starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
            cached = (counts, starts)
            self._cache["layout"] = cached
        return cached  # type: ignore[return-value]

    def vcov_from_totals(
        self, totals: np.ndarray, present: list[np.ndarray] | None = None
    ) -> np.ndarray:
        """Covariance matrix of the statistics whose PSU totals are ``totals`` (``P x k``):
        the first stage.  A multistage design adds :meth:`later_vcov`.

        ``present``: per stage, which groups hold rows of each statistic (from
        :meth:`group_presence`; needed only when :attr:`needs_presence`).
        """
        here = None if present is None else present[0]
        return stage_cov(totals, self.first_stage, self.lonely_psu, here)

    def later_vcov(
        self, values: np.ndarray, domain: np.ndarray | None = None, n_domains: int = 1,
        present: list[np.ndarray] | None = None,
    ) -> np.ndarray:
        """The second and later stages' part of the covariance, from row-level influence
        values in domain form (zero for a one-stage design).

        The unit totals are a sparse matrix; calibration residuals enter through the
        coefficients of what each calibration basis explains (:meth:`_coefficients`), so
        no dense ``units x statistics`` array is formed.
        """
        values, domain = _domain_form(values, domain)
        k = values.shape[1] * n_domains
        cov = np.zeros((k, k))
        if not self.stages:
            return cov
        coef: list[np.ndarray] = []
        if self.history:
            bases = self._calibration()[0]
            coef = self._coefficients([b.project(values, domain, n_domains) for b in bases], k)
        for s, st in enumerate(self.stages, start=1):
            assert st.row_unit is not None  # later stages always know their rows' units
            here = None if present is None else present[s]
            factor, row_group = None, None
            if here is not None and st.lonely.any() and self.lonely_psu == "average":
                with np.errstate(invalid="ignore"):
                    factor = np.sqrt(_average_factor(st, here))
                row_group = st.unit_group[st.row_unit]
            Z = unit_matrix(values, domain, n_domains, st.row_unit, st.n_units, factor,
                            row_group)
            explained = self._explained(st, coef) if coef else None
            cov += sparse_stage_cov(Z, st, self.lonely_psu, here, explained)
        return cov

    def _explained(self, stage: Stage, coef: list[np.ndarray]) -> Explained:
        """Unit totals of the calibration bases (sparse) and their coefficients."""
        assert stage.row_unit is not None
        bases = self._calibration()[0]
        blocks, coefs = [], []
        for basis, c in zip(bases, coef, strict=True):
            block, lift = basis.unit_sums(stage.row_unit, stage.n_units)
            blocks.append(block)
            coefs.append(c if lift is None else lift @ c)
        return Explained(sp.csr_matrix(sp.hstack(blocks)), np.vstack(coefs))

    def vcov(
        self, values: np.ndarray, domain: np.ndarray | None = None, n_domains: int = 1,
        present: list[np.ndarray] | None = None,
    ) -> np.ndarray:
        """Joint covariance of the statistics with influence values in domain form.

        Examples
        --------
        Two strata of two PSUs each, no fpc; the variance of a total (R:
        ``svytotal(~y, svydesign(id=~psu, strata=~h, weights=~1, data=d))``):

        >>> eng = VarianceEngine(psu=np.array([0, 1, 2, 3]), psu_stratum=np.array([0, 0, 1, 1]),
        ...                      fpc_fraction=np.ones(2))
        >>> float(eng.vcov(np.array([1.0, 3.0, 2.0, 2.0]))[0, 0])
        4.0
        """
        cov = self.vcov_from_totals(self.psu_totals(values, domain, n_domains), present)
        return cov + self.later_vcov(values, domain, n_domains, present)
