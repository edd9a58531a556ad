"""Benchmark: the full subgroup table at 10k, 100k and 1M respondents (not a test).

Six dimension scores + the index, by group x year x gender, x MENAPT and x age group,
with survey_kit, a bare numpy pass of the same arithmetic (domain means and their
PSU-total variance, no checks), and, where ``Rscript`` with ``survey`` is installed,
R's ``svyby`` on the same data, timed in the same run.

Run: ``.venv/bin/python benchmarks/estimate.py [--sizes 10000 100000 1000000] [--no-r]``
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))

from _data import DIMENSIONS, make_scored
from _r import r_available, run_r

import survey_kit as sk

VARIABLES = [*DIMENSIONS, "index"]
BYS = (["group", "year", "gender"], ["group", "year", "menapt"], ["group", "year", "age_group"])


def numpy_baseline(df: pd.DataFrame) -> float:
    """Bare numpy: domain means and stratified PSU-total variances, no validation."""
    start = time.perf_counter()
    strata = df["stratum"].to_numpy()
    psu_codes = np.unique(df["psu"].to_numpy(), return_inverse=True)[1]
    P = int(psu_codes.max()) + 1
    psu_stratum = np.zeros(P, dtype=np.int64)
    psu_stratum[psu_codes] = strata
    w = df["design_weight"].to_numpy()
    for by in BYS:
        dom = df.groupby(by, sort=True).ngroup().to_numpy()
        D = int(dom.max()) + 1
        key = psu_codes * D + dom
        for var in VARIABLES:
            y = df[var].to_numpy()
            ok = ~np.isnan(y)
            S0 = np.bincount(key[ok], weights=w[ok], minlength=P * D).reshape(P, D)
            S1 = np.bincount(key[ok], weights=(w * y)[ok], minlength=P * D).reshape(P, D)
            W = S0.sum(0)
            mu = S1.sum(0) / W
            T = (S1 - mu * S0) / W
            H = int(psu_stratum.max()) + 1
            nh = np.bincount(psu_stratum, minlength=H)
            sums = np.zeros((H, D))
            np.add.at(sums, psu_stratum, T)
            Tc = T - (sums / nh[:, None])[psu_stratum]
            scale = (nh / (nh - 1))[psu_stratum]
            _ = np.sqrt((Tc * Tc * scale[:, None]).sum(0))
    return time.perf_counter() - start


def survey_kit_time(df: pd.DataFrame) -> tuple[float, float]:
    start = time.perf_counter()
    des = sk.Design(df, weight="design_weight", strata="stratum", psu="psu")
    built = time.perf_counter() - start
    for by in BYS:
        des.mean(VARIABLES, by=by)
    return built, time.perf_counter() - start - built


R_SCRIPT = """
suppressMessages(library(survey))
d <- read.csv("{path}")
t0 <- proc.time()[["elapsed"]]
des <- svydesign(ids=~psu, strata=~stratum, weights=~design_weight, data=d, nest=TRUE)
t1 <- proc.time()[["elapsed"]]
f <- ~oplevet_tryghed+social_sammenhaengskraft+kollektiv_handlekraft+tillid+tilfredshed+livskvalitet+index
for (by in list(~group+year+gender, ~group+year+menapt, ~group+year+age_group))
  b <- svyby(f, by, des, svymean, na.rm=TRUE)
t2 <- proc.time()[["elapsed"]]
cat(t1 - t0, t2 - t1, "\\n")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--no-r", action="store_true", help="skip R even if installed")
    args = parser.parse_args()
    use_r = r_available() and not args.no_r
    print(f"{'n':>9} {'design s':>9} {'tables s':>9} {'numpy s':>9} {'x numpy':>8} "
          f"{'R design':>9} {'R svyby':>9} {'R/sk':>7}")
    for n in args.sizes:
        df = make_scored(n)
        built, tables = survey_kit_time(df)
        base = numpy_baseline(df)
        r_design = r_tables = float("nan")
        if use_r:
            out = run_r(R_SCRIPT, df.dropna(subset=VARIABLES))
            r_design, r_tables = (float(x) for x in out.split())
        print(f"{n:>9} {built:>9.3f} {tables:>9.3f} {base:>9.3f} {tables / base:>8.2f} "
              f"{r_design:>9.2f} {r_tables:>9.2f} {r_tables / tables:>7.1f}")


if __name__ == "__main__":
    main()
