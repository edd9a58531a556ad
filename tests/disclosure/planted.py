"""Small surveys with planted small cells, for the attacker tests (test helper).

* **tryghed, unweighted**: six helhedsplan areas, almene and befolkning, three rounds, every
  design weight 1 and no raking (so count x mean adds up across cells).  Planted: area HP04
  has 7 respondents in 2021 and HP02 8 in 2018 (the previous round of its small-area
  model's 2021 row); men without MENAPT background in helhedsplan 2021 are 6; almene
  2021 has 5 respondents aged 65+; befolkning has few with MENAPT background.  2021 is the
  middle round: the trend across the rounds rests on it too.
* **livsmestring**: 300 young people; planted: 6 boys with MENAPT background, every one of
  them lonely (the issue's "6 of 6 lonely").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

import survey_kit as sk
from survey_kit.run.config import RunConfig, load_config

ROOT = Path(__file__).resolve().parents[2]
AREAS = ("HP01", "HP02", "HP03", "HP04", "HP05", "HP06")


@dataclass(frozen=True)
class Planted:
    """A planted survey: its configuration (files in ``folder``) and the raw data."""

    config: RunConfig
    data: pd.DataFrame


def _take(frame: pd.DataFrame, n: int, rng: np.random.Generator) -> pd.DataFrame:
    return frame if len(frame) <= n else frame.iloc[np.sort(rng.choice(len(frame), n,
                                                                         replace=False))]


def tryghed_data(seed: int = 14) -> pd.DataFrame:
    """The unweighted tryghed survey with its planted small cells (module docstring)."""
    rng = np.random.default_rng(seed)
    t = sk.datasets.load_demo(rounds=(2018, 2021, 2024)).tryghed
    parts = []
    for (year, group, area), part in t.groupby(["year", "group", "area"], sort=True):
        if group == "helhedsplan" and area in AREAS:
            keep = {("HP04", 2021): 7, ("HP02", 2018): 8}.get((area, year), 40)
            parts.append(_take(part, keep, rng))
    for (_, group), part in t[t["group"] != "helhedsplan"].groupby(["year", "group"]):
        parts.append(_take(part, 160 if group == "almene" else 120, rng))
    data = pd.concat(parts)
    hp21 = (data["group"] == "helhedsplan") & (data["year"] == 2021)
    men = data.index[hp21 & (data["gender"] == "mand") & ~data["menapt"].astype(bool)]
    old = data.index[(data["group"] == "almene") & (data["age_group"] == "65+")]
    drop = [*men[6:], *old[5:]]
    return data.drop(index=drop).assign(design_weight=1.0).reset_index(drop=True)


def youth_data(seed: int = 14) -> pd.DataFrame:
    """The youth survey with 6 boys with MENAPT background, all lonely."""
    rng = np.random.default_rng(seed)
    raw = sk.datasets.load_demo().livsmestring
    q = sk.load_questionnaire("livsmestring")
    scored = q.score(q.validate(raw).valid)
    boys = (raw["gender"] == "dreng") & raw["menapt"].astype(bool)
    lonely = raw.index[boys & (scored["en1_ensom_pos"] == 1).reindex(raw.index,
                                                                     fill_value=False)]
    rest = _take(raw[~boys], 300, rng)
    return pd.concat([rest, raw.loc[lonely[:6]]]).reset_index(drop=True)


def _config(template: str, folder: Path, data: pd.DataFrame, file: str,
            replace: dict[str, str]) -> RunConfig:
    folder.mkdir(parents=True, exist_ok=True)
    data.to_csv(folder / file, index=False)
    text = (ROOT / "reports" / template).read_text(encoding="utf-8")
    for old, new in {"demo = true": f'demo = false\nfiles = ["{file}"]', **replace}.items():
        assert old in text, old
        text = text.replace(old, new)
    path = folder / "run.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def tryghed(folder: Path) -> Planted:
    """The unweighted tryghed survey, written with its configuration to ``folder``."""
    data = tryghed_data()
    cfg = _config("tryghedsmaaling.toml", folder, data, "tryghed.csv", {
        'area_margins = "demo"': 'area_margins = ""', '\nmargins = "demo"': '\nmargins = ""',
        'covariates = ["menapt=True", "age_group=18-29", "age_group=65+"]':
        'covariates = ["previous"]',  # the model regresses on the previous round
        # the pooled design effect is undefined when every weight is 1 (deff NaN): raw
        'variance = "deff"': 'variance = "raw"'})
    return Planted(cfg, data)


def youth(folder: Path) -> Planted:
    """The youth survey, written with its configuration to ``folder``."""
    data = youth_data()
    return Planted(_config("livsmestring.toml", folder, data, "unge.csv", {}), data)
