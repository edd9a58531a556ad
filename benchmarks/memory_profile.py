"""Where a run's memory goes: resident memory sampled every 20 ms through a whole
``survey_kit.run.pipeline.run`` (not a test).

The run's progress messages mark the steps; for each step the script prints the resident
memory when it began, the highest sample within it and the CPU seconds it took.  With
``--trace`` it also lists the largest live allocations (``tracemalloc``, numpy included)
at the end of the statistics, before writing.

Run: ``nice .venv/bin/python benchmarks/memory_profile.py benchmarks/data/n1000000/run-parquet.toml``
(the data of ``benchmarks/run_end_to_end.py``).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import threading
import time
from pathlib import Path


def resident_mb() -> float:
    """Current resident memory of this process in MiB."""
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * resource.getpagesize() / 2**20


class Sampler(threading.Thread):
    """Samples resident memory; ``mark(step)`` starts a new step."""

    def __init__(self, every: float = 0.02) -> None:
        super().__init__(daemon=True)
        self.every = every
        self.steps: list[list] = [["start", resident_mb(), resident_mb(), time.process_time()]]
        self.running = True

    def mark(self, step: str) -> None:
        now = resident_mb()
        self.steps[-1][3] = time.process_time() - self.steps[-1][3]
        self.steps.append([step, now, now, time.process_time()])

    def run(self) -> None:
        while self.running:
            current = self.steps[-1]
            current[2] = max(current[2], resident_mb())
            time.sleep(self.every)

    def stop(self) -> None:
        self.mark("end")
        self.running = False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("config", type=Path)
    parser.add_argument("--trace", action="store_true", help="tracemalloc's top allocations")
    args = parser.parse_args()
    if args.trace:
        import tracemalloc

        tracemalloc.start(6)
    from survey_kit.run import pipeline

    sampler = Sampler()
    sampler.start()
    out = Path(tempfile.mkdtemp(prefix="memory-profile-"))
    try:
        if args.trace:
            _traced(pipeline, args.config, sampler)
        pipeline.run(args.config, out=out / "out", progress=sampler.mark)
    finally:
        sampler.stop()
        shutil.rmtree(out, ignore_errors=True)
    print(f"{'step':44s} {'MiB at start':>12s} {'peak MiB':>9s} {'cpu s':>6s}")
    for step, begin, peak, cpu in sampler.steps[:-1]:
        print(f"{step[:44]:44s} {begin:12.0f} {peak:9.0f} {cpu:6.2f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory (ru_maxrss): {peak:.0f} MiB")


def _traced(pipeline: object, config: Path, sampler: Sampler) -> None:
    """Run the statistics once and list the largest live allocations afterwards."""
    import tracemalloc

    from survey_kit.run.config import load_config

    result = pipeline.process(load_config(config), progress=sampler.mark)  # type: ignore[attr-defined]
    snapshot = tracemalloc.take_snapshot()
    for stat in snapshot.statistics("traceback")[:15]:
        frames = [f for f in stat.traceback.format() if "survey_kit" in f][-4:]
        print(f"{stat.size / 2**20:8.1f} MiB in {stat.count} blocks:")
        print("\n".join("    " + f.strip() for f in frames if f.strip()))
    del result
    tracemalloc.stop()


if __name__ == "__main__":
    main()
