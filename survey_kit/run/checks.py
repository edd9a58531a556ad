"""Checks of a run configuration against the data it is run on.

What the TOML file alone cannot tell: whether its column names are the data's (matched
ignoring case, with a note: SPSS exports often have upper-case names), whether each round's
file has the item columns the questionnaire asks in that round, whether the group values and
label keys it names occur in the data, and whether every round the margins name has
respondents.  Errors are one line naming the key or file; notes go to the run summary.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from survey_kit.errors import ConfigError, DataValidationError
from survey_kit.respondents.recode import YEAR_COLUMN, read_rounds, segments
from survey_kit.run.config import HEADINGS, NOUNS, PHRASES, TEXTS, RunConfig
from survey_kit.run.strict import did_you_mean, listing
from survey_kit.spec import Questionnaire


def value_key(value: object) -> str:
    """A data value as the key of a ``[labels.<column>]`` table: its text, whole floats
    without ``.0`` (a column of codes with blanks is read as floats).

    Examples
    --------
    >>> value_key(2.0), value_key(True), value_key("K"), value_key(2.5)
    ('2', 'True', 'K', '2.5')
    """
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def config_columns(cfg: RunConfig) -> list[str]:
    """Every data column the configuration names (design, comparison, weighting, id)."""
    named = [cfg.id_column, cfg.weight, cfg.strata, cfg.psu, cfg.fpc, cfg.year, cfg.area,
             cfg.area_group,
             None if cfg.group_from else cfg.group, *cfg.group_from, *cfg.subgroups,
             *cfg.weighting_by, *(c for crossing in cfg.crossings for c in crossing)]
    return list(dict.fromkeys(c for c in named if c))


def item_columns(q: Questionnaire) -> list[str]:
    """Every column the questionnaire's items are read from (ids and round variants)."""
    out = [item.id for item in q.items]
    out += [v.column for item in q.items for v in item.variants if v.column]
    return list(dict.fromkeys(out))


def match_columns(data: pd.DataFrame, wanted: Iterable[str], shown: str
                  ) -> tuple[pd.DataFrame, str | None]:
    """Rename columns that match a wanted name only when case is ignored (``TRYG1`` ->
    ``tryg1``); returns the data and a note naming them, or None.

    Examples
    --------
    >>> d, note = match_columns(pd.DataFrame({"RESP_ID": [1], "Q1": [2]}), ["resp_id", "q1"],
    ...                         "svar.sav")
    >>> list(d.columns), note
    (['resp_id', 'q1'], "svar.sav: 2 column names matched ignoring case: 'RESP_ID' as \
'resp_id', 'Q1' as 'q1'")
    """
    present = set(map(str, data.columns))
    folded: dict[str, list[str]] = {}
    for column in map(str, data.columns):
        folded.setdefault(column.strip().casefold(), []).append(column)
    renames = {}
    for name in wanted:
        candidates = folded.get(name.casefold(), [])
        if name not in present and len(candidates) == 1 and candidates[0] not in renames:
            renames[candidates[0]] = name
    if not renames:
        return data, None
    shown_pairs = listing((f"{old!r} as {new!r}" for old, new in renames.items()), 5)
    note = (f"{shown}: {len(renames)} column name{'s' if len(renames) > 1 else ''} matched "
            f"ignoring case: {shown_pairs}")
    return data.rename(columns=renames), note


def check_item_columns(q: Questionnaire, data: pd.DataFrame, shown: str) -> None:
    """Raise naming the file when it lacks an item column the questionnaire asks in one of
    the file's rounds (an item the spec marks ``new_in``/``dropped_in`` is not needed in a
    round where it was not asked)."""
    rounds = read_rounds(q, data)
    missing = list(dict.fromkeys(seg.column for item in q.items
                                 for seg in segments(item, rounds)
                                 if seg.column not in data.columns))
    if not missing:
        return
    years = () if rounds.years is None else sorted({int(y) for y in rounds.years
                                                    if not np.isnan(y)})
    where = f" (round {', '.join(map(str, years))})" if years else ""
    raise DataValidationError(
        f"{shown}{where}: lacks {len(missing)} item column(s) of questionnaire {q.name!r}: "
        f"{listing(missing, 8)}; if the item was not asked in that round, mark it with "
        "new_in/dropped_in in the spec")


def check_values(cfg: RunConfig, data: pd.DataFrame) -> list[str]:
    """Check the group values and label keys of the configuration against the data (with
    the derived comparison group, if any); return notes for the run summary.

    A group value in ``groups`` or ``focus`` that the data do not have is an error.  A
    ``[labels.<column>]`` key that matches no value of the column is an error when some value
    of the column has no label either (a misspelt or miscoded key: the reports would show
    the raw values), and a note when every value is labelled (a category absent this time).
    """
    notes: list[str] = []
    if cfg.group and cfg.group in data.columns:
        found = _values(data[cfg.group])
        for key, values in (("groups", cfg.groups), ("focus", (cfg.focus_group or "",))):
            for value in values:
                if value and value not in found:
                    raise ConfigError(
                        f"[comparison] {key}: {value!r} is not a value of column {cfg.group!r}"
                        f" in the data (found: {listing(found)}){did_you_mean(value, found)}")
        left_out = [v for v in found if cfg.groups and v not in cfg.groups]
        if left_out:
            notes.append(f"[comparison] groups: the data's {listing(left_out)} in column "
                         f"{cfg.group!r} are not listed, so no table column shows them")
    for column, table in cfg.own_labels.items():
        if column in (HEADINGS, NOUNS, TEXTS):
            continue
        target = cfg.group if column == PHRASES else column
        notes += _label_keys(column, target, table, data)
    return notes


