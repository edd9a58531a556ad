"""Properties of the synthetic demo data, checked with the package itself."""

from __future__ import annotations

import dataclasses
import hashlib
import time

import numpy as np
import pandas as pd
import pyreadstat
import pytest

import survey_kit as sk
from survey_kit.compare import compare
from survey_kit.datasets import load_demo, write_demo_files
from survey_kit.datasets.check import cell_estimates, raked_design
from survey_kit.datasets.demo import DEFAULT_SEED, _build
from survey_kit.datasets.targets import (
    ASSUMED_SHARES,
    LIVSMESTRING_OVERALL,
    LIVSMESTRING_SHARES,
    TRYGHED_SHARES,
)
from survey_kit.datasets.tryghed import simulate_tryghed
from survey_kit.spec import load_questionnaire

DIMS = ["oplevet_tryghed", "social_sammenhaengskraft", "kollektiv_handlekraft", "tillid",
        "tilfredshed", "livskvalitet"]


@pytest.fixture(scope="module")
def demo():
    return load_demo()


@pytest.fixture(scope="module")
def raked(demo):
    return raked_design(demo)


@pytest.fixture(scope="module")
def youth(demo):
    q = load_questionnaire("livsmestring")
    scored = q.score(q.validate(demo.livsmestring).valid)
    origin = np.where(scored["menapt"], "MENAPT", "ikke-MENAPT")
    scored["gender_menapt"] = origin + np.where(scored["gender"] == "pige", " piger", " drenge")
    scored["menapt_label"] = origin
    scored["menapt_age"] = origin + " " + scored["age_group"]
    return scored


def _digest(frame: pd.DataFrame) -> str:
    return hashlib.sha256(frame.to_csv(index=False).encode()).hexdigest()


# --- contract, determinism, speed --------------------------------------------------------

def test_tryghed_has_the_contract_columns_and_every_item(demo):
    q = load_questionnaire("tryghed_trivsel")
    t = demo.tryghed
    front = ["resp_id", "year", "group", "area", "stratum", "psu", "design_weight", "gender",
             "age_group", "menapt"]
    assert set(front + [i.id for i in q.items]) <= set(t.columns)
    assert set(t["year"]) == {2018, 2021}
    assert set(t["group"]) == {"helhedsplan", "almene", "befolkning"}
    assert set(t["gender"]) == {"kvinde", "mand"}
    assert set(t["age_group"]) == {"18-29", "30-49", "50-64", "65+"}
    assert t["menapt"].dtype == bool and (t["age"] >= 18).all()
    assert set(t["herkomst"]) == {"dansk", "vestlig", "ikke-vestlig"}
    assert not t.loc[t["menapt"], "herkomst"].ne("ikke-vestlig").any()
    assert set(t["education"]) == {"grundskole", "gymnasial-erhvervsfaglig", "videregående"}


def test_every_answer_is_valid_and_ved_ikke_occurs(demo):
    q = load_questionnaire("tryghed_trivsel")
    report = q.validate(demo.tryghed)
    assert len(report.rejects) == 0
    for item in q.items:
        answers = demo.tryghed[item.id]
        assert answers.isin(item.codes).mean() > 0.9
        assert (answers == 98).mean() > 0.01, item.id


def test_two_loads_are_identical_and_the_hash_is_stable(demo):
    again = _build.__wrapped__(DEFAULT_SEED)
    pd.testing.assert_frame_equal(again.tryghed, demo.tryghed)
    pd.testing.assert_frame_equal(again.livsmestring, demo.livsmestring)
    pd.testing.assert_frame_equal(again.margins, demo.margins)
    cols = ["resp_id", "psu", "ot1_tryg_omraade", "lk1_livstilfredshed"]
    assert _digest(demo.tryghed[cols]) == (
        "09ce760270cc03994b3b665b62f1bdfb560b1aae5cb1364a0f508150565417f5")


def test_other_seeds_give_other_data(demo):
    other = _build.__wrapped__(DEFAULT_SEED + 1)
    assert not other.tryghed["ot1_tryg_omraade"].equals(demo.tryghed["ot1_tryg_omraade"])


def test_load_is_fast_and_cached():
    start = time.perf_counter()
    _build.__wrapped__(DEFAULT_SEED)
    assert time.perf_counter() - start < 5.0
    load_demo()
    start = time.perf_counter()
    load_demo()
    assert time.perf_counter() - start < 0.5


