"""Benchmark of writing the demo's 66 area pages, HTML and PDF (not a test).

Runs the statistics of the demo's tryghedsmåling once, then ``write_outputs`` (every output)
``--repeat`` times in this process, and reports for the area pages (``render_all``: since
the workers build the pages' inputs too, that is included) the
wall time and the CPU time of this process and its workers, with the load average of the
machine (the wall time on a shared machine depends on it; the CPU time much less).  With
``--workers 1`` the pages are written one by one, in this process.

``--code DIR`` benchmarks another checkout of survey_kit (e.g. ``git archive main | tar -x
-C /tmp/base``) with the same script, for a before/after in the same session.

Run: ``.venv/bin/python benchmarks/pages.py [--repeat 2] [--workers N] [--code DIR]``;
results are printed and appended to ``benchmarks/results/pages.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def cpu_seconds() -> float:
    """User + system time of this process and its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure(repeat: int, workers: int | None) -> list[dict[str, float]]:
    """Time ``render_all`` inside ``write_outputs`` ``repeat`` times."""
    import survey_kit
    from survey_kit.run import render
    from survey_kit.run.config import load_config
    from survey_kit.run.outputs import write_outputs
    from survey_kit.run.pipeline import process

    if workers is not None and hasattr(render, "workers_for"):
        render.workers_for = lambda pages: min(workers, pages)  # type: ignore[attr-defined]
    config = Path(survey_kit.__file__).parent / "run" / "configs" / "tryghedsmaaling.toml"
    result = process(load_config(config))  # the demo configuration of the code measured
    original = render.render_all
    rows: list[dict[str, float]] = []

    def timed(jobs: Any, *args: Any, **kwargs: Any) -> Any:
        start, cpu = time.perf_counter(), cpu_seconds()
        built = original(jobs, *args, **kwargs)
        rows.append({"pages": len(jobs), "wall": time.perf_counter() - start,
                     "cpu": cpu_seconds() - cpu, "load": os.getloadavg()[0]})
        return built

    render.render_all = timed  # type: ignore[assignment]
    for _ in range(repeat):
        out = Path(tempfile.mkdtemp(prefix="pages-bench-"))
        try:
            start = time.perf_counter()
            write_outputs(result, out)
            rows[-1]["write_outputs"] = time.perf_counter() - start
        finally:
            shutil.rmtree(out, ignore_errors=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--code", type=Path, default=None,
                        help="a checkout of survey_kit to benchmark instead of this one")
    parser.add_argument("--label", default="")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        for row in measure(args.repeat, args.workers):
            print(" ".join(f"{k}={v:.3f}" for k, v in row.items()))
        return
    env = dict(os.environ)
    if args.code is not None:
        env["PYTHONPATH"] = str(args.code.resolve())
    command = [sys.executable, __file__, "--inner", "--repeat", str(args.repeat)]
    if args.workers is not None:
        command += ["--workers", str(args.workers)]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode:
        sys.exit(done.stderr)
    lines = done.stdout.splitlines()
    rows = [dict((k, float(v)) for k, v in (x.split("=") for x in line.split()))
            for line in lines if line.startswith("pages=")]
    label = args.label or (str(args.code) if args.code else "this checkout")
    wall = statistics.median(r["wall"] for r in rows)
    cpu = statistics.median(r["cpu"] for r in rows)
    load = statistics.mean(r["load"] for r in rows)
    line = (f"| {dt.datetime.now():%Y-%m-%d %H:%M} | {label} | {args.workers or 'all'} | "
            f"{int(rows[0]['pages'])} | {wall:.1f} | {cpu:.1f} | {cpu / rows[0]['pages']:.2f} | "
            f"{load:.1f} | {os.cpu_count()} |")
    print(line)
    results = HERE / "results" / "pages.md"
    if not results.exists():
        results.write_text(
            "# Writing the demo's area pages (HTML + PDF)\n\n`benchmarks/pages.py`: median "
            "over the repeats of `render_all` inside `write_outputs`.  CPU = this process "
            "and its workers.  The machine is shared: compare wall times at similar load.\n\n"
            "| when | code | workers | pages | wall s | CPU s | CPU s/page | load | cores |\n"
            "|---|---|---|---|---|---|---|---|---|\n", encoding="utf-8")
    with results.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")


if __name__ == "__main__":
    main()
