"""Benchmark of the annual run at national scale (not a test).

For 10k, 100k and 1M respondents (the demo survey resampled: both rounds, three groups,
strata and PSUs, every item), each size in a fresh process, it times

* validate + score (the questionnaire spec),
* rake per round and group to three margins,
* the full set of subgroup estimate tables (six dimensions, index and six headline shares by
  group x round, x gender, x MENAPT, x age group, x gender x MENAPT),
* all contrasts (groups, rounds, relative development, subgroups, areas) with multiplicity,
* the whole pipeline without report writing (``survey_kit.run.pipeline.process`` minus reading),

plus, in the same run, a bare numpy baseline of the same arithmetic (the same domain means,
n, sums for deff and effective n, stratified PSU-total variances, without the calibration
residuals; IPF raking with bincount) and, where ``Rscript`` with
``survey`` is installed, R on the same data (``svydesign``, ``rake``, ``svyby``).
Peak memory is ``ru_maxrss`` of the process of that size.  Results are printed and
written to ``benchmarks/results/<date>.md``.

Run: ``.venv/bin/python benchmarks/run.py [--sizes 10000 100000 1000000] [--no-r]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))

from _r import r_available, run_r

HERE = Path(__file__).parent
BREAKDOWNS = ((), ("gender",), ("menapt",), ("age_group",), ("gender", "menapt"))


def make_survey(n: int, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``n`` respondents resampled from the demo survey, and its rake targets."""
    import survey_kit as sk

    demo = sk.datasets.load_demo()
    rng = np.random.default_rng(seed)
    rows = rng.integers(0, len(demo.tryghed), n)
    df = demo.tryghed.iloc[rows].reset_index(drop=True)
    df["resp_id"] = np.arange(n)
    df["design_weight"] = df["design_weight"] * len(demo.tryghed) / n
    return df, demo.margins


def numpy_baseline(scored: pd.DataFrame, variables: list[str], margins: pd.DataFrame) -> dict:
    """The same arithmetic in bare numpy: IPF raking and the subgroup tables."""
    out = {}
    start = time.perf_counter()
    w = scored["design_weight"].to_numpy().copy()
    cell = scored.groupby(["year", "group"], sort=True).ngroup().to_numpy()
    codes, targets = [], []
    for var in ("gender", "age_group", "menapt"):
        lv = scored[var].astype(str)
        key = scored.groupby([scored["year"], scored["group"], lv], sort=True).ngroup()
        keys = scored.assign(level=lv).groupby(["year", "group", "level"], sort=True).size()
        tab = margins[margins["variable"] == var].assign(level=lambda m: m["level"].astype(str))
        t = tab.set_index(["year", "group", "level"])["total"].reindex(keys.index).to_numpy()
        codes.append(key.to_numpy())
        targets.append(t)
    for _ in range(50):
        for c, t in zip(codes, targets, strict=True):
            w *= (t / np.bincount(c, weights=w, minlength=len(t)))[c]
    del cell
    out["rake"] = time.perf_counter() - start
    start = time.perf_counter()
    psu = pd.factorize(scored["stratum"].astype(str) + "/" + scored["psu"].astype(str),
                       sort=True)[0]
    strata = pd.factorize(scored["stratum"], sort=True)[0]
    P = int(psu.max()) + 1
    psu_stratum = np.zeros(P, dtype=np.int64)
    psu_stratum[psu] = strata
    H = int(strata.max()) + 1
    nh = np.bincount(psu_stratum, minlength=H)
    scale = (nh / np.maximum(nh - 1, 1))[psu_stratum]
    for extra in BREAKDOWNS:
        by = ["group", "year", *extra]
        dom = scored.groupby(by, sort=True).ngroup().to_numpy()
        D = int(dom.max()) + 1
        key = psu * D + dom
        for var in variables:
            y = scored[var].to_numpy(dtype=float)
            ok = ~np.isnan(y)
            S0 = np.bincount(key[ok], weights=w[ok], minlength=P * D).reshape(P, D)
            S1 = np.bincount(key[ok], weights=(w * y)[ok], minlength=P * D).reshape(P, D)
            # the same domain statistics survey_kit reports: n, sum of w^2 (n_eff), w y^2 (deff)
            np.bincount(dom[ok], weights=(w * y * y)[ok], minlength=D)
            np.bincount(dom[ok], weights=(w * w)[ok], minlength=D)
            np.bincount(dom[ok], minlength=D)
            W = S0.sum(0)
            T = (S1 - S1.sum(0) / W * S0) / W
            sums = np.zeros((H, D))
            np.add.at(sums, psu_stratum, T)
            Tc = T - (sums / nh[:, None])[psu_stratum]
            _ = np.sqrt((Tc * Tc * scale[:, None]).sum(0))
    out["tables"] = time.perf_counter() - start
    return out


