"""Replicate weights delivered with the data (R ``svrepdesign``): the columns, their checks,
and the variance constants ``scale`` and ``rscales`` each replicate type implies."""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from survey_kit.errors import DesignError

#: R's ``svrepdesign`` types (plus survey_kit's own ``subbootstrap``).
SUPPLIED_TYPES = ("BRR", "Fay", "JK1", "JKn", "bootstrap", "subbootstrap", "ACS",
                  "successive-difference", "JK2", "other")


def repweight_columns(df: pd.DataFrame, repweights: str | Sequence[str]) -> list[str]:
    """The replicate weight column names: a list of names, or a regular expression."""
    if isinstance(repweights, str):
        names = [str(c) for c in df.columns if re.search(repweights, str(c))]
        if not names:
            raise DesignError(f"repweights={repweights!r} matches no column of the data "
                              "(a regular expression, as R's svrepdesign)")
        return names
    names = list(repweights)
    missing = [name for name in names if name not in df.columns]
    if missing:
        raise DesignError(f"replicate weight column {missing[0]!r} is not in the data")
    if not names:
        raise DesignError("repweights is empty: give the replicate weight columns")
    return names


def replicate_matrix(df: pd.DataFrame, names: list[str]) -> np.ndarray:
    """The replicate weights as an ``(n, R)`` float array; complete and non-negative."""
    rep = df[names].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(rep)
    if bad.any():
        i, j = (int(k[0]) for k in np.nonzero(bad))
        raise DesignError(f"replicate weight column {names[j]!r} has a missing or non-numeric "
                          f"value in row {df.index[i]!r}; replicate weights must be complete")
    if (rep < 0).any():
        j = int(np.nonzero(rep < 0)[1][0])
        raise DesignError(f"replicate weight column {names[j]!r} has negative weights")
    return rep


def _given_rscales(rscales: Any, R: int) -> np.ndarray | None:
    if rscales is None:
        return None
    values = np.asarray(rscales, dtype=float).ravel()
    if values.size not in (1, R):
        raise DesignError(f"rscales has {values.size} values; expected one per replicate ({R})")
    return np.broadcast_to(values, (R,)).copy()


def _scale(type: str, rep: np.ndarray, combined: bool, scale: float | None,
           rho: float | None) -> float:
    """R's ``svrepdesign`` scale for ``type`` (given, fixed by the type, or guessed)."""
    R = rep.shape[1]
    fixed = {"BRR": 1.0 / R, "Fay": 1.0 / (R * (1 - (rho or 0.0)) ** 2), "ACS": 4.0 / R,
             "successive-difference": 4.0 / R, "JK2": 1.0}
    if type in fixed:
        if scale is not None:
            warnings.warn(f"type={type!r} sets its own scale; scale={scale!r} ignored (as R)",
                          stacklevel=4)
        return fixed[type]
    if scale is not None:
        return float(scale)
    if type in ("bootstrap", "subbootstrap"):
        return 1.0 / (R - 1)
    if type == "JK1":
        warnings.warn("JK1 scale (n-1)/n not given: guessed as R does", stacklevel=4)
        return (R - 1) / R if combined else 1.0 / float(rep[:, 0].max())
    if type == "other":
        warnings.warn("type='other' without scale: set to 1 (as R)", stacklevel=4)
    return 1.0


def variance_constants(type: str, rep: np.ndarray, combined: bool, scale: float | None,
                       rscales: Any, rho: float | None) -> tuple[float, np.ndarray]:
    """``scale`` and ``rscales`` as R's ``svrepdesign`` sets them for ``type``."""
    R = rep.shape[1]
    if type not in SUPPLIED_TYPES:
        raise DesignError(f"type={type!r} is not a replicate type; expected one of "
                          f"{', '.join(SUPPLIED_TYPES)}")
    if type == "Fay" and rho is None:
        raise DesignError("type='Fay' needs rho= (Fay's coefficient, e.g. 0.5)")
    given = _given_rscales(rscales, R)
    if type in ("ACS", "successive-difference", "JK2"):
        given = np.ones(R)
    if type == "JKn" and given is None:
        if combined:
            raise DesignError("type='JKn' with combined weights needs rscales= "
                              "((n_h - 1) / n_h for each replicate's stratum)")
        warnings.warn("JKn rscales (n-1)/n not given: guessed from the weights as R does",
                      stacklevel=3)
        given = 1.0 / rep.max(axis=0)
    return _scale(type, rep, combined, scale, rho), np.ones(R) if given is None else given
