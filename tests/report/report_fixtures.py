"""Small hand-made tidy tables for the report tests (no dependence on the estimation code).

A uniquely named module (not ``conftest``) so that ``from report_fixtures import ...`` cannot
pick up another test folder's conftest.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from survey_kit.report import (
    Banner,
    Breakdown,
    VariableInfo,
    suppress,
)

VARIABLES = (
    VariableInfo("oplevet_tryghed", "Oplevet tryghed"),
    VariableInfo("tillid", "Tillid"),
    VariableInfo("tryg", "Føler sig grundlæggende tryg", kind="share"),
)
CELLS = [("helhedsplan", 2018), ("helhedsplan", 2021), ("almene", 2021),
         ("befolkning", 2018), ("befolkning", 2021)]
ROWS = ([{}]
        + [{"gender": g} for g in ("Kvinde", "Mand")]
        + [{"menapt": m} for m in (True, False)]
        + [{"age_group": a} for a in ("18-29", "30-49", "50-64", "65+")])
BANNER = Banner(breakdowns=(
    Breakdown("gender", "Køn", (("Kvinde", "Kvinder"), ("Mand", "Mænd"))),
    Breakdown("menapt", "Oprindelse", ((True, "MENAPT-baggrund"), (False, "Anden baggrund"))),
    Breakdown("age_group", "Alder", (("18-29", "18–29 år"), ("30-49", "30–49 år"),
                                      ("50-64", "50–64 år"), ("65+", "65 år og derover"))),
))


def make_estimates() -> pd.DataFrame:
    """Estimates for 3 variables x 5 group-rounds x 9 rows; almene 18-29 has n = 6."""
    rng = np.random.default_rng(7)
    records = []
    for var, (group, year), row in itertools.product(VARIABLES, CELLS, ROWS):
        base = {"helhedsplan": 0.55, "almene": 0.6, "befolkning": 0.7}[group]
        est = float(np.clip(base + (year - 2018) * 0.01 + rng.normal(0, 0.03), 0.05, 0.95))
        n = 400 if not row else 120
        if group == "almene" and row.get("age_group") == "18-29":
            n = 6
        se = 0.02 if not row else 0.04
        records.append({
            "variable": var.id, "group": group, "year": year,
            "gender": row.get("gender"), "menapt": row.get("menapt"),
            "age_group": row.get("age_group"),
            "estimate": est, "se": se, "ci_low": est - 2 * se, "ci_high": est + 2 * se,
            "df": 60, "deff": 1.5, "n": n,
        })
    return pd.DataFrame.from_records(records)


def make_group_contrasts(est: pd.DataFrame) -> pd.DataFrame:
    """helhedsplan vs befolkning and almene vs befolkning in every round and row."""
    records = []
    by = ["variable", "year", "gender", "menapt", "age_group"]
    for keys, part in est.groupby(by, dropna=False):
        groups = dict(zip(part["group"], part["estimate"], strict=True))
        for a, b in (("helhedsplan", "befolkning"), ("almene", "befolkning")):
            if a not in groups or b not in groups:
                continue
            diff = groups[a] - groups[b]
            rec = dict(zip(by, keys, strict=True))
            rec.update({
                "group_a": a, "group_b": b, "estimate_a": groups[a], "estimate_b": groups[b],
                "difference": diff, "se": 0.03, "ci_low": diff - 0.06, "ci_high": diff + 0.06,
                "statistic": diff / 0.03, "df": 60, "p_value": 0.001 if abs(diff) > 0.06 else 0.4,
                "p_adjusted": 0.003 if abs(diff) > 0.06 else 0.8, "adjust_method": "holm",
                "significant": abs(diff) > 0.06,
            })
            records.append(rec)
    frame = pd.DataFrame.from_records(records)
    for col in ("gender", "menapt", "age_group"):
        frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    return frame


def make_change_contrasts(est: pd.DataFrame) -> pd.DataFrame:
    """2021 - 2018 within helhedsplan and befolkning, total rows only."""
    tot = est[est[["gender", "menapt", "age_group"]].isna().all(axis=1)]
    records = []
    for (var, group), part in tot.groupby(["variable", "group"]):
        years = dict(zip(part["year"], part["estimate"], strict=True))
        if 2018 not in years:
            continue
        diff = years[2021] - years[2018]
        records.append({
            "variable": var, "group": group, "group_a": 2021, "group_b": 2018,
            "estimate_a": years[2021], "estimate_b": years[2018], "difference": diff,
            "se": 0.01, "ci_low": diff - 0.02, "ci_high": diff + 0.02,
            "statistic": diff / 0.01, "df": 60, "p_value": 0.01, "p_adjusted": 0.02,
            "adjust_method": "holm", "significant": abs(diff) > 0.02,
        })
    return pd.DataFrame.from_records(records)


DIMENSIONS = (
    ("oplevet_tryghed", "Oplevet tryghed"), ("social_sammenhaengskraft", "Social sammenhængskraft"),
    ("kollektiv_handlekraft", "Kollektiv handlekraft"), ("tillid", "Tillid"),
    ("tilfredshed", "Tilfredshed"), ("livskvalitet", "Livskvalitet"),
    ("index", "Samlet tryghed og trivsel"),
)


def make_area_input(area_name: str = "Solbakken", suppress_tillid: bool = True):
    """An area summary input: the area in 2018 and 2021 against almene and befolkning 2021."""
    from survey_kit.report import AreaSummaryInput, variables_from_labels

    variables = variables_from_labels(dict(DIMENSIONS))
    area_rows, comp_rows, comparisons, changes = [], [], [], []
    for k, (vid, _) in enumerate(DIMENSIONS):
        hidden = suppress_tillid and vid == "tillid"
        for year, est in ((2018, 0.50 + 0.01 * k), (2021, 0.53 + 0.012 * k)):
            area_rows.append({"variable": vid, "year": year, "estimate": est,
                              "ci_low": est - 0.04, "ci_high": est + 0.04,
                              "n": 8 if hidden else 212 + year - 2018, "suppressed": hidden})
        for group, est in (("almene", 0.56 + 0.01 * k), ("befolkning", 0.62 + 0.01 * k)):
            comp_rows.append({"variable": vid, "group": group, "year": 2021, "estimate": est,
                              "ci_low": est - 0.01, "ci_high": est + 0.01, "n": 2500,
                              "suppressed": False})
            diff = 0.53 + 0.012 * k - est
            comparisons.append({"variable": vid, "group_a": area_name, "group_b": group,
                                "difference": diff, "significant": abs(diff) > 0.05,
                                "ci_low_page": diff - 0.049, "ci_high_page": diff + 0.049,
                                "family_size": 3 * len(DIMENSIONS),
                                "adjust_method": "bonferroni", "suppressed": hidden})
        change = 0.03 + 0.002 * k
        half = 0.02 if k % 2 == 0 else 0.04  # the page interval excludes 0 when significant
        changes.append({"variable": vid, "group_a": 2021, "group_b": 2018,
                        "difference": change, "significant": k % 2 == 0,
                        "ci_low_page": change - half, "ci_high_page": change + half,
                        "family_size": 3 * len(DIMENSIONS), "adjust_method": "bonferroni",
                        "suppressed": hidden})
    return AreaSummaryInput(
        area_name=area_name, area_estimates=pd.DataFrame(area_rows),
        comparison_estimates=pd.DataFrame(comp_rows), comparisons=pd.DataFrame(comparisons),
        changes=pd.DataFrame(changes), variables=variables, created="Maj 2024",
        organisation="Boligsocial helhedsplan Solbakken",
    )


YOUTH_DIMENSIONS = (
    ("skoleglaede", "Skoleglæde"), ("faglig_selvvurdering", "Faglig selvvurdering"),
    ("fravaer", "Fravær"), ("faellesskab", "Fællesskab"), ("ensomhed", "Ensomhed"),
    ("livstilfredshed", "Livstilfredshed"), ("lav_flere", "Lav score på mindst 3 af 6 områder"),
)


def make_youth_input():
    """Youth estimates: total, gender x MENAPT cells and age groups, after suppression."""
    from survey_kit.report import SuppressionRule, YouthSummaryInput, variables_from_labels

    variables = variables_from_labels(dict(YOUTH_DIMENSIONS), shares=["lav_flere"])
    cells = ([{}] + [{"gender": g, "menapt": m} for g in ("pige", "dreng") for m in (True, False)]
             + [{"age_group": a} for a in ("13-15", "16-30")])
    rows = []
    for k, (vid, _) in enumerate(YOUTH_DIMENSIONS):
        for j, cell in enumerate(cells):
            est = 0.2 if vid == "lav_flere" else 0.6 + 0.02 * k - 0.03 * j
            n = {0: 1229, 5: 700, 6: 529}.get(j, 300)
            rows.append({"variable": vid, "gender": cell.get("gender"),
                         "menapt": cell.get("menapt"), "age_group": cell.get("age_group"),
                         "estimate": est, "se": 0.02, "ci_low": est - 0.04,
                         "ci_high": est + 0.04, "df": 40, "deff": 1.3, "n": n})
    sup = suppress(pd.DataFrame(rows), rule=SuppressionRule(min_n=10))
    diffs = pd.DataFrame([{
        "variable": "ensomhed", "group_a": "Piger uden MENAPT-baggrund",
        "group_b": "Drenge med MENAPT-baggrund", "difference": -0.09, "significant": True,
        "suppressed": False}])
    return YouthSummaryInput(estimates=sup.estimates, variables=variables,
                             low_several="lav_flere", low_several_rule=(3, 6), differences=diffs,
                             created="Maj 2024")