def test_returned_tables_are_copies():
    changed = load_demo()
    changed.tryghed.loc[0, "ot1_tryg_omraade"] = -5
    assert (load_demo().tryghed["ot1_tryg_omraade"] != -5).all()


def test_identifiers_are_synthetic(demo):
    t = demo.tryghed
    assert t["resp_id"].str.fullmatch(r"(HP|AL|BE)(18|21)-\d{5}-(2018|2021)").all()
    assert t["resp_id"].is_unique
    assert t["psu"].str.fullmatch(r"HP\d{2}-AFD\d{2}|AL\d-AFD\d{3}|BE\d-K\d{2}").all()
    assert demo.livsmestring["resp_id"].str.fullmatch(r"LM21-\d{4}").all()
    assert not {"name", "navn", "cpr", "address", "adresse"} & set(map(str.lower, t.columns))


# --- frame, margins, design ---------------------------------------------------------------

def test_frame_has_66_areas_of_3_to_10_afdelinger(demo):
    hp = demo.frame.units[demo.frame.units["group"] == "helhedsplan"]
    per_area = hp.groupby("area")["psu"].nunique()
    assert len(per_area) == 66 and per_area.between(3, 10).all()
    assert (hp["households"] > 0).all()


def test_margins_are_consistent_and_cover_the_sample(demo):
    m = demo.margins
    sums = m.groupby(["year", "group", "variable"])["total"].sum().unstack()
    assert (sums.nunique(axis=1) == 1).all()
    assert set(m["variable"]) == {"gender", "age_group", "menapt"}
    cells = set(map(tuple, demo.tryghed[["year", "group"]].drop_duplicates().to_numpy()))
    assert set(map(tuple, m[["year", "group"]].drop_duplicates().to_numpy())) == cells


def test_design_structure_and_sample_sizes(demo):
    t = demo.tryghed
    assert t.groupby("psu")["stratum"].nunique().max() == 1
    n = t.groupby(["year", "group"]).size()
    assert 9_800 <= n[(2018, "helhedsplan")] <= 11_200
    assert 9_000 <= n[(2021, "helhedsplan")] <= 11_500
    assert n[(2021, "almene")] >= 2_000 and n[(2018, "befolkning")] >= 2_000
    assert (t["design_weight"] > 0).all()
    gross = 27_300
    rate = n[(2018, "helhedsplan")] / gross
    assert abs(rate - 0.384) < 0.02


def test_panel_members_keep_prefix_and_psu(demo):
    t = demo.tryghed
    panel = t[t["panel"]]
    assert len(panel) > 2_000 and (panel["year"] == 2021).all()
    first = t[t["year"] == 2018].set_index("person_id")
    matched = first.loc[panel["person_id"]]
    assert (matched["psu"].to_numpy() == panel["psu"].to_numpy()).all()
    assert (panel["resp_id"].str[:10] == panel["person_id"]).all()
    assert (panel["age"].to_numpy() == matched["age"].to_numpy() + 3).all()


def test_raking_meets_the_margins(raked):
    assert raked.weighting.converged


# --- calibration: headline shares and significance ------------------------------------------

def test_headline_shares_match_published_within_2_points(raked):
    est = cell_estimates(raked)
    checked = 0
    for key, target in {**TRYGHED_SHARES, **ASSUMED_SHARES}.items():
        dim, group, year = key
        row = est[(est["dimension"] == dim) & (est["group"] == group) & (est["year"] == year)]
        assert abs(row["share"].iloc[0] * 100 - target) <= 2.0, (key, row["share"].iloc[0])
        checked += 1
    assert checked == 30


def _significant(table: pd.DataFrame, variable: str, a: object) -> bool:
    row = table[(table["variable"] == variable) & (table["group_a"].astype(str) == str(a))]
    return bool(row["p_value"].iloc[0] < 0.05)


def _sign(table: pd.DataFrame, variable: str, a: object) -> float:
    row = table[(table["variable"] == variable) & (table["group_a"].astype(str) == str(a))]
    return float(np.sign(row["difference"].iloc[0]))


