"""``load_demo``: the bundled synthetic demo data, built deterministically and cached."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from survey_kit.datasets.frame import Frame, build_frame, register_margins
from survey_kit.datasets.livsmestring import simulate_livsmestring
from survey_kit.datasets.targets import published_targets
from survey_kit.datasets.tryghed import simulate_tryghed
from survey_kit.spec import load_questionnaire

DEFAULT_SEED = 2018


@dataclass(frozen=True)
class Demo:
    """Synthetic demo data (no real person behind any row).

    Attributes
    ----------
    tryghed : DataFrame
        Both rounds of the tryghedsmåling: ``resp_id, person_id, year, group, area,
        stratum, psu, design_weight, gender, age_group, menapt, herkomst, age, education,
        children, years_in_area, panel, region`` and one column per item of
        ``tryghed_trivsel.yaml`` (codes; 98 = ved ikke, 99 = ønsker ikke at svare).
    margins : DataFrame
        Register totals ``year, group, variable, level, total`` (rake targets) for the
        year x group combinations in ``tryghed``.
    livsmestring : DataFrame
        ``resp_id, gender, age, age_group, menapt`` and one column per item of
        ``livsmestring.yaml``.
    frame : Frame
        The population frame the samples were drawn from.
    targets : DataFrame
        The published headline shares the generator is calibrated to.
    seed : int
        The seed that produced the data.
    """

    tryghed: pd.DataFrame
    margins: pd.DataFrame
    livsmestring: pd.DataFrame
    frame: Frame
    targets: pd.DataFrame
    seed: int


def build_demo_frame(seed: int) -> Frame:
    """The population frame of :func:`load_demo` for ``seed``."""
    frame_seed, _, _ = np.random.SeedSequence(seed).spawn(3)
    return build_frame(np.random.default_rng(frame_seed))


@lru_cache(maxsize=4)
def _build(seed: int) -> Demo:
    frame_seed, survey_seed, youth_seed = np.random.SeedSequence(seed).spawn(3)
    frame = build_frame(np.random.default_rng(frame_seed))
    tryghed = simulate_tryghed(frame, load_questionnaire("tryghed_trivsel"), survey_seed)
    present = tryghed[["year", "group"]].drop_duplicates()
    margins = register_margins(frame).merge(present, on=["year", "group"])
    youth = simulate_livsmestring(load_questionnaire("livsmestring"), youth_seed)
    return Demo(tryghed, margins, youth, frame, published_targets(), seed)


def load_demo(seed: int = DEFAULT_SEED) -> Demo:
    """The synthetic demo data: identical on every machine for a given ``seed``.

    Built once per seed and cached; every call returns fresh copies of the tables, so
    changing them does not change later calls.

    Examples
    --------
    >>> demo = load_demo()
    >>> sorted(demo.tryghed["group"].unique())
    ['almene', 'befolkning', 'helhedsplan']
    >>> demo.margins.columns.tolist()
    ['year', 'group', 'variable', 'level', 'total']
    """
    demo = _build(int(seed))
    return Demo(
        tryghed=demo.tryghed.copy(),
        margins=demo.margins.copy(),
        livsmestring=demo.livsmestring.copy(),
        frame=Frame(demo.frame.units.copy(), demo.frame.cells.copy()),
        targets=demo.targets.copy(),
        seed=demo.seed,
    )
