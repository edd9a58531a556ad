"""Charts (matplotlib, Agg canvas, no pyplot state): dot plots with 95 % intervals.

* :func:`group_round_figure` -- one variable: the groups (rows) in each round (markers), with
  confidence intervals as horizontal bars;
* :func:`profile_figure` -- several variables (rows) for the levels of one breakdown or for a
  set of units (an area against the almene boliger and the befolkning);
* :func:`make_charts` -- saves both kinds as PNG and SVG and returns :class:`Chart` records with
  alt text for HTML.

Colours are the Okabe–Ito palette (safe for colour-blind readers) and every series also has
its own marker shape, so nothing depends on colour alone.  Axis labels are Danish with a decimal
comma.  Scores are drawn on 0–100 and shares in percent.  Suppressed values are not drawn and the
alt text says so.  Figures are deterministic: fixed SVG id salt, no dates in the metadata.
"""

from __future__ import annotations

import base64
import io
import itertools
import math
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from survey_kit.report.cells import NAN3, ShownCells
from survey_kit.report.escape import display_label, fmt_dec, join_danish, slug
from survey_kit.report.inputs import (
    Banner,
    Breakdown,
    VariableInfo,
    check_frame,
    check_suppressed,
    key_text,
    raise_if,
)
from survey_kit.report.text import HIDDEN, value_text

if TYPE_CHECKING:  # matplotlib is imported where a chart is drawn (0.2 s a run need not pay)
    from matplotlib.figure import Figure

OKABE_ITO: tuple[str, ...] = (
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
)
"""Okabe–Ito colours (blue, vermillion, green, purple, orange, sky blue, black)."""
MARKERS: tuple[str, ...] = ("o", "s", "D", "^", "v", "P", "X")
RC: Any = {"svg.hashsalt": "survey_kit", "svg.fonttype": "path", "font.family": "DejaVu Sans",
      "font.size": 11}

TIGHT: Any = {"bbox_inches": "tight", "pad_inches": 0.12}
"""savefig options: the saved area grows to hold every label, legend and tick (no clipping)."""


@dataclass(frozen=True)
class Series:
    """One set of markers: a value and interval per row (NaN: not shown)."""

    label: str
    values: tuple[float, ...]
    lows: tuple[float, ...]
    highs: tuple[float, ...]


@dataclass(frozen=True)
class Chart:
    """A saved chart: its name, title, alt text and files."""

    name: str
    title: str
    alt_text: str
    png: Path
    svg: Path


def _scale(variable_kind: str) -> tuple[float, str, str]:
    """Drawing scale, axis label and the unit as said in alt text."""
    if variable_kind == "share":
        return 100.0, "Andel i procent", "andel i procent"
    return 100.0, "Score fra 0 til 100 (højere er bedre)", "score fra 0 til 100"


