"""Drafting items and scales from a data file: SPSS value labels or the distinct codes.

An SPSS column with value labels gives an item whose scale has the labelled codes; codes
declared user-missing, or labelled like "Ved ikke" / "Ønsker ikke at svare", become missing
codes.  A column without labels (CSV) gives an item when it holds few whole numbers: the
run of codes from the smallest up is the scale, typical missing codes above it (8, 9, 98,
99, ...) are missing codes, and other values above it are left out and reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from survey_kit.respondents.summary import MISSING_LIKE
from survey_kit.scaffold.roles import is_subgroup, role_of

MAX_CODES = 30
NUMERIC_FROM = 8  # a run of this many codes or more is a numeric scale (0-10, 1-10)
MAX_MISSING = 3
_GUESSED_MISSING = (("Ved ikke", "dont_know"), ("Ønsker ikke at svare", "refusal"),
                    ("Ikke relevant", "not_applicable"))
_KIND_WORDS = (
    ("refusal", re.compile(r"ønsker ikke|vil ikke|nægter|refus|ikke besvaret|ubesvaret|"
                           r"no answer|not answered|prefer not", re.IGNORECASE)),
    ("not_applicable", re.compile(r"ikke relevant|irrelevant|not applicable|n/a",
                                  re.IGNORECASE)),
    ("dont_know", re.compile(r"ved ikke|ved det ikke|don.?t know|do not know|vet ej|uvist",
                             re.IGNORECASE)),
)


@dataclass(frozen=True)
class ScaleDraft:
    """A guessed scale: kind, valid codes with labels, missing codes with label and kind."""

    kind: str
    codes: tuple[int, ...]
    labels: tuple[tuple[int, str], ...]
    missing: tuple[tuple[int, str, str], ...]
    labelled: bool


@dataclass(frozen=True)
class ItemDraft:
    """A guessed item: its column, question text (when known) and scale."""

    column: str
    text: str | None
    scale: ScaleDraft


@dataclass(frozen=True)
class Inferred:
    """Items found, and notes on columns left out or values outside the scales."""

    items: tuple[ItemDraft, ...]
    notes: tuple[str, ...] = field(default=())


def infer_items(data: pd.DataFrame) -> Inferred:
    """Item and scale drafts for every column that looks like answer codes.

    Examples
    --------
    >>> d = pd.DataFrame({"q1": [1, 5, 9, 2, 3, 4], "q2": [1, 2, 33, 2, 1, 1]})
    >>> found = infer_items(d)
    >>> [(i.column, i.scale.codes, i.scale.missing) for i in found.items]
    [('q1', (1, 2, 3, 4, 5), ((9, 'Ved ikke', 'dont_know'),)), ('q2', (1, 2), ())]
    >>> found.notes
    ("value 33 in 'q2' (1 row) is left out of its scale: correct the data or add the code",)
    """
    value_labels: dict[str, dict[Any, str]] = data.attrs.get("value_labels", {})
    missing_ranges: dict[str, list[dict[str, Any]]] = data.attrs.get("missing_ranges", {})
    texts: dict[str, str] = data.attrs.get("column_labels", {})
    items, notes = [], []
    for column in data.columns:
        name = str(column)
        if role_of(name) is not None or is_subgroup(name) or name in ("index", "source_row"):
            continue
        values = data[column]
        if name in value_labels:
            scale = _from_labels(values, value_labels[name], missing_ranges.get(name, []))
        else:
            scale, note = _from_values(name, values)
            notes += note
        if scale is not None:
            items.append(ItemDraft(name, texts.get(name), scale))
    return Inferred(tuple(items), tuple(notes))


def missing_kind(label: str) -> str | None:
    """The kind of missing code a label suggests, or None.

    Examples
    --------
    >>> missing_kind("Ved ikke"), missing_kind("Ønsker ikke at svare"), missing_kind("Tryg")
    ('dont_know', 'refusal', None)
    """
    for kind, pattern in _KIND_WORDS:
        if pattern.search(label):
            return kind
    return None


def _whole(values: pd.Series) -> np.ndarray | None:
    """Sorted distinct whole numbers of a numeric column, or None."""
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return None
    found = np.unique(values.dropna().to_numpy(dtype=float))
    if found.size == 0 or not np.all(np.mod(found, 1) == 0):
        return None
    return found.astype(int)


def _from_labels(
    values: pd.Series, labels: dict[Any, str], ranges: list[dict[str, Any]]
) -> ScaleDraft | None:
    """A scale from SPSS value labels and user-missing ranges."""
    codes = {int(k): str(v).strip() for k, v in labels.items()
             if isinstance(k, int | float) and float(k).is_integer()}
    declared = {c for c in codes for r in ranges if r["lo"] <= c <= r["hi"]}
    missing = sorted(c for c in codes if c in declared or missing_kind(codes[c]))
    valid = sorted(c for c in codes if c not in missing)
    if len(valid) < 2:
        return None
    present = _whole(values)
    inside = [] if present is None else [int(v) for v in present if valid[0] <= v <= valid[-1]]
    valid = sorted(set(valid) | set(inside))
    span = range(valid[0], valid[-1] + 1)
    anchors_only = len(span) >= NUMERIC_FROM and any(c not in codes for c in span)
    if anchors_only:
        kind, valid, named = "numeric", list(span), [(c, codes[c]) for c in span if c in codes]
    else:
        kind, named = "ordinal", [(c, codes.get(c, str(c))) for c in valid]
    miss = tuple((c, codes[c], missing_kind(codes[c]) or "dont_know")
                 for c in missing[:MAX_MISSING])
    return ScaleDraft(kind, tuple(valid), tuple(named), miss, labelled=True)


def _from_values(name: str, values: pd.Series) -> tuple[ScaleDraft | None, list[str]]:
    """A scale from the distinct whole numbers of a column without labels."""
    found = _whole(values)
    if found is None or found.size < 2 or found.size > MAX_CODES:
        return None, []
    block = [int(found[0])]
    for value in found[1:]:
        step = int(value) - block[-1]
        if step == 1 or (step == 2 and int(value) not in MISSING_LIKE):
            block.append(int(value))
        else:
            break
    rest = [int(v) for v in found[len(block):]]
    missing = [v for v in rest if v in MISSING_LIKE][:MAX_MISSING]
    outliers = [v for v in rest if v not in missing]
    if len(block) < 2:
        return None, []
    notes = [_outlier_note(name, values, v) for v in outliers]
    codes = tuple(range(block[0], block[-1] + 1))
    kind = "numeric" if len(codes) >= NUMERIC_FROM else "ordinal"
    labels = () if kind == "numeric" else tuple((c, str(c)) for c in codes)
    miss = tuple((c, *_GUESSED_MISSING[i]) for i, c in enumerate(missing))
    return ScaleDraft(kind, codes, labels, miss, labelled=False), notes


def _outlier_note(name: str, values: pd.Series, value: int) -> str:
    count = int((values == value).sum())
    rows = "row" if count == 1 else "rows"
    return (f"value {value} in {name!r} ({count} {rows}) is left out of its scale: "
            "correct the data or add the code")
