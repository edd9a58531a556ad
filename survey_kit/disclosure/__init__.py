"""Disclosure control: no published figure rests on too few answers, and no hidden figure can be
recovered from what is shown, in any file or combination of files.

:func:`protect` protects everything a run publishes at once: the tables are linked through the
respondents they count (:mod:`~survey_kit.disclosure.linked`), small cells are hidden with
their complements (:mod:`~survey_kit.disclosure.pattern`, :mod:`~survey_kit.disclosure.lines`),
and an LP audit (:mod:`~survey_kit.disclosure.audit`) proves for every hidden cell that its
count and share cannot be pinned down.  :func:`suppress` protects one table outside a run.
The tidy-table contract (:mod:`survey_kit.disclosure.tables`) is shared with the report writers.
"""

from survey_kit.disclosure.audit import Audit, Target, audit_cells
from survey_kit.disclosure.linked import Published, Side, universe
from survey_kit.disclosure.protect import Protection, protect
from survey_kit.disclosure.suppression import SuppressedTables, SuppressionRule, suppress
from survey_kit.disclosure.tables import ReportInputError, key_text

__all__ = [
    "Audit",
    "Protection",
    "Published",
    "ReportInputError",
    "Side",
    "SuppressedTables",
    "SuppressionRule",
    "Target",
    "audit_cells",
    "key_text",
    "protect",
    "suppress",
    "universe",
]
