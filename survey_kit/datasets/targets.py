"""Published figures the demo data are calibrated to (copied from published_targets.csv).

Sources: VIVE's evaluation of the 2015-18 helhedsplaner (summary booklet 2022) for the
tryghedsmåling, and the "Chanceulighed i udsatte boligområder" booklet (N = 1,229) for
the livsmestring survey.  Shares are percentages; subgroups are as published.
"""

from __future__ import annotations

import pandas as pd

TRYGHED_SHARES: dict[tuple[str, str, int], float] = {
    ("oplevet_tryghed", "helhedsplan", 2018): 74,
    ("oplevet_tryghed", "helhedsplan", 2021): 77,
    ("oplevet_tryghed", "befolkning", 2018): 90,
    ("oplevet_tryghed", "befolkning", 2021): 94,
    ("oplevet_tryghed", "almene", 2021): 83,
    ("social_sammenhaengskraft", "helhedsplan", 2018): 72,
    ("social_sammenhaengskraft", "helhedsplan", 2021): 77,
    ("social_sammenhaengskraft", "befolkning", 2018): 60,
    ("social_sammenhaengskraft", "befolkning", 2021): 60,
    ("social_sammenhaengskraft", "almene", 2021): 74,
    ("kollektiv_handlekraft", "helhedsplan", 2018): 69,
    ("kollektiv_handlekraft", "helhedsplan", 2021): 69,
    ("kollektiv_handlekraft", "almene", 2021): 79,
    ("kollektiv_handlekraft", "befolkning", 2021): 85,
    ("tillid", "helhedsplan", 2018): 81,
    ("tillid", "helhedsplan", 2021): 82,
    ("tillid", "befolkning", 2018): 88,
    ("tillid", "befolkning", 2021): 91,
    ("tillid", "almene", 2021): 85,
    ("tilfredshed", "helhedsplan", 2018): 76,
    ("tilfredshed", "helhedsplan", 2021): 83,
    ("tilfredshed", "almene", 2021): 83,
    ("tilfredshed", "befolkning", 2021): 93,
    ("livskvalitet", "helhedsplan", 2018): 78,
    ("livskvalitet", "helhedsplan", 2021): 82,
    ("livskvalitet", "almene", 2021): 82,
    ("livskvalitet", "befolkning", 2021): 88,
}
"""Share (%) positive on each dimension's headline item, by dimension, group and round."""

ASSUMED_SHARES: dict[tuple[str, str, int], float] = {
    ("kollektiv_handlekraft", "befolkning", 2018): 85,
    ("tilfredshed", "befolkning", 2018): 90,
    ("livskvalitet", "befolkning", 2018): 88,
}
"""Not published; chosen to fit the published conclusions (befolkning: voting and
livskvalitet unchanged, tilfredshed up from 2018 to 2021)."""

LIVSMESTRING_SHARES: dict[tuple[str, str], float] = {
    ("ensomhed", "MENAPT piger"): 22,
    ("ensomhed", "MENAPT drenge"): 16,
    ("ensomhed", "ikke-MENAPT piger"): 50,
    ("ensomhed", "ikke-MENAPT drenge"): 27,
    ("livstilfredshed", "MENAPT piger"): 89,
    ("livstilfredshed", "MENAPT drenge"): 91,
    ("livstilfredshed", "ikke-MENAPT piger"): 79,
    ("livstilfredshed", "ikke-MENAPT drenge"): 88,
    ("skoleglaede", "MENAPT"): 53,
    ("skoleglaede", "ikke-MENAPT"): 45,
    ("faellesskab", "MENAPT 13-15"): 92,
    ("faellesskab", "MENAPT 16-30"): 86,
    ("faellesskab", "ikke-MENAPT 13-15"): 86,
    ("faellesskab", "ikke-MENAPT 16-30"): 75,
}
"""Share (%) on each livsmestring dimension's headline item by published subgroup."""

LIVSMESTRING_OVERALL: dict[str, float] = {"ensomhed": 27, "livstilfredshed": 88, "skoleglaede": 51}
"""Published shares for all 1,229 participants."""


def published_targets() -> pd.DataFrame:
    """The tryghedsmåling headline targets as a table.

    Returns ``dimension, group, year, value_pct, published`` (``published`` is False
    for the three assumed befolkning 2018 values).

    Examples
    --------
    >>> t = published_targets()
    >>> len(t), int(t["published"].sum())
    (30, 27)
    """
    rows = [(*key, value, True) for key, value in TRYGHED_SHARES.items()]
    rows += [(*key, value, False) for key, value in ASSUMED_SHARES.items()]
    columns = ["dimension", "group", "year", "value_pct", "published"]
    return pd.DataFrame(rows, columns=columns)
