"""Estimation: influence values, the variance engine, estimators and results."""

from survey_kit.estimate.result import Estimate
from survey_kit.estimate.variance import GregHistory, RakingHistory, VarianceEngine

__all__ = ["Estimate", "GregHistory", "RakingHistory", "VarianceEngine"]
