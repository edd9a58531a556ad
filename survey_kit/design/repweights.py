"""Replicate-weight factors for a stratified cluster design, as R ``as.svrepdesign`` builds them.

Every construction returns a ``(P, R)`` matrix of multipliers (one row per first-stage PSU,
one column per replicate), the variance ``scale`` and the per-replicate ``rscales``, so that
``Var(theta) = scale * sum_r rscales_r (theta_r - mean(theta_r))^2`` (R's ``svrVar``).
Replicates come in R's column order: strata in order of first appearance in the data, PSUs
in order of first appearance within their stratum.

* ``JK1`` (unstratified delete-one jackknife): PSU ``j`` dropped, the others times
  ``n / (n - 1)``; ``scale = f (n - 1) / n`` with ``f = (N - n) / N`` (1 without fpc).
* ``JKn`` (stratified): one replicate per PSU, only its stratum reweighted;
  ``rscales_h = f_h (n_h - 1) / n_h``.  Strata taken whole (``f_h = 0``) get no replicate;
  a stratum with one PSU follows the lonely-PSU rule as R's ``jknweights``: ``"remove"``,
  ``"certainty"`` and ``"average"`` give it no replicate (``"average"`` then multiplies the
  scale by PSUs / replicates), ``"adjust"`` one replicate that drops it and reweights every
  other PSU by ``H / (H - 1)`` with ``rscale (H - 1) / H``.
* ``BRR`` / ``Fay``: R's ``brrweights`` with its defaults: strata with more than two PSUs are
  split into consecutive pairs (in order of first appearance), strata are taken in sorted
  order of their labels (as text), the half-samples follow the rows of a Hadamard matrix
  (:mod:`survey_kit.design.hadamard`); multipliers ``2 - rho`` and ``rho``,
  ``scale = 1 / (R (1 - rho)^2)``.  A finite population correction is not used (R drops it).
* ``bootstrap``: R's ``bootweights`` (Canty and Davison): per stratum ``n_h`` PSUs drawn with
  replacement (with an fpc: without replacement from the PSUs repeated to ``N_h``); the
  multiplier is the number of times a PSU is drawn; ``scale = m / ((m - 1) (R - 1))`` with
  ``m`` the harmonic mean of the ``n_h``.
* ``subbootstrap``: Rao and Wu's ``(n - 1)`` bootstrap (R ``subbootweights``): ``n_h - 1``
  draws with replacement, multiplier ``count * n_h / (n_h - 1)``, ``scale = 1 / (R - 1)``.

The bootstrap draws come from numpy's generator seeded with ``seed``, not from R's random
numbers: the replicates are a different random set than R's, with the same distribution.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from survey_kit.design.hadamard import hadamard
from survey_kit.errors import DesignError

REPLICATE_TYPES = ("JK1", "JKn", "BRR", "Fay", "bootstrap", "subbootstrap")


@dataclass(frozen=True)
class PsuLayout:
    """First-stage structure of a design, one entry per PSU (codes ``0..P-1``).

    ``stratum``: stratum code of each PSU; ``fraction``: per stratum ``f_h = (N_h - n_h) /
    N_h`` (1 without fpc); ``first_row``: first data row of each PSU; ``labels``: stratum
    labels as text; ``stratified``: whether the design has a strata column.
    """

    stratum: np.ndarray
    fraction: np.ndarray
    first_row: np.ndarray
    labels: np.ndarray
    stratified: bool
    lonely_psu: str

    @property
    def n_psu(self) -> int:
        return int(self.stratum.shape[0])

    def strata_in_order(self) -> list[np.ndarray]:
        """PSU codes of each stratum (first appearance order), strata by first appearance."""
        order = np.argsort(self.first_row, kind="stable")
        first_seen = np.full(self.fraction.shape[0], np.iinfo(np.int64).max)
        np.minimum.at(first_seen, self.stratum, self.first_row)
        groups = []
        for h in np.argsort(first_seen, kind="stable"):
            psus = order[self.stratum[order] == h]
            if psus.size:
                groups.append(psus)
        return groups


@dataclass(frozen=True)
class ReplicateFactors:
    """Multipliers per PSU and replicate, with the variance constants of R's ``svrVar``."""

    factors: np.ndarray  # (P, R)
    scale: float
    rscales: np.ndarray  # (R,)
    type: str
    rho: float | None = None


