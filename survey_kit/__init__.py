"""survey_kit: design-based analysis of the Danish tryghedsmåling and livsmestring surveys.

Everything in the public contract is importable as ``import survey_kit as sk``:
questionnaires (``sk.load_questionnaire``), the design (``sk.Design``: estimation and
weighting), ``sk.ReplicateDesign`` (replicate weights), comparisons (``sk.compare``,
``sk.did``, ``sk.chisq``, ``sk.glm``), small-area estimates
(``sk.fay_herriot``; variance smoothing in ``sk.small_area``), the demo data
(``sk.datasets.load_demo``) and the error classes.
"""

from typing import TYPE_CHECKING, Any

from survey_kit import small_area
from survey_kit.compare import (
    ChisqResult,
    ContrastResult,
    ContrastTable,
    GlmResult,
    TTestResult,
    banner_letters,
    chisq,
    compare,
    contrast,
    did,
    glm,
    p_adjust,
    subgroup_tables,
    trend,
    ttest,
)
from survey_kit.design import Design
from survey_kit.design.replicate import ReplicateDesign
from survey_kit.errors import (
    ConfigError,
    DataValidationError,
    DesignError,
    EstimationError,
    SmallAreaError,
    SpecError,
    SurveyKitError,
    WeightingError,
)
from survey_kit.estimate import Estimate
from survey_kit.io import read_data, read_margins, write_sav
from survey_kit.respondents import (
    ValidationReport,
    blank_missing_codes,
    cronbach_alpha,
    item_rest_correlations,
    reliability_table,
)
from survey_kit.small_area import FayHerriot, fay_herriot
from survey_kit.spec import Questionnaire, load_questionnaire

__version__ = "0.1.0"

if TYPE_CHECKING:
    from survey_kit import datasets


def __getattr__(name: str) -> Any:
    """``sk.datasets`` is imported on first use: the demo's simulation modules are not
    needed to analyse a user's own files (a tenth of a second at every start)."""
    if name == "datasets":
        import importlib

        return importlib.import_module("survey_kit.datasets")
    raise AttributeError(f"module 'survey_kit' has no attribute {name!r}")

__all__ = [
    "ChisqResult",
    "ConfigError",
    "ContrastResult",
    "ContrastTable",
    "DataValidationError",
    "Design",
    "DesignError",
    "Estimate",
    "EstimationError",
    "FayHerriot",
    "GlmResult",
    "Questionnaire",
    "ReplicateDesign",
    "SmallAreaError",
    "SpecError",
    "SurveyKitError",
    "TTestResult",
    "ValidationReport",
    "WeightingError",
    "__version__",
    "banner_letters",
    "blank_missing_codes",
    "chisq",
    "compare",
    "contrast",
    "cronbach_alpha",
    "datasets",
    "did",
    "fay_herriot",
    "glm",
    "item_rest_correlations",
    "load_questionnaire",
    "p_adjust",
    "read_data",
    "read_margins",
    "reliability_table",
    "small_area",
    "subgroup_tables",
    "trend",
    "ttest",
    "write_sav",
]