def dot_figure(
    rows: Sequence[str], series: Sequence[Series], xlabel: str, title: str,
    xlim: tuple[float, float] = (0.0, 100.0), width: float = 6.4, font_size: float = 11,
    row_notes: Sequence[str] | None = None,
) -> Figure:
    """A horizontal dot plot: one line per row, one marker per series, with interval bars.

    Values are already on the drawing scale (0–100).  Rows are drawn top to bottom.  ``width``
    is in inches; use a narrow figure with a larger ``font_size`` for phone screens.
    ``row_notes`` prints a short text on a row (e.g. "Vises ikke" where nothing is shown).
    """
    rows = [display_label(r) for r in rows]
    series = [Series(display_label(s.label), s.values, s.lows, s.highs) for s in series]
    k = len(series)
    ncol = legend_columns([s.label for s in series], width, font_size - 1)
    legend_rows = math.ceil(k / ncol) if k > 1 else 0
    height = 1.4 + 0.4 * len(rows) * max(1, k) ** 0.6 + 0.3 * legend_rows * font_size / 11
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    for s_idx, s in enumerate(series):
        offset = (s_idx - (k - 1) / 2) * (0.6 / max(k, 1))
        ys, xs, err_lo, err_hi = [], [], [], []
        for r in range(len(rows)):
            v = s.values[r]
            if math.isnan(v):
                continue
            ys.append(len(rows) - 1 - r - offset)
            xs.append(v)
            err_lo.append(max(0.0, v - s.lows[r]) if not math.isnan(s.lows[r]) else 0.0)
            err_hi.append(max(0.0, s.highs[r] - v) if not math.isnan(s.highs[r]) else 0.0)
        colour = OKABE_ITO[s_idx % len(OKABE_ITO)]
        ax.errorbar(xs, ys, xerr=[err_lo, err_hi], fmt=MARKERS[s_idx % len(MARKERS)],
                    color=colour, ecolor=colour, elinewidth=1.6, capsize=3, markersize=7,
                    label=s.label)
    ax.set_yticks(range(len(rows)), list(reversed(rows)))
    ax.tick_params(labelsize=font_size)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_xlim(*xlim)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: fmt_dec(x, 0)))
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    chars = max(20, int(width * 72 / (font_size * 0.62)))
    fig.suptitle(textwrap.fill(title, chars), x=0.02, ha="left", fontsize=font_size + 1,
                 fontweight="bold")
    ax.set_xlabel(textwrap.fill(xlabel, max(16, int(chars * 0.55))), fontsize=font_size)
    for r, note in enumerate(row_notes or ()):
        if note:
            ax.text(xlim[0] + 0.02 * (xlim[1] - xlim[0]), len(rows) - 1 - r, note,
                    va="center", ha="left", fontsize=font_size - 1, style="italic",
                    color="#404040")
    if k > 1:
        fig.legend(loc="outside lower center", ncol=ncol, frameon=False,
                   fontsize=font_size - 1)
    return fig


