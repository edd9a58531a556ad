"""Benchmark of the whole annual run from files to outputs at national scale (not a test).

For each size (default 100k, 1M, 10M respondents) the data are generated once: the demo
tryghedsmåling survey resampled as :mod:`benchmarks.run` does (both rounds, three groups,
76 strata, 562 PSUs, every item; the base weight scaled so that the weighted totals stay
those of the population), one Parquet file per round (and, for 100k, also one CSV file per
round, read in a run of its own), the demo's register margins and area margins as CSV files,
and a run configuration (the demo's ``reports/tryghedsmaaling.toml`` with ``[data] files``
and the margins pointing at these files).

The number of areas is that of the real survey: the tryghedsmåling covers the 66 areas with
a boligsocial helhedsplan (``/work/shared/domain/FACTS.md``), and a larger national sample
would be more residents per area and afdeling, not more helhedsplan areas; the run writes
one resident page (HTML and PDF) per area.  ``--areas K`` splits every area into ``K / 66``
parts by its PSUs (afdelinger) to see how the run scales with the number of pages.

Each run is ``survey-kit run CONFIG --quiet`` in a fresh process; recorded: the wall time,
the seconds per step from the run's ``timings.json``, the peak resident memory of the run
process (``VmHWM``; the forked workers' largest ``ru_maxrss`` separately; the whole process
tree's memory is measured by ``benchmarks/memory_profile.py``), the number of output files
and the load average (``/proc/loadavg``) before each run, since the machine is shared.
Repeats (``--repeat``, default 3) give the best time; a bare numpy pass over the same file
(read the Parquet columns, one bincount of weight x score per PSU x domain for every
score and every by-set of the run) gives a ratio measured in the same minute.

Run: ``nice .venv/bin/python benchmarks/run_end_to_end.py [--sizes 100000 1000000]``;
writes ``benchmarks/results/<date>-end-to-end.md`` (and ``.json``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
ROOT = HERE.parent
DATA = HERE / "data"
CONFIG = ROOT / "reports" / "tryghedsmaaling.toml"
CHUNK = 1_000_000
ITEM = re.compile(r"^(ot|ss|kh|ti|tf|lk)\d")


def make_files(n: int, folder: Path, csv: bool = False, areas: int = 66,
               seed: int = 1) -> Path:
    """Write ``n`` resampled demo respondents (Parquet per round), margins and a config."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    import survey_kit as sk

    folder.mkdir(parents=True, exist_ok=True)
    demo = sk.datasets.load_demo()
    rng = np.random.default_rng(seed)
    writers: dict[int, pq.ParquetWriter] = {}
    weights = []
    for start in range(0, n, CHUNK):  # a million rows at a time: 10M fit in memory
        rows = rng.integers(0, len(demo.tryghed), min(CHUNK, n - start))
        df = demo.tryghed.iloc[rows].reset_index(drop=True)
        df["resp_id"] = np.arange(start + 1, start + len(df) + 1)
        df["design_weight"] = df["design_weight"] * len(demo.tryghed) / n
        if areas != 66:
            df = _split_areas(df, areas)
            weights.append(df[df["group"] == "helhedsplan"].groupby(["year", "area"])[
                "design_weight"].sum())
        for year, part in df.groupby("year", sort=True):
            table = pa.Table.from_pandas(part.drop(columns=["year"]), preserve_index=False)
            if year not in writers:
                writers[year] = pq.ParquetWriter(folder / f"tryghed_{year}.parquet",
                                                 table.schema)
            writers[year].write_table(table)
            if csv:
                part.drop(columns=["year"]).to_csv(folder / f"tryghed_{year}.csv",
                                                   index=False, mode="a" if start else "w",
                                                   header=not start)
    for writer in writers.values():
        writer.close()
    files = [(folder / f"tryghed_{y}.parquet", int(y)) for y in sorted(writers)]
    demo.margins.to_csv(folder / "margins.csv", index=False)
    area_margins = demo.area_margins
    if areas != 66:
        area_margins = _split_area_margins(area_margins, pd.concat(weights).groupby(
            level=[0, 1]).sum())
    area_margins.to_csv(folder / "area_margins.csv", index=False)
    for suffix in (["parquet", "csv"] if csv else ["parquet"]):
        _write_config(folder, suffix, [p.with_suffix(f".{suffix}") for p, _ in files],
                      [y for _, y in files])
    return folder / "run-parquet.toml"


def _split_areas(df: pd.DataFrame, areas: int) -> pd.DataFrame:
    """Every helhedsplan area cut into ``areas / 66`` parts by its PSUs (afdelinger)."""
    k = max(1, round(areas / 66))
    focus = df["group"] == "helhedsplan"
    part = (pd.util.hash_pandas_object(df["psu"], index=False).to_numpy() % k).astype(int)
    df.loc[focus, "area"] = df.loc[focus, "area"] + "-" + pd.Series(part, index=df.index)[
        focus].astype(str)
    return df


