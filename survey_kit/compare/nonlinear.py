"""Linear and nonlinear contrasts of estimates by the delta method (R: ``svycontrast``).

A contrast is a function of the rows of an :class:`~survey_kit.estimate.result.Estimate`
(or of the coefficients of a GLM): linear weights ``L θ``, or an arithmetic expression
such as ``"api00 / api99"``.  Expressions are parsed with :mod:`ast` (never evaluated as
Python): numbers, the names of the estimate's rows, ``+ - * / ^ **``, unary minus and
the functions in :data:`FUNCTIONS`.  Their derivatives are exact (forward-mode automatic
differentiation), and the covariance is ``J V Jᵀ`` with the joint covariance ``V`` of the
estimate, so contrasts of correlated domains are right.

Names of the rows (what an expression refers to):

* an estimate without ``by``: the variable names (``"api00"``);
* one variable by domains: the domain's values, joined with ``"."`` when there are several
  ``by`` columns (R's ``svyby`` names: ``"E"``, ``"E.Yes"``, ``"2021"``);
* several variables by domains: ``"<domain>:<variable>"`` (``"E:api00"``), as R;
* a GLM fit: its term names (``"(Intercept)"``, ``"stypeH"``).

A name that is not a Python identifier is written between backticks, as in R:
``"`E:api00` / `E:api99`"``, ``"exp(`log(api00)`)"``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from survey_kit.compare.table import check_level
from survey_kit.design.targets import label
from survey_kit.errors import EstimationError
from survey_kit.estimate.distributions import t_ppf

#: Functions an expression may use: value and derivative of each.
FUNCTIONS: dict[str, tuple[Callable[[float], float], Callable[[float], float]]] = {
    "exp": (np.exp, np.exp),
    "log": (np.log, lambda x: 1.0 / x),
    "log10": (np.log10, lambda x: 1.0 / (x * np.log(10.0))),
    "log2": (np.log2, lambda x: 1.0 / (x * np.log(2.0))),
    "log1p": (np.log1p, lambda x: 1.0 / (1.0 + x)),
    "expm1": (np.expm1, np.exp),
    "sqrt": (np.sqrt, lambda x: 0.5 / np.sqrt(x)),
    "abs": (np.abs, np.sign),
    "sin": (np.sin, np.cos),
    "cos": (np.cos, lambda x: -np.sin(x)),
    "tan": (np.tan, lambda x: 1.0 / np.cos(x) ** 2),
    "asin": (np.arcsin, lambda x: 1.0 / np.sqrt(1.0 - x * x)),
    "acos": (np.arccos, lambda x: -1.0 / np.sqrt(1.0 - x * x)),
    "atan": (np.arctan, lambda x: 1.0 / (1.0 + x * x)),
}

Spec = str | Sequence[float] | Mapping[str, float] | np.ndarray


@dataclass(frozen=True)
class ContrastResult:
    """Contrasts of an estimate with their joint covariance (R: ``svycontrast``).

    Attributes
    ----------
    names
        One name per contrast.
    estimate, vcov
        The contrasts and their covariance ``J V Jᵀ``.
    df, level
        Degrees of freedom and confidence level of the t intervals (from the estimate).
    """

    names: tuple[str, ...]
    estimate: np.ndarray
    vcov: np.ndarray
    df: float
    level: float

    @property
    def se(self) -> np.ndarray:
        """Standard errors of the contrasts."""
        return np.sqrt(np.maximum(np.diag(self.vcov), 0.0))

    def to_frame(self) -> pd.DataFrame:
        """``contrast, estimate, se, ci_low, ci_high, df`` (t intervals on ``df``)."""
        q = float(t_ppf(0.5 + self.level / 2, self.df)) if self.df >= 1 else np.nan
        se = self.se
        return pd.DataFrame({"contrast": list(self.names), "estimate": self.estimate,
                             "se": se, "ci_low": self.estimate - q * se,
                             "ci_high": self.estimate + q * se, "df": self.df})


def contrast_names(estimate: Any) -> list[str]:
    """The names by which a contrast refers to the rows of ``estimate`` (see the module
    docstring): variables, R-style domain names, or GLM terms.

    Examples
    --------
    >>> import survey_kit as sk
    >>> d = pd.DataFrame({"g": ["a", "b", "b"], "y": [1.0, 2, 3], "z": [0.0, 1, 1]})
    >>> contrast_names(sk.Design(d).mean(["y", "z"], by="g"))
    ['a:y', 'b:y', 'a:z', 'b:z']
    """
    if isinstance(estimate, ContrastResult):
        return list(estimate.names)
    if hasattr(estimate, "terms") and hasattr(estimate, "coef"):
        return list(estimate.terms)
    table = estimate.table
    if not estimate.by:
        return [str(v) for v in table["variable"]]
    domains = [".".join(label(v) for v in row)
               for row in table[list(estimate.by)].itertuples(index=False)]
    if len(estimate.variables) == 1:
        return domains
    return [f"{d}:{v}" for d, v in zip(domains, table["variable"], strict=True)]


def _parts(estimate: Any) -> tuple[list[str], np.ndarray, np.ndarray, float, float]:
    """Names, values, covariance, df and level of an Estimate, GlmResult or ContrastResult."""
    names = contrast_names(estimate)
    if isinstance(estimate, ContrastResult):
        return names, estimate.estimate, estimate.vcov, estimate.df, estimate.level
    if hasattr(estimate, "coef"):
        return names, np.asarray(estimate.coef, float), estimate.vcov, estimate.df, \
            estimate.level
    theta = estimate.table["estimate"].to_numpy(dtype=float)
    return names, theta, np.asarray(estimate.vcov, float), float(estimate.df), estimate.level


_BACKTICK = re.compile(r"`([^`]*)`")


def _prepare(text: str) -> tuple[str, dict[str, str]]:
    """Replace backtick names by placeholders and R's ``^`` by ``**``."""
    quoted: dict[str, str] = {}

    def keep(match: re.Match[str]) -> str:
        key = f"__name{len(quoted)}__"
        quoted[key] = match.group(1)
        return key

    body = _BACKTICK.sub(keep, text)
    if "`" in body:
        raise EstimationError(f"contrast {text!r}: a backtick is not closed")
    return body.replace("^", "**"), quoted


