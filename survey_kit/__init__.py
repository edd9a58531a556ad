"""survey_kit: design-based analysis of the Danish tryghedsmåling and livsmestring surveys.

Everything in the public contract is importable as ``import survey_kit as sk``:
questionnaires (``sk.load_questionnaire``), the design (``sk.Design``: estimation and
weighting), ``sk.ReplicateDesign`` (replicate weights), comparisons (``sk.compare``, ``sk.did``, ``sk.chisq``, ``sk.glm``), the demo data
(``sk.datasets.load_demo``) and the error classes.
"""

from survey_kit import datasets
from survey_kit.compare import (
    ChisqResult,
    ContrastTable,
    GlmResult,
    banner_letters,
    chisq,
    compare,
    did,
    glm,
    p_adjust,
    subgroup_tables,
)
from survey_kit.design import Design
from survey_kit.design.replicate import ReplicateDesign
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
from survey_kit.io import read_data, read_margins, write_sav
from survey_kit.respondents import (
    ValidationReport,
    cronbach_alpha,
    item_rest_correlations,
    reliability_table,
)
from survey_kit.spec import Questionnaire, load_questionnaire

__version__ = "0.1.0"

__all__ = [
    "ChisqResult",
    "ConfigError",
    "ContrastTable",
    "DataValidationError",
    "Design",
    "DesignError",
    "Estimate",
    "EstimationError",
    "GlmResult",
    "Questionnaire",
    "ReplicateDesign",
    "SpecError",
    "SurveyKitError",
    "ValidationReport",
    "WeightingError",
    "__version__",
    "banner_letters",
    "chisq",
    "compare",
    "cronbach_alpha",
    "datasets",
    "did",
    "glm",
    "item_rest_correlations",
    "load_questionnaire",
    "p_adjust",
    "read_data",
    "read_margins",
    "reliability_table",
    "subgroup_tables",
    "write_sav",
]