def jk1(layout: PsuLayout) -> ReplicateFactors:
    """Delete-one jackknife of an unstratified design (R ``jk1weights``).

    Examples
    --------
    >>> lay = PsuLayout(np.zeros(3, int), np.ones(1), np.arange(3), np.array(["1"]), False, "fail")
    >>> r = jk1(lay)
    >>> r.factors.tolist(), r.scale
    ([[0.0, 1.5, 1.5], [1.5, 0.0, 1.5], [1.5, 1.5, 0.0]], 0.6666666666666666)
    """
    if layout.stratified:
        raise DesignError("type='JK1' is for unstratified designs; use 'JKn' for a design "
                          "with strata (R: as.svrepdesign stops for JK1 with strata)")
    n = layout.n_psu
    f = float(layout.fraction[0])
    if n < 2 or f == 0:
        raise DesignError(f"type='JK1' needs at least two PSUs not taken with certainty; the "
                          f"design has {n} PSU(s) with fpc fraction {1 - f:g}")
    order = layout.strata_in_order()[0]
    factors = np.full((n, n), n / (n - 1))
    factors[order, np.arange(n)] = 0.0
    return ReplicateFactors(factors, f * (n - 1) / n, np.ones(n), "JK1")


def jkn(layout: PsuLayout) -> ReplicateFactors:
    """Stratified delete-one jackknife (R ``jknweights``, lonely PSUs as described above)."""
    if not layout.stratified:
        raise DesignError("type='JKn' needs a design with strata; use 'JK1' or 'bootstrap' "
                          "for an unstratified design")
    H, P = layout.fraction.shape[0], layout.n_psu
    columns: list[np.ndarray] = []
    rscales: list[float] = []
    for psus in layout.strata_in_order():
        h = int(layout.stratum[psus[0]])
        n, f = psus.size, float(layout.fraction[h])
        if f == 0:
            continue  # taken whole: no replicate (R's survey.drop.replicates)
        if n == 1:
            if layout.lonely_psu == "adjust":
                col = np.full(P, H / (H - 1))
                col[psus] = 0.0
                columns.append(col)
                rscales.append((H - 1) / H)
            elif layout.lonely_psu == "fail":
                raise DesignError(f"stratum {layout.labels[h]!r} has only one PSU; choose "
                                  "lonely_psu='remove', 'adjust', 'certainty' or 'average'")
            continue
        block = np.ones((P, n))
        block[psus, :] = n / (n - 1)
        block[psus, np.arange(n)] = 0.0
        columns.extend(block.T)
        rscales.extend([f * (n - 1) / n] * n)
    if not columns:
        raise DesignError("every stratum is taken whole (fpc fraction 1): no replicates, the "
                          "sample is the population")
    scale = 1.0
    if len(columns) < P and layout.lonely_psu == "average":
        scale = P / len(columns)
    return ReplicateFactors(np.column_stack(columns), scale, np.asarray(rscales), "JKn")


def _half_samples(layout: PsuLayout) -> tuple[np.ndarray, np.ndarray, int]:
    """R ``brrweights``: per PSU its two half-sample indicators and its pseudo-stratum."""
    labels = np.asarray([str(v) for v in layout.labels], dtype=object)[layout.stratum]
    sizes = {lab: int((labels == lab).sum()) for lab in sorted(set(labels))}
    small = [lab for lab, size in sizes.items() if size < 2]
    if small:
        raise DesignError(f"BRR needs two PSUs per stratum; stratum {small[0]!r} has one "
                          "(merge it with a similar stratum)")
    odd = [lab for lab, size in sizes.items() if size > 2 and size % 2]
    if odd:
        raise DesignError(f"BRR splits strata with more than two PSUs into pairs; stratum "
                          f"{odd[0]!r} has an odd number ({sizes[odd[0]]}) of PSUs")
    order = np.lexsort((layout.first_row, labels))
    halves = np.zeros((layout.n_psu, 2))
    pseudo = np.zeros(layout.n_psu, dtype=np.int64)
    upto = 0
    # strata with more than two PSUs first, then the pairs; each in sorted label order
    for lab in sorted(sizes, key=lambda lab: (sizes[lab] == 2, lab)):
        members = order[labels[order] == lab]
        k = members.size
        halves[members, 0] = np.arange(k) % 2
        halves[members, 1] = 1 - np.arange(k) % 2
        pseudo[members] = upto + np.arange(k) // 2
        upto += k // 2
    return halves, pseudo, upto