R_SCRIPT = """
suppressMessages(library(survey))
d <- read.csv("{path}")
d$menapt <- as.character(d$menapt)
t0 <- proc.time()[["elapsed"]]
des <- svydesign(ids=~psu, strata=~stratum, weights=~design_weight, data=d, nest=TRUE)
t1 <- proc.time()[["elapsed"]]
m <- read.csv("{path}.margins.csv", colClasses=c(level="character"))
mk <- function(v) {{ x <- m[m$variable == v, ]; out <- data.frame(x$year, x$group, x$level, Freq=x$total);
  names(out)[1:3] <- c("year", "group", v); out }}
r <- rake(des, list(~year+group+gender, ~year+group+age_group, ~year+group+menapt),
          list(mk("gender"), mk("age_group"), mk("menapt")), control=list(maxit=100, epsilon=1e-8))
t2 <- proc.time()[["elapsed"]]
f <- ~oplevet_tryghed+social_sammenhaengskraft+kollektiv_handlekraft+tillid+tilfredshed+livskvalitet+index
for (by in list(~group+year, ~group+year+gender, ~group+year+menapt, ~group+year+age_group,
                ~group+year+gender+menapt))
  b <- svyby(f, by, des, svymean, na.rm=TRUE)
t3 <- proc.time()[["elapsed"]]
cat(t1 - t0, t2 - t1, t3 - t2, "\\n")
"""


