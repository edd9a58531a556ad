"""Design-based t tests of a mean or of the difference between two groups (R: ``svyttest``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from survey_kit.compare.contrasts import design_degf, design_rows
from survey_kit.compare.table import check_level
from survey_kit.errors import EstimationError
from survey_kit.estimate.distributions import t_ppf, t_sf
from survey_kit.estimate.domains import check_columns
from survey_kit.estimate.estimators import numeric_column

if TYPE_CHECKING:
    from survey_kit.design.design import Design


@dataclass(frozen=True)
class TTestResult:
    """A design-based t test.

    Attributes
    ----------
    variable, group
        The tested variable and the two-level group column (None: one-sample test of
        the mean against 0).
    levels
        The group levels ``(first, second)`` in sort order; ``estimate`` is the mean in the
        second minus the mean in the first (R: the coefficient of the second level).
    estimate, se, statistic, df, p_value, ci_low, ci_high
        As ``svyttest``: ``statistic = estimate / se`` on ``df`` degrees of freedom, a
        two-sided p-value and a t interval at ``level``.
    n
        Respondents in the test (a value of the variable and of the group).
    """

    variable: str
    group: str | None
    levels: tuple[Any, ...]
    estimate: float
    se: float
    statistic: float
    df: float
    p_value: float
    ci_low: float
    ci_high: float
    level: float
    n: int

    def to_frame(self) -> pd.DataFrame:
        """One row: ``variable, group, level_a, level_b, estimate, se, statistic, df,
        p_value, ci_low, ci_high, n`` (``level_b - level_a``)."""
        a, b = (*self.levels, None, None)[:2]
        return pd.DataFrame({"variable": [self.variable], "group": [self.group],
                             "level_a": [a], "level_b": [b], "estimate": [self.estimate],
                             "se": [self.se], "statistic": [self.statistic], "df": [self.df],
                             "p_value": [self.p_value], "ci_low": [self.ci_low],
                             "ci_high": [self.ci_high], "n": [self.n]})


def _group_codes(design: Design, group: str, rows: np.ndarray) -> tuple[np.ndarray, tuple]:
    """0/1 code of the two group levels (-1: missing or outside ``rows``)."""
    column = design.data[group]
    codes, levels = pd.factorize(column, sort=True, use_na_sentinel=True)
    present = np.unique(codes[rows & (codes >= 0)])
    if present.size != 2:
        shown = ", ".join(map(repr, list(levels[present])[:5]))
        raise EstimationError(
            f"ttest: group column {group!r} has {present.size} level(s) among the respondents "
            f"with a value ({shown}); a two-group test needs exactly two")
    lookup = np.full(len(levels) + 1, -1, dtype=np.int64)
    lookup[present] = [0, 1]
    out = lookup[np.where(codes >= 0, codes, len(levels))]
    return np.where(rows, out, -1), tuple(_plain(levels[k]) for k in present)


def _plain(value: object) -> object:
    return value.item() if isinstance(value, np.generic) else value


def _variance(design: Design, values: np.ndarray, rows: np.ndarray) -> float:
    """Variance of a statistic with influence ``values``; R drops the other rows first,
    which matters only for the ``"average"`` lonely-PSU rule (strata present)."""
    engine = design.engine
    present = None
    if engine.needs_presence:
        present = engine.group_presence(rows[:, None], np.zeros(rows.shape[0], np.int64), 1)
    return float(engine.vcov(values, present=present)[0, 0])


def _result(
    variable: str, group: str | None, levels: tuple, estimate: float, var: float, df: float,
    level: float, n: int,
) -> TTestResult:
    se = float(np.sqrt(max(var, 0.0)))
    stat = estimate / se if se > 0 else np.nan
    ok = df >= 1 and np.isfinite(stat)
    p = float(2 * t_sf(abs(stat), df)) if ok else np.nan
    q = float(t_ppf(0.5 + level / 2, df)) if df >= 1 else np.nan
    return TTestResult(variable, group, levels, estimate, se, float(stat), float(df), p,
                       estimate - q * se, estimate + q * se, level, n)


def ttest(
    design: Design, variable: str, group: str | None = None, level: float = 0.95
) -> TTestResult:
    """Design-based t test of the difference in means between the two levels of ``group``,
    or of the mean against 0 (``group=None``), as R's ``svyttest``.

    Rows where the variable or the group is missing are a domain restriction (the full
    design is kept for the variance).  The two-group test is R's ``svyglm(y ~ group)``
    slope: ``estimate`` = mean of the second level (in sort order) minus the first, its SE
    from the design, and ``df`` = PSUs minus strata among the rows with both values and a
    positive weight, minus 1 (R: ``degf`` of the design of the complete rows + 1 - 2
    coefficients).  The one-sample test uses the whole design's df minus 1, as R.

    Examples
    --------
    R: ``svyttest(y ~ g, svydesign(ids=~1, data=d))``

    >>> import survey_kit as sk
    >>> d = pd.DataFrame({"g": ["a", "a", "a", "b", "b", "b"], "y": [1.0, 2, 3, 3, 5, 4]})
    >>> tt = ttest(sk.Design(d), "y", group="g")
    >>> tt.estimate, round(tt.statistic, 4), tt.df
    (2.0, 2.7386, 4.0)
    """
    check_level(level)
    check_columns(design.data, [variable, *([group] if group else [])], "ttest")
    y = numeric_column(design.data, variable)
    w = design.weights.to_numpy()
    rows = design_rows(design) & ~np.isnan(y)
    y0 = np.where(rows, y, 0.0)
    if group is None:
        est = design.mean(variable, level=level).table.iloc[0]
        return _result(variable, None, (), float(est["estimate"]), float(est["se"]) ** 2,
                       design_degf(design) - 1, level, int(est["n"]))
    code, levels = _group_codes(design, group, rows)
    rows = code >= 0
    values = np.zeros(len(y))
    means = []
    for k, sign in ((0, -1.0), (1, 1.0)):
        inside = code == k
        W = float(w[inside].sum())
        if not W > 0:
            raise EstimationError(f"ttest: level {levels[k]!r} of {group!r} has no respondent "
                                  f"with a positive weight and a value of {variable!r}")
        mean = float(w[inside] @ y0[inside]) / W
        values[inside] = sign * w[inside] * (y0[inside] - mean) / W
        means.append(mean)
    df = design_degf(design, rows) - 1
    n = int((rows & (w > 0)).sum())
    return _result(variable, group, levels, means[1] - means[0],
                   _variance(design, values, rows), df, level, n)
