"""Questionnaire specs: the bundled specs, the frozen model and every kind of bad spec."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from survey_kit.errors import SpecError
from survey_kit.spec import Questionnaire, bundled_names, load_questionnaire

DATA = Path(__file__).parents[1] / "data"
MINI = DATA / "mini.yaml"
REPO = Path(__file__).resolve().parents[2]

TRYGHED_DIMENSIONS = [
    "oplevet_tryghed", "social_sammenhaengskraft", "kollektiv_handlekraft",
    "tillid", "tilfredshed", "livskvalitet",
]


def test_bundled_names() -> None:
    assert bundled_names() == ("livsmestring", "tryghed_trivsel")


def test_tryghed_trivsel_dimensions_and_items() -> None:
    q = load_questionnaire("tryghed_trivsel")
    assert q.name == "tryghed_trivsel"
    assert [d.id for d in q.dimensions] == TRYGHED_DIMENSIONS
    assert all(3 <= len(d.items) <= 6 for d in q.dimensions)
    assert [d.label for d in q.dimensions][4] == "Tilfredshed med boligområdet"
    for dim in q.dimensions:
        assert all(item.dimension == dim.id for item in dim.items)
    assert q.index.min_dimensions == 6
    assert q.rounds == (2018, 2021)


def test_livsmestring_dimensions() -> None:
    q = load_questionnaire("livsmestring")
    ids = [d.id for d in q.dimensions]
    assert ids == ["skoleglaede", "faglig_selvvurdering", "fravaer", "faellesskab",
                   "ensomhed", "livstilfredshed"]
    assert q.dimension("fravaer").min_items == 1


def test_items_expose_codes_missing_and_reverse() -> None:
    q = load_questionnaire("tryghed_trivsel")
    ss4 = q.item("ss4_passer_sig_selv")
    assert ss4.codes == (1, 2, 3, 4, 5)
    assert ss4.missing_codes == (98, 99)
    assert ss4.reverse and not ss4.positive_favourable
    assert [m.kind for m in ss4.scale.missing] == ["dont_know", "refusal"]
    lk1 = q.item("lk1_livstilfredshed")
    assert lk1.codes == tuple(range(11))
    assert lk1.positive == (6, 7, 8, 9, 10)
    assert lk1.indicator == "lk1_livstilfredshed_pos"


def test_every_published_target_maps_to_a_headline_item() -> None:
    targets = pd.read_csv(DATA / "published_targets.csv")
    for survey, rows in targets.groupby("survey"):
        q = load_questionnaire(str(survey))
        headlines = q.headline_items()
        for measure, dimension in rows[["measure", "dimension"]].drop_duplicates().itertuples(
            index=False
        ):
            item = headlines[measure]
            assert item.dimension == dimension, measure
            assert item.indicator is not None


def test_inferred_items_are_provisional_with_a_note() -> None:
    for name in bundled_names():
        q = load_questionnaire(name)
        assert q.provenance.confirmed and q.provenance.provisional
        for item in q.items:
            assert item.provisional and item.note


def test_model_is_frozen_and_hashable() -> None:
    q = load_questionnaire("tryghed_trivsel")
    with pytest.raises(dataclasses.FrozenInstanceError):
        q.name = "other"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        q.items[0].reverse = True  # type: ignore[misc]
    assert isinstance(q.dimensions, tuple) and isinstance(q.items[0].codes, tuple)
    assert hash(q) == hash(load_questionnaire("tryghed_trivsel"))


def test_load_by_path_through_the_repository_symlink() -> None:
    by_path = load_questionnaire(REPO / "questionnaires" / "tryghed_trivsel.yaml")
    assert by_path == load_questionnaire("tryghed_trivsel")
    assert isinstance(by_path, Questionnaire)


def test_mini_spec_features() -> None:
    q = load_questionnaire(MINI)
    assert q.dimension("dim_a").min_items == 2
    assert q.dimension("dim_b").min_items == 1
    assert not q.item("b2").scored
    assert q.item("a3").variant_for(2018) is not None
    assert q.item("a3").variant_for(2021) is None
    assert q.headline_items()["vil helst passe sig selv"].id == "a2"


def test_unknown_name_and_missing_file() -> None:
    with pytest.raises(SpecError, match=r"unknown questionnaire 'nope'.*tryghed_trivsel"):
        load_questionnaire("nope")
    with pytest.raises(SpecError, match=r"missing\.yaml: questionnaire file not found"):
        load_questionnaire("missing.yaml")


# --- bad specs --------------------------------------------------------------------------

def _mini() -> dict[str, Any]:
    return yaml.safe_load(MINI.read_text(encoding="utf-8"))


def _item(spec: dict[str, Any], item_id: str) -> dict[str, Any]:
    return next(i for i in spec["items"] if i["id"] == item_id)


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(spec: dict[str, Any]) -> None:
        node = spec
        for key in path[:-1]:
            node = _item({"items": node}, key) if isinstance(key, str) and isinstance(
                node, list) else node[key]
        node[path[-1]] = value
    return change


def _add_dim_item(dim: int, item: str) -> Callable[[dict[str, Any]], None]:
    def change(spec: dict[str, Any]) -> None:
        spec["dimensions"][dim]["items"].append(item)
    return change


def _duplicate_item(spec: dict[str, Any]) -> None:
    spec["items"].append(copy.deepcopy(spec["items"][0]))


def _duplicate_dimension(spec: dict[str, Any]) -> None:
    spec["dimensions"][1]["id"] = "dim_a"


def _orphan(spec: dict[str, Any]) -> None:
    spec["dimensions"][1]["items"] = ["b1"]


BAD_SPECS = [
    ("unknown scale", _set(["items", "a1", "scale"], "enig7"),
     "item 'a1': unknown scale 'enig7' (defined: enig3, nul_ti, transport)"),
    ("item in two dimensions", _add_dim_item(1, "a1"),
     "item 'a1': listed in two dimensions: 'dim_a' and 'dim_b'"),
    ("missing code overlaps", _set(["scales", "enig3", "missing", 3],
                                   {"label": "Ved ikke", "kind": "dont_know"}),
     "scale 'enig3': missing code 3 is also a valid answer code"),
    ("reverse nominal", _set(["items", "b2", "reverse"], True),
     "item 'b2': a nominal item cannot be reverse coded"),
    ("dimension with unknown item", _add_dim_item(0, "zz"),
     "dimension 'dim_a': unknown item 'zz'"),
    ("min_items too large", _set(["dimensions", 0, "min_items"], 4),
     "dimension 'dim_a': min_items must be between 1 and 3 (scored items), found 4"),
    ("min_items counts scored items only", _set(["dimensions", 1, "min_items"], 2),
     "dimension 'dim_b': min_items must be between 1 and 1 (scored items), found 2"),
    ("duplicate item id", _duplicate_item, "item 'a1': duplicate id"),
    ("duplicate dimension id", _duplicate_dimension, "dimension 'dim_a': duplicate id"),
    ("item in no dimension", _orphan, "item 'b2': belongs to no dimension"),
    ("provisional without note", _set(["items", "a1", "provisional"], True),
     "item 'a1': a provisional item needs a 'note'"),
    ("positive code not valid", _set(["items", "a1", "positive"], [1, 8]),
     "item 'a1' positive: code 8 is not a valid code of scale 'enig3'"),
    ("positive selects all", _set(["items", "a1", "positive"], [1, 2, 3]),
     "item 'a1' positive: must select some but not all valid codes"),
    ("headline without positive", _set(["items", "b1", "positive"], None),
     None),
    ("unknown item key", _set(["items", "a1", "reversed"], True),
     "item 'a1': unknown key(s): reversed"),
    ("bad scale kind", _set(["scales", "enig3", "kind"], "likert"),
     "scale 'enig3': kind must be one of ordinal, nominal, numeric, found 'likert'"),
    ("missing kind", _set(["scales", "enig3", "missing", 8], {"label": "x", "kind": "maybe"}),
     "scale 'enig3' missing code 8: kind must be one of dont_know, refusal, not_applicable"),
    ("variant year not a round", _set(["items", "a3", "variants", 0, "years"], [2019]),
     "item 'a3' variant 1: year 2019 is repeated or not one of the rounds"),
    ("variant recode target", _set(["items", "a3", "variants", 0, "recode"], {1: 5}),
     "item 'a3' variant 1: recode 1 -> 5: 5 is not a code of 'enig3'"),
    ("dimension id equals item id", _set(["dimensions", 1, "id"], "a1"),
     "dimension 'a1': column name 'a1' is also used by item 'a1'"),
    ("reserved name", _set(["dimensions", 1, "id"], "index"),
     "dimension 'index': the name 'index' is reserved"),
    ("bad id", _set(["items", "a1", "id"], "A 1"),
     "item: id must be lowercase snake_case"),
    ("index minimum", _set(["index", "min_dimensions"], 3),
     "index: min_dimensions must be between 1 and 2, found 3"),
    ("item not a mapping", lambda spec: spec["items"].append("a9"),
     "items: each item must be a mapping"),
    ("ordinal without positive_end", _set(["scales", "enig3", "positive_end"], None),
     "scale 'enig3': positive_end must be 'low' or 'high', found None"),
    ("numeric bounds", _set(["scales", "nul_ti", "max"], 0),
     "scale 'nul_ti': min must be below max, found min 0 and max 0"),
]


@pytest.mark.parametrize(("case", "change", "message"), BAD_SPECS, ids=[c[0] for c in BAD_SPECS])
def test_bad_spec_names_file_and_problem(
    tmp_path: Path, case: str, change: Callable[[dict[str, Any]], None], message: str | None
) -> None:
    spec = _mini()
    change(spec)
    if case == "headline without positive":
        _item(spec, "b1")["headline"] = "x"
        del _item(spec, "b1")["positive"]
        message = "item 'b1': a headline item needs 'positive' codes"
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_questionnaire(path)
    assert str(info.value).startswith(str(path))
    assert message in str(info.value)


def test_duplicate_yaml_key_is_an_error(tmp_path: Path) -> None:
    text = MINI.read_text(encoding="utf-8").replace(
        "  transport:\n", "  enig3:\n    kind: nominal\n    codes: {1: a, 2: b}\n  transport:\n"
    )
    path = tmp_path / "dupkey.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError, match=r"dupkey\.yaml: invalid YAML: .*duplicate key 'enig3'"):
        load_questionnaire(path)


def test_yaml_syntax_error(tmp_path: Path) -> None:
    path = tmp_path / "syntax.yaml"
    path.write_text("name: x\nitems: [a, b\n", encoding="utf-8")
    with pytest.raises(SpecError, match=r"syntax\.yaml: invalid YAML: .*line"):
        load_questionnaire(path)


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(SpecError, match=r"list\.yaml: expected a mapping at the top level"):
        load_questionnaire(path)
