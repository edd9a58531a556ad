"""Questionnaire specifications: the frozen model and the YAML loader."""

from survey_kit.spec.build import build_questionnaire, load_questionnaire
from survey_kit.spec.model import (
    Dimension,
    IndexRule,
    Item,
    MissingCode,
    Provenance,
    Questionnaire,
    Scale,
    Variant,
)
from survey_kit.spec.yaml_io import bundled_names

__all__ = [
    "Dimension",
    "IndexRule",
    "Item",
    "MissingCode",
    "Provenance",
    "Questionnaire",
    "Scale",
    "Variant",
    "build_questionnaire",
    "bundled_names",
    "load_questionnaire",
]
