"""Building :class:`Scale` objects from the ``scales:`` section of a spec."""

from __future__ import annotations

from typing import Any

from survey_kit.spec.model import MISSING_KINDS, SCALE_KINDS, MissingCode, Scale
from survey_kit.spec.parse import SpecReader

MAX_MISSING_CODES = 3  # SPSS allows at most three discrete user-missing values
_KEYS = {
    "ordinal": (("kind", "codes", "positive_end"), ("missing", "note")),
    "nominal": (("kind", "codes"), ("missing", "note")),
    "numeric": (("kind", "min", "max", "positive_end"), ("anchors", "missing", "note")),
}


def build_scales(reader: SpecReader, section: Any) -> dict[str, Scale]:
    """Every scale of the spec, keyed by id."""
    if not isinstance(section, dict) or not section:
        raise reader.error("scales", "expected a mapping of scale id -> scale")
    return {str(sid): build_scale(reader, str(sid), raw) for sid, raw in section.items()}


def build_scale(reader: SpecReader, sid: str, raw: Any) -> Scale:
    """One scale; checks kind, codes, missing codes and the favourable end."""
    where = f"scale {sid!r}"
    if not isinstance(raw, dict):
        raise reader.error(where, "expected a mapping with kind, codes or min/max")
    kind = raw.get("kind")
    if kind not in SCALE_KINDS:
        raise reader.error(where, f"kind must be one of {', '.join(SCALE_KINDS)}, found {kind!r}")
    required, optional = _KEYS[kind]
    body = reader.mapping(raw, where, required=required, optional=optional)
    if kind == "numeric":
        codes, labels = _numeric_codes(reader, where, body)
    else:
        named = reader.code_labels(body["codes"], f"{where} codes")
        if len(named) < 2:
            raise reader.error(where, "a scale needs at least two codes")
        codes, labels = tuple(named), tuple(named.items())
    missing = _missing_codes(reader, where, body.get("missing", {}), codes)
    end = body.get("positive_end")
    if kind != "nominal" and end not in ("low", "high"):
        raise reader.error(where, f"positive_end must be 'low' or 'high', found {end!r}")
    return Scale(sid, kind, codes, labels, missing, end)


def _numeric_codes(
    reader: SpecReader, where: str, body: dict[str, Any]
) -> tuple[tuple[int, ...], tuple[tuple[int, str], ...]]:
    low = reader.integer(body["min"], f"{where} min")
    high = reader.integer(body["max"], f"{where} max")
    if low >= high:
        raise reader.error(where, f"min must be below max, found min {low} and max {high}")
    anchors = reader.code_labels(body["anchors"], f"{where} anchors") if "anchors" in body else {}
    outside = [code for code in anchors if not low <= code <= high]
    if outside:
        raise reader.error(where, f"anchor {outside[0]} lies outside {low}–{high}")
    return tuple(range(low, high + 1)), tuple(sorted(anchors.items()))


def _missing_codes(
    reader: SpecReader, where: str, raw: Any, codes: tuple[int, ...]
) -> tuple[MissingCode, ...]:
    if not isinstance(raw, dict):
        raise reader.error(f"{where} missing", "expected a mapping code: {label, kind}")
    if len(raw) > MAX_MISSING_CODES:
        raise reader.error(where, f"at most {MAX_MISSING_CODES} missing codes (SPSS limit)")
    out = []
    for code, spec in raw.items():
        place = f"{where} missing code {code}"
        code = reader.integer(code, place)
        if code in codes:
            raise reader.error(where, f"missing code {code} is also a valid answer code")
        body = reader.mapping(spec, place, required=("label", "kind"))
        if body["kind"] not in MISSING_KINDS:
            allowed = ", ".join(MISSING_KINDS)
            raise reader.error(place, f"kind must be one of {allowed}, found {body['kind']!r}")
        out.append(MissingCode(code, reader.text(body["label"], place), body["kind"]))
    return tuple(out)
