"""One sampling stage of the variance: centred unit totals within groups, fpc, lonely units.

R's ``svyrecvar`` computes the variance of a multistage design recursively: the
with-replacement variance of the first-stage (PSU) totals within strata, plus, for every
PSU, the variance of its second-stage unit totals within the second-stage strata, scaled
by the first-stage sampling fraction ``n_h / N_h``, and so on down the stages.  Every
stage has the same form: a *group* is a stratum of that stage within one unit of the
stage above, and a group's contribution is

``multiplier * f * m / (m - 1) * sum_j (z_j - mean z)(z_j - mean z)'``

with ``m`` units in the group, ``f = (N - m) / N`` (1 without an fpc), ``z_j`` the unit
totals of the influence values and ``multiplier`` the product of the sampling fractions
``n / N`` of the group's ancestors (1 at the first stage).

The first stage has few units (PSUs): :func:`stage_cov` works on their dense totals.  A
later stage may have as many units as rows (residents sampled within afdelinger), and
the unit totals of every statistic of every domain would not fit in memory; there
:func:`sparse_stage_cov` uses ``sum_j c_j z_j z_j' - sum_g c_g S_g S_g' / m_g`` with the
unit totals as a sparse matrix (a unit has rows in few domains) and the group sums
``S_g`` dense.  Neither loops over groups or units.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

#: A sampling fraction below this counts as zero (R: ``all(f < 1e-7)``): a certainty group.
CERTAINTY = 1e-7


@dataclass(frozen=True)
class Stage:
    """The groups and units of one sampling stage.

    Parameters
    ----------
    unit_group
        Group code of each unit of this stage (non-decreasing: a group's units are
        consecutive).  At the first stage the groups are the strata.
    fpc_fraction
        Per group ``f = (N - m) / N`` (1 without a finite population correction).
    multiplier
        Per group, the product of the sampling fractions ``n / N`` of its ancestor groups
        (1 at the first stage).
    group_parent
        Per group, the code of the unit of the stage above that holds it (all 0 at the
        first stage); the ``"average"`` rule averages over the groups of one parent, as
        R's recursion does.
    row_unit
        The unit of this stage of every row (None at the first stage: the engine's PSUs).
    """

    unit_group: np.ndarray
    fpc_fraction: np.ndarray
    multiplier: np.ndarray
    group_parent: np.ndarray
    row_unit: np.ndarray | None = None

    @property
    def n_units(self) -> int:
        """Number of units of this stage."""
        return int(self.unit_group.shape[0])

    @property
    def n_groups(self) -> int:
        """Number of groups (strata within parent units) of this stage."""
        return int(self.fpc_fraction.shape[0])

    @property
    def counts(self) -> np.ndarray:
        """Units per group."""
        return np.bincount(self.unit_group, minlength=self.n_groups)

    @property
    def lonely(self) -> np.ndarray:
        """Groups with one unit that was not taken with certainty (a stratum whose only
        unit is its whole population adds no variance and is not lonely)."""
        return (self.counts == 1) & (self.fpc_fraction >= CERTAINTY)


def _group_sums(totals: np.ndarray, counts: np.ndarray) -> np.ndarray:
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    sums = np.zeros((counts.shape[0], totals.shape[1]))
    nonempty = counts > 0
    if totals.shape[0]:
        sums[nonempty] = np.add.reduceat(totals, starts[nonempty], axis=0)
    return sums


def _scale(stage: Stage, lonely_psu: str) -> tuple[np.ndarray, np.ndarray]:
    """Per group: the factor of its sum of squares and whether its units are centred."""
    counts, f, lonely = stage.counts, stage.fpc_fraction, stage.lonely
    scale = np.where(counts > 1, f * counts / np.maximum(counts - 1, 1), f)
    scale = np.where(f < CERTAINTY, 0.0, scale) * stage.multiplier
    if lonely_psu == "average":
        scale = np.where(lonely, 0.0, scale)
    return scale, ~(lonely & (lonely_psu == "adjust"))


def _average_factor(stage: Stage, present: np.ndarray | None) -> np.ndarray:
    """Per group and column: groups present in the parent / those present and not lonely.

    ``present`` (groups x columns) says which groups hold rows of each statistic's domain
    (None: every group, one column); R's ``multistage`` scales the sum over the non-lonely
    groups by this ratio, counting the strata of the (sub)design it is given.
    """
    if present is None:
        present = np.ones((stage.n_groups, 1), dtype=bool)
    n_parent = int(stage.group_parent.max()) + 1 if stage.n_groups else 0
    all_present = np.zeros((n_parent, present.shape[1]))
    ok_present = np.zeros_like(all_present)
    np.add.at(all_present, stage.group_parent, present)
    np.add.at(ok_present, stage.group_parent, present & ~stage.lonely[:, None])
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(all_present > 0, all_present / ok_present, 1.0)
    return np.asarray(ratio[stage.group_parent])


def _averaging(stage: Stage, lonely_psu: str) -> bool:
    return lonely_psu == "average" and bool(stage.lonely.any())


def stage_cov(
    totals: np.ndarray, stage: Stage, lonely_psu: str, present: np.ndarray | None = None
) -> np.ndarray:
    """Covariance contribution of one stage from its dense unit totals (``units x k``).

    ``lonely_psu`` decides what a lonely group (one unit, not a certainty) adds: nothing
    (``"remove"``, ``"certainty"``), its unit total's squared deviation from zero
    (``"adjust"``), or nothing while the other groups of the same parent are scaled up to
    stand in for it (``"average"``; ``present`` as in :func:`_average_factor`).

    Examples
    --------
    Two strata of two units, no fpc: ``sum_h 2 (z_1 - z_2)^2 / 2``:

    >>> st = Stage(np.array([0, 0, 1, 1]), np.ones(2), np.ones(2), np.zeros(2, dtype=int))
    >>> float(stage_cov(np.array([[1.0], [3.0], [2.0], [2.0]]), st, "remove")[0, 0])
    4.0
    """
    counts = stage.counts
    scale, centre = _scale(stage, lonely_psu)
    means = _group_sums(totals, counts) / np.maximum(counts, 1)[:, None]
    centred = totals - (means * centre[:, None])[stage.unit_group]
    if _averaging(stage, lonely_psu):
        factor = _average_factor(stage, present) * scale[:, None]
        with np.errstate(invalid="ignore"):
            scaled = centred * np.sqrt(factor)[stage.unit_group]
    else:
        scaled = centred * np.sqrt(scale)[stage.unit_group][:, None]
    return np.asarray(scaled.T @ scaled)


def unit_matrix(
    values: np.ndarray, domain: np.ndarray, n_domains: int, row_unit: np.ndarray,
    n_units: int, factor: np.ndarray | None = None, row_group: np.ndarray | None = None,
) -> sp.csr_matrix:
    """Sparse unit totals of influence values in domain form, ``(units, V * D)``.

    ``factor`` (groups x columns) multiplies each entry by the factor of its unit's group
    (``row_group``) and column (the ``"average"`` rule with domain-dependent groups).
    """
    inside = np.flatnonzero(domain >= 0)
    V = values.shape[1]
    rows = np.tile(row_unit[inside], V)
    cols = (np.arange(V)[:, None] * n_domains + domain[inside][None, :]).ravel()
    data = values[inside, :].T.ravel()
    if factor is not None and row_group is not None:
        groups = np.tile(row_group[inside], V)
        data = data * factor[groups, 0 if factor.shape[1] == 1 else cols]
    keep = data != 0
    return sp.csr_matrix((data[keep], (rows[keep], cols[keep])),
                         shape=(n_units, V * n_domains))


@dataclass(frozen=True)
class Explained:
    """What calibration explains of the unit totals: ``B @ C`` (``B`` sparse)."""

    B: sp.csr_matrix  # (units, Q)
    C: np.ndarray  # (Q, k)


def sparse_stage_cov(
    Z: sp.csr_matrix, stage: Stage, lonely_psu: str, present: np.ndarray | None = None,
    explained: Explained | None = None,
) -> np.ndarray:
    """Covariance contribution of a later stage from sparse unit totals ``Z`` (minus what
    calibration explains, ``explained``): ``sum_j c_j z_j z_j' - sum_g c_g S_g S_g' / m_g``
    over centred groups, as :func:`stage_cov` without forming dense unit totals.

    With the ``"average"`` rule and domain-dependent ``present``, ``Z`` must already
    carry the square roots of the factors (:func:`unit_matrix`); with ``present=None``
    the factor is one per group and enters the scale here.
    """
    scale, centre = _scale(stage, lonely_psu)
    if _averaging(stage, lonely_psu) and present is None:
        with np.errstate(invalid="ignore"):
            scale = scale * _average_factor(stage, None)[:, 0]
    counts = stage.counts
    unit_scale = scale[stage.unit_group]
    cZ = sp.diags(unit_scale) @ Z
    A = np.asarray((Z.T @ cZ).toarray())
    group_of = sp.csr_matrix((np.ones(stage.n_units), (stage.unit_group,
                                                       np.arange(stage.n_units))),
                             shape=(stage.n_groups, stage.n_units))
    S = np.asarray((group_of @ Z).toarray())
    if explained is not None:
        B, C = explained.B, explained.C
        ZcB = np.asarray((Z.T @ (sp.diags(unit_scale) @ B)).toarray()) @ C
        BcB = (B.T @ (sp.diags(unit_scale) @ B)).tocsr()
        A = A - ZcB - ZcB.T + C.T @ np.asarray(BcB @ C)
        S = S - np.asarray((group_of @ B).toarray()) @ C
    weight = np.where(centre & (counts > 0), scale / np.maximum(counts, 1), 0.0)
    return np.asarray(A - S.T @ (S * weight[:, None]))
