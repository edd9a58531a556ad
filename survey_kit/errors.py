"""Exception hierarchy of survey_kit.

Every error raised for bad input derives from :class:`SurveyKitError` and from
``ValueError``, and carries a one-line message that names the file, row, column,
item, margin or level at fault and says what was expected.  The command line
prints that message (no traceback) and exits non-zero.
"""

from __future__ import annotations


class SurveyKitError(ValueError):
    """Base class of every error survey_kit raises for bad input or an impossible request."""


class SpecError(SurveyKitError):
    """A questionnaire specification (YAML) is malformed or inconsistent."""


class DataValidationError(SurveyKitError):
    """A data file cannot be read or lacks what the specification or configuration requires."""


class DesignError(SurveyKitError):
    """The sampling design is inconsistent (weights, strata, PSUs, fpc, lonely PSUs)."""


class WeightingError(SurveyKitError):
    """Raking or calibration cannot meet its targets, or the targets are inconsistent."""


class EstimationError(SurveyKitError):
    """An estimate or test cannot be computed as requested (unknown variable, empty domain, ...)."""


class SmallAreaError(EstimationError):
    """A small-area model cannot be fitted as requested (missing covariate, non-positive
    sampling variance, duplicate area, too few areas, no convergence)."""


class ConfigError(SurveyKitError):
    """A run configuration (TOML) is missing a key or holds a value of the wrong kind."""


class DisclosureError(SurveyKitError):
    """A hidden cell could be recovered from the figures a run would publish: the disclosure
    audit refuses to publish (the command line exits 1)."""


__all__ = [
    "ConfigError",
    "DataValidationError",
    "DesignError",
    "DisclosureError",
    "EstimationError",
    "SmallAreaError",
    "SpecError",
    "SurveyKitError",
    "WeightingError",
]