def psu_note(cfg: RunConfig, data: pd.DataFrame) -> list[str]:
    """A note when PSU ids repeat across strata: the design reads them as different PSUs
    (R: ``svydesign(nest = TRUE)``), right for ids numbered within each stratum, wrong for
    one afdeling put in two strata."""
    if not (cfg.psu and cfg.strata and {cfg.psu, cfg.strata} <= set(data.columns)):
        return []
    pairs = data[[cfg.psu, cfg.strata]].dropna().drop_duplicates()
    counts = pairs[cfg.psu].astype(object).value_counts()  # ties as text orders them
    shared = counts[counts > 1]
    if shared.empty:
        return []
    first = shared.index[0]
    strata = listing(sorted(map(value_key, pairs.loc[pairs[cfg.psu] == first, cfg.strata])), 4)
    return [f"{len(shared):,} id(s) of {cfg.psu!r} occur in more than one {cfg.strata!r} (e.g. "
            f"{value_key(first)!r} in {strata}): each is read as a different PSU per stratum; "
            "if a PSU really belongs to one stratum, correct the data"]


MAX_LABEL = 100
"""The longest value of a group, area or subgroup column shown as it is; a longer one
without a label in ``[labels]`` is shown shortened (it would not fit a page or a chart)."""


def shortened_labels(cfg: RunConfig, data: pd.DataFrame
                     ) -> tuple[dict[str, dict[str, str]], list[str]]:
    """``cfg.labels`` with a shortened label for every value longer than
    :data:`MAX_LABEL` characters that has none, and a note per column."""
    labels = {k: dict(v) for k, v in cfg.labels.items()}
    notes = []
    columns = [cfg.group, cfg.area, cfg.area_group, *cfg.group_from, *cfg.subgroups]
    for column in dict.fromkeys(c for c in columns if c and c in data.columns):
        table = labels.setdefault(column, {})
        long = [v for v in _values(data[column]) if len(v) > MAX_LABEL and v not in table]
        for value in long:
            table[value] = value[:MAX_LABEL - 1].rstrip() + "…"
        if long:
            notes.append(f"{len(long)} value(s) of column {column!r} longer than {MAX_LABEL} "
                         f"characters (the longest {max(map(len, long)):,}) are shown "
                         f"shortened; give them a label under [labels.{column}]")
    return labels, notes


def _values(values: pd.Series) -> list[str]:
    return sorted({value_key(v) for v in values.dropna().unique()})


def _label_keys(table_name: str, column: str | None, table: Mapping[str, str],
                data: pd.DataFrame) -> list[str]:
    where = f"[labels.{table_name}]"
    if column is None or column not in data.columns:
        columns = [str(c) for c in data.columns]
        raise ConfigError(f"{where}: the data have no column {column or table_name!r}"
                          f"{did_you_mean(column or table_name, columns)}")
    found = _values(data[column])
    unused = [k for k in table if k not in found]
    if not unused:
        return []
    unlabelled = [v for v in found if v not in table]
    if unlabelled:
        first = unused[0]
        raise ConfigError(
            f"{where}: key {first!r} matches no value of column {column!r} (values found: "
            f"{listing(found)}){did_you_mean(first, unlabelled)}; without a matching key the "
            "reports show the raw value")
    return [f"{where}: {listing(repr(k) for k in unused)} match no value of column {column!r} "
            "in the data (not shown)"]


def check_rounds(cfg: RunConfig, data: pd.DataFrame, margins: pd.DataFrame | None,
                 files: Sequence[tuple[str, int | None]]) -> None:
    """Raise when a configured round, or a ``by`` group the margins name, has no
    respondents: named as such rather than surfacing as a raking error.

    ``files`` are (file as named, configured round) pairs; ``data`` the usable rows."""
    year = cfg.year or YEAR_COLUMN
    in_data = _values(data[year]) if year in data.columns else []
    for shown, round_ in files:
        if round_ is not None and str(round_) not in in_data:
            raise DataValidationError(f"{shown}: round {round_} has no usable respondents "
                                      f"(rounds with respondents: {listing(in_data) or 'none'})")
    if margins is None:
        return
    by = [c for c in cfg.weighting_by if c in margins.columns and c in data.columns]
    if not by:
        return
    wanted = margins[by].drop_duplicates()
    present = data[by].dropna().drop_duplicates()  # the keys of the few cells, not each row
    have = set(present.astype(object).map(value_key).itertuples(index=False))
    for row in wanted.astype(object).map(value_key).itertuples(index=False):
        if tuple(row) not in have:
            where = ", ".join(f"{c}={v}" for c, v in zip(by, row, strict=True))
            what = f"round {row[by.index(year)]}" if year in by else where
            source = margins.attrs.get("source", "the margins")
            raise DataValidationError(
                f"{what}: the margins ({source}) have targets for {where} but the data have "
                f"no respondents there; check the data files and the round of each")
