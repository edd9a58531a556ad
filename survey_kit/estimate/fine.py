"""Fine cells: one pass over the respondents per variable for every table of a design.

A design's respondents fall into few *fine cells*: the occupied combinations of PSU, the
cell of each calibration basis and a declared set of breakdown columns (a national file of a
million rows and 562 PSUs has about 10,000).  Each variable's sums over the rows
(``w``, ``w y``, ``w y**2``, ``w**2``, respondents, and per basis ``e w``, ``e w y``; see
:func:`survey_kit.estimate.estimators.domain_sums`) are accumulated once per fine cell.
A domain whose code is the same for every row of a fine cell (checked, not assumed) then
gets its PSU x domain sums from those few thousand cells instead of the million rows.  They
are the same numbers added in another order: equal to the row sums up to the last bits.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd

from survey_kit.estimate.domains import column_codes, compact, factorise

Cells = Sequence[tuple[np.ndarray, int, np.ndarray]]
"""Calibration bases as ``(cell code per row, number of cells, row multiplier e)``."""


def row_products(weights: np.ndarray, positive: np.ndarray, valid: np.ndarray, y0: np.ndarray,
                 e: Sequence[np.ndarray], buffers: tuple[np.ndarray, np.ndarray, np.ndarray]
                 ) -> Iterator[np.ndarray]:
    """What each row adds to each sum of a variable, in the order of
    :func:`~survey_kit.estimate.estimators.domain_sums`' accumulators: ``w`` (the weight of a
    row with a value; a missing value gets weight 0), ``w y``, ``w y**2``, ``w**2``, 1 for a
    row with a value and a positive weight, then per calibration basis ``e w`` and
    ``e w y``.  ``y0``: the values with 0 for missing.  The three ``buffers`` are reused:
    sum each array before asking for the next.

    Examples
    --------
    >>> w, y = np.array([1.0, 2.0]), np.array([3.0, 0.0])
    >>> valid = np.array([True, False])
    >>> bufs = (np.empty(2), np.empty(2), np.empty(2))
    >>> [float(p.sum()) for p in row_products(w, w > 0, valid, y, (), bufs)]
    [1.0, 3.0, 9.0, 1.0, 1.0]
    """
    w, wy, tmp = buffers
    yield np.multiply(weights, valid, out=w)
    yield np.multiply(w, y0, out=wy)
    yield np.multiply(wy, y0, out=tmp)
    yield np.multiply(w, w, out=tmp)
    yield np.logical_and(positive, valid, out=tmp)
    for multiplier in e:
        yield np.multiply(multiplier, w, out=tmp)
        yield np.multiply(tmp, y0, out=tmp)


class FineCells:
    """The fine cells of one design: per row its cell, per cell its PSU, basis cells and a row.

    Parameters
    ----------
    keys
        Integer codes per row, ``-1`` allowed (missing is a code of its own), and the
        number of codes ``>= 0`` of each: the PSU first, then the columns to cross.

    Examples
    --------
    >>> psu = np.array([0, 0, 1, 1, 1])
    >>> sex = np.array([0, 1, 1, 1, -1])
    >>> fine = FineCells([(psu, 2), (sex, 2)])
    >>> fine.size, fine.ids.tolist(), fine.codes(psu).tolist()
    (4, [0, 1, 3, 3, 2], [0, 0, 1, 1])
    """

    __slots__ = ("ids", "rep", "size")

    def __init__(self, keys: Sequence[tuple[np.ndarray, int]]) -> None:
        combined = np.zeros(len(keys[0][0]), dtype=np.int64)
        bound = 1
        for codes, n_codes in keys:
            if bound * (n_codes + 1) >= 2**62:  # keep the mixed radix within int64
                combined = pd.factorize(combined)[0].astype(np.int64)
                bound = int(combined.max()) + 1
            combined *= n_codes + 1
            combined += codes
            combined += 1
            bound *= n_codes + 1
        ids, uniques = pd.factorize(combined, sort=True)
        self.ids: np.ndarray = ids.astype(np.intp)
        self.size: int = len(uniques)
        self.rep: np.ndarray = np.zeros(self.size, dtype=np.intp)
        self.rep[self.ids] = np.arange(len(self.ids))  # a row of each cell (any will do)

    def codes(self, per_row: np.ndarray) -> np.ndarray:
        """Per fine cell, the code of a column the cells are built from."""
        return np.asarray(per_row)[self.rep]

    def constant(self, per_row: np.ndarray) -> np.ndarray | None:
        """Per fine cell, the value of ``per_row`` if it is the same for every row of each
        cell, else None."""
        per_cell = np.asarray(per_row)[self.rep]
        return per_cell if np.array_equal(per_cell[self.ids], per_row) else None


class FineSums:
    """Declared breakdown columns of a design and, once built, its fine cells and each
    variable's sums over them (a cache: built on first use, for one set of weights and
    calibration bases)."""

    __slots__ = ("_checked", "_e", "_fine", "_positive", "_sums", "_units", "_weights", "columns")

    def __init__(self, columns: Sequence[str]) -> None:
        self.columns: tuple[str, ...] = tuple(columns)
        self._fine: FineCells | None = None
        self._weights: np.ndarray | None = None
        self._e: tuple[np.ndarray, ...] = ()
        self._units: list[tuple[np.ndarray, int]] = []  # PSU, then each basis's cells
        self._sums: dict[str, tuple[np.ndarray, ...]] = {}
        self._positive = np.zeros(0, dtype=bool)  # per fine cell: a row with weight > 0
        self._checked: tuple[weakref.ref[np.ndarray], np.ndarray | None] | None = None

    def renewed(self) -> FineSums:
        """The same declaration with nothing built (for new weights or calibration)."""
        return FineSums(self.columns)

    def build(self, data: pd.DataFrame, weights: np.ndarray, psu: np.ndarray, n_psu: int,
              cells: Cells, column_cache: dict[str, tuple[np.ndarray, pd.Index]]) -> FineSums:
        """Build the fine cells (once) of these weights, PSUs and calibration bases;
        ``column_cache`` holds (and receives) the factor codes of the declared columns."""
        if self._fine is not None:
            return self
        keys: list[tuple[np.ndarray, int]] = [(psu, n_psu)]
        keys += [(codes, n_cells) for codes, n_cells, _ in cells]
        for name in self.columns:
            if name not in column_cache:
                codes, levels = column_codes(data[name])
                column_cache[name] = (compact(codes), levels)
            codes, levels = column_cache[name]
            keys.append((codes, len(levels)))
        fine = FineCells(keys)
        self._units = [(fine.codes(codes).astype(np.intp), n)
                       for codes, n in [(psu, n_psu), *((c, n) for c, n, _ in cells)]]
        self._weights, self._e = weights, tuple(e for _, _, e in cells)
        self._positive = np.bincount(fine.ids, weights=weights > 0, minlength=fine.size) > 0
        self._fine = fine
        return self

    def applies(self, weights: np.ndarray, cells: Cells) -> bool:
        """Whether the fine cells were built for exactly these weights and bases."""
        return (self._fine is not None and weights is self._weights
                and len(cells) == len(self._e)
                and all(e is mine for (_, _, e), mine in zip(cells, self._e, strict=True)))

    def domain(self, domain: np.ndarray) -> np.ndarray | None:
        """The domain code of each fine cell, or None when a fine cell holds rows of two
        domains (or of a domain and no domain): the sums must then be taken over rows."""
        assert self._fine is not None, "build() the fine cells first"
        if self._checked is not None and self._checked[0]() is domain:
            return self._checked[1]  # the same array as last time (the df, then the sums)
        per_cell = self._fine.constant(domain)
        self._checked = (weakref.ref(domain), per_cell)
        return per_cell

    def factorise(self, data: pd.DataFrame, by: Sequence[str],
                  column_cache: dict[str, tuple[np.ndarray, pd.Index]]
                  ) -> tuple[np.ndarray, pd.DataFrame] | None:
        """The domain codes and keys of ``by``, as :func:`~survey_kit.estimate.domains.
        factorise` gives them, from one row of each fine cell; None unless the cells are
        built and every column of ``by`` is declared."""
        if self._fine is None or not by or not set(by) <= set(self.columns):
            return None
        rep = self._fine.rep
        cells = {name: (column_cache[name][0][rep], column_cache[name][1]) for name in by}
        # with every code given, factorise reads only the frame's length and dtypes: the
        # first rows stand in for the fine cells' (taking those rows costs more than the rest)
        codes, keys = factorise(data[list(by)].iloc[: len(rep)], by, cells)
        return codes[self._fine.ids], keys

    def presence(self, domain: np.ndarray, n_domains: int) -> np.ndarray:
        """Which PSUs hold rows of positive weight in each domain, ``(P, D)`` (as
        ``VarianceEngine.psu_presence(domain, D, weights > 0)``); ``domain`` from
        :meth:`domain`."""
        psu, P = self._units[0]
        rows = (domain >= 0) & self._positive
        counts = np.bincount(psu[rows] * n_domains + domain[rows], minlength=P * n_domains)
        return counts.reshape(P, n_domains) > 0

    def psu_bins(self, domain: np.ndarray, n_domains: int) -> np.ndarray:
        """The PSU x domain bin (``psu * D + domain``) of each fine cell inside a domain:
        the bins that hold respondents; ``domain`` from :meth:`domain`."""
        psu, _ = self._units[0]
        inside = domain >= 0
        return psu[inside] * n_domains + domain[inside]

    def fold(self, name: str, y0: np.ndarray, valid: np.ndarray, domain: np.ndarray,
             n_domains: int) -> tuple[np.ndarray, ...]:
        """The PSU x domain sums of variable ``name`` (``y0``: values with 0 for missing,
        ``valid``: present) from its fine-cell sums: ``(W, S, S2, W2, n)`` as ``(P, D)``
        arrays, then per basis ``(e w, e w y)`` as ``(C, D)`` arrays (the layout of
        ``domain_sums``' ``passes``).  ``domain``: from :meth:`domain`."""
        per_cell = self._sums.get(name)
        if per_cell is None:
            per_cell = self._variable(y0, valid)
            self._sums[name] = per_cell
        D = n_domains
        outside = domain < 0
        out = []
        starts = [0, *range(5, 5 + 2 * len(self._e), 2)]  # where each unit's sums begin
        for (units, n_units), start, stop in zip(self._units, starts, [*starts[1:], None],
                                                 strict=True):
            key = units * D + domain
            key[outside | (units < 0)] = n_units * D  # the dropped bin, as for the rows
            out += [np.bincount(key, weights=part, minlength=n_units * D + 1)[:-1]
                    .reshape(n_units, D) for part in per_cell[start:stop]]
        return tuple(out)

    def _variable(self, y0: np.ndarray, valid: np.ndarray) -> tuple[np.ndarray, ...]:
        """One pass over the rows: a variable's sums per fine cell (the products of
        ``domain_sums``, in the same order: :func:`row_products`)."""
        assert self._fine is not None and self._weights is not None
        ids, F = self._fine.ids, self._fine.size
        buffers = (np.empty(len(ids)), np.empty(len(ids)), np.empty(len(ids)))
        return tuple(np.bincount(ids, weights=values, minlength=F) for values in
                     row_products(self._weights, self._weights > 0, valid, y0, self._e,
                                  buffers))
