"""Simulation study: do the area statements and intervals hold at their stated error rates?

Draws fresh samples from one synthetic population (``sk.datasets.demo_population``), analyses
each exactly as the annual run does (``survey_kit.run.pipeline.process`` with the bundled
``tryghedsmaaling.toml``), and compares with the population's true area values:

* coverage of the 95 % intervals: direct estimates with each area's own df, and Fay-Herriot
  estimates ``eblup ± 1.96 rmse``;
* RMSE of direct and Fay-Herriot estimates by area size;
* statements: the share of contrasts a page calls real ("reel forskel", "reel stigning")
  whose true value is zero or has the other sign, per statement and per area page (after the
  page's multiplicity correction).

Two populations: ``demo`` (the one behind ``load_demo``) and ``null`` (the same frame and
design, but every area, group and round has the same true values: every true difference is
exactly zero, so every "real" statement is false).  Run::

    python benchmarks/area_inference.py --reps 500 --scenario demo
    python benchmarks/area_inference.py --reps 500 --scenario null

Results go to ``benchmarks/results/area_inference_<scenario>.md`` (and ``.csv`` per cell).
Not a test; ``tests/benchmarks/test_area_inference.py`` runs a few samples.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

import survey_kit as sk
from survey_kit.run import pipeline
from survey_kit.run.analysis import UNIT
from survey_kit.run.areas import AREA_CHANGE, AREA_VS_GROUP
from survey_kit.run.config import RunConfig, load_config

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "survey_kit" / "run" / "configs" / "tryghedsmaaling.toml"
RESULTS = ROOT / "benchmarks" / "results"
Z95 = 1.959963984540054
SIZE_CLASSES = (0, 50, 100, 200, np.inf)
SIZE_LABELS = ("< 50", "50-99", "100-199", ">= 200")


@dataclass(frozen=True)
class Study:
    """One population and the run configuration every sample is analysed with."""

    population: sk.datasets.Population
    config: RunConfig
    null: bool


@lru_cache(maxsize=2)
def make_study(scenario: str, seed: int = 2018) -> Study:
    """The population of ``scenario`` (``"demo"`` or ``"null"``) and the bundled config
    (built once per process)."""
    pop = sk.datasets.demo_population(seed, scenario=scenario)
    return Study(pop, load_config(CONFIG), scenario == "null")


def analyse_sample(study: Study, seed: int) -> dict[str, pd.DataFrame]:
    """One fresh sample, analysed as the annual run does; the area tables of the result.

    A sample on which the run stops (e.g. raking bounds that cannot be met) gives empty
    tables and a row in ``stopped`` with the run's message: the study counts it."""
    demo = study.population.sample(seed, livsmestring=False)
    try:
        a = pipeline.process(study.config, demo=demo).analysis
    except sk.SurveyKitError as exc:
        empty = pd.DataFrame()
        return {"direct": empty, "fh": empty, "contrasts": empty,
                "stopped": pd.DataFrame({"sample": [seed], "message": [str(exc)[:200]]})}
    direct = a.area_estimates.rename(columns={UNIT: "area"})
    keep = ["variable", "area", "year", "estimate", "se", "ci_low", "ci_high", "df", "n"]
    fh = a.small_area[["variable", "area", "year", "direct", "eblup", "rmse", "gamma", "n"]]
    con = a.area_contrasts
    cols = ["comparison", "reference", "variable", "area", "year", "group_a", "group_b",
            "difference", "ci_low", "ci_high", "p_adjusted", "significant", "note"]
    con = con.assign(year=con.get("year"))[cols]
    return {"direct": direct[keep].assign(sample=seed), "fh": fh.assign(sample=seed),
            "contrasts": con.assign(sample=seed), "stopped": pd.DataFrame()}


def _truth_lookup(truth: pd.DataFrame) -> pd.Series:
    return truth.set_index(["year", "area", "variable"])["value"]


