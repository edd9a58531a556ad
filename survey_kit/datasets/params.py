"""Calibrated parameters of the demo tryghedsmåling generator.

The values were found offline by ``tools/demo_calibration/calibrate.py`` (see that
script): for every dimension and group x round it solves for the dimension level
``gamma`` and the headline-item shift ``delta`` so that, over the population the frame
describes, the share positive on the published headline item equals
``published_targets.csv`` and the expected 0-1 dimension score equals the level in
``DIMENSION_TARGETS`` of that script, which encode the significance
pattern of FACTS.md (equal where VIVE found no difference).  They are plain model
parameters: the data are simulated from them, never written to match the figures.
"""

from __future__ import annotations

GROUP_YEAR_LEVELS: dict[tuple[str, str, int], float] = {
    ('oplevet_tryghed', 'helhedsplan', 2018): 0.0284,
    ('social_sammenhaengskraft', 'helhedsplan', 2018): -0.9904,
    ('kollektiv_handlekraft', 'helhedsplan', 2018): -1.5265,
    ('tillid', 'helhedsplan', 2018): -0.2228,
    ('tilfredshed', 'helhedsplan', 2018): -0.3023,
    ('livskvalitet', 'helhedsplan', 2018): -0.0444,
    ('oplevet_tryghed', 'helhedsplan', 2021): -0.0346,
    ('social_sammenhaengskraft', 'helhedsplan', 2021): -1.1214,
    ('kollektiv_handlekraft', 'helhedsplan', 2021): -1.548,
    ('tillid', 'helhedsplan', 2021): -0.0939,
    ('tilfredshed', 'helhedsplan', 2021): -0.1842,
    ('livskvalitet', 'helhedsplan', 2021): 0.048,
    ('oplevet_tryghed', 'befolkning', 2018): 0.3317,
    ('social_sammenhaengskraft', 'befolkning', 2018): -0.3195,
    ('kollektiv_handlekraft', 'befolkning', 2018): -1.018,
    ('tillid', 'befolkning', 2018): -0.1648,
    ('tilfredshed', 'befolkning', 2018): -0.0983,
    ('livskvalitet', 'befolkning', 2018): -0.2895,
    ('oplevet_tryghed', 'befolkning', 2021): 0.434,
    ('social_sammenhaengskraft', 'befolkning', 2021): -0.2782,
    ('kollektiv_handlekraft', 'befolkning', 2021): -0.9732,
    ('tillid', 'befolkning', 2021): -0.0255,
    ('tilfredshed', 'befolkning', 2021): 0.0749,
    ('livskvalitet', 'befolkning', 2021): -0.2473,
    ('oplevet_tryghed', 'almene', 2021): -0.1593,
    ('social_sammenhaengskraft', 'almene', 2021): -1.0139,
    ('kollektiv_handlekraft', 'almene', 2021): -1.3905,
    ('tillid', 'almene', 2021): -0.2576,
    ('tilfredshed', 'almene', 2021): -0.0808,
    ('livskvalitet', 'almene', 2021): -0.0665,
}
"""gamma[dimension, group, year]: level of the latent dimension score (latent units)."""

HEADLINE_SHIFTS: dict[tuple[str, str, int], float] = {
    ('oplevet_tryghed', 'helhedsplan', 2018): 0.4901,
    ('social_sammenhaengskraft', 'helhedsplan', 2018): -1.3638,
    ('kollektiv_handlekraft', 'helhedsplan', 2018): 2.5985,
    ('tillid', 'helhedsplan', 2018): 0.8234,
    ('tilfredshed', 'helhedsplan', 2018): 0.8224,
    ('livskvalitet', 'helhedsplan', 2018): -0.0361,
    ('oplevet_tryghed', 'helhedsplan', 2021): 0.66,
    ('social_sammenhaengskraft', 'helhedsplan', 2021): -1.4756,
    ('kollektiv_handlekraft', 'helhedsplan', 2021): 2.6017,
    ('tillid', 'helhedsplan', 2021): 0.7099,
    ('tilfredshed', 'helhedsplan', 2021): 1.0271,
    ('livskvalitet', 'helhedsplan', 2021): 0.0566,
    ('oplevet_tryghed', 'befolkning', 2018): 0.9649,
    ('social_sammenhaengskraft', 'befolkning', 2018): -1.4146,
    ('kollektiv_handlekraft', 'befolkning', 2018): 2.7592,
    ('tillid', 'befolkning', 2018): 0.9153,
    ('tilfredshed', 'befolkning', 2018): 1.2165,
    ('livskvalitet', 'befolkning', 2018): 0.5443,
    ('oplevet_tryghed', 'befolkning', 2021): 1.2858,
    ('social_sammenhaengskraft', 'befolkning', 2021): -1.4106,
    ('kollektiv_handlekraft', 'befolkning', 2021): 2.7628,
    ('tillid', 'befolkning', 2021): 1.0479,
    ('tilfredshed', 'befolkning', 2021): 1.3578,
    ('livskvalitet', 'befolkning', 2021): 0.5429,
    ('oplevet_tryghed', 'almene', 2021): 1.0361,
    ('social_sammenhaengskraft', 'almene', 2021): -1.3087,
    ('kollektiv_handlekraft', 'almene', 2021): 2.8614,
    ('tillid', 'almene', 2021): 0.9159,
    ('tilfredshed', 'almene', 2021): 0.825,
    ('livskvalitet', 'almene', 2021): 0.0542,
}
"""delta[dimension, group, year]: extra shift of the dimension's headline item."""

LEVEL_CHANGES_2024: dict[tuple[str, str], float] = {
    ("oplevet_tryghed", "helhedsplan"): 0.12,
    ("tilfredshed", "helhedsplan"): 0.10,
    ("tillid", "helhedsplan"): -0.08,
}
"""Change of ``gamma`` from 2021 to the 2024 round (latent units; not calibrated to any
published figure, 2024 is not published).  About 0.15 score points per latent unit, so
helhedsplan areas gain about 2 points in oplevet tryghed and 1.5 in tilfredshed and lose
about 1 in tillid; every other dimension of helhedsplan and every dimension of almene and
befolkning is unchanged (a zero true change apart from the drift in composition).  The
headline items keep their 2021 shift ``delta``, so they move with their dimension."""

GROUP_YEAR_LEVELS.update({
    (dim, group, 2024): round(level + LEVEL_CHANGES_2024.get((dim, group), 0.0), 4)
    for (dim, group, year), level in list(GROUP_YEAR_LEVELS.items()) if year == 2021
})
HEADLINE_SHIFTS.update({
    (dim, group, 2024): shift
    for (dim, group, year), shift in list(HEADLINE_SHIFTS.items()) if year == 2021
})
