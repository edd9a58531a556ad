"""Deterministic synthetic demo data calibrated to the published figures.

``load_demo()`` returns the tryghedsmåling (2018 and 2021; helhedsplan areas, almene
sektor, befolkning), its register margins and the livsmestring youth survey.  No real
person is behind any row.
"""

from survey_kit.datasets.demo import DEFAULT_SEED, Demo, load_demo
from survey_kit.datasets.files import write_demo_files

__all__ = ["DEFAULT_SEED", "Demo", "load_demo", "write_demo_files"]
