"""Benchmark: raking 3 margins (gender 2, age group 4, menapt 2) in 6 by groups.

Run: ``.venv/bin/python benchmarks/weighting.py [--sizes 10000 100000 1000000] [--no-r]``

Prints seconds for the array core (``rake_weights``: target checks + collapsed IPF) and for
``Design.rake`` (adds the weighting report and the design).  When ``Rscript`` with the
``survey`` package is on the PATH, R's ``rake`` runs on the same data (written to a
temporary CSV); only the ``rake()`` call is timed inside R (``system.time``), and the ratio
R / survey_kit is printed.  Not a test.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from survey_kit.design.design import Design
from survey_kit.design.weighting import rake_weights

BY = ["year", "group"]
R_SCRIPT = r"""
suppressMessages(library(survey))
args <- commandArgs(TRUE)
d <- read.csv(args[1]); tg <- read.csv(args[2], stringsAsFactors = FALSE)
d$yg <- paste(d$year, d$group, sep = ".")
tg$yg <- paste(tg$year, tg$group, sep = ".")
pop <- function(v) { t <- tg[tg$variable == v, ]; out <- data.frame(t$yg, t$level, t$total);
                     names(out) <- c("yg", v, "Freq"); out }
des <- svydesign(ids = ~1, weights = ~w, data = d)
tm <- system.time(r <- rake(des, list(~yg + gender, ~yg + age_group, ~yg + menapt),
                            list(pop("gender"), pop("age_group"), pop("menapt")),
                            control = list(maxit = 100, epsilon = 1e-10)))
cat(tm[["elapsed"]], max(abs(weights(r) - d$w_sk) / d$w_sk), "\n")
"""


def make_data(n: int, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Synthetic respondents and consistent margins (a random reweighting's totals)."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({
        "year": rng.choice([2018, 2021], n),
        "group": rng.choice(["helhedsplan", "almene", "befolkning"], n),
        "gender": rng.choice(["kvinde", "mand"], n),
        "age_group": rng.choice(["18-29", "30-49", "50-64", "65+"], n, p=[0.2, 0.3, 0.3, 0.2]),
        "menapt": rng.choice(["yes", "no"], n, p=[0.3, 0.7]),
        "w": rng.uniform(5.0, 50.0, n),
    })
    t = df["w"] * rng.uniform(0.6, 1.6, n)
    frames = [df.assign(t=t).groupby(["year", "group", var], as_index=False)["t"].sum()
              .rename(columns={var: "level", "t": "total"}).assign(variable=var)
              for var in ("gender", "age_group", "menapt")]
    targets = pd.concat(frames, ignore_index=True)[["year", "group", "variable", "level",
                                                    "total"]]
    return df, targets


def best_of(fn: object, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def run_r(df: pd.DataFrame, targets: pd.DataFrame, weights: np.ndarray) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        data_csv, tg_csv, script = (Path(tmp) / "d.csv", Path(tmp) / "t.csv", Path(tmp) / "r.R")
        df.assign(w_sk=weights).to_csv(data_csv, index=False)
        targets.to_csv(tg_csv, index=False)
        script.write_text(R_SCRIPT)
        out = subprocess.run(["Rscript", str(script), str(data_csv), str(tg_csv)],
                             capture_output=True, text=True, check=True)
    return out.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--no-r", action="store_true", help="skip the R comparison")
    args = parser.parse_args()
    has_r = shutil.which("Rscript") is not None and not args.no_r
    print(f"{'rows':>9} {'rake_weights s':>15} {'Design.rake s':>14} {'sweeps':>7}"
          + ("  R rake s   R/sk   max rel diff" if has_r else ""))
    for n in args.sizes:
        df, targets = make_data(n)
        res = rake_weights(df, df["w"].to_numpy(), targets, by=BY)
        t_core = best_of(lambda df=df, targets=targets: rake_weights(
            df, df["w"].to_numpy(), targets, by=BY))
        des = Design(df, weight="w")
        t_design = best_of(lambda des=des, targets=targets: des.rake(targets, by=BY))
        line = f"{n:>9} {t_core:>15.3f} {t_design:>14.3f} {res.report.iterations:>7}"
        if has_r:
            r_time, r_diff = run_r(df, targets, res.weights).split()
            line += f"  {float(r_time):>8.2f} {float(r_time) / t_core:>6.1f}   {float(r_diff):.1e}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
