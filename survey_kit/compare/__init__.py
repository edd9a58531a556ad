"""Comparisons: contrasts with the joint covariance, year-over-year change, relative
development (difference in differences), linear trend across rounds, subgroup significance
tables, Rao-Scott tests, design-based GLMs and multiplicity adjustment over a declared family."""

from survey_kit.compare.chisq import ChisqResult, chisq
from survey_kit.compare.contrasts import design_degf, linear_contrast
from survey_kit.compare.did import did
from survey_kit.compare.glm import GlmResult, glm
from survey_kit.compare.multiplicity import ADJUST_METHODS, p_adjust
from survey_kit.compare.pairwise import compare
from survey_kit.compare.subgroups import banner_letters, subgroup_tables
from survey_kit.compare.table import ContrastTable
from survey_kit.compare.trend import trend

__all__ = [
    "ADJUST_METHODS",
    "ChisqResult",
    "ContrastTable",
    "GlmResult",
    "banner_letters",
    "chisq",
    "compare",
    "design_degf",
    "did",
    "glm",
    "linear_contrast",
    "p_adjust",
    "subgroup_tables",
    "trend",
]
