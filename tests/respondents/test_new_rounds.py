"""A new round needs no code change: rounds the spec does not list, new and dropped items."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import survey_kit as sk
from survey_kit.spec import load_questionnaire

MINI = Path(__file__).parents[1] / "data" / "mini.yaml"


def _spec(tmp_path: Path, change: dict | None = None, items: dict | None = None) -> Path:
    """The mini spec with top-level keys changed and keys added to items."""
    body = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    body.pop("unknown_rounds", None)  # the default: read other rounds as the latest
    body.update(change or {})
    for item in body["items"]:
        item.update((items or {}).get(item["id"], {}))
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(body, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    return path


def _data(years: list[int]) -> pd.DataFrame:
    n = len(years)
    return pd.DataFrame({"resp_id": range(1, n + 1), "year": years, "a1": 1, "a2": 3,
                         "a3": 1, "a3_2018": 3, "b1": 8, "b2": 3})


def test_bundled_spec_reads_2024_as_2021() -> None:
    q = load_questionnaire("tryghed_trivsel")
    demo = sk.datasets.load_demo().tryghed
    later = demo[demo["year"] == 2021].head(300)
    both = pd.concat([later, later.assign(year=2024, resp_id=later["resp_id"] + "-24")],
                     ignore_index=True)
    report = q.validate(both)
    assert len(report.valid) == len(both) and "unknown_year" not in set(report.rejects["problem"])
    assert report.notes == (
        "round 2024 is not among the rounds of questionnaire 'tryghed_trivsel' (2018, 2021): "
        "its items are read as in 2021, the latest; add it to 'rounds:' in the spec to say so "
        "there",)
    assert "note: round 2024" in report.summary()
    scores = q.score(report.valid)
    dims = [d.id for d in q.dimensions] + ["index"]
    np.testing.assert_allclose(scores.loc[scores["year"] == 2024, dims].to_numpy(),
                               scores.loc[scores["year"] == 2021, dims].to_numpy())


def test_unlisted_round_uses_the_latest_variant(tmp_path: Path) -> None:
    # a3 is asked through column a3_2018 with a recode in 2018; 2021 is the default column.
    # Make 2021 the variant round too: a later, unlisted round must follow 2021's variant.
    spec = _spec(tmp_path, items={"a3": {"variants": [
        {"years": [2018], "column": "a3_2018", "recode": {1: 3, 3: 1}},
        {"years": [2021], "column": "a3_2021"}]}})
    q = load_questionnaire(spec)
    data = _data([2021, 2024]).assign(a3=2, a3_2021=[1, 1])
    scores = q.score(q.validate(data).valid)
    assert scores["a3_pos"].tolist() == [1.0, 1.0]  # read from a3_2021 (code 1), not a3 (2)


def test_reject_rule_keeps_rejecting(tmp_path: Path) -> None:
    q = load_questionnaire(_spec(tmp_path, {"unknown_rounds": "reject"}))
    report = q.validate(_data([2021, 2024]))
    assert report.rejects["problem"].tolist() == ["unknown_year"]
    assert "'rounds:'" in report.rejects["reason"].iloc[0] and report.notes == ()


def test_dropped_and_new_items(tmp_path: Path) -> None:
    spec = _spec(tmp_path, items={"b1": {"dropped_in": 2024}, "a1": {"new_in": 2021}})
    q = load_questionnaire(spec)
    assert q.item("b1").asked_in(2021) and not q.item("b1").asked_in(2024)
    data = _data([2018, 2021, 2024])
    data.loc[0, "a1"] = 7  # not asked in 2018: not read, so not a problem
    data.loc[2, "b1"] = 55  # not asked in 2024: not read either
    report = q.validate(data)
    assert report.ok, report.rejects
    scored = q.score(report.valid)
    assert np.isnan(scored.loc[0, "a1_pos"]) and scored.loc[1, "a1_pos"] == 1.0
    assert np.isnan(scored.loc[2, "b1_pos"]) and scored.loc[1, "b1_pos"] == 1.0
    # a file of the 2024 round alone need not have the dropped item's column
    only = data[data["year"] == 2024].drop(columns=["b1"])
    assert q.validate(only).ok


def test_asked_rounds_are_checked(tmp_path: Path) -> None:
    with pytest.raises(sk.SpecError, match="dropped_in \\(2018\\) must come after new_in"):
        load_questionnaire(_spec(tmp_path, items={"b1": {"new_in": 2021, "dropped_in": 2018}}))
    with pytest.raises(sk.SpecError, match="unknown_rounds: expected 'latest' or 'reject'"):
        load_questionnaire(_spec(tmp_path, {"unknown_rounds": "maybe"}))
