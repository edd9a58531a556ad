"""Report writers: suppression, significance workbook, tidy CSV, charts, resident summaries.

Everything here takes the tidy tables of the estimation and comparison code, checked at the
boundary by the frozen input classes of :mod:`survey_kit.report.inputs`, and writes to a path
the caller gives.  Rounding and suppression happen only here.
"""

from survey_kit.report.escape import fmt_dec, fmt_int, fmt_pct, html_escape, neutralise_formula
from survey_kit.report.excel import write_significance_workbook
from survey_kit.report.inputs import (
    Banner,
    Breakdown,
    ReportInputError,
    SignificanceInput,
    VariableInfo,
    variables_from_labels,
)
from survey_kit.report.suppression import SuppressedTables, SuppressionRule, suppress
from survey_kit.report.tables import SignificanceTable, build_significance_tables, tidy_tables
from survey_kit.report.tidy_csv import write_tidy_csv

__all__ = [
    "Banner",
    "Breakdown",
    "ReportInputError",
    "SignificanceInput",
    "SignificanceTable",
    "SuppressedTables",
    "SuppressionRule",
    "VariableInfo",
    "build_significance_tables",
    "fmt_dec",
    "fmt_int",
    "fmt_pct",
    "html_escape",
    "neutralise_formula",
    "suppress",
    "tidy_tables",
    "variables_from_labels",
    "write_significance_workbook",
    "write_tidy_csv",
]

from survey_kit.report.resident import (
    AreaSummaryInput,
    ComparisonGroup,
    render_area_html,
    render_area_pdf,
)

__all__ += ["AreaSummaryInput", "ComparisonGroup", "render_area_html", "render_area_pdf"]
