"""The browsable site of a run's resident pages: the index beside the area pages
(:mod:`survey_kit.report.site.index`)."""

from survey_kit.report.site.index import (
    NO_GROUP,
    AreaLink,
    SiteIndex,
    grouped,
    render_index,
    sort_key,
    write_index,
)

__all__ = ["NO_GROUP", "AreaLink", "SiteIndex", "grouped", "render_index", "sort_key",
           "write_index"]
