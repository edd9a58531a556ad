"""``load_demo``: the bundled synthetic demo data, built deterministically and cached."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from survey_kit.datasets.frame import YEARS, Frame, build_frame
from survey_kit.datasets.population import Demo, demo_population

__all__ = ["DEFAULT_SEED", "Demo", "build_demo_frame", "load_demo"]

DEFAULT_SEED = 2018


def build_demo_frame(seed: int) -> Frame:
    """The population frame of :func:`load_demo` for ``seed``."""
    return build_frame(np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0,))))


@lru_cache(maxsize=4)
def _build(seed: int, rounds: tuple[int, ...] = YEARS) -> Demo:
    return demo_population(seed, rounds).sample(seed)


def load_demo(seed: int = DEFAULT_SEED, rounds: tuple[int, ...] = YEARS) -> Demo:
    """The synthetic demo data: identical on every machine for a given ``seed``.

    Built once per seed and cached; every call returns fresh copies of the tables, so
    changing them does not change later calls.  It is one sample of
    :func:`~survey_kit.datasets.demo_population`: ``load_demo(s)`` equals
    ``demo_population(s).sample(s)``.  ``rounds=(2018, 2021, 2024)`` adds a third round;
    its 2018 and 2021 rows are those of the two-round data.

    Examples
    --------
    >>> demo = load_demo()
    >>> sorted(demo.tryghed["group"].unique())
    ['almene', 'befolkning', 'helhedsplan']
    >>> demo.margins.columns.tolist()
    ['year', 'group', 'variable', 'level', 'total']
    """
    demo = _build(int(seed), tuple(int(r) for r in rounds))
    return Demo(
        tryghed=demo.tryghed.copy(),
        margins=demo.margins.copy(),
        livsmestring=demo.livsmestring.copy(),
        frame=Frame(demo.frame.units.copy(), demo.frame.cells.copy()),
        targets=demo.targets.copy(),
        seed=demo.seed,
        area_margins=demo.area_margins.copy(),
    )
