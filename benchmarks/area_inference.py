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
from survey_kit.report.shown import PageRule, choose
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
        return {"direct": empty, "fh": empty, "shown": empty, "contrasts": empty,
                "stopped": pd.DataFrame({"sample": [seed], "message": [str(exc)[:200]]})}
    direct = a.area_estimates.rename(columns={UNIT: "area"})
    keep = ["variable", "area", "year", "estimate", "se", "ci_low", "ci_high", "df", "n"]
    fh = a.small_area[["variable", "area", "year", "direct", "eblup", "rmse", "gamma",
                       "model_variance", "n"]]
    con = a.area_contrasts
    cols = ["comparison", "reference", "variable", "area", "year", "group_a", "group_b",
            "difference", "ci_low", "ci_high", "p_adjusted", "significant", "note"]
    con = con.assign(year=con.get("year"))[cols]
    return {"direct": direct[keep].assign(sample=seed), "fh": fh.assign(sample=seed),
            "shown": shown_on_pages(direct, fh, study.config).assign(sample=seed),
            "contrasts": con.assign(sample=seed), "stopped": pd.DataFrame()}


def shown_on_pages(direct: pd.DataFrame, fh: pd.DataFrame, cfg: RunConfig) -> pd.DataFrame:
    """The figure each focus area's page shows per variable and round, chosen by the page's
    own rule (:func:`survey_kit.report.shown.choose` with the run's ``[small_area]`` limits):
    the direct estimate where its df and CV allow, else the Fay-Herriot estimate, else the
    direct estimate marked as uncertain; with the interval the page prints."""
    rule = PageRule(cfg.small_area.min_df, cfg.small_area.max_cv, cfg.level)
    models = {(r["variable"], r["area"], r["year"]): r for r in fh.to_dict("records")}
    rows = []
    for rec in direct[direct["area"].isin(set(fh["area"]))].to_dict("records"):
        key = (rec["variable"], rec["area"], rec["year"])
        fig = choose(rec, models.get(key), rule)
        rows.append({"variable": key[0], "area": key[1], "year": key[2], "n": rec["n"],
                     "basis": fig.basis, "value": fig.value, "low": fig.low,
                     "high": fig.high})
    return pd.DataFrame(rows)


def _truth_lookup(truth: pd.DataFrame) -> pd.Series:
    return truth.set_index(["year", "area", "variable"])["value"]


def with_truth(frames: dict[str, pd.DataFrame], truth: pd.DataFrame, null: bool
               ) -> dict[str, pd.DataFrame]:
    """Attach the true value of every estimate and the true value of every contrast."""
    look = _truth_lookup(truth)
    out = {}
    for name in ("direct", "fh", "shown"):
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


def shown_table(shown: pd.DataFrame) -> pd.DataFrame:
    """What the resident reads: coverage of the interval each page prints, by the figure the
    page rule chose (direct, Fay-Herriot, direct marked uncertain) and by area size."""
    f = shown[shown["basis"].isin(["direct", "model", "uncertain"])].dropna(subset=["truth"])
    f = f.assign(covered=(f["low"] <= f["truth"]) & (f["truth"] <= f["high"]),
                 size=_size_class(f["n"]))
    rows = []
    parts = [("all figures shown", f),
             *((f"{label} (size)", f[f["size"] == label]) for label in SIZE_LABELS),
             *((f"basis: {b}", f[f["basis"] == b]) for b in ("direct", "model", "uncertain"))]
    for label, part in parts:
        rows.append({"figures": label, "cells": len(part),
                     "share of shown": len(part) / max(len(f), 1),
                     "coverage": part["covered"].mean() if len(part) else np.nan})
    return pd.DataFrame(rows)


STATED_BASES = ("direct", "uncertain")
"""The figures a page compares (:func:`survey_kit.report.shown.is_direct`): a contrast is
stated only where the page shows the area's own estimate on both sides."""


def stated(contrasts: pd.DataFrame, shown: pd.DataFrame,
           bases: Sequence[str] = STATED_BASES) -> pd.Series:
    """Whether each page contrast may be stated on its page: the area's figure in the round
    (against a group) or in both rounds (a change) is one of ``bases``."""
    look = shown.set_index(["sample", "variable", "area", "year"])["basis"].isin(bases)
    look = look[~look.index.duplicated()]

    def ok(year: pd.Series) -> np.ndarray:
        idx = pd.MultiIndex.from_arrays([contrasts["sample"], contrasts["variable"],
                                         contrasts["area"], pd.to_numeric(year)])
        return look.reindex(idx).fillna(False).to_numpy(dtype=bool)

    vs = (contrasts["comparison"] == AREA_VS_GROUP).to_numpy()
    a = ok(contrasts["year"].where(vs, contrasts["group_a"]))
    b = ok(contrasts["year"].where(vs, contrasts["group_b"]))
    return pd.Series(np.where(vs, a, a & b), index=contrasts.index)


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
              for k in ("direct", "fh", "shown", "contrasts")}
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
    con = frames["contrasts"]
    on_page = statement_table(con[stated(con, frames["shown"]).to_numpy()])
    sh = shown_table(frames["shown"])
    return "\n".join([
        f"# Area inference simulation: population `{scenario}`, {reps} samples",
        "",
        f"Population seed 2018, sample seeds 10000..{10000 + reps - 1}; each sample analysed "
        f"by `survey_kit.run.pipeline.process` with the bundled `tryghedsmaaling.toml` "
        f"(raking, area df, Bonferroni over each area page, Fay-Herriot REML with smoothed variances); "
        f"{seconds:.0f} s on {workers} worker(s). Samples on which the run stopped: "
        f"{len(stopped)}" + "".join(f"\n- sample {r.sample}: {r.message}"
                                   for r in stopped.itertuples()),
        "", "## Coverage of the 95 % intervals (share of cells whose interval holds the truth)",
        "", _markdown(cov), "", "## RMSE by area size (points on the 0-100 scale)", "",
        _markdown(rm), "",
        "## What the pages show: coverage of the interval each page prints", "",
        "The page rule (`[small_area] min_df`, `max_cv`) picks per area, variable and round "
        "the direct estimate (`direct`), the Fay-Herriot estimate (`model`) or the direct "
        "estimate with a note that it is uncertain (`uncertain`: the model's variance came "
        "out 0).", "", _markdown(sh), "", "## Statements called real, and how many are false", "",
        "A statement is false when the true difference is zero (every one in the `null` "
        "population) or has the other sign. Every contrast the page family holds is "
        "counted (an upper bound): the tests run over all of them, but a page states only "
        "those where it shows the area's own estimate on both sides.", "", _markdown(st), "",
        "### Only what the pages state", "",
        "The contrasts whose sides are both shown as the area's own estimate (`direct` or "
        "`uncertain` above): the sentences a resident reads.", "", _markdown(on_page), ""])


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=500)
    parser.add_argument("--scenario", choices=("demo", "null"), default="demo")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--save", type=Path, default=None,
                        help="also pickle the per-cell frames here (for further analysis)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    frames = simulate(args.scenario, args.reps, workers=args.workers)
    seconds = time.perf_counter() - start
    if args.save is not None:
        args.save.parent.mkdir(parents=True, exist_ok=True)
        pd.to_pickle(frames, args.save)
    text = report(args.scenario, args.reps, frames, seconds, args.workers)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"area_inference_{args.scenario}.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
