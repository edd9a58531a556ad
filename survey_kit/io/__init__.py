"""Reading and writing survey files: respondent data, register margins, labelled SPSS."""

from survey_kit.io.margins import MARGIN_COLUMNS, read_margins
from survey_kit.io.readers import read_data
from survey_kit.io.writers import write_sav

__all__ = ["MARGIN_COLUMNS", "read_data", "read_margins", "write_sav"]
