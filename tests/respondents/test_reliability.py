"""Reliability: alpha against pingouin, weighted variants, item-rest correlations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin
import pytest

from survey_kit.errors import DataValidationError
from survey_kit.respondents import cronbach_alpha, item_rest_correlations, reliability_table
from survey_kit.spec import Questionnaire, load_questionnaire


def _answers(q: Questionnaire, n: int, seed: int) -> pd.DataFrame:
    """Correlated answers: one latent trait per dimension, some 'ved ikke' and blanks."""
    rng = np.random.default_rng(seed)
    columns = {}
    for dim in q.dimensions:
        trait = rng.normal(size=n)
        for item in dim.items:
            signal = trait + rng.normal(scale=0.8, size=n)
            ranks = np.clip(((signal + 2.5) / 5 * len(item.codes)).astype(int), 0,
                            len(item.codes) - 1)
            ordered = item.codes if item.high_is_good else item.codes[::-1]
            codes = np.array(ordered, dtype=float)[ranks]
            codes[rng.random(n) < 0.05] = item.missing_codes[0]
            codes[rng.random(n) < 0.03] = np.nan
            columns[item.id] = codes
    return pd.DataFrame(columns)


@pytest.fixture(scope="module")
def tryghed() -> Questionnaire:
    return load_questionnaire("tryghed_trivsel")


@pytest.fixture(scope="module")
def scores(tryghed: Questionnaire) -> pd.DataFrame:
    return tryghed.score(_answers(tryghed, 400, seed=11), item_scores=True)


def test_unweighted_alpha_matches_pingouin(tryghed: Questionnaire, scores: pd.DataFrame) -> None:
    for dim in tryghed.dimensions:
        columns = [f"{item.id}_score" for item in dim.scored_items]
        expected, _ = pingouin.cronbach_alpha(data=scores[columns], nan_policy="listwise")
        assert cronbach_alpha(scores, columns) == pytest.approx(expected, rel=1e-12)
        assert cronbach_alpha(scores, dim) == pytest.approx(expected, rel=1e-12)
        assert 0.3 < expected < 1.0


def test_raw_items_and_score_columns_give_the_same_alpha(tryghed: Questionnaire) -> None:
    raw = _answers(tryghed, 300, seed=5)
    scored = tryghed.score(raw, item_scores=True)
    for dim in tryghed.dimensions:
        assert cronbach_alpha(raw, dim) == pytest.approx(cronbach_alpha(scored, dim), rel=1e-12)


def test_item_rest_correlation_by_hand(tryghed: Questionnaire, scores: pd.DataFrame) -> None:
    dim = tryghed.dimension("tillid")
    columns = [f"{item.id}_score" for item in dim.items]
    complete = scores[columns].dropna().to_numpy()
    got = item_rest_correlations(scores, columns).to_numpy()
    for i in range(len(columns)):
        rest = np.delete(complete, i, axis=1).sum(axis=1)
        assert got[i] == pytest.approx(np.corrcoef(complete[:, i], rest)[0, 1], rel=1e-10)


def test_constant_weights_change_nothing(tryghed: Questionnaire, scores: pd.DataFrame) -> None:
    dim = tryghed.dimension("social_sammenhaengskraft")
    weighted = cronbach_alpha(scores, dim, weights=np.full(len(scores), 3.7))
    assert weighted == pytest.approx(cronbach_alpha(scores, dim), rel=1e-12)


def test_integer_weights_equal_replicated_rows(
    tryghed: Questionnaire, scores: pd.DataFrame
) -> None:
    dim = tryghed.dimension("kollektiv_handlekraft")
    weights = np.random.default_rng(2).integers(1, 4, size=len(scores))
    replicated = scores.loc[scores.index.repeat(weights)].reset_index(drop=True)
    assert cronbach_alpha(scores.assign(w=weights), dim, weights="w") == pytest.approx(
        cronbach_alpha(replicated, dim), rel=1e-10
    )
    np.testing.assert_allclose(
        item_rest_correlations(scores, dim, weights=weights).to_numpy(),
        item_rest_correlations(replicated, dim).to_numpy(), rtol=1e-10,
    )
    unweighted = cronbach_alpha(scores, dim)
    assert cronbach_alpha(scores, dim, weights=weights) != pytest.approx(unweighted, rel=1e-6)


def test_reliability_table(tryghed: Questionnaire, scores: pd.DataFrame) -> None:
    table = reliability_table(tryghed, scores)
    assert list(table.columns) == ["dimension", "n", "alpha", "item", "item_rest_r"]
    assert len(table) == sum(len(d.scored_items) for d in tryghed.dimensions)
    oplevet = table[table["dimension"] == "oplevet_tryghed"]
    items = [i.id for i in tryghed.dimension("oplevet_tryghed").items]
    assert oplevet["item"].tolist() == items
    complete = scores[[f"{i}_score" for i in items]].dropna()
    assert oplevet["n"].unique().tolist() == [len(complete)]
    assert oplevet["alpha"].iloc[0] == pytest.approx(
        cronbach_alpha(scores, tryghed.dimension("oplevet_tryghed"))
    )


def test_too_few_items_or_rows_give_nan() -> None:
    data = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [1.0, np.nan, np.nan]})
    assert np.isnan(cronbach_alpha(data, ["a"]))
    assert np.isnan(item_rest_correlations(data, ["a"]).iloc[0])
    assert np.isnan(cronbach_alpha(data, ["a", "b"]))  # one complete row


def test_bad_weights_and_columns_raise() -> None:
    data = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [1.0, 3.0, 2.0]})
    with pytest.raises(DataValidationError, match="weight column 'w' not found"):
        cronbach_alpha(data, ["a", "b"], weights="w")
    with pytest.raises(DataValidationError, match="finite and not negative"):
        cronbach_alpha(data, ["a", "b"], weights=[1.0, -1.0, 1.0])
    with pytest.raises(DataValidationError, match="expected 3 weights, found 2"):
        cronbach_alpha(data, ["a", "b"], weights=[1.0, 1.0])
    with pytest.raises(DataValidationError, match="lacks item column"):
        cronbach_alpha(data, ["a", "c"])


def test_data_untouched_and_complete_rows_give_the_same_numbers(tryghed: Questionnaire) -> None:
    """The item scores are centred in place: never the caller's columns; with every row
    complete (no copy of the rows kept) the numbers are those of the score columns, exactly."""
    raw = _answers(tryghed, 300, seed=8)
    for dim in tryghed.dimensions:  # every answer a code, so every row is complete
        for item in dim.items:
            raw[item.id] = raw[item.id].fillna(item.codes[0]).where(
                ~raw[item.id].isin(item.missing_codes), item.codes[-1])
    scored = tryghed.score(raw, item_scores=True)
    before = scored.copy(deep=True)
    weights = np.random.default_rng(2).uniform(0.5, 2.0, len(raw))
    from_items = reliability_table(tryghed, raw, weights=weights)
    from_scores = reliability_table(tryghed, scored, weights=weights)
    assert (from_items["n"] == len(raw)).all()
    pd.testing.assert_frame_equal(from_items, from_scores, check_exact=True)
    columns = [f"{item.id}_score" for item in tryghed.dimensions[0].scored_items]
    alpha = cronbach_alpha(scored, columns, weights=weights)
    assert alpha == from_items["alpha"].iloc[0]
    pd.testing.assert_frame_equal(scored, before, check_exact=True)
