"""Report writers: significance workbook, tidy CSV, charts, resident summaries.

Everything here takes the tidy tables of the estimation and comparison code after disclosure
control (:mod:`survey_kit.disclosure`; ``suppress`` and its rule are re-exported here),
checked at the boundary by frozen input classes (:mod:`survey_kit.report.inputs`,
:class:`AreaSummaryInput`, :class:`YouthSummaryInput`), and writes to a path the caller gives.
Rounding happens only here.
"""

from survey_kit.disclosure import SuppressedTables, SuppressionRule, suppress
from survey_kit.report.charts import Chart, make_charts
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
from survey_kit.report.resident import (
    AreaSummaryInput,
    ComparisonGroup,
    build_area_document,
    render_area_html,
    render_area_pdf,
)
from survey_kit.report.tables import SignificanceTable, build_significance_tables, tidy_tables
from survey_kit.report.tidy_csv import write_tidy_csv
from survey_kit.report.youth import (
    YOUTH_AGE,
    YOUTH_CROSS,
    YouthSummaryInput,
    build_youth_document,
    render_youth_html,
    render_youth_pdf,
)

__all__ = [
    "YOUTH_AGE",
    "YOUTH_CROSS",
    "AreaSummaryInput",
    "Banner",
    "Breakdown",
    "Chart",
    "ComparisonGroup",
    "ReportInputError",
    "SignificanceInput",
    "SignificanceTable",
    "SuppressedTables",
    "SuppressionRule",
    "VariableInfo",
    "YouthSummaryInput",
    "build_area_document",
    "build_significance_tables",
    "build_youth_document",
    "fmt_dec",
    "fmt_int",
    "fmt_pct",
    "html_escape",
    "make_charts",
    "neutralise_formula",
    "render_area_html",
    "render_area_pdf",
    "render_youth_html",
    "render_youth_pdf",
    "suppress",
    "tidy_tables",
    "variables_from_labels",
    "write_significance_workbook",
    "write_tidy_csv",
]