def test_helhedsplan_change_2018_2021(raked):
    hp = raked.subset(raked.data["group"].eq("helhedsplan"))
    table = compare(hp, [*DIMS, "index"], between="year", reference=2018,
                    adjust="none").to_frame()
    for dim in ("tillid", "tilfredshed", "livskvalitet", "index"):
        assert _significant(table, dim, 2021) and _sign(table, dim, 2021) > 0, dim
    assert _significant(table, "social_sammenhaengskraft", 2021)
    assert _sign(table, "social_sammenhaengskraft", 2021) < 0
    for dim in ("oplevet_tryghed", "kollektiv_handlekraft"):
        assert not _significant(table, dim, 2021), dim


def test_befolkning_change_2018_2021(raked):
    be = raked.subset(raked.data["group"].eq("befolkning"))
    table = compare(be, DIMS, between="year", reference=2018, adjust="none").to_frame()
    for dim in ("tillid", "tilfredshed"):
        assert _significant(table, dim, 2021) and _sign(table, dim, 2021) > 0, dim
    assert not _significant(table, "livskvalitet", 2021)


def test_groups_in_2021(raked):
    y21 = raked.subset(raked.data["year"].eq(2021))
    table = compare(y21, DIMS, between="group", reference="almene", adjust="none").to_frame()
    for dim in DIMS:
        differs = dim in ("tilfredshed", "kollektiv_handlekraft")
        assert _significant(table, dim, "helhedsplan") == differs, dim
        lower = dim != "livskvalitet"
        assert _significant(table, dim, "befolkning") == lower, dim
        if lower:
            assert _sign(table, dim, "befolkning") > 0, dim


@pytest.mark.parametrize(
    ("column", "level", "reference", "lower", "higher"),
    [
        ("gender", "kvinde", "mand", ["oplevet_tryghed"], []),
        ("age_group", "65+", "30-49",
         ["social_sammenhaengskraft", "kollektiv_handlekraft", "index"], []),
        ("children", True, False, ["tillid"],
         ["oplevet_tryghed", "social_sammenhaengskraft", "kollektiv_handlekraft", "index"]),
        ("education", "grundskole", "gymnasial-erhvervsfaglig",
         ["tillid", "tilfredshed", "livskvalitet"], []),
        ("herkomst", "ikke-vestlig", "dansk",
         ["oplevet_tryghed", "kollektiv_handlekraft", "tillid", "tilfredshed", "livskvalitet"],
         ["social_sammenhaengskraft"]),
        ("long_stay", True, False, [], ["tilfredshed"]),
    ],
)
def test_person_differences_in_helhedsplan_2018(raked, column, level, reference, lower, higher):
    data = raked.data
    hp18 = raked.subset(data["group"].eq("helhedsplan") & data["year"].eq(2018))
    hp18 = sk.Design(hp18.data.assign(long_stay=hp18.data["years_in_area"] > 8,
                                      w=hp18.weights.where(hp18.domain_mask, 0.0)),
                     weight="w", strata="stratum", psu="psu")
    table = compare(hp18, lower + higher, between=column, reference=reference,
                    adjust="none").to_frame()
    for dim in lower + higher:
        assert _significant(table, dim, level), (column, dim)
        assert _sign(table, dim, level) == (-1.0 if dim in lower else 1.0), (column, dim)


def test_area_index_spread_2018(raked):
    data = raked.data.assign(w=raked.weights)
    hp = data[data["group"].eq("helhedsplan") & data["year"].eq(2018) & data["index"].notna()]
    areas = hp.groupby("area").apply(lambda a: np.average(a["index"], weights=a["w"]))
    assert len(areas) == 66
    assert abs(areas.mean() - 0.533) < 0.01
    assert abs(areas.quantile(0.25) - 0.517) < 0.01 and abs(areas.quantile(0.75) - 0.548) < 0.01
    assert 0.465 < areas.min() < 0.50 and 0.56 < areas.max() < 0.61


def test_unweighted_estimates_are_visibly_biased(demo, raked):
    hp18 = demo.tryghed[demo.tryghed["group"].eq("helhedsplan") & demo.tryghed["year"].eq(2018)]
    m = demo.margins
    m = m[m["group"].eq("helhedsplan") & m["year"].eq(2018) & m["variable"].eq("menapt")]
    register = m.loc[m["level"].astype(str) == "True", "total"].sum() / m["total"].sum()
    assert register - hp18["menapt"].mean() > 0.05
    data = raked.data
    rows = data["group"].eq("helhedsplan") & data["year"].eq(2018)
    q = load_questionnaire("tryghed_trivsel")
    gaps = []
    for item in q.items:
        if item.headline:
            plain = data.loc[rows, item.indicator].mean()
            weighted = raked.subset(rows).mean(item.indicator).to_frame()["estimate"].iloc[0]
            gaps.append(abs(plain - weighted))
    assert max(gaps) > 0.01