class _Dual:
    """A value and its gradient with respect to the estimate's rows."""

    __slots__ = ("grad", "value")

    def __init__(self, value: float, grad: np.ndarray) -> None:
        self.value = value
        self.grad = grad


def _binary(op: ast.operator, a: _Dual, b: _Dual, text: str) -> _Dual:
    if isinstance(op, ast.Add):
        return _Dual(a.value + b.value, a.grad + b.grad)
    if isinstance(op, ast.Sub):
        return _Dual(a.value - b.value, a.grad - b.grad)
    if isinstance(op, ast.Mult):
        return _Dual(a.value * b.value, a.grad * b.value + b.grad * a.value)
    if isinstance(op, ast.Div):
        return _Dual(a.value / b.value, (a.grad * b.value - b.grad * a.value) / b.value**2)
    if isinstance(op, ast.Pow):
        value = a.value**b.value
        grad = b.value * a.value ** (b.value - 1.0) * a.grad
        if b.grad.any():
            grad = grad + value * np.log(a.value) * b.grad
        return _Dual(value, grad)
    raise EstimationError(f"contrast {text!r}: operator {type(op).__name__} is not allowed; "
                          "use + - * / ^")


def _evaluate(node: ast.AST, env: dict[str, _Dual], p: int, text: str) -> _Dual:
    if isinstance(node, ast.Expression):
        return _evaluate(node.body, env, p, text)
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float) \
            and not isinstance(node.value, bool):
        return _Dual(float(node.value), np.zeros(p))
    if isinstance(node, ast.Name):
        if node.id not in env:
            shown = ", ".join(repr(k) for k in list(env)[:12])
            raise EstimationError(f"contrast {text!r}: {node.id!r} is not a name of the "
                                  f"estimate (names: {shown})")
        return env[node.id]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        inner = _evaluate(node.operand, env, p, text)
        sign = -1.0 if isinstance(node.op, ast.USub) else 1.0
        return _Dual(sign * inner.value, sign * inner.grad)
    if isinstance(node, ast.BinOp):
        left = _evaluate(node.left, env, p, text)
        return _binary(node.op, left, _evaluate(node.right, env, p, text), text)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
            and node.func.id in FUNCTIONS and len(node.args) == 1 and not node.keywords:
        inner = _evaluate(node.args[0], env, p, text)
        fun, deriv = FUNCTIONS[node.func.id]
        return _Dual(float(fun(inner.value)), float(deriv(inner.value)) * inner.grad)
    raise EstimationError(
        f"contrast {text!r}: {ast.unparse(node)!r} is not allowed; use numbers, names of the "
        f"estimate, + - * / ^ and the functions {', '.join(FUNCTIONS)}")


