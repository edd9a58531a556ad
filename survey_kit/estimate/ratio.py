"""Ratios of totals ``R = sum(w y) / sum(w x)`` by domain (R ``svyratio``, ``svyby(...,
svyratio, denominator=)``), with Taylor or replicate-weight standard errors.

Every numerator is paired with every denominator, numerators varying fastest as R does
(``~a+b`` over ``~c+d``: ``a/c, b/c, a/d, b/d``), each pair named ``"y/x"``.  Rows where the
numerator or the denominator is missing are left out of that pair (a domain restriction: the
full design is kept for the variance; R's ``na.rm=TRUE`` drops rows incomplete in *any* of
the variables given together).

Taylor: the influence value of a domain ratio is ``w (y - R_d x) / X_d`` for the domain's
rows (R: ``(y - R x) / sum(x / prob)`` times the weight), passed in domain form to the
design's variance engine, so strata, PSUs, fpc and calibration are handled as for a mean.
Replicates: the ratio of the replicate totals, R's ``svrVar``.  ``df`` is the domain's, as
``degf(subset(design, domain))`` over the domain's respondents (as for means, whether or not
they answered); ``deff`` is not computed (NaN).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import scipy.sparse as sp

from survey_kit.errors import EstimationError
from survey_kit.estimate.domain_table import check_level, domain_frame, wald_limits
from survey_kit.estimate.replicate import membership, ratio_of, replicate_vcov, variable_matrix
from survey_kit.estimate.replicate_estimators import column_counts, domain_degf
from survey_kit.estimate.result import Estimate

if TYPE_CHECKING:
    from survey_kit.design.design import Design
    from survey_kit.design.replicate import ReplicateDesign


def _pairs(data: pd.DataFrame, numerators: Sequence[str], denominators: Sequence[str]
           ) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Pair names and ``(n, pairs)`` numerator values, denominator values and validity."""
    if not numerators or not denominators:
        raise EstimationError("ratio() needs at least one numerator and one denominator column")
    y, y_ok = variable_matrix(data, numerators)
    x, x_ok = variable_matrix(data, denominators)
    ii = np.tile(np.arange(len(numerators)), len(denominators))
    jj = np.repeat(np.arange(len(denominators)), len(numerators))
    names = [f"{numerators[int(i)]}/{denominators[int(j)]}" for i, j in zip(ii, jj, strict=True)]
    return names, y[:, ii], x[:, jj], y_ok[:, ii] & x_ok[:, jj]


def _domain_totals(member: sp.csr_matrix, values: np.ndarray, weights: np.ndarray,
                   n_domains: int) -> np.ndarray:
    """``sum(w v)`` per (pair, domain) column of ``member``; ``weights`` may be ``(n, R)``."""
    spread = member.multiply(np.repeat(values, n_domains, axis=1)).tocsr()
    return np.asarray(spread.T @ weights)


def taylor_counts(design: Design, member: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """Per column of ``member``: PSUs minus strata among its rows with a positive weight
    (R: ``degf`` of that subset, :meth:`VarianceEngine.presence_df`), and those PSUs."""
    engine = design.engine
    P, K = engine.n_psu, member.shape[1]
    coo = member.tocoo()
    keep = design.weights.to_numpy()[coo.row] > 0
    key = engine.psu[coo.row[keep]] * K + coo.col[keep]
    presence = np.bincount(key, minlength=P * K).reshape(P, K) > 0
    return engine.presence_df(presence).astype(float), presence.sum(axis=0)


def _table(names: list[str], keys: pd.DataFrame, est: np.ndarray, vcov: np.ndarray,
           df: np.ndarray, n: np.ndarray, psus: np.ndarray, level: float) -> pd.DataFrame:
    se = np.where(n > 0, np.sqrt(np.maximum(np.diag(vcov), 0.0)), np.nan)
    low, high = wald_limits(est, se, df, level)
    return domain_frame(names, keys, {"estimate": est, "se": se, "ci_low": low,
                                      "ci_high": high, "df": df, "deff": np.full(est.shape,
                                                                                np.nan),
                                      "n": n.astype(np.int64), "n_psu": psus.astype(np.int64)})


def taylor_ratio(design: Design, numerators: Sequence[str], denominators: Sequence[str],
                 by: Sequence[str], level: float) -> Estimate:
    """See :meth:`Design.ratio`.

    Examples
    --------
    R: ``svyratio(~y, ~x, svydesign(ids=~1, weights=~w, data=d))``

    >>> import survey_kit as sk
    >>> d = pd.DataFrame({"y": [1.0, 2.0, 3.0, 6.0], "x": [1.0, 1.0, 2.0, 2.0]})
    >>> sk.Design(d).ratio("y", "x").to_frame()[["variable", "estimate", "se"]].round(4)
      variable  estimate      se
    0      y/x       2.0  0.4714
    """
    check_level(level)
    names, y, x, valid = _pairs(design.data, numerators, denominators)
    domain, keys = design.domains(by)
    if len(keys) == 0:
        raise EstimationError("the domain is empty: no respondent is in the subset")
    D = len(keys)
    member = membership(valid, domain, D)
    w = design.weights.to_numpy()
    Y, X = _domain_totals(member, y, w, D), _domain_totals(member, x, w, D)
    est = ratio_of(Y, X)
    inside = domain >= 0
    cols = np.arange(len(names))[None, :] * D + np.where(inside, domain, 0)[:, None]
    rk, xk = np.nan_to_num(est)[cols], np.where(X != 0, X, 1.0)[cols]
    values = np.where(valid & inside[:, None], w[:, None] * (y - rk * x) / xk, 0.0)
    vcov = design.influence_vcov(values, domain, D)
    n = np.asarray(member.T @ (w > 0).astype(float)).ravel()
    _, psus = taylor_counts(design, member)
    df = np.tile(design.engine.domain_df(domain, D, w > 0).astype(float), len(names))
    table = _table(names, keys, est, vcov, df, n, psus, level)
    return Estimate("ratio", tuple(names), tuple(keys.columns), table, vcov, design.df, level)


def replicate_ratio(design: ReplicateDesign, numerators: Sequence[str],
                    denominators: Sequence[str], by: Sequence[str], level: float) -> Estimate:
    """See :meth:`ReplicateDesign.ratio` (R: ``svyratio`` on a ``svrepdesign``)."""
    check_level(level)
    names, y, x, valid = _pairs(design.data, numerators, denominators)
    domain, keys = design.domains(by)
    if len(keys) == 0:
        raise EstimationError("the domain is empty: no respondent is in the subset")
    D = len(keys)
    member = membership(valid, domain, D)
    w, rep = design.arrays()
    est = ratio_of(_domain_totals(member, y, w, D), _domain_totals(member, x, w, D))
    thetas = ratio_of(_domain_totals(member, y, rep, D).T, _domain_totals(member, x, rep, D).T)
    vcov = replicate_vcov(thetas, est, design.scale, design.rscales, design.mse)
    n = np.asarray(member.T @ (w > 0).astype(float)).ravel()
    _, psus = column_counts(design, member, df=False)
    df = np.tile(domain_degf(design, domain, D), len(names))
    table = _table(names, keys, est, vcov, df, n, psus, level)
    return Estimate("ratio", tuple(names), tuple(keys.columns), table, vcov, design.df, level)
