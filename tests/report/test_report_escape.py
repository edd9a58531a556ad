"""Danish number formatting, HTML escaping and spreadsheet formula neutralising."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from survey_kit.report.escape import (
    fmt_dec,
    fmt_int,
    fmt_pct,
    html_escape,
    neutralise_formula,
    neutralise_frame,
)


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [(0.5334, 2, "0,53"), (1234567.891, 2, "1.234.567,89"), (-0.05, 1, "-0,1"),
     (0.04, 1, "0,0"), (999.95, 1, "1.000,0"), (12, 0, "12"), (math.nan, 1, "–")],
)
def test_fmt_dec(value: float, decimals: int, expected: str) -> None:
    assert fmt_dec(value, decimals) == expected


def test_fmt_pct_and_int() -> None:
    assert fmt_pct(0.734) == "73\xa0%"
    assert fmt_pct(0.0449, 1) == "4,5\xa0%"
    assert fmt_pct(0.03, sign=True) == "+3\xa0%"
    assert fmt_pct(None) == "–"
    assert fmt_int(10473) == "10.473"


def test_html_escape() -> None:
    assert str(html_escape("<script>x</script> & 'y'")) == (
        "&lt;script&gt;x&lt;/script&gt; &amp; &#39;y&#39;")


@pytest.mark.parametrize("text", ["=SUM(A1:A2)", "+1", "-2+3", "@cmd", "\tx", "\rx"])
def test_formula_triggers_get_apostrophe(text: str) -> None:
    assert neutralise_formula(text) == "'" + text


def test_numbers_and_plain_text_untouched() -> None:
    assert neutralise_formula(-0.25) == -0.25
    assert neutralise_formula("Tillid") == "Tillid"
    frame = neutralise_frame(pd.DataFrame({"=bad": ["=1+1", "ok"], "x": [-1.5, 2.0]}))
    assert list(frame.columns) == ["'=bad", "x"]
    assert frame["=bad" if "=bad" in frame else "'=bad"].tolist() == ["'=1+1", "ok"]
    assert frame["x"].tolist() == [-1.5, 2.0]
