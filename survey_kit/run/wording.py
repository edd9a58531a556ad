"""Danish wording of a run's outputs, from its configuration and results: variable
descriptions, breakdown headings and levels, data sources and the method notes."""

from __future__ import annotations

import dataclasses

import pandas as pd

from survey_kit.report import Breakdown, VariableInfo, variables_from_labels
from survey_kit.run.analysis import breakdowns
from survey_kit.run.config import RunConfig
from survey_kit.run.result import RunResult


def _levels(frame: pd.DataFrame, cols: tuple[str, ...], cfg: RunConfig
            ) -> tuple[tuple[object, str], ...]:
    present = frame[list(cols)].dropna().drop_duplicates().sort_values(list(cols))
    out = []
    for row in present.itertuples(index=False):
        values = tuple(row)
        text = " / ".join(cfg.label(c, v) for c, v in zip(cols, values, strict=True))
        out.append((values if len(cols) > 1 else values[0], text))
    return tuple(out)


def banner_breakdowns(cfg: RunConfig, estimates: pd.DataFrame) -> tuple[Breakdown, ...]:
    """The subgroup row blocks of the significance tables: heading and labelled levels."""
    out = []
    for cols in breakdowns(cfg):
        parts = [cfg.heading(c) for c in cols]
        heading = " og ".join([parts[0], *(p[:1].lower() + p[1:] for p in parts[1:])])
        out.append(Breakdown(cols if len(cols) > 1 else cols[0], heading,
                             _levels(estimates, cols, cfg)))
    return tuple(out)


def variable_infos(result: RunResult) -> tuple[VariableInfo, ...]:
    """Report descriptions of the run's variables (unfavourable shares marked as such), with
    the questionnaire's own sentences only (never another spec's: a dimension without one
    gets none; the index without one gets :func:`index_description`)."""
    v = result.analysis.variables
    descriptions = dict(v.descriptions)
    descriptions.setdefault("index", index_description(len(result.questionnaire.dimensions)))
    infos = variables_from_labels({k: v.labels[k] for k in v.all}, shares=v.shares,
                                  descriptions=descriptions)
    return tuple(dataclasses.replace(i, higher_is_better=i.id not in v.unfavourable)
                 for i in infos)


_NUMBERS = ("", "én", "to", "tre", "fire", "fem", "seks", "syv", "otte", "ni", "ti")


def index_description(dimensions: int) -> str:
    """The index sentence of a spec that has none, for its number of dimensions.

    Examples
    --------
    >>> index_description(2)
    'Et samlet mål, som lægger de to dimensioner sammen.'
    >>> index_description(12)
    'Et samlet mål, som lægger de 12 dimensioner sammen.'
    """
    count = _NUMBERS[dimensions] if 1 < dimensions < len(_NUMBERS) else str(dimensions)
    return f"Et samlet mål, som lægger de {count} dimensioner sammen."


def sources(result: RunResult) -> tuple[str, ...]:
    """The data sources of the run, one line each, for the workbook's index sheet."""
    out = []
    for item in result.log.inputs:
        name = str(item["file"])
        if name.startswith("survey_kit.datasets"):
            name = "Syntetiske demodata fra survey_kit (ingen rigtige personer)"
        out.append(f"{name}: {item['rows']} rækker")
    return tuple(out)


def method_notes(result: RunResult) -> tuple[str, ...]:
    """The weighting note of the workbook's method section, in Danish."""
    cfg, weighting = result.config, result.design.weighting
    if weighting is None:
        return ("Vægte: ingen (alle svar tæller lige meget).",)
    cells = " og ".join(cfg.noun(c) for c in cfg.weighting_by)
    where = f"inden for hver {cells}" if cells else "i hele stikprøven"
    bounds = ""
    if cfg.bounds:
        low, high = (f"{b:g}".replace(".", ",") for b in cfg.bounds)
        bounds = f", med vægtjustering mellem {low} og {high} gange designvægten"
    if cfg.weighting_method == "calibrate":
        how = f"kalibreret til registertal ({_CALFUNS[cfg.calfun]})"
    else:
        how = "rettet til registermarginer (raking)"
    return (f"Vægte: designvægte {how} {where}{bounds}.",)


_CALFUNS = {"linear": "lineær kalibrering", "raking": "kalibrering med raking-afstand",
            "logit": "kalibrering med logit-afstand"}


def weighted(result: RunResult) -> bool:
    """Whether the answers are weighted to register margins."""
    return result.design.weighting is not None


def clustered(result: RunResult) -> bool:
    """Whether the design has strata or clusters (else a simple random sample)."""
    return bool(result.config.psu or result.config.strata)


def cross_label(cfg: RunConfig, value: object) -> str:
    """'pige / True' -> the Danish label of that group ([labels.<group>] in the config)."""
    return cfg.label(cfg.group, value) if cfg.group else str(value)


__all__ = [
    "banner_breakdowns",
    "clustered",
    "cross_label",
    "index_description",
    "method_notes",
    "sources",
    "variable_infos",
    "weighted",
]
