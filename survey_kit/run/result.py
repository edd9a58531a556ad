"""What a run computed, in memory: :class:`RunResult`, and the log of its steps.

Below the writers (:mod:`survey_kit.run.outputs`) and the pipeline that fills it
(:mod:`survey_kit.run.pipeline`), so that both import it and neither imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from survey_kit.design.design import Design
from survey_kit.respondents.validation import ValidationReport
from survey_kit.run.analysis import Analysis
from survey_kit.run.config import RunConfig
from survey_kit.spec import Questionnaire


@dataclass
class RunLog:
    """What happened at each step: rows in and out, inputs, warnings (for the manifest)."""

    steps: list[dict[str, object]] = field(default_factory=list)
    inputs: list[dict[str, object]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def step(self, name: str, rows_in: int, rows_out: int, **extra: object) -> None:
        """Record one step."""
        self.steps.append({"step": name, "rows_in": rows_in, "rows_out": rows_out, **extra})


@dataclass(frozen=True, repr=False)
class RunResult:
    """Everything a run computed, before any report is written."""

    config: RunConfig
    questionnaire: Questionnaire
    validation: ValidationReport
    rejects: pd.DataFrame
    design: Design
    analysis: Analysis
    log: RunLog
    timings: dict[str, float]
    reliability: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Cronbach's alpha and item-rest correlations of the dimensions (weighted)."""

    def __repr__(self) -> str:
        a = self.analysis
        return (f"RunResult({self.config.name!r}, rows={self.validation.n_rows:,}, "
                f"valid={len(self.validation.valid):,}, estimates={len(a.estimates):,}, "
                f"contrasts={len(a.contrasts):,}, area_contrasts={len(a.area_contrasts):,})")