# --- livsmestring ---------------------------------------------------------------------------

def test_livsmestring_columns(demo):
    q = load_questionnaire("livsmestring")
    lm = demo.livsmestring
    assert len(lm) == 1229
    assert {"resp_id", "gender", "age_group", "menapt", *(i.id for i in q.items)} <= set(lm)
    assert set(lm["age_group"]) == {"13-15", "16-30"} and lm["age"].between(13, 30).all()


def test_livsmestring_shares_within_3_points(youth):
    q = load_questionnaire("livsmestring")
    headline = {i.dimension: i.indicator for i in q.items if i.headline}
    columns = {"ensomhed": "gender_menapt", "livstilfredshed": "gender_menapt",
               "skoleglaede": "menapt_label", "faellesskab": "menapt_age"}
    for (dim, group), target in LIVSMESTRING_SHARES.items():
        share = youth.loc[youth[columns[dim]] == group, headline[dim]].mean() * 100
        assert abs(share - target) <= 3, (dim, group, share)
    for dim, target in LIVSMESTRING_OVERALL.items():
        assert abs(youth[headline[dim]].mean() * 100 - target) <= 3, dim


def test_non_menapt_girls_stand_out(youth):
    des = sk.Design(youth)
    for indicator, direction in (("lt1_syn_paa_livet_pos", -1.0), ("en1_ensom_pos", 1.0)):
        table = compare(des, indicator, between="gender_menapt", reference="ikke-MENAPT piger",
                        adjust="none").to_frame()
        assert len(table) == 3
        assert (table["p_value"] < 0.05).all(), indicator
        assert (np.sign(table["difference"]) == -direction).all(), indicator


def test_about_a_fifth_low_on_several_dimensions(youth):
    dims = [d.id for d in load_questionnaire("livsmestring").dimensions]
    low = (youth[dims] < 0.5).sum(axis=1)
    assert 0.15 <= (low >= 2).mean() <= 0.25
    assert 0.75 <= (low <= 1).mean() <= 0.85


# --- spec-driven generation, files ---------------------------------------------------------

def test_generation_follows_a_changed_spec(demo):
    q = load_questionnaire("tryghed_trivsel")
    smaller = dataclasses.replace(q, dimensions=q.dimensions[:2])
    data = simulate_tryghed(demo.frame, smaller, np.random.SeedSequence(1))
    items = [i.id for i in smaller.items]
    assert set(items) <= set(data.columns)
    assert not {i.id for i in q.items[len(items):]} & set(data.columns)


def test_file_round_trip_keeps_values_and_labels(demo, tmp_path):
    paths = write_demo_files(tmp_path)
    names = ("tryghed", "livsmestring", "margins", "area_margins")
    assert {p.name for p in paths} == {f"{n}.{f}" for n in names
                                      for f in ("sav", "csv", "parquet")}
    sav, meta = pyreadstat.read_sav(str(tmp_path / "tryghed.sav"), user_missing=True)
    q = load_questionnaire("tryghed_trivsel")
    item = q.item("ot1_tryg_omraade")
    assert meta.variable_value_labels["ot1_tryg_omraade"][1.0] == "Meget tryg"
    assert meta.variable_value_labels["ot1_tryg_omraade"][98.0] == "Ved ikke"
    assert meta.column_names_to_labels["ot1_tryg_omraade"] == item.text
    assert (sav["ot1_tryg_omraade"].to_numpy() == demo.tryghed["ot1_tryg_omraade"]).all()
    parquet = pd.read_parquet(tmp_path / "tryghed.parquet")
    pd.testing.assert_frame_equal(parquet, demo.tryghed, check_dtype=False)
    csv = pd.read_csv(tmp_path / "livsmestring.csv")
    assert (csv["en1_ensom"].to_numpy() == demo.livsmestring["en1_ensom"].to_numpy()).all()


def test_unknown_format_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown format"):
        write_demo_files(tmp_path, formats=("xlsx",))
