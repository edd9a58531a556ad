"""Disclosure control: no published figure rests on too few answers, and no hidden figure can be
recovered from what is shown.

:func:`suppress` protects one table of estimates and the contrasts on it (primary and
complementary suppression, :mod:`survey_kit.disclosure.suppression`);
:func:`~survey_kit.disclosure.crossed.suppress_crossed` the contrasts between crossed cells;
:func:`protect` every table set a run publishes, with one rule and one log.  The tidy-table
contract they check (:mod:`survey_kit.disclosure.tables`) is shared with the report writers.
"""

from survey_kit.disclosure.crossed import suppress_crossed
from survey_kit.disclosure.protect import Contrasts, ProtectedSet, TableSet, protect
from survey_kit.disclosure.suppression import SuppressedTables, SuppressionRule, suppress
from survey_kit.disclosure.tables import ReportInputError, key_text

__all__ = [
    "Contrasts",
    "ProtectedSet",
    "ReportInputError",
    "SuppressedTables",
    "SuppressionRule",
    "TableSet",
    "key_text",
    "protect",
    "suppress",
    "suppress_crossed",
]