def with_truth(frames: dict[str, pd.DataFrame], truth: pd.DataFrame, null: bool
               ) -> dict[str, pd.DataFrame]:
    """Attach the true value of every estimate and the true value of every contrast."""
    look = _truth_lookup(truth)
    out = {}
    for name in ("direct", "fh"):
        f = frames[name]
        idx = pd.MultiIndex.from_arrays([f["year"], f["area"], f["variable"]])
        out[name] = f.assign(truth=look.reindex(idx).to_numpy())
    c = frames["contrasts"]
    vs = c["comparison"] == AREA_VS_GROUP
    a_year = np.where(vs, c["year"], c["group_a"])
    b_year = np.where(vs, c["year"], c["group_b"])
    b_unit = np.where(vs, c["reference"], c["area"])
    t_a = look.reindex(pd.MultiIndex.from_arrays([a_year, c["area"], c["variable"]]))
    t_b = look.reindex(pd.MultiIndex.from_arrays([b_year, b_unit, c["variable"]]))
    true_diff = t_a.to_numpy() - t_b.to_numpy()
    out["contrasts"] = c.assign(true_difference=0.0 if null else true_diff)
    return out


def _size_class(n: pd.Series) -> pd.Series:
    return pd.cut(n, SIZE_CLASSES, right=False, labels=SIZE_LABELS)


def coverage_table(direct: pd.DataFrame, fh: pd.DataFrame) -> pd.DataFrame:
    """Coverage of the 95 % intervals of the focus areas by area size (respondents in the
    area and round)."""
    d = direct[direct["area"].isin(set(fh["area"]))].dropna(subset=["truth"])
    d = d.assign(has_ci=d["ci_low"].notna(),
                 covered=(d["ci_low"] <= d["truth"]) & (d["truth"] <= d["ci_high"]),
                 size=_size_class(d["n"]))
    f = fh.dropna(subset=["truth", "eblup", "rmse"])
    f = f.assign(covered=(f["eblup"] - f["truth"]).abs() <= Z95 * f["rmse"],
                 size=_size_class(f["n"]))
    rows = []
    for label in (*SIZE_LABELS, "all"):
        dd = d if label == "all" else d[d["size"] == label]
        ff = f if label == "all" else f[f["size"] == label]
        rows.append(_coverage_row(label, dd, ff))
    for label, pick in (("FH with model variance 0", f["gamma"] == 0),
                        ("FH with model variance > 0", f["gamma"] > 0)):
        rows.append({"area size": label, "cells": int(pick.sum()),
                     "direct coverage": np.nan, "direct without interval": np.nan,
                     "FH coverage": f.loc[pick, "covered"].mean() if pick.any() else np.nan})
    for year in sorted(f["year"].unique()):
        rows.append(_coverage_row(f"round {year}", d[d["year"] == year], f[f["year"] == year]))
    return pd.DataFrame(rows)


def _coverage_row(label: str, dd: pd.DataFrame, ff: pd.DataFrame) -> dict[str, object]:
    with_ci = dd[dd["has_ci"]]
    return {"area size": label, "cells": len(dd),
            "direct coverage": with_ci["covered"].mean() if len(with_ci) else np.nan,
            "direct without interval": 1 - dd["has_ci"].mean() if len(dd) else np.nan,
            "FH coverage": ff["covered"].mean() if len(ff) else np.nan}


def rmse_table(direct: pd.DataFrame, fh: pd.DataFrame) -> pd.DataFrame:
    """RMSE of direct and Fay-Herriot estimates by area size (points on 0-100)."""
    key = ["variable", "area", "year"]
    d = direct.dropna(subset=["truth", "estimate"]).assign(
        sq=lambda t: (t["estimate"] - t["truth"]) ** 2)
    f = fh.dropna(subset=["truth", "eblup"]).assign(sq=lambda t: (t["eblup"] - t["truth"]) ** 2)
    cells = (d.groupby(key)[["sq", "n"]].mean().rename(columns={"sq": "direct"})
             .join(f.groupby(key)["sq"].mean().rename("fh"), how="inner"))
    cells["size"] = _size_class(cells["n"])
    rows = []
    for label in (*SIZE_LABELS, "< 100", "all"):
        part = {"all": cells, "< 100": cells[cells["n"] < 100]}.get(
            label, cells[cells["size"] == label])
        direct_rmse = 100 * np.sqrt(part["direct"].mean())
        fh_rmse = 100 * np.sqrt(part["fh"].mean())
        rows.append({"area size": label, "cells": len(part), "direct RMSE": direct_rmse,
                     "FH RMSE": fh_rmse, "FH / direct": fh_rmse / direct_rmse})
    return pd.DataFrame(rows)


