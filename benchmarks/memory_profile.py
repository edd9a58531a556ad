"""Where a run's memory goes: memory sampled every 20 ms through a whole
``survey_kit.run.pipeline.run`` (not a test).

Two measures are sampled:

* the resident memory (RSS) of this process, the run's main process;
* the proportional set size (PSS, ``/proc/<pid>/smaps_rollup``) summed over the whole
  process tree: this process and every process forked from it (the page workers, the child
  that draws the workbook's charts, any child of the analysis).  A forked child shares its
  parent's pages until either writes them; PSS charges each shared page to its processes in
  equal parts, so the sum is what the tree costs the machine, without counting a page twice.

The run's progress messages mark the steps; for each step the script prints the main
process's RSS when it began and its highest sample within it, the tree's highest PSS within
it, the number of processes seen and the CPU seconds of this process.  Consecutive counts
(``tabeller beregnet 1/22`` ... ``22/22``) are shown as one row unless ``--counts``.  At the
end: the main process's ``ru_maxrss``, the tree's peak PSS and the CPU seconds (user +
system) of this process and of its children.  With ``--trace`` it also lists the largest
live allocations (``tracemalloc``, numpy included) at the end of the statistics, before
writing.

Run: ``nice .venv/bin/python benchmarks/memory_profile.py benchmarks/data/n1000000/run-parquet.toml``
(the data of ``benchmarks/run_end_to_end.py``).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

PAGE_MIB = resource.getpagesize() / 2**20


def resident_mb() -> float:
    """Current resident memory of this process in MiB."""
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * PAGE_MIB


def descendants(root: int) -> list[int]:
    """``root`` and every living process forked from it, directly or not (from the parent
    pid in ``/proc/<pid>/stat``)."""
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as handle:
                stat = handle.read()
        except OSError:  # ended while we looked
            continue
        parent = int(stat[stat.rindex(")") + 2:].split()[1])
        children.setdefault(parent, []).append(int(name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def pss_mb(pid: int) -> tuple[float, float]:
    """Proportional set size and private memory (USS: pages of this process alone) of one
    process in MiB (zeros when it has ended)."""
    pss = private = 0.0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1]) / 1024
                elif line.startswith(("Private_Clean:", "Private_Dirty:")):
                    private += int(line.split()[1]) / 1024
    except OSError:
        pass
    return pss, private


@dataclass
class Step:
    """One step of the run and what was sampled while it lasted."""

    name: str
    what: str
    begin: float
    peak: float
    tree_peak: float
    processes: int
    cpu: float

    def merge(self, later: Step) -> None:
        """Extend this row by a later count of the same work."""
        first = self.name[len(self.what):].strip().split("/")[0].split("–")[0]
        self.name = f"{self.what} {first}–{later.name[len(self.what):].strip()}"
        self.peak = max(self.peak, later.peak)
        self.tree_peak = max(self.tree_peak, later.tree_peak)
        self.processes = max(self.processes, later.processes)
        self.cpu += later.cpu


class Sampler(threading.Thread):
    """Samples the main process's RSS and the tree's PSS; ``mark(step)`` starts a new step.

    The tree's processes are looked up every ``rescan`` samples (a scan of ``/proc``)."""

    def __init__(self, every: float = 0.02, rescan: int = 5) -> None:
        super().__init__(daemon=True)
        self.every, self.rescan = every, rescan
        self.pid = os.getpid()
        self.tree = [self.pid]
        self.each: dict[int, tuple[float, float]] = {}
        """Per process of the tree: its highest PSS and private memory sampled."""
        now = resident_mb()
        self.steps = [Step("start", "start", now, now, self._tree_pss(), 1,
                           time.process_time())]
        self.running = True

    def _tree_pss(self) -> float:
        total = 0.0
        for pid in self.tree:
            pss, private = pss_mb(pid)
            seen = self.each.get(pid, (0.0, 0.0))
            self.each[pid] = (max(seen[0], pss), max(seen[1], private))
            total += pss
        return total

    def mark(self, step: str) -> None:
        now = resident_mb()
        self.steps[-1].cpu = time.process_time() - self.steps[-1].cpu
        what = str(getattr(step, "what", step))
        self.steps.append(Step(str(step), what, now, now, self._tree_pss(), len(self.tree),
                               time.process_time()))

    def run(self) -> None:
        sample = 0
        while self.running:
            if sample % self.rescan == 0:
                self.tree = descendants(self.pid)
            sample += 1
            current = self.steps[-1]
            current.peak = max(current.peak, resident_mb())
            current.tree_peak = max(current.tree_peak, self._tree_pss())
            current.processes = max(current.processes, len(self.tree))
            time.sleep(self.every)

    def stop(self) -> None:
        self.mark("end")
        self.running = False
        self.join()

    def rows(self, counts: bool) -> list[Step]:
        """The finished steps; consecutive counts of the same work as one row unless
        ``counts``."""
        rows: list[Step] = []
        for step in self.steps[:-1]:
            if (not counts and rows and step.what == rows[-1].what
                    and step.what != step.name):
                rows[-1].merge(step)
            else:
                rows.append(Step(**vars(step)))
        return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("config", type=Path)
    parser.add_argument("--trace", action="store_true", help="tracemalloc's top allocations")
    parser.add_argument("--counts", action="store_true", help="a row for every count")
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
    _report(sampler, args.counts)


def _report(sampler: Sampler, counts: bool) -> None:
    print(f"{'step':36s} {'RSS at start':>12s} {'RSS peak':>9s} {'tree PSS':>9s} "
          f"{'procs':>5s} {'cpu s':>6s}")
    for s in sampler.rows(counts):
        print(f"{s.name[:36]:36s} {s.begin:12.0f} {s.peak:9.0f} {s.tree_peak:9.0f} "
              f"{s.processes:5d} {s.cpu:6.2f}")
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    tree_peak = max(s.tree_peak for s in sampler.steps)
    print(f"main process peak RSS (ru_maxrss): {own.ru_maxrss / 1024:.0f} MiB")
    print(f"process tree peak PSS (sampled):   {tree_peak:.0f} MiB")
    print(f"largest child's peak RSS:          {kids.ru_maxrss / 1024:.0f} MiB")
    children = [(pid, *peaks) for pid, peaks in sampler.each.items() if pid != sampler.pid]
    main_pss, main_private = sampler.each.get(sampler.pid, (0.0, 0.0))
    print(f"peaks per process (PSS / private MiB): main {main_pss:.0f} / {main_private:.0f}"
          + "".join(f", {pid} {pss:.0f} / {private:.0f}" for pid, pss, private in children))
    print(f"CPU user+sys: main {own.ru_utime + own.ru_stime:.1f} s, children "
          f"{kids.ru_utime + kids.ru_stime:.1f} s")


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
