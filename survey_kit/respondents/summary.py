"""The console summary of a validation report: counts, shares, top reasons with a hint.

Problems are grouped by what fixes them: one undeclared code on one scale is one reason
("code 9 in q1–q6 is not declared in the spec: add it under `missing:` of scale 'enig5'"),
whatever the number of cells and columns it hits.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from survey_kit.io.show import show_value

if TYPE_CHECKING:
    from survey_kit.respondents.report import Thresholds, ValidationReport

BLANKED, REJECTED = "blanked", "rejected"  # the actions of a problem
TOP_REASONS = 5
# codes that usually mean "don't know", refusal or "not applicable" in survey exports
MISSING_LIKE = frozenset({-99, -9, -2, -1, 7, 8, 9, 77, 88, 97, 98, 99, 997, 998, 999})
_BY_VALUE = ("unknown_code", "out_of_range", "unknown_year")


def share(part: int, whole: int) -> str:
    """A share in per cent for the console.

    Examples
    --------
    >>> share(1, 3), share(1, 14_000), share(0, 5), share(0, 0)
    ('33.3 %', '<0.1 %', '0.0 %', '0.0 %')
    """
    if whole <= 0 or part == 0:
        return "0.0 %"
    value = 100.0 * part / whole
    return "<0.1 %" if value < 0.05 else f"{value:.1f} %"


def compact(columns: Sequence[str], order: Sequence[str]) -> str:
    """Column names in spec order, runs of three or more as ``first–last``.

    Examples
    --------
    >>> compact(["q3", "q1", "q2", "q6"], ["q1", "q2", "q3", "q4", "q5", "q6"])
    'q1–q3, q6'
    """
    rank = {c: i for i, c in enumerate(order)}
    ordered = sorted(set(columns), key=lambda c: (rank.get(c, len(rank)), c))
    runs: list[list[str]] = []
    for column in ordered:
        if runs and column in rank and runs[-1][-1] in rank and \
                rank[column] == rank[runs[-1][-1]] + 1:
            runs[-1].append(column)
        else:
            runs.append([column])
    parts = [f"{r[0]}–{r[-1]}" if len(r) >= 3 else ", ".join(r) for r in runs]
    shown = ", ".join(parts[:4])
    return shown + (f" and {len(parts) - 4} more" if len(parts) > 4 else "")


def reasons(report: ValidationReport) -> list[tuple[int, str]]:
    """(count, reason with hint) per group of problems, most frequent first."""
    rejects = report.rejects
    if rejects.empty:
        return []
    scales = dict(zip(report.counts["column"], report.counts["scale"], strict=True))
    frame = pd.DataFrame({
        "problem": rejects["problem"].astype(str),
        "column": rejects["column"].astype(str),
        "value": rejects["value"].map(show_value),
        "scale": rejects["column"].map(scales).fillna("").astype(str),
        "reason": rejects["reason"].astype(str),
    })
    frame.loc[frame["problem"] == "unusable", "value"] = frame["reason"]
    by_value = frame["problem"].isin((*_BY_VALUE, "unusable"))
    cell_like = frame["scale"] != ""
    frame["key"] = (frame["problem"] + "|" + frame["value"].where(by_value, "")
                    + "|" + frame["scale"].where(cell_like, frame["column"]))
    out = []
    order = list(report.counts["column"])
    for _, group in frame.groupby("key", sort=False):
        first = group.iloc[0]
        columns = compact(group["column"].tolist(), order)
        out.append((len(group), _hint(first, columns, report)))
    return sorted(out, key=lambda pair: -pair[0])


def _hint(first: pd.Series, columns: str, report: ValidationReport) -> str:
    """What the problem is and what fixes it."""
    problem, value, scale = first["problem"], first["value"], first["scale"]
    expected = _expected(report, first["column"])
    if problem in ("unknown_code", "out_of_range") and _missing_like(value):
        return (f"code {value} in {columns} is not declared in the spec: add it under "
                f"`missing:` of scale {scale!r}")
    return {
        "unknown_code": f"code {value} in {columns} is not a code of scale {scale!r} "
                        f"(expected {expected}): correct the data or add the code to the scale",
        "out_of_range": f"value {value} in {columns} is outside scale {scale!r} "
                        f"(expected {expected}): correct the data",
        "not_whole_number": f"{columns} holds numbers that are not whole (e.g. {value}): "
                            "check the decimal separator or correct the data",
        "not_a_number": f"{columns} holds text that is neither a code nor a label of scale "
                        f"{scale!r} (e.g. {value}): use the codes or the spec's labels",
        "unknown_year": f"year {value} is not a round of the spec: add it under `rounds:` or "
                        "correct column 'year'",
        "duplicate_id": f"{columns} repeats an earlier id (e.g. {value}): every respondent "
                        "needs an id of their own; the later rows are rejected",
        "missing_id": f"{columns} is blank: every respondent needs an id",
        "missing_value": f"{columns} is blank: every respondent needs one",
    }.get(problem, str(first["reason"]))


def _expected(report: ValidationReport, column: str) -> str:
    match = report.counts.loc[report.counts["column"] == column, "expected"]
    return str(match.iloc[0]) if len(match) else "a code of the scale"


def _missing_like(value: str) -> bool:
    try:
        return int(value) in MISSING_LIKE
    except ValueError:
        return False


def failures(report: ValidationReport, limits: Thresholds) -> tuple[str, ...]:
    """One line per exceeded limit: item columns with too many blanked answers (worst
    first), then the share of rejected rows."""
    counts = report.counts
    out = []
    answered = counts["answered"].astype(int)
    blank_share = counts["blanked"].astype(int) / answered.where(answered > 0, 1)
    over = counts.assign(share=blank_share)[blank_share > limits.max_blank_share]
    for row in over.sort_values("share", ascending=False, kind="stable").itertuples():
        out.append(f"{row.column!r} has {share(int(row.blanked), int(row.answered))} of its "
                   f"{int(row.answered):,} answers blanked "
                   f"(max_blank_share {_limit(limits.max_blank_share)})")
    rejected = len(report.rejected_rows)
    if report.n_rows and rejected / report.n_rows > limits.max_reject_share:
        out.append(f"{share(rejected, report.n_rows)} of the rows rejected "
                   f"(max_reject_share {_limit(limits.max_reject_share)})")
    return tuple(out)


def _limit(value: float) -> str:
    return f"{100 * value:g} %"


def summary_text(report: ValidationReport) -> str:
    """The console summary (see :meth:`ValidationReport.summary`)."""
    where = f"{report.source}: " if report.source else ""
    head = f"{where}{report.questionnaire}: {report.n_rows:,} rows"
    notes = [f"  note: {note}" for note in report.notes]
    if report.ok:
        return "\n".join([f"{head}, all valid", *notes])
    rejected = len(report.rejected_rows)
    lines = [f"{head}, {len(report.valid):,} kept, {rejected:,} rejected "
             f"({share(rejected, report.n_rows)})"]
    if len(report.files) > 1:
        lines.append("  rows per file: " + ", ".join(f"{f} {n:,}" for f, n in report.files))
    answers = int(report.counts["answered"].astype(int).sum())
    blanked = report.blanked_cells
    respondents = report.rejects.loc[report.rejects["action"] == BLANKED, "row"].nunique()
    lines.append(f"  cells blanked: {blanked:,} of {answers:,} answers "
                 f"({share(blanked, answers)}) in {respondents:,} "
                 f"respondent{'' if respondents == 1 else 's'}")
    if report.mapped:
        lines.append(f"  text answers read as codes through the spec's labels: "
                     f"{report.mapped:,}")
    found = reasons(report)
    if found:
        width = len(f"{found[0][0]:,}")
        lines.append("  top reasons:")
        lines += [f"    {n:>{width},} × {text}" for n, text in found[:TOP_REASONS]]
        if len(found) > TOP_REASONS:
            lines.append(f"    … and {len(found) - TOP_REASONS} more kinds (see the rejects)")
    lines += notes
    lines.append(_verdict(report))
    return "\n".join(lines)


def _verdict(report: ValidationReport) -> str:
    limits = report.thresholds
    failed = report.failures()
    if failed:
        more = f"; and {len(failed) - 1} more" if len(failed) > 1 else ""
        return f"  FAILED: {failed[0]}{more}"
    return (f"  within the limits (max_blank_share {_limit(limits.max_blank_share)} per item "
            f"column, max_reject_share {_limit(limits.max_reject_share)})")
