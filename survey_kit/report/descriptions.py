"""Default descriptions of the report variables: the sentences of the bundled questionnaires.

What each dimension means is data in the questionnaire YAML (``description`` of a dimension
and of the index).  A caller with its own questionnaire passes
``Questionnaire.descriptions()`` to :func:`survey_kit.report.inputs.variables_from_labels`;
without it, the bundled questionnaires' sentences are used.
"""

from __future__ import annotations

from functools import cache

from survey_kit.spec import load_questionnaire
from survey_kit.spec.yaml_io import bundled_names


@cache
def bundled_descriptions() -> dict[str, str]:
    """Dimension id (and ``"index"``) -> one plain-Danish sentence, from every bundled
    questionnaire.

    Examples
    --------
    >>> bundled_descriptions()["tillid"]
    'Hvor meget man stoler på politiet, domstolene og politikerne.'
    """
    out: dict[str, str] = {}
    for name in bundled_names():
        out.update(load_questionnaire(name).descriptions())
    return out


__all__ = ["bundled_descriptions"]
