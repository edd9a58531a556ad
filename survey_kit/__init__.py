"""survey_kit: design-based analysis of the Danish tryghedsmåling and livsmestring surveys."""

from survey_kit.design import Design
from survey_kit.errors import (
    ConfigError,
    DataValidationError,
    DesignError,
    EstimationError,
    SpecError,
    SurveyKitError,
    WeightingError,
)
from survey_kit.estimate import Estimate

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "Design",
    "DataValidationError",
    "DesignError",
    "Estimate",
    "EstimationError",
    "SpecError",
    "SurveyKitError",
    "WeightingError",
    "__version__",
]
