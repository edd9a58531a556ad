"""The survey design object, weighting (raking, calibration, trimming) and diagnostics."""

from survey_kit.design.design import Design
from survey_kit.design.diagnostics import WeightingReport

__all__ = ["Design", "WeightingReport"]
