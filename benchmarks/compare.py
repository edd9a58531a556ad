"""Timing of the full set of comparison tables (not a test).

Two rounds x three groups, six dimension scores + index, subgroups gender, MENAPT and age
group, on generated data of 10k / 100k / 1M respondents.  Run:

    .venv/bin/python benchmarks/compare.py [sizes...]
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

import survey_kit as sk
from survey_kit.compare import banner_letters, compare, did, subgroup_tables

DIMENSIONS = ["oplevet_tryghed", "social_sammenhaengskraft", "kollektiv_handlekraft", "tillid",
              "tilfredshed", "livskvalitet"]


def generate(n: int, seed: int = 2024) -> pd.DataFrame:
    """Respondents in 40 strata x ~n/100 PSUs, both rounds sharing PSUs."""
    rng = np.random.default_rng(seed)
    n_psu = max(n // 100, 80)
    psu = rng.integers(0, n_psu, n)
    groups = np.array(["helhedsplan", "almene", "befolkning"])
    frame = pd.DataFrame({
        "year": rng.choice([2018, 2021], n),
        "group": groups[psu % 3],
        "stratum": psu % 40,
        "psu": psu,
        "design_weight": rng.uniform(5, 40, n),
        "gender": rng.choice(["kvinde", "mand"], n),
        "menapt": rng.random(n) < 0.3,
        "age_group": rng.choice(["18-29", "30-49", "50-64", "65+"], n),
    })
    effect = rng.normal(0, 0.05, n_psu)[psu]
    for name in DIMENSIONS:
        score = 0.55 + effect + rng.normal(0, 0.18, n) + 0.02 * (frame["year"] == 2021)
        score[rng.random(n) < 0.05] = np.nan
        frame[name] = np.clip(score, 0, 1)
    frame["index"] = frame[DIMENSIONS].mean(axis=1)
    return frame


def run(n: int) -> dict[str, float]:
    data = generate(n)
    des = sk.Design(data, weight="design_weight", strata="stratum", psu="psu")
    variables = [*DIMENSIONS, "index"]
    timings: dict[str, float] = {}
    steps = {
        "groups within year": lambda: compare(des, variables, between="group", by="year"),
        "change per group": lambda: compare(des, variables, between="year", by="group"),
        "relative development": lambda: did(des, variables),
        "subgroup tables": lambda: subgroup_tables(
            des, variables, ["gender", "menapt", "age_group", ["gender", "menapt"]]),
    }
    results = {}
    for name, step in steps.items():
        start = time.perf_counter()
        results[name] = step()
        timings[name] = time.perf_counter() - start
    start = time.perf_counter()
    banner_letters(results["groups within year"])
    timings["banner letters"] = time.perf_counter() - start
    timings["rows"] = float(sum(len(t) for t in results.values()))
    return timings


def main(sizes: list[int]) -> None:
    for n in sizes:
        timings = run(n)
        rows = int(timings.pop("rows"))
        total = sum(timings.values())
        parts = ", ".join(f"{k} {v:.2f}s" for k, v in timings.items())
        print(f"n={n:>9,}: {total:6.2f}s for {rows} contrast rows ({parts})")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10_000, 100_000, 1_000_000])
