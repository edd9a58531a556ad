"""Check the demo population's truth against the direct estimator (not a test).

Draws ``--reps`` fresh samples from ``demo_population(--seed, rounds)``, estimates every
variable of the run for every helhedsplan area and every group exactly as the annual run
does (validate + score, design ``stratum``/``psu``/``design_weight`` with lonely PSUs
adjusted, raked per round and group to the register margins with bounds 0.2-5, domain
means by reporting unit and round) and compares the mean of the estimates over the
samples with ``pop.truth``.  For each unit x round x variable it reports

* ``bias = mean(estimate) - truth`` (0-100 points),
* ``z = bias / (sd(estimate) / sqrt(reps))``, the standardised bias,
* ``ratio = bias / sd(estimate)``, the bias relative to the estimate's own error.

``--ignorable`` draws the samples with ``margins=REGISTER_VARIABLES`` (raking also to
herkomst) and ``panel_tenure_grows=False``: the two settings under which nonresponse and
the panel are ignorable given the raking variables; it rakes without bounds (with
herkomst, the few non-MENAPT ikke-vestlig befolkning respondents need g-weights up to
about 7, beyond the run's bounds 0.2-5).  Results are printed and written to
``benchmarks/results/demo_truth_<rounds>r[_ignorable].md``.

Run: ``nice .venv/bin/python benchmarks/demo_truth.py --reps 200 [--rounds 3] [--ignorable]``
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from pathlib import Path

import numpy as np
import pandas as pd

import survey_kit as sk
from survey_kit.datasets import Demo, demo_population
from survey_kit.datasets.frame import MARGIN_VARIABLES, REGISTER_VARIABLES
from survey_kit.errors import WeightingError
from survey_kit.spec import load_questionnaire

HERE = Path(__file__).parent
ROUNDS = {2: (2018, 2021), 3: (2018, 2021, 2024)}


def run_variables() -> list[str]:
    """The six dimensions, ``index`` and the headline shares, as the run reports them."""
    q = load_questionnaire("tryghed_trivsel")
    shares = [str(item.indicator) for item in q.headline_items().values()]
    return [d.id for d in q.dimensions] + ["index"] + list(dict.fromkeys(shares))


def direct_estimates(demo: Demo, variables: list[str],
                     bounds: tuple[float, float] | None = (0.2, 5.0)) -> pd.DataFrame:
    """``year, area, variable, estimate, se`` per reporting unit (area of the helhedsplan
    group, else the group) and for the helhedsplan group as a whole."""
    q = load_questionnaire("tryghed_trivsel")
    # the bundled spec lists 2018 and 2021; a later round is answered as 2021
    years = tuple(sorted(set(q.rounds) | set(demo.tryghed["year"].tolist())))
    q = dataclasses.replace(q, rounds=years)
    scored = q.score(q.validate(demo.tryghed).valid)
    assert len(scored) == len(demo.tryghed)
    focus = scored["group"].eq("helhedsplan")
    scored["unit"] = scored["group"].astype(object).where(~focus, scored["area"].astype(object))
    design = sk.Design(scored, weight="design_weight", strata="stratum", psu="psu",
                       lonely_psu="adjust")
    design = design.rake(demo.margins, by=["year", "group"], bounds=bounds)
    units = design.mean(variables, by=["unit", "year"]).to_frame().rename(columns={"unit": "area"})
    whole = design.subset(focus.to_numpy()).mean(variables, by=["year"]).to_frame()
    whole["area"] = "helhedsplan"
    columns = ["year", "area", "variable", "estimate", "se"]
    return pd.concat([units[columns], whole[columns]], ignore_index=True)


def simulate(seed: int, rounds: tuple[int, ...], reps: int, first: int,
             ignorable: bool = False) -> tuple[pd.DataFrame, list[str]]:
    """Direct estimates of ``reps`` fresh samples (sample seeds ``first ...``)."""
    pop = demo_population(seed, rounds)
    variables = run_variables()
    margins = REGISTER_VARIABLES if ignorable else MARGIN_VARIABLES
    parts, failed = [], []
    for r in range(reps):
        demo = pop.sample(first + r, livsmestring=False, margins=margins,
                          panel_tenure_grows=not ignorable)
        try:
            table = direct_estimates(demo, variables, None if ignorable else (0.2, 5.0))
        except WeightingError as error:  # the run would stop here too: count, skip
            failed.append(f"sample seed {first + r}: {str(error)[:160]}")
            continue
        parts.append(table.assign(rep=r))
    return pd.concat(parts, ignore_index=True), failed


def summarise(estimates: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """Bias, standardised bias and bias / SD per unit x round x variable."""
    keys = ["year", "area", "variable"]
    stats = estimates.groupby(keys).agg(mean=("estimate", "mean"), sd=("estimate", "std"),
                                        se=("se", "mean"), reps=("estimate", "size"))
    out = stats.reset_index().merge(truth.drop(columns="group"), on=keys, how="inner")
    out["bias"] = out["mean"] - out["value"]
    out["z"] = out["bias"] / (out["sd"] / np.sqrt(out["reps"]))
    out["ratio"] = out["bias"] / out["sd"]
    out["level"] = np.where(out["area"].isin(["helhedsplan", "almene", "befolkning"]),
                            "group", "area")
    return out


def report(out: pd.DataFrame, reps: int, seconds: float, rounds: tuple[int, ...],
           ignorable: bool, failed: list[str]) -> str:
    """A markdown summary of the comparison."""
    setting = ("raked also to herkomst without bounds, panel tenure not grown (ignorable)"
               if ignorable
               else "as load_demo and the run (raked to gender, age group, MENAPT)")
    lines = [f"# Demo population truth vs direct estimates ({reps} samples, rounds "
             f"{', '.join(map(str, rounds))})", "",
             f"Samples {setting}. Population seed 2018, sample seeds 1000..{999 + reps}; "
             f"{seconds:.0f} s. Raking failed (sample left out) in {len(failed)} of {reps} "
             "samples" + "".join(f"\n- {f}" for f in failed), "",
             "| level | cells | max abs z | share abs z > 2 | share abs z > 3 "
             "| max abs bias (points) | max abs bias / sd |", "|---|---|---|---|---|---|---|"]
    for level, part in out.groupby("level"):
        lines.append(
            f"| {level} | {len(part)} | {part['z'].abs().max():.2f} | "
            f"{(part['z'].abs() > 2).mean():.3f} | {(part['z'].abs() > 3).mean():.3f} | "
            f"{100 * part['bias'].abs().max():.2f} | {part['ratio'].abs().max():.3f} |")
    areas = out[out["level"] == "area"]
    lines += ["", "Helhedsplan areas by round: mean z^2 (1 without bias) and the root mean square "
              "of bias / sd over the areas and variables, its sampling noise (1 / reps) "
              "removed:", "", "| round | mean z^2 | share abs z > 2 | rms bias / sd |",
              "|---|---|---|---|"]
    for year, part in areas.groupby("year"):
        rms = np.sqrt(max(float((part["ratio"] ** 2).mean()) - 1 / part["reps"].mean(), 0.0))
        lines.append(f"| {year} | {(part['z'] ** 2).mean():.2f} | "
                     f"{(part['z'].abs() > 2).mean():.3f} | {rms:.3f} |")
    lines += ["", "Mean bias over the helhedsplan areas (points) by round and variable:", ""]
    table = (100 * areas.pivot_table(index="variable", columns="year", values="bias")).round(2)
    lines += [table.to_markdown(), "", "Whole groups (bias in points, z):", ""]
    groups = out[out["level"] == "group"].copy()
    groups["cell"] = (100 * groups["bias"]).round(2).astype(str) + " (" + \
        groups["z"].round(1).astype(str) + ")"
    lines += [groups.pivot_table(index="variable", columns=["area", "year"], values="cell",
                                 aggfunc="first").to_markdown(), ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--rounds", type=int, choices=(2, 3), default=2)
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--ignorable", action="store_true")
    parser.add_argument("--csv", type=Path, help="also write the table of every cell here")
    args = parser.parse_args()
    rounds = ROUNDS[args.rounds]
    start = time.perf_counter()
    estimates, failed = simulate(args.seed, rounds, args.reps, 1000, args.ignorable)
    out = summarise(estimates, demo_population(args.seed, rounds).truth)
    text = report(out, args.reps, time.perf_counter() - start, rounds, args.ignorable, failed)
    print(text)
    name = f"demo_truth_{args.rounds}r{'_ignorable' if args.ignorable else ''}"
    (HERE / "results" / f"{name}.md").write_text(text + "\n")
    if args.csv:
        out.to_csv(args.csv, index=False)


if __name__ == "__main__":
    main()
