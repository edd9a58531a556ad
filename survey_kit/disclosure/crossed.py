"""Contrasts between crossed cells (e.g. girls with and without MENAPT background).

A contrast between two crossed cells is hidden when either of its bases is below the threshold,
and every contrast of a *line* (the crossed cells of one variable, group and round) is hidden
when any cell of that line is suppressed, so that no hidden cell can be recovered from a shown
difference.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from survey_kit.disclosure.suppression import CONTRAST_HIDDEN


def suppress_crossed(contrasts: pd.DataFrame, estimates: pd.DataFrame,
                     columns: Sequence[str], line_keys: Sequence[str], min_n: int
                     ) -> pd.DataFrame:
    """Hide contrasts between crossed cells (see the module docstring).

    Parameters
    ----------
    contrasts : pandas.DataFrame
        Contrasts between the crossed cells, with ``n_a`` and ``n_b``.
    estimates : pandas.DataFrame
        The suppressed estimates (with ``suppressed``) holding the crossed cells.
    columns : sequence of str
        The crossed columns (a crossed cell has every one of them set).
    line_keys : sequence of str
        Columns besides ``variable`` that a line shares (those present in both tables are
        used), e.g. the group and round.
    min_n : int
        Smallest unweighted base shown.

    Examples
    --------
    >>> est = pd.DataFrame({"variable": "v", "gender": ["f", "f", "m", "m"],
    ...                     "menapt": [True, False, True, False],
    ...                     "suppressed": [False, False, True, False]})
    >>> con = pd.DataFrame({"variable": "v", "group_a": ["f / True"], "group_b": ["m / False"],
    ...                     "difference": [0.1], "n_a": [40], "n_b": [50], "significant": [True]})
    >>> suppress_crossed(con, est, ["gender", "menapt"], (), 10)["suppression_reason"].tolist()
    ['complementary']
    """
    frame = contrasts.copy()
    keys = ["variable", *(c for c in line_keys
                          if c and c in frame.columns and c in estimates.columns)]
    crossed = estimates[estimates[list(columns)].notna().all(axis=1)]
    hidden = crossed.groupby(keys, dropna=False)["suppressed"].any().rename("line_hidden")
    line = frame.merge(hidden.reset_index(), on=keys, how="left")["line_hidden"]
    small = ((frame["n_a"] < min_n) | (frame["n_b"] < min_n)).to_numpy()
    hide = small | line.fillna(False).to_numpy(dtype=bool)
    numbers = [c for c in CONTRAST_HIDDEN if c in frame.columns]
    frame.loc[hide, numbers] = np.nan
    frame.loc[hide, "significant"] = False
    frame["suppressed"] = hide
    frame["suppression_reason"] = np.where(small, "primary", np.where(hide, "complementary", ""))
    return frame


__all__ = ["suppress_crossed"]
