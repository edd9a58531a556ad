"""One sampling stage of the variance: centred unit totals within groups, fpc, lonely units.

R's ``svyrecvar`` computes the variance of a multistage design recursively: the
with-replacement variance of the first-stage (PSU) totals within strata, plus, for every
PSU, the variance of its second-stage unit totals within the second-stage strata, scaled
by the first-stage sampling fraction ``n_h / N_h``, and so on down the stages.  Every
stage has the same form, which :func:`stage_cov` evaluates for all units of a stage at
once: the units are numbered so that the units of one *group* (a stratum of that stage
within one unit of the stage above) are consecutive, and a group's contribution is

``multiplier * f * m / (m - 1) * sum_j (z_j - mean z)(z_j - mean z)'``

with ``m`` units in the group, ``f = (N - m) / N`` (1 without an fpc) and ``multiplier``
the product of the sampling fractions of the group's ancestors (1 at the first stage).
No loop over groups or units: sums within groups are one ``np.add.reduceat``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

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
    first_unit
        Per unit of this stage, the position of its first finest unit: the finest units
        of one unit are consecutive, so unit totals are ``np.add.reduceat`` of the finest
        totals (None: the units of this stage are the finest units).
    """

    unit_group: np.ndarray
    fpc_fraction: np.ndarray
    multiplier: np.ndarray
    group_parent: np.ndarray
    first_unit: np.ndarray | None = None

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

    def unit_totals(self, finest: np.ndarray) -> np.ndarray:
        """Totals of this stage's units from the totals of the finest units."""
        if self.first_unit is None or finest.shape[0] == 0:
            return finest
        return np.add.reduceat(finest, self.first_unit, axis=0)


def _group_sums(totals: np.ndarray, counts: np.ndarray) -> np.ndarray:
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    sums = np.zeros((counts.shape[0], totals.shape[1]))
    nonempty = counts > 0
    if totals.shape[0]:
        sums[nonempty] = np.add.reduceat(totals, starts[nonempty], axis=0)
    return sums


def _average_factor(stage: Stage, present: np.ndarray | None, k: int) -> np.ndarray:
    """Per group and column: groups present in the parent / those present and not lonely.

    ``present`` (groups x columns) says which groups hold rows of each statistic's domain
    (None: every group); R's ``multistage`` scales the sum over the non-lonely groups by
    this ratio, counting the strata of the (sub)design it is given.
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
    return np.broadcast_to(ratio[stage.group_parent], (stage.n_groups, k))


def stage_cov(
    totals: np.ndarray, stage: Stage, lonely_psu: str, present: np.ndarray | None = None
) -> np.ndarray:
    """Covariance contribution of one stage from its unit totals (``units x k``).

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
    f = stage.fpc_fraction
    lonely = stage.lonely
    means = _group_sums(totals, counts) / np.maximum(counts, 1)[:, None]
    centre = ~(lonely & (lonely_psu == "adjust"))
    centred = totals - (means * centre[:, None])[stage.unit_group]
    scale = np.where(counts > 1, f * counts / np.maximum(counts - 1, 1), f)
    scale = np.where(f < CERTAINTY, 0.0, scale) * stage.multiplier
    if lonely_psu == "average" and lonely.any():
        scale = np.where(lonely, 0.0, scale)
        factor = _average_factor(stage, present, totals.shape[1]) * scale[:, None]
        with np.errstate(invalid="ignore"):
            scaled = centred * np.sqrt(factor)[stage.unit_group]
    else:
        scaled = centred * np.sqrt(scale)[stage.unit_group][:, None]
    return np.asarray(scaled.T @ scaled)
