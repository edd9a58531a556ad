"""Scoring: hand-computed item, dimension and index scores for the specs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from survey_kit.errors import DataValidationError
from survey_kit.spec import Questionnaire, load_questionnaire

MINI = Path(__file__).parents[1] / "data" / "mini.yaml"
nan = np.nan


def _rows(q: Questionnaire, rows: list[dict[str, float]]) -> pd.DataFrame:
    """Data with every item column; items not given are blank."""
    return pd.DataFrame([{**{i.id: nan for i in q.items}, **row} for row in rows])


def test_mini_scores_by_hand() -> None:
    q = load_questionnaire(MINI)
    data = pd.DataFrame({
        "year": [2021, 2018, 2021, 2021],
        "a1": [1, 3, 2, 1],
        "a2": [1, 8, nan, 3],
        "a3": [2, 1, 9, 1],
        "a3_2018": [nan, 1, nan, nan],
        "b1": [7, 98, 0, 10],
        "b2": [3, 2, nan, 1],
    }, index=["r1", "r2", "r3", "r4"])
    scored = q.score(data, item_scores=True)
    # r1: a1 1 -> 1, a2 1 reversed -> 0, a3 2 -> .5; dim_a .5; b1 7 -> .7; index .6
    # r2 (2018): a1 3 -> 0, a2 ved ikke, a3_2018 1 recoded to 3 -> 0; dim_a 0; b1 missing
    # r3: a1 2 -> .5 only (min_items 2): dim_a NaN; b1 0 -> 0
    # r4: a1 1 -> 1, a2 3 reversed -> 1, a3 1 -> 1; b1 10 -> 1
    expected = pd.DataFrame({
        "a1_score": [1.0, 0.0, 0.5, 1.0],
        "a2_score": [0.0, nan, nan, 1.0],
        "a3_score": [0.5, 0.0, nan, 1.0],
        "b1_score": [0.7, nan, 0.0, 1.0],
        "dim_a": [0.5, 0.0, nan, 1.0],
        "dim_b": [0.7, nan, 0.0, 1.0],
        "index": [0.6, nan, nan, 1.0],
        "a1_pos": [1.0, 0.0, 0.0, 1.0],
        "a2_pos": [1.0, nan, nan, 0.0],
        "a3_pos": [0.0, 0.0, nan, 1.0],
        "b1_pos": [1.0, nan, 0.0, 1.0],
        "b2_pos": [1.0, 0.0, nan, 0.0],
    }, index=["r1", "r2", "r3", "r4"])
    pd.testing.assert_frame_equal(scored[expected.columns], expected)
    assert "b2_score" not in scored.columns  # nominal: indicator only
    pd.testing.assert_frame_equal(scored[data.columns], data)  # inputs untouched


def test_output_columns_and_no_item_scores_by_default() -> None:
    q = load_questionnaire(MINI)
    data = pd.DataFrame({"a1": [1], "a2": [1], "a3": [1], "b1": [5], "b2": [1], "x": ["k"]})
    scored = q.score(data)
    assert list(scored.columns) == [
        "a1", "a2", "a3", "b1", "b2", "x",
        "a1_pos", "a2_pos", "a3_pos", "b1_pos", "b2_pos", "dim_a", "dim_b", "index",
    ]
    again = q.score(scored)  # existing score columns are replaced, not duplicated
    assert list(again.columns) == list(scored.columns)


def test_tryghed_trivsel_by_hand() -> None:
    q = load_questionnaire("tryghed_trivsel")
    best = {
        "ot1_tryg_omraade": 1, "ot2_tryg_moerke": 1, "ot3_tryg_bolig": 1,
        "ot4_undgaar_steder": 2, "ss1_hjaelper_naboer": 1, "ss2_sammentoemret": 1,
        "ss3_stole_paa": 1, "ss4_passer_sig_selv": 5, "ss5_ikke_godt_ud_af_det": 5,
        "kh1_pjaekker": 1, "kh2_graffiti": 1, "kh3_respekt": 1, "kh4_slagsmaal": 1,
        "kh5_stemt_kommunalvalg": 1, "ti1_politi": 1, "ti2_retsvaesen": 1, "ti3_folketing": 1,
        "ti4_lokalpolitikere": 1, "ti5_kommunen": 1, "tf1_glad_bo": 1,
        "tf2_tilfreds_omraade": 1, "tf3_vil_flytte": 2, "lk1_livstilfredshed": 10,
        "lk2_ensom": 5, "lk3_helbred": 1,
    }
    mixed = {
        "ot1_tryg_omraade": 3, "ot2_tryg_moerke": 98, "ot3_tryg_bolig": 2,
        "ot4_undgaar_steder": 1, "ss1_hjaelper_naboer": 2, "ss2_sammentoemret": 4,
        "ss4_passer_sig_selv": 1, "ss5_ikke_godt_ud_af_det": 2, "kh1_pjaekker": 5,
        "kh2_graffiti": 99, "kh4_slagsmaal": 3, "kh5_stemt_kommunalvalg": 2,
        "ti1_politi": 2, "ti2_retsvaesen": 4, "ti3_folketing": 3, "tf1_glad_bo": 1,
        "lk1_livstilfredshed": 6, "lk2_ensom": 3, "lk3_helbred": 4,
    }
    scored = q.score(_rows(q, [best, mixed, {**mixed, "tf2_tilfreds_omraade": 2}]))
    dims = [d.id for d in q.dimensions]
    assert scored.loc[0, [*dims, "index"]].tolist() == [1.0] * 7
    # oplevet: (.5 + .75 + 0 [Ja avoids, reversed]) / 3
    # sammenhæng: (.75 + .25 + 0 [helt enig: keeps to self] + .25 [ss5 2 reversed]) / 4
    # handlekraft: (0 + .5 + 0 [Nej]) / 3; tillid: (2/3 + 0 + 1/3) / 3
    # tilfredshed: row 1 one item < 2 -> NaN; row 2 (1 + .75) / 2
    # livskvalitet: (.6 + .5 [ensom 3 reversed] + .25) / 3
    row1 = [5 / 12, 0.3125, 1 / 6, 1 / 3, nan, 0.45]
    np.testing.assert_allclose(scored.loc[1, dims].to_numpy(float), row1)
    assert np.isnan(scored.loc[1, "index"])  # five of six dimensions: index needs six
    row2 = [5 / 12, 0.3125, 1 / 6, 1 / 3, 0.875, 0.45]
    np.testing.assert_allclose(scored.loc[2, [*dims, "index"]].to_numpy(float),
                               [*row2, sum(row2) / 6])
    pos = scored.loc[1, ["ot1_tryg_omraade_pos", "ot2_tryg_moerke_pos", "ss4_passer_sig_selv_pos",
                         "kh5_stemt_kommunalvalg_pos", "lk1_livstilfredshed_pos",
                         "tf3_vil_flytte_pos"]]
    np.testing.assert_array_equal(pos.to_numpy(float), [0.0, nan, 1.0, 0.0, 1.0, nan])


def test_livsmestring_by_hand() -> None:
    q = load_questionnaire("livsmestring")
    row = {
        "sg1_glad_skole": 1, "sg2_tryg_skole": 3, "fs1_god_til_fag": 2, "fs2_koncentration": 2,
        "fs3_loeser_problemer": 5, "fr1_fravaer_dage": 1, "fa1_del_af_faellesskab": 2,
        "fa2_holdt_udenfor": 1, "fa3_positiv_forskel": 3, "en1_ensom": 1,
        "en2_udenfor_jaevnaldrende": 4, "en3_nogen_at_tale_med": 2, "lt1_syn_paa_livet": 2,
        "lt2_tilfreds_med_sig_selv": 1, "lt3_livstilfredshed": 8,
    }
    scored = q.score(_rows(q, [row, {"fr1_fravaer_dage": 4, "en1_ensom": 4}]))
    # skoleglæde (1 + .5)/2; faglig (.75 + .75 + 0)/3; fravær 1; fællesskab (2/3 + 0 + .5)/3;
    # ensomhed (0 [ofte ensom, reversed] + 1 + 2/3)/3; livstilfredshed (.75 + 1 + .8)/3
    dims = [0.75, 0.5, 1.0, 7 / 18, 5 / 9, 0.85]
    np.testing.assert_allclose(scored.loc[0, [d.id for d in q.dimensions]].to_numpy(float), dims)
    assert scored.loc[0, "index"] == pytest.approx(sum(dims) / 6)
    assert scored.loc[0, ["en1_ensom_pos", "lt3_livstilfredshed_pos", "sg1_glad_skole_pos"]
                      ].tolist() == [1.0, 1.0, 1.0]
    # row 2: only fravær (0) answered; ensomhed has 1 of 3 items (< 2): index needs 4 dimensions
    assert scored.loc[1, "fravaer"] == 0.0
    assert np.isnan(scored.loc[1, "ensomhed"]) and np.isnan(scored.loc[1, "index"])


def test_scores_lie_in_unit_interval() -> None:
    q = load_questionnaire("tryghed_trivsel")
    rng = np.random.default_rng(3)
    data = pd.DataFrame({i.id: rng.choice([*i.codes, *i.missing_codes, nan], 500) for i in q.items})
    scored = q.score(data)
    values = scored[[*(d.id for d in q.dimensions), "index"]].to_numpy(float)
    finite = values[~np.isnan(values)]
    assert finite.size > 0 and finite.min() >= 0.0 and finite.max() <= 1.0


def test_score_refuses_values_validation_would_reject() -> None:
    q = load_questionnaire(MINI)
    data = pd.DataFrame({"a1": [1, 4], "a2": [1, 1], "a3": [1, 1], "b1": [1, 1], "b2": [1, 1]})
    with pytest.raises(DataValidationError,
                       match=r"column 'a1': 1 value\(s\) are not codes of scale 'enig3' "
                             r"\(first in row 1: 4\); score report.valid"):
        q.score(data)
    with pytest.raises(DataValidationError, match="row 0: unknown survey round"):
        q.score(data.assign(a1=1, year=2020))
    with pytest.raises(DataValidationError, match="lacks 1 item column"):
        q.score(data.drop(columns="b2"))
