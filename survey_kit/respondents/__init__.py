"""Respondent-level processing: validation report, scoring and reliability."""

from survey_kit.respondents.answers import blank_missing_codes
from survey_kit.respondents.reliability import (
    cronbach_alpha,
    item_rest_correlations,
    reliability_table,
)
from survey_kit.respondents.report import Thresholds, ValidationLimitError, ValidationReport
from survey_kit.respondents.scoring import item_score_columns, score
from survey_kit.respondents.validation import REJECT_COLUMNS, validate

__all__ = [
    "REJECT_COLUMNS",
    "Thresholds",
    "ValidationLimitError",
    "ValidationReport",
    "blank_missing_codes",
    "cronbach_alpha",
    "item_rest_correlations",
    "item_score_columns",
    "reliability_table",
    "score",
    "validate",
]