def _split_area_margins(margins: pd.DataFrame, parts: pd.Series) -> pd.DataFrame:
    """Area margins for split areas: each part gets its parent's counts x its weight share
    (``parts``: the helhedsplan weight total per year and part)."""
    out = []
    for (year, area), w in parts.items():
        parent = area.rsplit("-", 1)[0]
        total = parts.loc[year][parts.loc[year].index.str.rsplit("-", n=1).str[0] == parent]
        rows = margins[(margins["year"] == year) & (margins["area"] == parent)].copy()
        rows["area"] = area
        rows["total"] = rows["total"] * (w / total.sum())
        out.append(rows)
    others = margins[margins["group"] != "helhedsplan"]
    return pd.concat([others, *out], ignore_index=True)


def _write_config(folder: Path, suffix: str, paths: list[Path], years: list[int]) -> None:
    """The demo configuration with the files, margins and output of this benchmark."""
    text = CONFIG.read_text(encoding="utf-8")
    files = ", ".join(f'{{ path = "{p.name}", year = {y} }}' for p, y in zip(paths, years,
                                                                              strict=True))
    text = text.replace("demo = true", f"files = [{files}]")
    text = re.sub(r'(?m)^margins = "demo"', 'margins = "margins.csv"', text)
    text = re.sub(r'(?m)^area_margins = "demo"', 'area_margins = "area_margins.csv"', text)
    text = re.sub(r'(?m)^output = ".*?"', f'output = "out-{suffix}"', text)
    text = re.sub(r'(?m)^# date = ".*?"', 'date = "2024-11-30"', text)
    (folder / f"run-{suffix}.toml").write_text(text, encoding="utf-8")


