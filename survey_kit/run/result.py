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


@dataclass(frozen=True)
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
