"""Running R `survey` on the same data inside a benchmark, where Rscript is installed."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pandas as pd


def r_available() -> bool:
    """True when ``Rscript`` is on the PATH and has the ``survey`` package."""
    if shutil.which("Rscript") is None:
        return False
    probe = subprocess.run(["Rscript", "-e", "library(survey)"], capture_output=True, check=False)
    return probe.returncode == 0


def run_r(template: str, df: pd.DataFrame) -> str:
    """Write ``df`` to a temporary CSV, run ``template.format(path=...)`` in R, return stdout."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data.csv"
        df.to_csv(path, index=False)
        script = Path(tmp) / "bench.R"
        script.write_text(template.format(path=path))
        done = subprocess.run(["Rscript", str(script)], capture_output=True, text=True,
                              check=True)
    return done.stdout.strip().splitlines()[-1]
