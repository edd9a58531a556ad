"""The survey design object, weighting (raking, calibration, trimming) and diagnostics."""

from survey_kit.design.design import Design

__all__ = ["Design"]
