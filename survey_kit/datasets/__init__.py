"""Deterministic synthetic demo data calibrated to the published figures.

``load_demo()`` returns the tryghedsmåling (2018 and 2021; helhedsplan areas, almene
sektor, befolkning), its register margins and the livsmestring youth survey.  No real
person is behind any row.  ``demo_population(seed)`` is the population behind it: fresh
samples with ``.sample(seed)`` and the true area values with ``.truth``.
"""

from survey_kit.datasets.demo import DEFAULT_SEED, load_demo
from survey_kit.datasets.files import write_demo_files
from survey_kit.datasets.population import Demo, Population, demo_population

__all__ = ["DEFAULT_SEED", "Demo", "Population", "demo_population", "load_demo",
           "write_demo_files"]
