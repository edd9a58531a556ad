"""Writing a draft run configuration (TOML) with the design columns guessed from names.

Every guessed value carries a ``# TODO`` comment; a role no column suggests is left empty
(``""``), which the run reads as "not used".  Paths are relative to the configuration file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence


def s(text: str) -> str:
    """A TOML basic string (JSON string syntax is valid TOML for these values).

    Examples
    --------
    >>> s("vægt")
    '"vægt"'
    """
    return json.dumps(text, ensure_ascii=False)


def _guess(roles: Mapping[str, str], role: str, what: str) -> str:
    column = roles.get(role)
    if column is None:
        return f'""  # TODO: the {what} column, if the design has one (none guessed)'
    return f"{s(column)}  # TODO: guessed from the column name; the {what}"


def render_config(
    name: str, data_file: str, spec_file: str, roles: Mapping[str, str],
    subgroups: Sequence[str], source: str,
) -> str:
    """The draft TOML text.

    Parameters
    ----------
    name
        The questionnaire name (also the run name and output folder).
    data_file, spec_file
        Paths of the data and the draft questionnaire, relative to the configuration.
    roles
        Guessed columns by role (``id``, ``weight``, ``strata``, ``psu``, ``fpc``, ``year``,
        ``area``, ``group``).
    subgroups
        Guessed respondent characteristics (gender, age, ...).
    source
        The data file as the user named it, for the header comment.
    """
    listed = ", ".join(s(c) for c in subgroups)
    lines = [
        f"# Draft run configuration written by `survey-kit init` from {source}.",
        "# Lines marked TODO are guesses. Check them, then:",
        f"#   survey-kit validate {source} --questionnaire <the draft .yaml>",
        "#   survey-kit run <this file>",
        "# Relative paths are relative to this file.",
        "",
        "[run]",
        f"name = {s(name)}  # TODO: the title of the reports",
        'survey = "tryghed"  # TODO: the report layout: "tryghed" or "livsmestring"',
        f"questionnaire = {s(spec_file)}  # the draft questionnaire written with this file",
        f"output = {s('out/' + name)}",
        "",
        "[data]",
        f"files = [{s(data_file)}]",
        f"id_column = {_guess(roles, 'id', 'respondent id')}",
        "",
        "[design]",
        f"weight = {_guess(roles, 'weight', 'design weight')}",
        f"strata = {_guess(roles, 'strata', 'strata')}",
        f"psu = {_guess(roles, 'psu', 'PSU (e.g. boligafdeling)')}",
        f"fpc = {_guess(roles, 'fpc', 'population PSU count')}",
        'lonely_psu = "adjust"  # fail | remove | adjust | certainty | average',
        "",
        "[comparison]",
        f"group = {_guess(roles, 'group', 'comparison group')}",
        f"year = {_guess(roles, 'year', 'survey round')}",
        f"area = {_guess(roles, 'area', 'area')}",
        f"subgroups = [{listed}]  # TODO: respondent characteristics to break results down by",
        "",
        "[report]",
        "suppression_threshold = 10  # no figure for fewer respondents (at least 5)",
        "level = 0.95",
        'adjust = "holm"',
    ]
    return "\n".join(lines) + "\n"
