"""R reference values for the weighting tests (tests/reference/weighting/) and their targets."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

REF = Path(__file__).parents[1] / "reference"
WREF = json.loads((REF / "weighting" / "weighting_reference.json").read_text())["cases"]


def by_stype_targets() -> pd.DataFrame:
    """The per-school-type raking targets of the ``by_stype_rake`` case, in long form."""
    ref = WREF["by_stype_rake"]["value"]
    frames = []
    for key, var in (("pop_sw", "sch.wide"), ("pop_aw", "awards")):
        t = pd.DataFrame(ref[key])
        frames.append(pd.DataFrame({"stype": t["stype"], "variable": var, "level": t[var],
                                    "total": t["Freq"]}))
    return pd.concat(frames, ignore_index=True)