def statement_table(contrasts: pd.DataFrame) -> pd.DataFrame:
    """Statements made ("real" after the page's correction) and how many are false: the
    true difference is zero or has the other sign; per statement and per area page."""
    c = contrasts.dropna(subset=["true_difference"])
    made = c["significant"].astype(bool)
    wrong = made & ((c["true_difference"] == 0)
                    | (np.sign(c["difference"]) != np.sign(c["true_difference"])))
    c = c.assign(made=made, wrong=wrong, tested=c["p_adjusted"].notna())
    rows = []
    for label, part in (("area vs group", c[c["comparison"] == AREA_VS_GROUP]),
                        ("change in the area", c[c["comparison"] == AREA_CHANGE]),
                        ("all statements", c)):
        pages = part.groupby(["sample", "area"])["wrong"].any()
        rows.append({"statements": label, "contrasts tested": int(part["tested"].sum()),
                     "called real": part["made"].mean(),
                     "false per contrast": part["wrong"].sum() / max(int(part["tested"].sum()),
                                                                     1),
                     "pages": len(pages), "pages with a false statement": pages.mean()})
    return pd.DataFrame(rows)


def _worker(args: tuple[str, int, int]) -> dict[str, pd.DataFrame]:
    scenario, pop_seed, seed = args
    return analyse_sample(make_study(scenario, pop_seed), seed)


def simulate(scenario: str, reps: int, pop_seed: int = 2018, first_seed: int = 10_000,
             workers: int = 1) -> dict[str, pd.DataFrame]:
    """``reps`` fresh samples analysed as the run does, with the truth attached."""
    study = make_study(scenario, pop_seed)
    truth = study.population.truth
    jobs = [(scenario, pop_seed, first_seed + r) for r in range(reps)]
    if workers > 1:
        with mp.get_context("fork").Pool(workers) as pool:
            parts = pool.map(_worker, jobs, chunksize=1)
    else:
        parts = [analyse_sample(study, seed) for _, _, seed in jobs]
    frames = {k: pd.concat([p[k] for p in parts], ignore_index=True)
              for k in ("direct", "fh", "contrasts")}
    stopped = pd.concat([p["stopped"] for p in parts], ignore_index=True)
    return {**with_truth(frames, truth, study.null), "stopped": stopped}


def _markdown(frame: pd.DataFrame) -> str:
    return frame.to_markdown(index=False, floatfmt=".4f")


def report(scenario: str, reps: int, frames: dict[str, pd.DataFrame], seconds: float,
           workers: int) -> str:
    """The results as Markdown."""
    stopped = frames["stopped"]
    cov = coverage_table(frames["direct"], frames["fh"])
    rm = rmse_table(frames["direct"], frames["fh"])
    st = statement_table(frames["contrasts"])
    return "\n".join([
        f"# Area inference simulation: population `{scenario}`, {reps} samples",
        "",
        f"Population seed 2018, sample seeds 10000..{10000 + reps - 1}; each sample analysed "
        f"by `survey_kit.run.pipeline.process` with the bundled `tryghedsmaaling.toml` "
        f"(raking, area df, page-wise Holm, Fay-Herriot REML with smoothed variances); "
        f"{seconds:.0f} s on {workers} worker(s). Samples on which the run stopped: "
        f"{len(stopped)}" + "".join(f"\n- sample {r.sample}: {r.message}"
                                   for r in stopped.itertuples()),
        "", "## Coverage of the 95 % intervals (share of cells whose interval holds the truth)",
        "", _markdown(cov), "", "## RMSE by area size (points on the 0-100 scale)", "",
        _markdown(rm), "", "## Statements called real, and how many are false", "",
        "A statement is false when the true difference is zero (every one in the `null` "
        "population) or has the other sign.", "", _markdown(st), ""])


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=500)
    parser.add_argument("--scenario", choices=("demo", "null"), default="demo")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    frames = simulate(args.scenario, args.reps, workers=args.workers)
    seconds = time.perf_counter() - start
    text = report(args.scenario, args.reps, frames, seconds, args.workers)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"area_inference_{args.scenario}.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
