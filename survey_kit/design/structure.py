"""Checking and factorising the design columns (weights, strata, PSUs, fpc) once.

A design has one or more sampling stages.  Stage 1 draws PSUs within strata; stage ``s``
draws units within the units of stage ``s - 1`` (optionally within strata of its own).
Unit ids are read within the unit above (and within their stratum), as R's
``svydesign(ids=~psu+ssu, nest=TRUE)``: second-stage ids numbered 1, 2, ... afresh in every
PSU are distinct units.  Every stage's units are numbered so that the units of one
group (stratum within the unit above) are consecutive and the units below one unit are
consecutive, which lets the variance engine sum and centre them with ``np.add.reduceat``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from survey_kit.errors import DesignError
from survey_kit.estimate.stages import CERTAINTY, Stage
from survey_kit.estimate.variance import LONELY_PSU_RULES, VarianceEngine

#: A design column argument: one column, one column (or None) per stage, or None.
Columns = str | Sequence[str | None] | None


def _column(df: pd.DataFrame, name: str, role: str) -> pd.Series:
    if name not in df.columns:
        shown = ", ".join(map(str, df.columns[:12])) + (", ..." if len(df.columns) > 12 else "")
        raise DesignError(f"{role} column {name!r} is not in the data (columns: {shown})")
    return df[name]


def _first_bad_row(mask: np.ndarray, index: pd.Index) -> str:
    pos = int(np.flatnonzero(mask)[0])
    return f"row {index[pos]!r} (position {pos})"


def check_weights(df: pd.DataFrame, weight: str | None) -> np.ndarray:
    """Return the weights as floats, or raise DesignError naming the first bad row."""
    if weight is None:
        return np.ones(len(df))
    col = _column(df, weight, "weight")
    values = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values)
    if bad.any():
        first = col.iloc[int(np.flatnonzero(bad)[0])]
        raise DesignError(
            f"weight column {weight!r}: {int(bad.sum())} value(s) are missing or not numbers, "
            f"first at {_first_bad_row(bad, df.index)} (value {first!r}); "
            "every respondent needs a finite weight"
        )
    negative = values < 0
    if negative.any():
        raise DesignError(
            f"weight column {weight!r}: {int(negative.sum())} negative weight(s), first at "
            f"{_first_bad_row(negative, df.index)}; weights must be zero or positive"
        )
    return values


def _codes(df: pd.DataFrame, name: str | None, role: str) -> np.ndarray:
    """Sorted factor codes of a design column (all rows in one level when ``name`` is None)."""
    if name is None:
        return np.zeros(len(df), dtype=np.int64)
    col = _column(df, name, role)
    missing = col.isna().to_numpy()
    if missing.any():
        raise DesignError(
            f"{role} column {name!r}: {int(missing.sum())} missing value(s), first at "
            f"{_first_bad_row(missing, df.index)}; every respondent needs a {role}"
        )
    codes, _ = pd.factorize(col, sort=True)
    return codes.astype(np.int64)


def _nest(outer: np.ndarray, inner: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the (outer, inner) pairs in sorted order, and the outer code of each pair."""
    radix = int(inner.max()) + 1 if inner.size else 1
    uniq, code = np.unique(outer * radix + inner, return_inverse=True)
    return code.ravel().astype(np.int64), (uniq // radix).astype(np.int64)


@dataclass(frozen=True)
class StageColumns:
    """The columns of one sampling stage: stratum, unit id and fpc (any may be None)."""

    strata: str | None
    psu: str | None
    fpc: str | None


def _as_stage_list(value: Columns, n: int, role: str) -> list[str | None] | None:
    if value is None or isinstance(value, str):
        return None if value is None else [value]
    values = list(value)
    if len(values) != n:
        raise DesignError(
            f"{role} lists {len(values)} column(s) but psu has {n} stage(s); give one {role} "
            f"column (or None) per stage, e.g. {role}={['...'] * n}"
        )
    return values


def stage_columns(strata: Columns, psu: Columns, fpc: Columns) -> list[StageColumns]:
    """One :class:`StageColumns` per stage, or DesignError when the lists do not fit.

    Examples
    --------
    >>> [s.psu for s in stage_columns("h", ["dnum", "snum"], ["f1", "f2"])]
    ['dnum', 'snum']
    """
    psus: list[str | None] = [psu] if psu is None or isinstance(psu, str) else list(psu)
    if not psus:
        raise DesignError("psu=[] names no stage; give a column per stage or psu=None")
    n = len(psus)
    if n > 1 and psus[0] is None:
        raise DesignError("psu: the first stage needs a PSU column; None is allowed for later "
                          "stages only (each row its own unit)")
    strata_list = _as_stage_list(strata, n, "strata")
    fpc_list = _as_stage_list(fpc, n, "fpc")
    if fpc_list is not None and len(fpc_list) != n:
        raise DesignError(
            f"fpc names 1 column but psu has {n} stages; give one fpc column per stage "
            f"(R: fpc=~fpc1+fpc2), e.g. fpc={['...'] * n}, or fpc=None")
    strata_list = strata_list or [None]
    strata_list = strata_list + [None] * (n - len(strata_list))
    fpc_list = fpc_list or [None] * n
    return [StageColumns(strata_list[s], psus[s], fpc_list[s]) for s in range(n)]


def _population(
    df: pd.DataFrame, name: str | None, group: np.ndarray, counts: np.ndarray,
    where: Callable[[int], str], units: str,
) -> np.ndarray:
    """Population size per group from a count or sampling-fraction column (inf: no fpc)."""
    G = counts.shape[0]
    if name is None:
        return np.full(G, np.inf)
    values = pd.to_numeric(_column(df, name, "fpc"), errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values) | (values <= 0)
    if bad.any():
        raise DesignError(
            f"fpc column {name!r}: value {values[np.flatnonzero(bad)[0]]!r} at "
            f"{_first_bad_row(bad, df.index)} is not a positive number"
        )
    lo = np.full(G, np.inf)
    hi = np.full(G, -np.inf)
    np.minimum.at(lo, group, values)
    np.maximum.at(hi, group, values)
    varying = hi - lo > 1e-9 * np.maximum(1.0, np.abs(hi))
    if varying.any():
        g = int(np.flatnonzero(varying)[0])
        raise DesignError(
            f"fpc column {name!r} varies within {where(g)} ({lo[g]:g} to {hi[g]:g}); "
            "it must be one population count or sampling fraction per stratum"
        )
    if np.all(hi <= 1.0):
        return counts / hi  # sampling fractions, as R: popsize = n / fraction
    short = hi < counts - 1e-9
    if short.any():
        g = int(np.flatnonzero(short)[0])
        raise DesignError(
            f"fpc column {name!r}: {where(g)} has population size {hi[g]:g} but "
            f"{int(counts[g])} sampled {units}; the population count must be at least the "
            "sample count"
        )
    return hi


@dataclass(frozen=True)
class _Level:
    """One stage, factorised: codes per row and the stage's :class:`Stage` layout."""

    unit: np.ndarray  # unit code per row
    group: np.ndarray  # group code per row
    unit_group: np.ndarray
    group_parent: np.ndarray
    population: np.ndarray  # per group (inf without fpc)
    counts: np.ndarray  # units per group


def _describe_groups(
    df: pd.DataFrame, group: np.ndarray, n_groups: int, cols: Sequence[StageColumns], s: int
) -> list[str]:
    """A readable name of each group of stage ``s`` (0-based): the columns that define it,
    e.g. ``stratum 'h01'`` or ``stage-2 stratum (dnum=15, stype='E')``."""
    first = np.zeros(n_groups, dtype=np.int64)
    first[group[::-1]] = np.arange(group.shape[0])[::-1]
    names = [c for st in cols[:s] for c in (st.strata, st.psu) if c is not None]
    stratum = cols[s].strata
    if stratum is not None:
        names.append(stratum)
    if not names:
        return ["the design"] * n_groups
    label = "stratum" if s == 0 else f"stage-{s + 1} stratum"
    out = []
    for pos in first:
        values = [_plain(df[c].iloc[int(pos)]) for c in names]
        out.append(f"{label} " + (repr(values[0]) if len(names) == 1 and s == 0 else
                                  "(" + ", ".join(f"{c}={v!r}" for c, v in
                                                  zip(names, values, strict=True)) + ")"))
    return out


def _plain(value: object) -> object:
    """A numpy scalar as the Python value (so messages show ``15``, not ``np.int64(15)``)."""
    return value.item() if isinstance(value, np.generic) else value


def _level(
    df: pd.DataFrame, cols: Sequence[StageColumns], s: int, parent: np.ndarray,
) -> _Level:
    """Factorise stage ``s`` (0-based) within the units ``parent`` of the stage above."""
    stage = cols[s]
    role = "psu" if s == 0 else f"stage-{s + 1} psu"
    group, group_parent = _nest(parent, _codes(df, stage.strata, "strata"))
    ids = np.arange(len(df), dtype=np.int64) if stage.psu is None else _codes(df, stage.psu, role)
    unit, unit_group = _nest(group, ids)
    counts = np.bincount(unit_group, minlength=group_parent.shape[0]).astype(float)

    def where(g: int) -> str:  # group names are built only for an error message
        return _describe_groups(df, group, counts.shape[0], cols, s)[g]

    population = _population(df, stage.fpc, group, counts, where,
                             "PSUs" if s == 0 else "units")
    return _Level(unit, group, unit_group, group_parent, population, counts)


def _fraction(level: _Level) -> np.ndarray:
    """``f = (N - n) / N`` per group (1 without an fpc)."""
    with np.errstate(invalid="ignore"):
        return np.where(np.isfinite(level.population),
                        (level.population - level.counts) / level.population, 1.0)


def _check_lonely(
    df: pd.DataFrame, levels: list[_Level], cols: Sequence[StageColumns], lonely_psu: str
) -> None:
    if lonely_psu != "fail":
        return
    for s, level in enumerate(levels):
        lonely = np.flatnonzero((level.counts == 1) & (_fraction(level) >= CERTAINTY))
        if not lonely.size:
            continue
        names = _describe_groups(df, level.group, level.counts.shape[0], cols, s)
        shown = ", ".join(names[g].split(" ", 1)[1] for g in lonely[:5])
        more = " (and more)" if lonely.size > 5 else ""
        if s == 0 and cols[0].strata is None:
            raise DesignError("the design has only one PSU; a variance needs at least two")
        if s == 0:
            raise DesignError(
                f"stratum {shown} has only one PSU{more}; a variance needs two PSUs per "
                "stratum (or an fpc saying the stratum's PSUs were all taken): merge the "
                "stratum with a similar one, or choose lonely_psu='remove', 'adjust', "
                "'certainty' or 'average'")
        raise DesignError(
            f"{names[lonely[0]]}{more} has only one sampled unit of "
            f"{cols[s].psu or 'rows'!r}; a variance needs two per stage-{s + 1} stratum (or "
            "an fpc equal to the sample count when all were taken): choose lonely_psu="
            "'remove', 'adjust', 'certainty' or 'average'")


def _levels(df: pd.DataFrame, cols: Sequence[StageColumns]) -> list[_Level]:
    """Factorise every stage whose variance R computes: all with an fpc at every stage
    above; a stage below one without fpc (sampling fraction 0) adds nothing."""
    levels = [_level(df, cols, 0, np.zeros(len(df), dtype=np.int64))]
    for s in range(1, len(cols)):
        if cols[s - 1].fpc is None:
            break
        levels.append(_level(df, cols, s, levels[-1].unit))
    return levels


def _engine(levels: list[_Level], lonely_psu: str) -> VarianceEngine:
    first = levels[0]
    fraction = _fraction(first)
    multiplier = np.ones_like(fraction)
    stages = []
    for s in range(1, len(levels)):
        above, level = levels[s - 1], levels[s]
        sampled = np.where(np.isfinite(above.population), above.counts / above.population, 0.0)
        above_f = multiplier * sampled
        multiplier = above_f[above.unit_group[level.group_parent]]
        stages.append(Stage(level.unit_group, _fraction(level), multiplier,
                            level.group_parent, level.unit))
    return VarianceEngine(first.unit, first.unit_group, fraction, lonely_psu,
                          stages=tuple(stages))


def _fpc_weights(levels: list[_Level], cols: Sequence[StageColumns]) -> np.ndarray:
    """Weights from the stage sampling fractions: ``prod_s N_s / n_s`` (R without weights)."""
    missing = [s + 1 for s, c in enumerate(cols) if c.fpc is None]
    if missing or len(levels) < len(cols):
        raise DesignError(
            f"weight=None with an fpc needs an fpc for every stage to derive the weights; "
            f"stage {missing[0] if missing else len(levels) + 1} has none: give weight= or "
            "an fpc column for each stage")
    weights = np.ones(levels[0].unit.shape[0])
    for level in levels:
        weights = weights * (level.population / level.counts)[level.group]
    return weights


def build_design(
    df: pd.DataFrame,
    weight: str | None,
    strata: Columns,
    psu: Columns,
    fpc: Columns,
    lonely_psu: str,
) -> tuple[np.ndarray, VarianceEngine]:
    """Weights and :class:`VarianceEngine` of a one- or multistage design.

    ``strata``, ``psu`` and ``fpc`` are one column or a list with one column (or None) per
    stage; ``weight=None`` with an fpc derives the weights from the stage sampling fractions
    (R: ``svydesign(ids=~a+b, fpc=~fa+fb)`` without weights), without an fpc every weight
    is 1.  The second and later stages enter the variance only where every stage above has
    an fpc, as in R.

    Examples
    --------
    Two PSUs of 4 and two second-stage units of 10 in each (R:
    ``svydesign(ids=~p+s, fpc=~N1+N2, data=d)``):

    >>> d = pd.DataFrame({"p": [1, 1, 2, 2], "s": [1, 2, 1, 2], "N1": 4, "N2": 10})
    >>> w, eng = build_design(d, None, None, ["p", "s"], ["N1", "N2"], "fail")
    >>> w.tolist(), eng.n_psu, eng.stages[0].n_units
    ([10.0, 10.0, 10.0, 10.0], 2, 4)
    """
    if lonely_psu not in LONELY_PSU_RULES:
        raise DesignError(
            f"lonely_psu={lonely_psu!r} is not a known rule; expected one of "
            f"{', '.join(LONELY_PSU_RULES)}"
        )
    cols = stage_columns(strata, psu, fpc)
    levels = _levels(df, cols)
    if weight is None and any(c.fpc is not None for c in cols):
        weights = _fpc_weights(levels, cols)
    else:
        weights = check_weights(df, weight)
    _check_lonely(df, levels, cols, lonely_psu)
    return weights, _engine(levels, lonely_psu)
