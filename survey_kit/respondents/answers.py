"""Answers as codes: text answers through the spec's labels, missing codes as missing.

Two helpers around the codes of a questionnaire:

* :func:`label_codes` reads answers given as label text (an SPSS export "with value
  labels", a spreadsheet typed by hand: ``"Tryg"``, ``"Ved ikke"``) as the codes the spec
  gives those labels.  :func:`survey_kit.respondents.validate` uses it by default.
* :func:`blank_missing_codes` sets the missing codes ("ved ikke", refusal) of every item
  column to NaN, so that categorical analyses (``sk.chisq``, a crosstab, a share of an
  answer) count only substantive answers; missing values are a domain restriction there.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from survey_kit.respondents.recode import Rounds, item_codes, read_rounds, segments
from survey_kit.spec.model import Questionnaire, Scale


def normalise_label(text: pd.Series) -> pd.Series:
    """Labels compared without case and surplus white space.

    Examples
    --------
    >>> normalise_label(pd.Series(["  Meget   TRYG "])).tolist()
    ['meget tryg']
    """
    return text.astype(str).str.split().str.join(" ").str.casefold()


def label_lookup(scale: Scale) -> dict[str, int]:
    """Normalised label -> code for every labelled code of ``scale`` (valid and missing);
    a label used for two codes is left out (it cannot say which)."""
    labels = pd.Series(list(scale.value_labels.values()))
    codes = list(scale.value_labels)
    keys = normalise_label(labels).tolist()
    return {k: c for k, c in zip(keys, codes, strict=True) if keys.count(k) == 1}


def label_codes(values: pd.Series, rows: np.ndarray, scale: Scale) -> np.ndarray:
    """Codes of the cells in ``rows`` whose text is a label of ``scale``; NaN elsewhere.

    Examples
    --------
    >>> from survey_kit.spec import load_questionnaire
    >>> scale = load_questionnaire("tryghed_trivsel").item("ot1_tryg_omraade").scale
    >>> label_codes(pd.Series(["Tryg", "ved  ikke", "7", "x"]), np.ones(4, bool), scale)
    array([ 2., 98., nan, nan])
    """
    out = np.full(len(values), np.nan)
    if not rows.any():
        return out
    lookup = label_lookup(scale)
    found = normalise_label(values[rows]).map(lookup)
    out[rows] = found.to_numpy(dtype=float, na_value=np.nan)
    return out


def raw_codes(canonical: np.ndarray, recode: tuple[tuple[int, int], ...]) -> np.ndarray:
    """Codes of a round's column that its recode turns into ``canonical`` (NaN when none).

    Examples
    --------
    >>> raw_codes(np.array([1.0, 3.0, 98.0]), ((1, 3), (3, 1), (8, 98))).tolist()
    [3.0, 1.0, 8.0]
    """
    out = canonical.copy()
    sources = {old for old, _ in recode}
    for old, new in recode:
        out[canonical == new] = old
    untouched = ~np.isin(canonical, [new for _, new in recode])
    out[untouched & np.isin(canonical, list(sources))] = np.nan
    return out


def blank_missing_codes(
    questionnaire: Questionnaire, data: pd.DataFrame, labels: bool = False
) -> pd.DataFrame:
    """``data`` with every item column holding its canonical code, missing codes as NaN.

    Per-round variants are applied (a 2018 row reads its variant column and recode), so
    the item id column holds the same codes for every round.  Use it for categorical
    analyses of item answers, e.g. ``sk.chisq``, which would otherwise count 98 ("Ved
    ikke") and 99 as answer categories.

    Parameters
    ----------
    questionnaire
        The spec the data was validated against.
    data
        Validated (``report.valid``) or scored data.
    labels
        Give the Danish labels as an (ordered, for ordinal scales) categorical instead of
        the codes.

    Returns
    -------
    DataFrame
        A copy; other columns are unchanged.

    Examples
    --------
    R: ``d$q[d$q %in% c(98, 99)] <- NA`` for every item.

    >>> from survey_kit.spec import load_questionnaire
    >>> q = load_questionnaire("tryghed_trivsel")
    >>> raw = pd.DataFrame({i.id: [1, 98] for i in q.items})
    >>> blank_missing_codes(q, raw)["ot1_tryg_omraade"].tolist()
    [1.0, nan]
    >>> blank_missing_codes(q, raw, labels=True)["ot1_tryg_omraade"].tolist()
    ['Meget tryg', nan]
    """
    rounds = read_rounds(questionnaire, data)
    rounds = Rounds(rounds.years, np.zeros(len(data), dtype=bool))
    out = data.copy()
    for item in questionnaire.items:
        if any(seg.column not in data.columns for seg in segments(item, rounds)):
            continue
        codes = item_codes(data, item, rounds)
        codes[~np.isin(codes, item.scale.codes)] = np.nan
        out[item.id] = _labelled(codes, item.scale) if labels else codes
    return out


def _labelled(codes: np.ndarray, scale: Scale) -> pd.Categorical:
    """Codes as a categorical of their labels (codes as text where labels repeat)."""
    order = [scale.label(code) for code in scale.codes]
    if len(set(order)) < len(order):
        order = [str(code) for code in scale.codes]
    positions = pd.Index(scale.codes).get_indexer(codes)
    return pd.Categorical.from_codes(positions, categories=order,
                                     ordered=scale.kind == "ordinal")