def expression_gradient(text: str, names: Sequence[str], theta: np.ndarray
                        ) -> tuple[float, np.ndarray]:
    """Value of an expression at ``theta`` and its exact gradient.

    Examples
    --------
    >>> expression_gradient("a / b", ["a", "b"], np.array([6.0, 3.0]))
    (2.0, array([ 0.33333333, -0.66666667]))
    """
    body, quoted = _prepare(text)
    try:
        tree = ast.parse(body.strip(), mode="eval")
    except SyntaxError as err:
        raise EstimationError(f"contrast {text!r} is not an arithmetic expression: "
                              f"{err.msg}") from err
    p = len(names)
    env = {name: _Dual(float(theta[i]), np.eye(p)[i]) for i, name in enumerate(names)}
    for key, name in quoted.items():
        if name not in env:
            shown = ", ".join(repr(k) for k in list(names)[:12])
            raise EstimationError(f"contrast {text!r}: `{name}` is not a name of the "
                                  f"estimate (names: {shown})")
        env[key] = env[name]
    with np.errstate(all="ignore"):
        result = _evaluate(tree, env, p, text)
    return float(result.value), np.asarray(result.grad, dtype=float)


def _linear(spec: Sequence[float] | Mapping[str, float] | np.ndarray, names: Sequence[str],
            theta: np.ndarray) -> tuple[float, np.ndarray]:
    if isinstance(spec, Mapping):
        L = np.zeros(len(names))
        index = {name: i for i, name in enumerate(names)}
        for name, coef in spec.items():
            if name not in index:
                raise EstimationError(f"contrast weight for {name!r}: not a name of the "
                                      f"estimate ({', '.join(map(repr, names[:12]))})")
            L[index[name]] = float(coef)
    else:
        L = np.asarray(spec, dtype=float).ravel()
        if L.shape[0] != len(names):
            raise EstimationError(f"contrast weights have {L.shape[0]} values; the estimate "
                                  f"has {len(names)} rows ({', '.join(map(repr, names[:12]))})")
    return float(L @ theta), L


def _specs(contrasts: Any) -> list[tuple[str, Any]]:
    """(name, spec) pairs from a string, a vector, a matrix, a list or a dict."""
    if isinstance(contrasts, str):
        return [(contrasts, contrasts)]
    if isinstance(contrasts, Mapping):
        if contrasts and all(isinstance(v, int | float) for v in contrasts.values()):
            return [("contrast", contrasts)]
        return [(str(k), v) for k, v in contrasts.items()]
    array = None if any(isinstance(c, str) for c in contrasts) else np.asarray(contrasts)
    if array is not None and array.dtype.kind in "fiu":
        if array.ndim == 1:
            return [("contrast", array)]
        return [(f"contrast{i + 1}", row) for i, row in enumerate(array)]
    return [(c if isinstance(c, str) else f"contrast{i + 1}", c) for i, c in enumerate(contrasts)]


def contrast(estimate: Any, contrasts: Any, level: float | None = None) -> ContrastResult:
    """Linear or nonlinear contrasts of an estimate by the delta method (R:
    ``svycontrast(stat, contrasts)``).

    Parameters
    ----------
    estimate
        An :class:`~survey_kit.estimate.result.Estimate` (means, totals, proportions, by
        domains or not), a GLM fit, or a :class:`ContrastResult`.  Row names: see
        :func:`contrast_names`.
    contrasts
        An expression (``"api00 / api99"``, ``"exp(`log(api00)`)"``, ``"E / (E + H + M)"``);
        a vector of weights, one per row (or a dict ``{name: weight}``, other rows 0); a
        matrix of weights (one contrast per row); a list of these; or a dict ``{name:
        contrast}`` to name them.
    level
        Confidence level of the t intervals (default: the estimate's), on the estimate's
        degrees of freedom.

    Examples
    --------
    R: ``svycontrast(svytotal(~a + b, des), quote(a / b))``

    >>> import survey_kit as sk
    >>> d = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [2.0, 2, 4, 4]})
    >>> out = contrast(sk.Design(d).total(["a", "b"]), "a / b").to_frame()
    >>> out[["contrast", "estimate"]].round(4)
      contrast  estimate
    0    a / b    0.8333
    """
    names, theta, V, df, est_level = _parts(estimate)
    level = est_level if level is None else level
    check_level(level)
    specs = _specs(contrasts)
    if not specs:
        raise EstimationError("no contrasts given")
    values, rows = np.empty(len(specs)), np.empty((len(specs), len(names)))
    for k, (_, spec) in enumerate(specs):
        if isinstance(spec, str):
            values[k], rows[k] = expression_gradient(spec, names, theta)
        else:
            values[k], rows[k] = _linear(spec, names, theta)
    used = rows != 0
    Vz = np.where(np.isfinite(V), V, 0.0)
    cov = rows @ Vz @ rows.T
    bad = (used & ~np.isfinite(np.diag(V))[None, :]).any(axis=1)
    cov[bad, :] = np.nan
    cov[:, bad] = np.nan
    return ContrastResult(tuple(n for n, _ in specs), values, cov, float(df), level)