CHILD = """
import json, re, resource, sys, time
start = time.perf_counter()
from survey_kit.cli import main
code = main(sys.argv[1:])
wall = time.perf_counter() - start
# VmHWM: the peak resident memory of this program since it started.  ru_maxrss is not used
# for the run itself: Linux carries the parent's resident memory at the fork into it (the
# benchmark process holds a national file after its numpy pass: +300 MB at 1M).
with open("/proc/self/status") as status:
    peak_kb = int(re.search(r"VmHWM:\\s+(\\d+) kB", status.read()).group(1))
print(json.dumps({"code": code, "wall": wall, "rss_mb": peak_kb / 1024,
                  "workers_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def load() -> float:
    """The one-minute load average of the machine."""
    return float(Path("/proc/loadavg").read_text().split()[0])


def one_run(config: Path, out: Path, source: Path | None = None) -> dict:
    """``survey-kit run CONFIG --quiet`` in a fresh process: wall, steps, memory, files.
    ``source``: run the survey_kit found there (e.g. an export of main) instead."""
    shutil.rmtree(out, ignore_errors=True)
    before = load()
    env = {**os.environ, "PYTHONPATH": str(source)} if source else None
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CHILD, "run", str(config), "--out", str(out),
                           "--quiet"], capture_output=True, text=True, env=env,
                          cwd=source or None)
    outer = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"run failed:\n{done.stderr[-3000:]}")
    record = json.loads(done.stdout.strip().splitlines()[-1])
    steps = json.loads((out / "timings.json").read_text())
    files = [p for p in out.rglob("*") if p.is_file()]
    return {"load": before, "process_s": outer, **record, "steps": steps,
            "files": len(files), "pdf": sum(p.suffix == ".pdf" for p in files),
            "bytes": sum(p.stat().st_size for p in files)}


def numpy_pass(folder: Path) -> float:
    """Bare numpy on the same Parquet files: read the columns the tables need, then one
    bincount of w, w*y per PSU x domain for the seven scores' items-mean proxy (the mean
    of each dimension's items) over the run's five by-sets of group x round."""
    import pyarrow.parquet as pq

    start = time.perf_counter()
    parts = [pq.read_table(p).to_pandas() for p in sorted(folder.glob("tryghed_*.parquet"))]
    years = [int(p.stem.split("_")[1]) for p in sorted(folder.glob("tryghed_*.parquet"))]
    df = pd.concat([d.assign(year=y) for d, y in zip(parts, years, strict=True)],
                   ignore_index=True)
    items = [c for c in df.columns if ITEM.match(c)]
    prefixes = sorted({c[:2] for c in items})
    w = df["design_weight"].to_numpy(dtype=float)
    psu = pd.factorize(df["stratum"].astype(str) + "/" + df["psu"].astype(str))[0]
    npsu = int(psu.max()) + 1
    scores = [df[[c for c in items if c.startswith(p)]].to_numpy(dtype=float).mean(axis=1)
              for p in prefixes]
    for extra in ((), ("gender",), ("menapt",), ("age_group",), ("gender", "menapt"),
                  ("area",)):
        dom = df.groupby(["group", "year", *extra], sort=True).ngroup().to_numpy()
        D = int(dom.max()) + 1
        key = psu * D + dom
        for y in scores:
            ok = ~np.isnan(y)
            np.bincount(key[ok], weights=w[ok], minlength=npsu * D)
            np.bincount(key[ok], weights=(w * y)[ok], minlength=npsu * D)
    return time.perf_counter() - start


def size_runs(n: int, repeat: int, areas: int, fresh: bool) -> dict:
    """Generate (once) and run one size ``repeat`` times; CSV too at 100k."""
    folder = DATA / (f"n{n}" if areas == 66 else f"n{n}-a{areas}")
    csv = n <= 100_000
    config = folder / "run-parquet.toml"
    start = time.perf_counter()
    if fresh or not config.exists():
        make_files(n, folder, csv=csv, areas=areas)
    made = time.perf_counter() - start
    record: dict = {"n": n, "areas": areas, "generate_s": made, "parquet": [], "csv": [],
                    "numpy": []}
    for _ in range(repeat):
        record["numpy"].append({"load": load(), "s": numpy_pass(folder)})
        record["parquet"].append(one_run(config, folder / "out-parquet"))
        print(f"{n:>10,} parquet: {_line(record['parquet'][-1])}", flush=True)
        if csv:
            record["csv"].append(one_run(folder / "run-csv.toml", folder / "out-csv"))
            print(f"{n:>10,} csv:     {_line(record['csv'][-1])}", flush=True)
    return record


def _line(r: dict) -> str:
    steps = ", ".join(f"{k.split(' (')[0]} {v:.1f}" for k, v in r["steps"].items())
    return (f"{r['wall']:.1f} s (load {r['load']:.1f}), peak {r['rss_mb']:.0f} MB, "
            f"{r['files']} files; {steps}")


def _areas(rec: dict) -> str:
    return "" if rec["areas"] == 66 else f" ({rec['areas']} areas)"


def best(runs: list[dict]) -> dict:
    return min(runs, key=lambda r: r["wall"])


def report_markdown(records: list[dict], machine: str) -> str:
    """The results as Markdown: the headline table (best of the repeats), then steps."""
    lines = [f"# survey_kit end-to-end run {dt.date.today().isoformat()}", "", machine, "",
             "`survey-kit run CONFIG --quiet` in a fresh process per run; best wall time of "
             "the repeats, the load average (1 min, 2 cores) before that run, and the range "
             "over the repeats.  numpy: a bare pass over the same Parquet files (read, one "
             "bincount of w and w*y per PSU x domain per score and by-set), timed right "
             "before each run.", "",
             "| n | input | wall s (best) | range s | load | run ÷ numpy | peak MB | "
             "MB per 1M | files | PDFs |", "|---|---|---|---|---|---|---|---|---|---|"]
    for rec in records:
        npy = min(x["s"] for x in rec["numpy"])
        for kind in ("parquet", "csv"):
            runs = rec[kind]
            if not runs:
                continue
            b = best(runs)
            walls = [r["wall"] for r in runs]
            lines.append(
                f"| {rec['n']:,}{_areas(rec)} | "
                f"{kind} | {b['wall']:.1f} | {min(walls):.1f}–{max(walls):.1f} | "
                f"{b['load']:.1f} | {b['wall'] / npy:.1f} | {b['rss_mb']:.0f} | "
                f"{b['rss_mb'] / rec['n'] * 1e6:.0f} | {b['files']} | {b['pdf']} |")
    lines += ["", "Seconds per step (the run's `timings.json`, best run):", ""]
    keys = list(dict.fromkeys(k for rec in records for kind in ("parquet", "csv")
                              for r in rec[kind] for k in r["steps"]))
    lines += ["| n | input | " + " | ".join(keys) + " |", "|---|---|" + "---|" * len(keys)]
    for rec in records:
        for kind in ("parquet", "csv"):
            if rec[kind]:
                s = best(rec[kind])["steps"]
                lines.append(f"| {rec['n']:,} | {kind} | " +
                             " | ".join(f"{s.get(k, float('nan')):.2f}" for k in keys) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+",
                        default=[100_000, 1_000_000, 10_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--areas", type=int, default=66)
    parser.add_argument("--fresh", action="store_true", help="generate the data again")
    parser.add_argument("--tag", default="", help="suffix of the results file")
    args = parser.parse_args()
    records = [size_runs(n, args.repeat if n < 10_000_000 else 1, args.areas, args.fresh)
               for n in args.sizes]
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    machine = (f"Machine: {os.cpu_count()} cores, {memory:.0f} GiB, shared with other "
               f"sessions; Python {sys.version.split()[0]}; commit "
               f"{_commit()}.")
    text = report_markdown(records, machine)
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    stem = f"{dt.date.today().isoformat()}-end-to-end{args.tag}"
    (results / f"{stem}.md").write_text(text + "\n", encoding="utf-8")
    (results / f"{stem}.json").write_text(json.dumps(records, indent=1), encoding="utf-8")
    print(text)


def _commit() -> str:
    done = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True)
    return done.stdout.strip() or "?"


if __name__ == "__main__":
    main()