def brr(layout: PsuLayout, rho: float = 0.0) -> ReplicateFactors:
    """Balanced repeated replication (``rho = 0``) or Fay's method (R ``brrweights``)."""
    if not layout.stratified:
        raise DesignError(f"type={'BRR' if rho == 0 else 'Fay'!r} needs a design with strata; "
                          "use 'JK1' or 'bootstrap' for an unstratified design")
    if not 0 <= rho < 1:
        raise DesignError(f"Fay's rho must be in [0, 1), got {rho!r}")
    if (layout.fraction < 1).any():
        warnings.warn("BRR/Fay replicates ignore the finite population correction (as R)",
                      stacklevel=4)
    halves, pseudo, upto = _half_samples(layout)
    H = hadamard(upto)
    pick = H[1 : upto + 1, :][pseudo, :]  # (P, R): 0 -> first half-sample column
    kept = np.where(pick == 0, halves[:, [0]], halves[:, [1]])
    other = np.where(pick == 0, halves[:, [1]], halves[:, [0]])
    factors = kept * (2 - rho) + other * rho
    R = factors.shape[1]
    return ReplicateFactors(factors, 1.0 / (R * (1 - rho) ** 2), np.ones(R),
                            "BRR" if rho == 0 else "Fay", rho if rho else None)


def _population(n: int, f: float) -> int | None:
    """``N_h`` from the fraction ``f = (N - n) / N`` (None without fpc)."""
    return None if f >= 1 else round(n / (1 - f))


def bootstrap(layout: PsuLayout, replicates: int, rng: np.random.Generator,
              subsample: bool = False) -> ReplicateFactors:
    """R's ``bootweights`` (``subsample=False``) or ``subbootweights`` (Rao-Wu ``n - 1``)."""
    if replicates < 2:
        raise DesignError(f"replicates={replicates!r}: a bootstrap needs at least 2 replicates")
    factors = np.empty((layout.n_psu, replicates))
    sizes = []
    for psus in layout.strata_in_order():
        n = psus.size
        sizes.append(n)
        perm = psus[rng.permutation(n)]
        counts: np.ndarray
        if subsample:
            if n < 2:
                raise DesignError(f"type='subbootstrap' needs two PSUs per stratum; stratum "
                                  f"{layout.labels[layout.stratum[psus[0]]]!r} has one")
            counts = rng.multinomial(n - 1, np.full(n, 1.0 / n), size=replicates) * n / (n - 1)
        else:
            N = _population(n, float(layout.fraction[layout.stratum[psus[0]]]))
            counts = (rng.multinomial(n, np.full(n, 1.0 / n), size=replicates) if N is None
                      else np.stack([np.bincount(rng.choice(N, n, replace=False) % n,
                                                 minlength=n) for _ in range(replicates)]))
        factors[perm, :] = counts.T
    if subsample:
        return ReplicateFactors(factors, 1.0 / (replicates - 1), np.ones(replicates),
                                "subbootstrap")
    mean_n = 1.0 / float(np.mean(1.0 / np.asarray(sizes, dtype=float)))
    if mean_n <= 1:
        raise DesignError("type='bootstrap' needs strata with two or more PSUs")
    scale = mean_n / ((mean_n - 1) * (replicates - 1))
    return ReplicateFactors(factors, scale, np.ones(replicates), "bootstrap")


def replicate_factors(layout: PsuLayout, type: str, replicates: int = 50, seed: int = 0,
                      rho: float | None = None) -> ReplicateFactors:
    """Dispatch to the construction for ``type`` (one of :data:`REPLICATE_TYPES`)."""
    if type == "auto":
        type = "JKn" if layout.stratified else "JK1"
    if type == "JK1":
        return jk1(layout)
    if type == "JKn":
        return jkn(layout)
    if type in ("BRR", "Fay"):
        if type == "Fay" and rho is None:
            raise DesignError("type='Fay' needs rho= (e.g. rho=0.5)")
        return brr(layout, 0.0 if type == "BRR" else float(rho))  # type: ignore[arg-type]
    if type in ("bootstrap", "subbootstrap"):
        return bootstrap(layout, int(replicates), np.random.default_rng(seed),
                         subsample=type == "subbootstrap")
    raise DesignError(f"type={type!r} is not a replicate type; expected one of "
                      f"{', '.join(REPLICATE_TYPES)}")