def one_size(n: int, use_r: bool) -> dict:
    """Time every stage for ``n`` respondents (run in its own process)."""
    import survey_kit as sk
    from survey_kit.run import analysis, stages
    from survey_kit.run.config import load_config
    from survey_kit.run.result import RunLog
    from survey_kit.spec import load_questionnaire

    raw, margins = make_survey(n)
    raw["source_file"], raw["source_row"] = "bench", np.arange(1, n + 1)
    cfg = load_config(HERE.parent / "reports" / "tryghedsmaaling.toml")
    q = load_questionnaire(cfg.questionnaire)
    log = RunLog()
    res: dict = {"n": n}
    t = time.perf_counter()
    report = stages.validate(q, raw, cfg, log)
    scored = analysis.with_units(cfg, stages.score(q, report.valid, log))
    res["validate_score"] = time.perf_counter() - t
    t = time.perf_counter()
    design = stages.weight(cfg, scored, margins, log)
    res["rake"] = time.perf_counter() - t
    variables = analysis.run_variables(q, scored)
    t = time.perf_counter()
    for extra in BREAKDOWNS:
        analysis._estimates(design, variables, ["group", "year", *extra], cfg.level)
    res["tables"] = time.perf_counter() - t
    base_design = sk.Design(scored, weight="design_weight", strata="stratum", psu="psu")
    t = time.perf_counter()
    for extra in BREAKDOWNS:
        base_design.mean(list(variables.scores), by=["group", "year", *extra])
    res["tables_base"] = time.perf_counter() - t
    del base_design
    t = time.perf_counter()
    analysis._contrasts(design, cfg, variables)
    analysis._area_tables(design, cfg, variables)
    res["contrasts"] = time.perf_counter() - t
    base = numpy_baseline(scored, variables.all, margins)
    res["numpy_rake"], res["numpy_tables"] = base["rake"], base["tables"]
    scores = scored[["year", "group", "stratum", "psu", "design_weight", "gender", "age_group",
                     "menapt", *variables.scores]]
    del report, scored, design
    gc.collect()
    t = time.perf_counter()
    report = stages.validate(q, raw, cfg, log)
    scored = analysis.with_units(cfg, stages.score(q, report.valid, log))
    design = stages.weight(cfg, scored, margins, log)
    analysis.analyse(design, cfg, analysis.run_variables(q, scored))
    res["pipeline"] = time.perf_counter() - t
    res["peak_mb_sk"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if use_r:
        data = scores.dropna(subset=list(variables.scores))
        import tempfile

        with tempfile.TemporaryDirectory():
            out = _run_r_with_margins(data, margins)
        res["r_design"], res["r_rake"], res["r_tables"] = (float(x) for x in out.split())
    return res


def _run_r_with_margins(data: pd.DataFrame, margins: pd.DataFrame) -> str:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        mpath = Path(tmp) / "m.csv"
        margins.to_csv(mpath, index=False)
        script = R_SCRIPT.replace("{path}.margins.csv", str(mpath))
        return run_r(script, data)


def _fmt(x: float) -> str:
    return "–" if x != x else f"{x:.3f}"


def report_markdown(rows: list[dict], use_r: bool) -> str:
    """The results table as Markdown."""
    head = ("| n | validate+score s | rake s | tables s | contrasts s | pipeline s | "
            "numpy rake s | numpy tables s | tables ÷ numpy | rake ÷ numpy | peak MB |")
    lines = [head, "|" + "---|" * 11]
    for r in rows:
        lines.append(
            f"| {r['n']:,} | {_fmt(r['validate_score'])} | {_fmt(r['rake'])} | "
            f"{_fmt(r['tables'])} | {_fmt(r['contrasts'])} | {_fmt(r['pipeline'])} | "
            f"{_fmt(r['numpy_rake'])} | {_fmt(r['numpy_tables'])} | "
            f"{r['tables'] / r['numpy_tables']:.2f} | {r['rake'] / r['numpy_rake']:.2f} | "
            f"{r['peak_mb_sk']:.0f} |")
    if use_r:
        lines += ["", "Like for like with R: the seven scores by the five by-sets on the base-weight "
                  "design (R `svyby(..., svymean, na.rm=TRUE)`), and raking to the three margins "
                  "per round and group (R `rake`).", "",
                  "| n | survey_kit tables s | R svyby s | R ÷ survey_kit | survey_kit rake s | "
                  "R rake s | R ÷ survey_kit | R svydesign s |", "|---|---|---|---|---|---|---|---|"]
        for r in rows:
            if "r_rake" in r:
                lines.append(
                    f"| {r['n']:,} | {_fmt(r['tables_base'])} | {_fmt(r['r_tables'])} | "
                    f"{r['r_tables'] / r['tables_base']:.1f} | {_fmt(r['rake'])} | "
                    f"{_fmt(r['r_rake'])} | {r['r_rake'] / r['rake']:.1f} | "
                    f"{_fmt(r['r_design'])} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--no-r", action="store_true", help="skip R even if installed")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    use_r = not args.no_r and r_available()
    if args.one:
        print(json.dumps(one_size(args.one, use_r)))
        return
    rows = []
    for n in args.sizes:
        cmd = [sys.executable, __file__, "--one", str(n)] + (["--no-r"] if not use_r else [])
        done = subprocess.run(cmd, capture_output=True, text=True, check=True)
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(f"{n:>9,}: " + ", ".join(f"{k}={v:.3f}" for k, v in rows[-1].items()
                                       if k != "n"), flush=True)
    text = report_markdown(rows, use_r)
    stamp = dt.date.today().isoformat()
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    header = (f"# survey_kit benchmark {stamp}\n\nMachine: {os.cpu_count()} cores, "
              f"{memory:.0f} GiB; Python {sys.version.split()[0]}; each size in its own process; "
              f"R: {'yes' if use_r else 'not installed or skipped'}.\n\n")
    (results / f"{stamp}.md").write_text(header + text + "\n")
    print(text)


if __name__ == "__main__":
    main()