def legend_columns(labels: Sequence[str], width: float, font_size: float) -> int:
    """Legend columns (at most 3) whose entries fit side by side in ``width`` inches.

    An entry takes its text (about 0.6 em per character) plus the marker and the gaps.

    Examples
    --------
    >>> legend_columns(["2018", "2021"], 4.8, 11)
    2
    >>> legend_columns(["Piger med MENAPT-baggrund", "Piger uden MENAPT-baggrund",
    ...                 "Drenge med MENAPT-baggrund", "Drenge uden MENAPT-baggrund"], 4.8, 11)
    1
    """
    if not labels:
        return 1
    entry = max(len(x) for x in labels) * 0.6 * font_size / 72 + 0.6
    return max(1, min(len(labels), 3, int((width - 0.2) // entry)))


def _total_rows(frame: pd.DataFrame, banner: Banner) -> pd.DataFrame:
    cols = [c for c in banner.breakdown_columns if c in frame.columns]
    if not cols:
        return frame
    return frame[(frame[cols].map(key_text) == "").all(axis=1)]


def _describe(variable: VariableInfo, label: str, parts: list[tuple[str, float]]) -> str:
    said = [f"{value_text(variable, v)} {when}".strip() if not math.isnan(v)
            else f"{HIDDEN.lower()} {when}".strip() for when, v in parts]
    return f"{label}: {join_danish(said)}."


def group_round_figure(
    estimates: pd.DataFrame, variable: VariableInfo, banner: Banner
) -> tuple[Figure, str]:
    """The groups of ``banner`` in each round for one variable (total rows), and alt text."""
    tot = _total_rows(estimates[estimates["variable"].map(key_text) == variable.id], banner)
    cells = ShownCells(tot, (banner.group_column, banner.round_column))
    scale, xlabel, unit = _scale(variable.kind)
    hits = {
        (g, rnd): cells.get(**{banner.group_column: g, banner.round_column: rnd})
        for g, _ in banner.groups for rnd in banner.round_keys
    }
    series = []
    for rnd in banner.round_keys:
        vals = [hits[g, rnd] or NAN3 for g, _ in banner.groups]
        series.append(Series(rnd, *(tuple(v[i] * scale for v in vals) for i in range(3))))
    described = []
    for g, glabel in banner.groups:
        parts = [(f"i {rnd}", hit[0]) for rnd in banner.round_keys
                 if (hit := hits[g, rnd]) is not None]
        if parts:
            described.append(_describe(variable, glabel, parts))
    fig = dot_figure([lab for _, lab in banner.groups], series, xlabel, variable.label)
    alt = (f"Prikdiagram over {variable.label} ({unit}) i "
           f"{join_danish(banner.round_keys)}. " + " ".join(described)
           + " Stregerne viser usikkerheden (95 %-konfidensinterval).")
    return fig, alt


def profile_figure(
    values: dict[str, dict[str, tuple[float, float, float]]],
    variables: Sequence[VariableInfo], series_labels: Sequence[str], title: str,
    width: float = 6.4, font_size: float = 11,
) -> tuple[Figure, str]:
    """Several variables (rows) for several series (e.g. subgroups or units), with alt text.

    Parameters
    ----------
    values : dict
        ``values[series_label][variable_id] = (estimate, ci_low, ci_high)`` on 0–1; NaN for a
        suppressed value; a missing entry is not drawn.
    variables : sequence of VariableInfo
        Rows, top to bottom.  All must be of the same kind (scores or shares).
    series_labels : sequence of str
        Series in legend order.
    title : str
        Chart title.
    width, font_size : float
        Figure width (inches) and base font size (points), as in :func:`dot_figure`.
    """
    kinds = {v.kind for v in variables}
    scale, xlabel, unit = _scale(kinds.pop() if len(kinds) == 1 else "score")
    series = []
    for lab in series_labels:
        vals = [values.get(lab, {}).get(v.id, NAN3) for v in variables]
        series.append(Series(lab, *(tuple(x[i] * scale for x in vals) for i in range(3))))
    notes = [
        HIDDEN if all(math.isnan(x) for x in vals) and any(
            v.id in values.get(lab, {}) for lab in series_labels) else ""
        for v, vals in zip(variables, zip(*(s.values for s in series), strict=True),
                           strict=True)
    ]
    fig = dot_figure([v.label for v in variables], series, xlabel, title, width=width,
                     font_size=font_size, row_notes=notes)
    described = []
    for v in variables:
        parts = [(lab, values[lab][v.id][0]) for lab in series_labels
                 if v.id in values.get(lab, {})]
        if parts:
            described.append(_describe(v, v.label, [(f"({p})", x) for p, x in parts]))
    alt = (f"Prikdiagram: {title} ({unit}). " + " ".join(described)
           + " Stregerne viser usikkerheden (95 %-konfidensinterval).")
    return fig, alt


def breakdown_values(
    estimates: pd.DataFrame, variables: Sequence[VariableInfo], breakdown: Breakdown,
    banner: Banner, group: str, round_: str,
) -> tuple[dict[str, dict[str, tuple[float, float, float]]], list[str]]:
    """Values per level of ``breakdown`` for one group and round (input of profile_figure)."""
    frame = estimates[(estimates[banner.group_column].map(key_text) == group)
                      & (estimates[banner.round_column].map(key_text) == round_)]
    others = [c for c in banner.breakdown_columns if c not in breakdown.column_names
              and c in frame.columns]
    if others:
        frame = frame[(frame[others].map(key_text) == "").all(axis=1)]
    cells = ShownCells(frame, ("variable", *breakdown.column_names))
    out: dict[str, dict[str, tuple[float, float, float]]] = {}
    labels = []
    for key, label in breakdown.level_keys():
        for v in variables:
            hit = cells.key((v.id, *key))
            if hit is not None:
                out.setdefault(label, {})[v.id] = hit
        if label in out:
            labels.append(label)
    return out, labels


def _rc() -> Any:
    """The charts' matplotlib settings as a context."""
    import matplotlib

    return matplotlib.rc_context(RC)


def save_figure(fig: Figure, stem: Path) -> tuple[Path, Path]:
    """Save ``fig`` as ``stem.png`` (200 dpi) and ``stem.svg``; return both paths."""
    png, svg = stem.with_suffix(".png"), stem.with_suffix(".svg")
    with _rc():
        fig.savefig(png, dpi=200, metadata={"Software": None}, **TIGHT)
        fig.savefig(svg, metadata={"Date": None, "Creator": None}, **TIGHT)
    return png, svg


def figure_svg(fig: Figure) -> str:
    """The figure as an SVG document string (deterministic)."""
    buf = io.StringIO()
    with _rc():
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None}, **TIGHT)
    return buf.getvalue()


def figure_data_uri(fig: Figure) -> str:
    """The figure as an SVG data URI for ``<img src=...>`` (self-contained HTML)."""
    svg = re.sub(r"^<\?xml[^>]*>\s*(<!DOCTYPE[^>]*>\s*)?", "", figure_svg(fig))
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def png_data_uri(png: bytes) -> str:
    """PNG bytes as a data URI for ``<img src=...>``: one rendering serves HTML and PDF."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def figure_png(fig: Figure, dpi: int = 200) -> bytes:
    """The figure as PNG bytes (for the PDF)."""
    buf = io.BytesIO()
    with _rc():
        fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None},
                    pil_kwargs={"compress_level": 2}, **TIGHT)
    return buf.getvalue()


def make_charts(
    estimates: pd.DataFrame, variables: Sequence[VariableInfo], banner: Banner,
    out_dir: str | Path, profile_group: str = "helhedsplan", profile_round: object = None,
    share: tuple[int, int] = (0, 1),
) -> tuple[Chart, ...]:
    """Save one group-by-round chart per variable and one profile chart per breakdown.

    Parameters
    ----------
    estimates : pandas.DataFrame
        Tidy estimates after :func:`survey_kit.report.suppress`.
    variables : sequence of VariableInfo
        Variables to chart (the profile charts use the scores among them).
    banner : Banner
        Groups, rounds and breakdowns.
    out_dir : str or pathlib.Path
        Existing folder to write ``<name>.png`` and ``<name>.svg`` into.
    profile_group, profile_round
        Group and round of the subgroup profile charts (default: last round).
    share : (k, n)
        Draw only the k-th of every n charts (k = 0, ..., n - 1), so that n processes can
        draw all of them; (0, 1), the default, draws every chart.

    Returns
    -------
    tuple of Chart
    """
    problems: list[str] = []
    est = check_frame(estimates, ["variable", "estimate", "ci_low", "ci_high",
                                  banner.group_column, banner.round_column], "estimates",
                      problems)
    check_suppressed(est, "estimates", problems)
    raise_if(problems, "charts")
    out = Path(out_dir)
    charts = []
    k, n = share
    if not 0 <= k < n:
        raise ValueError(f"share={share!r}: expected (k, n) with 0 <= k < n")
    turn = itertools.count()  # the charts in order, each given to share turn % n
    for v in variables:
        if next(turn) % n != k:
            continue
        fig, alt = group_round_figure(est, v, banner)
        name = f"grupper_{slug(v.id, '_', 'chart')}"
        png, svg = save_figure(fig, out / name)
        charts.append(Chart(name, v.label, alt, png, svg))
    rnd = key_text(profile_round) if profile_round is not None else banner.round_keys[-1]
    scores = [v for v in variables if v.kind == "score"]
    group_label = dict(banner.groups).get(profile_group, profile_group)
    for brk in banner.breakdowns:
        values, labels = breakdown_values(est, scores, brk, banner, profile_group, rnd)
        if not labels or next(turn) % n != k:
            continue
        title = f"{brk.heading}: {group_label} {rnd}"
        fig, alt = profile_figure(values, scores, labels, title)
        name = f"profil_{slug('_'.join(brk.column_names), '_', 'chart')}"
        png, svg = save_figure(fig, out / name)
        charts.append(Chart(name, title, alt, png, svg))
    return tuple(charts)


__all__ = [
    "MARKERS",
    "OKABE_ITO",
    "Chart",
    "Series",
    "breakdown_values",
    "dot_figure",
    "figure_data_uri",
    "figure_png",
    "figure_svg",
    "group_round_figure",
    "make_charts",
    "profile_figure",
    "save_figure",
]
