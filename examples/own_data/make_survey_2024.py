"""Write survey_2024.csv: a small synthetic resident survey for the README's "Your own data".

Run from this folder: ``python make_survey_2024.py`` (deterministic: the same file every time).
No real persons or places: 400 invented respondents in four invented areas.  The file is
written as a Danish Excel user would save it: semicolon-separated, decimal comma, UTF-8 with
a byte-order mark, ids with leading zeros.  Answers: tryg1-tryg4 and trivsel1-trivsel3 on
1-5 (1 = most favourable, 9 = "ved ikke"), tilfreds on 0-10 (99 = "ved ikke"); one typo
(33 in trivsel2) for validation to find.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

AREAS = {"Engparken": 2400, "Søndervang": 1800, "Lindegården": 1500, "Bakkehuset": 2100}
N_PER_AREA = 100
SEED = 2024


def _answers(rng: np.random.Generator, level: np.ndarray, n_codes: int, dont_know: int,
             low: int = 1, noise: float = 0.8) -> np.ndarray:
    """Codes around a respondent's level (0 good .. 1 bad), some "ved ikke", some blank."""
    raw = low + np.clip(np.round(level * (n_codes - 1) + rng.normal(0, noise, level.size)),
                        0, n_codes - 1)
    out = raw.astype(float)
    out[rng.random(level.size) < 0.04] = dont_know
    out[rng.random(level.size) < 0.02] = np.nan
    return out


def make() -> pd.DataFrame:
    """The synthetic respondents."""
    rng = np.random.default_rng(SEED)
    areas = np.repeat(list(AREAS), N_PER_AREA)
    n = areas.size
    frame = pd.DataFrame({
        "resp_id": [f"{i:04d}" for i in range(1, n + 1)],
        "aar": 2024,
        "omraade": areas,
        "afdeling": [f"{a[:3].upper()}-{k}" for a, k in zip(areas, rng.integers(1, 4, n),
                                                            strict=True)],
        "vaegt": np.round([AREAS[a] / N_PER_AREA * f for a, f in
                           zip(areas, rng.uniform(0.8, 1.25, n), strict=True)], 2),
        "koen": rng.choice(["kvinde", "mand"], n),
        "alder": rng.choice(["18-29", "30-49", "50-64", "65+"], n, p=[0.2, 0.35, 0.25, 0.2]),
    })
    level = rng.beta(2, 4, n)
    for k in range(1, 5):
        frame[f"tryg{k}"] = _answers(rng, level, 5, 9)
    for k in range(1, 4):
        frame[f"trivsel{k}"] = _answers(rng, level, 5, 9)
    frame["tilfreds"] = _answers(rng, 1 - level, 11, 99, low=0, noise=2.0)
    frame.loc[17, "trivsel2"] = 33
    return frame


def write(path: Path) -> None:
    """Semicolon CSV with decimal comma, UTF-8 with BOM, whole codes without ".0"."""
    frame = make()
    for column in frame.columns[7:]:
        frame[column] = frame[column].astype("Int64")
    frame.to_csv(path, sep=";", decimal=",", index=False, encoding="utf-8-sig")


if __name__ == "__main__":
    write(Path(__file__).with_name("survey_2024.csv"))
