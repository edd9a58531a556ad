"""The LP audit against independent references: exact integer ranges by enumeration, and
recovery by subtraction, on random small linked tables (a two-way table with its margins)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey_kit.disclosure import Published, Side, SuppressionRule, Target, audit_cells, universe
from survey_kit.disclosure.linked import link
from survey_kit.disclosure.protect import protect

MAX_CELL = 4
"""Largest count of an inner cell in the random tables (a 3 x 3 table's total is at most 36)."""
CAP = 36
"""Largest count tried for a hidden inner cell when enumerating: a cell that a shown figure
bounds never exceeds it."""


def two_way(counts: np.ndarray, sums: np.ndarray) -> pd.DataFrame:
    """Total, row margins, column margins and inner cells of a table (n and mean)."""
    r, c = counts.shape
    rows = [({}, counts.sum(), sums.sum())]
    rows += [({"row": f"r{i}"}, counts[i].sum(), sums[i].sum()) for i in range(r)]
    rows += [({"col": f"c{j}"}, counts[:, j].sum(), sums[:, j].sum()) for j in range(c)]
    rows += [({"row": f"r{i}", "col": f"c{j}"}, counts[i, j], sums[i, j])
             for i in range(r) for j in range(c)]
    return pd.DataFrame([{"variable": "v", "row": k.get("row"), "col": k.get("col"), "n": n,
                          "estimate": s / n if n else np.nan} for k, n, s in rows])


def cells_of(frame: pd.DataFrame, r: int, c: int) -> np.ndarray:
    """Per published row, which inner cells (row-major) it adds up."""
    out = np.zeros((len(frame), r * c), dtype=bool)
    for k, (row, col) in enumerate(zip(frame["row"], frame["col"], strict=True)):
        for i, j in itertools.product(range(r), range(c)):
            out[k, i * c + j] = (pd.isna(row) or row == f"r{i}") and (pd.isna(col) or
                                                                      col == f"c{j}")
    return out


def audit(frame: pd.DataFrame, hidden_rows: np.ndarray, additive: bool, threshold: int = 10
          ) -> pd.DataFrame:
    table = Published("t", frame, (Side(frame[["row", "col"]], "n", "estimate"),))
    r, c = frame["row"].nunique(), frame["col"].nunique()
    linked = link([table], universe({"row": [f"r{i}" for i in range(r)],
                                     "col": [f"c{j}" for j in range(c)]}))
    ids = linked.refs["t"][0]
    hidden = np.zeros(len(linked.domains), dtype=bool)
    hidden[ids[hidden_rows]] = True
    out = audit_cells(linked, hidden, [(int(d), "v") for d in ids[hidden_rows]],
                      Target(threshold, 0.1, additive)).ranges
    return out.set_index("domain").loc[ids[hidden_rows]].reset_index()


def enumerate_ranges(counts: np.ndarray, members: np.ndarray, hidden_rows: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Exact integer (min, max) count of each hidden row over every table that agrees with
    the shown rows, by enumerating the hidden inner cells in 0..CAP."""
    flat = counts.ravel()
    inner = members.sum(axis=1) == 1
    free = [int(np.flatnonzero(members[k])[0]) for k in np.flatnonzero(inner & hidden_rows)]
    grid = np.array(list(itertools.product(range(CAP + 1), repeat=len(free))), dtype=float)
    tables = np.tile(flat.astype(float), (len(grid), 1))
    tables[:, free] = grid
    values = tables @ members.T.astype(float)
    ok = (values[:, ~hidden_rows] == (members[~hidden_rows] @ flat)).all(axis=1)
    feasible = values[ok][:, hidden_rows]
    return feasible.min(axis=0), feasible.max(axis=0)


def lines(frame: pd.DataFrame) -> list[list[int]]:
    """The lines of a two-way table, total first: total = rows = columns, each row margin =
    its cells, each column margin = its cells."""
    row, col = frame["row"].fillna(""), frame["col"].fillna("")
    at = {(a, b): k for k, (a, b) in enumerate(zip(row, col, strict=True))}
    rows, cols = sorted(set(row) - {""}), sorted(set(col) - {""})
    out = [[at[("", "")], *(at[(a, "")] for a in rows)],
           [at[("", "")], *(at[("", b)] for b in cols)]]
    out += [[at[(a, "")], *(at[(a, b)] for b in cols)] for a in rows]
    out += [[at[("", b)], *(at[(a, b)] for a in rows)] for b in cols]
    return out


def subtraction(frame: pd.DataFrame, hidden_rows: np.ndarray) -> np.ndarray:
    """Hidden rows whose count and sum follow from the shown ones by repeated subtraction in
    lines (a total minus its other cells, or the sum of all cells)."""
    known = ~hidden_rows.copy()
    changed = True
    while changed:
        changed = False
        for line in lines(frame):
            unknown = [x for x in line if not known[x]]
            if len(unknown) == 1:
                known[unknown[0]] = True
                changed = True
    return known & hidden_rows


tables = st.tuples(st.integers(2, 3), st.integers(2, 3)).flatmap(
    lambda rc: st.tuples(st.just(rc), st.lists(st.integers(0, MAX_CELL), min_size=rc[0] * rc[1],
                                              max_size=rc[0] * rc[1]),
                         st.lists(st.booleans(), min_size=1 + rc[0] + rc[1] + rc[0] * rc[1],
                                  max_size=1 + rc[0] + rc[1] + rc[0] * rc[1])))


@settings(max_examples=80, deadline=None)
@given(table=tables)
def test_count_ranges_are_the_exact_integer_ranges(table: tuple) -> None:
    (r, c), flat, hide = table
    counts = np.array(flat).reshape(r, c)
    frame = two_way(counts, np.zeros_like(counts))
    hidden_rows = np.array(hide)
    members = cells_of(frame, r, c)
    if not hidden_rows.any() or (hidden_rows & (members.sum(axis=1) == 1)).sum() > 3:
        return
    ranges = audit(frame, hidden_rows, additive=False)
    low, high = enumerate_ranges(counts, members, hidden_rows)
    # a hidden row is bounded when every inner cell of it lies in some shown row
    covered = members[~hidden_rows].any(axis=0)
    bounded = ~(members[hidden_rows] & ~covered).any(axis=1)
    # two-way tables are totally unimodular: the LP ends are the integer ends
    np.testing.assert_allclose(ranges["count_low"], low, atol=1e-6)
    np.testing.assert_allclose(ranges["count_high"][bounded], high[bounded], atol=1e-6)
    assert np.isinf(ranges["count_high"][~bounded]).all()
    # flagged on the count exactly when every table the figures allow has it below 10
    pinned = (high < 10) & bounded
    assert (~ranges["protected"].to_numpy() == pinned).all()


@settings(max_examples=50, deadline=None)
@given(table=tables, data=st.data())
def test_every_cell_recovered_by_subtraction_is_flagged(table: tuple, data: st.DataObject
                                                        ) -> None:
    (r, c), flat, hide = table
    counts = np.array(flat).reshape(r, c)
    sums = np.array([data.draw(st.integers(0, n)) for n in flat]).reshape(r, c)
    frame = two_way(counts, sums)
    hidden_rows = np.array(hide) & (frame["n"] > 0).to_numpy()
    if not hidden_rows.any():
        return
    ranges = audit(frame, hidden_rows, additive=True)
    recovered = subtraction(frame, hidden_rows)[hidden_rows]
    assert not ranges["protected"].to_numpy()[recovered].any()
    truth = (frame["estimate"].to_numpy()[hidden_rows])
    assert (ranges["share_low"] <= truth + 1e-6).all() and (truth <= ranges["share_high"]
                                                           + 1e-6).all()
    n = frame["n"].to_numpy()[hidden_rows]
    assert (ranges["count_low"] <= n + 1e-6).all() and (n <= ranges["count_high"] + 1e-6).all()


def test_shares_pinned_by_two_cells_that_all_said_yes() -> None:
    """Two hidden cells of a line in which everyone said yes: counts are free, shares are
    not (the total's share is 1, so each cell's is)."""
    counts, sums = np.array([[4, 12], [30, 30]]), np.array([[4, 12], [10, 20]])
    frame = two_way(counts, sums)
    members = cells_of(frame, 2, 2)
    hidden_rows = (members.sum(axis=1) == 1) & members[:, :2].any(axis=1)  # r0's two cells
    hidden_rows |= (frame["row"].isna() & frame["col"].notna()).to_numpy()  # column margins
    ranges = audit(frame, hidden_rows, additive=True)  # rows: c0, c1, r0 x c0, r0 x c1
    small = ranges.iloc[2]
    assert small["count_high"] == pytest.approx(16) and small["share_low"] == pytest.approx(1)
    assert not small["protected"] and "share" in small["problem"]
    assert audit(frame, hidden_rows, additive=False).iloc[2]["protected"]


def test_protect_hides_more_until_the_shares_are_free() -> None:
    counts, sums = np.array([[4, 12], [30, 30]]), np.array([[4, 12], [10, 20]])
    frame = two_way(counts, sums)
    table = Published("t", frame, (Side(frame[["row", "col"]], "n", "estimate"),),
                      hidden=("n", "estimate"))
    atoms = universe({"row": ["r0", "r1"], "col": ["c0", "c1"]})
    out = protect([table], atoms, SuppressionRule(), additive=True)
    assert out.audit.unprotected.empty and len(out.audit.ranges) == 1
    assert out.audit.ranges["share_high"].iloc[0] - out.audit.ranges["share_low"].iloc[0] >= 0.2
    weak = protect([table], atoms, SuppressionRule(), additive=True, complementary=False)
    assert len(weak.audit.unprotected) == 1
    with pytest.raises(Exception, match="count can be pinned below 10"):
        weak.check()


def three_way(counts: np.ndarray, sums: np.ndarray, crossed: bool) -> pd.DataFrame:
    """Areas x gender x age: the total, each area, each gender, each age group (and gender x
    age when ``crossed``), as a run publishes a group, its areas and its subgroups."""
    a, g, k = counts.shape
    keys: list[dict[str, str]] = [{}]
    keys += [{"area": f"a{i}"} for i in range(a)]
    keys += [{"gender": f"g{i}"} for i in range(g)] + [{"age": f"k{i}"} for i in range(k)]
    if crossed:
        keys += [{"gender": f"g{i}", "age": f"k{j}"} for i in range(g) for j in range(k)]
    rows = []
    for key in keys:
        mask = np.ones(counts.shape, dtype=bool)
        for col, axis in (("area", 0), ("gender", 1), ("age", 2)):
            if col in key:
                index = [slice(None)] * 3
                keep = np.zeros(counts.shape[axis], dtype=bool)
                keep[int(key[col][1:])] = True
                index[axis] = ~keep
                mask[tuple(index)] = False
        n, s = counts[mask].sum(), sums[mask].sum()
        rows.append({"variable": "v", "area": key.get("area"), "gender": key.get("gender"),
                     "age": key.get("age"), "n": n, "estimate": s / n if n else np.nan})
    return pd.DataFrame(rows)


@settings(max_examples=30, deadline=None)
@given(shape=st.tuples(st.integers(2, 4), st.integers(2, 2), st.integers(2, 3)),
       crossed=st.booleans(), data=st.data())
def test_merging_cells_nothing_tells_apart_changes_no_range(
        shape: tuple[int, int, int], crossed: bool, data: st.DataObject) -> None:
    """The reduction of :mod:`survey_kit.disclosure.reduce` is exact: the same count and
    share ranges with and without it."""
    from survey_kit.disclosure import audit as audit_module

    size = int(np.prod(shape))
    counts = np.array(data.draw(st.lists(st.integers(0, 6), min_size=size, max_size=size)))
    sums = np.array([data.draw(st.integers(0, n)) for n in counts])
    frame = three_way(counts.reshape(shape), sums.reshape(shape), crossed)
    hide = np.array(data.draw(st.lists(st.booleans(), min_size=len(frame),
                                       max_size=len(frame))))
    if not hide.any():
        return
    table = Published("t", frame, (Side(frame[["area", "gender", "age"]], "n", "estimate"),))
    linked = link([table], universe({"area": [f"a{i}" for i in range(shape[0])],
                                     "gender": [f"g{i}" for i in range(shape[1])],
                                     "age": [f"k{i}" for i in range(shape[2])]}))
    ids = linked.refs["t"][0]
    hidden = np.zeros(len(linked.domains), dtype=bool)
    hidden[ids[hide]] = True
    cells = [(int(d), "v") for d in ids[hide]]
    target = Target(10, 0.1, additive=True)
    reduced = audit_cells(linked, hidden, cells, target).ranges
    with pytest.MonkeyPatch.context() as m:
        m.setattr(audit_module, "reduce", lambda p: p)
        full = audit_cells(linked, hidden, cells, target).ranges
    columns = ["count_low", "count_high", "share_low", "share_high"]
    np.testing.assert_allclose(reduced[columns].to_numpy(float), full[columns].to_numpy(float),
                               atol=1e-6)
