"""What each dimension means, in one plain Danish sentence (data for the report input contract).

:func:`survey_kit.report.inputs.variables_from_labels` takes these as its default
descriptions; it imports them from here, below both it and :mod:`survey_kit.report.text`.
"""

from __future__ import annotations

DIMENSION_DESCRIPTIONS: dict[str, str] = {
    "oplevet_tryghed": "Hvor trygt man føler sig i sit boligområde og i sit hjem.",
    "social_sammenhaengskraft": "Om naboerne kender hinanden, hjælper hinanden og stoler på "
                                "hinanden.",
    "kollektiv_handlekraft": "Om beboerne vil gøre noget sammen, når der sker noget, som er til "
                             "gene i området.",
    "tillid": "Hvor meget man stoler på politiet, domstolene og politikerne.",
    "tilfredshed": "Hvor glad man er for at bo i sit boligområde.",
    "livskvalitet": "Hvor godt man synes, man har det med sit liv.",
    "index": "Et samlet mål, som lægger de seks dimensioner sammen.",
    "skoleglaede": "Om den unge er glad for at gå i skole og føler sig tryg der.",
    "faglig_selvvurdering": "Hvor godt den unge selv synes, det går med skolen.",
    "fravaer": "Hvor lidt den unge er væk fra skolen (højere betyder mindre fravær).",
    "faellesskab": "Om den unge føler sig som en del af et fællesskab.",
    "ensomhed": "Hvor sjældent den unge føler sig ensom (højere betyder mindre ensom).",
    "livstilfredshed": "Hvor tilfreds den unge er med sit liv og med sig selv.",
}
"""One short sentence per dimension id, for resident summaries."""
