"""Building :class:`Item` objects from the ``items:`` section of a spec."""

from __future__ import annotations

import re
from typing import Any

from survey_kit.spec.model import Item, Scale, Variant
from survey_kit.spec.parse import SpecReader

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
_ITEM_KEYS = ("reverse", "positive", "headline", "provisional", "note", "variants", "new_in",
              "dropped_in")


def check_id(reader: SpecReader, value: Any, where: str) -> str:
    """A lowercase snake_case identifier (usable as a column and SPSS variable name)."""
    text = reader.text(value, where)
    if not ID_PATTERN.match(text) or len(text) > 60:
        raise reader.error(where, f"id must be lowercase snake_case (a-z, 0-9, _), found {text!r}")
    return text


def build_item(
    reader: SpecReader, raw: Any, scales: dict[str, Scale], rounds: tuple[int, ...]
) -> Item:
    """One item (its dimension is filled in when the dimensions are read)."""
    if not isinstance(raw, dict):
        raise reader.error("items", "each item must be a mapping with id, text and scale")
    item_id = check_id(reader, raw.get("id"), "item")
    where = f"item {item_id!r}"
    body = reader.mapping(raw, where, required=("id", "text", "scale"), optional=_ITEM_KEYS)
    scale_id = body["scale"]
    if scale_id not in scales:
        known = ", ".join(sorted(scales))
        raise reader.error(where, f"unknown scale {scale_id!r} (defined: {known})")
    scale = scales[scale_id]
    reverse = reader.flag(body.get("reverse", False), f"{where} reverse")
    if reverse and scale.kind == "nominal":
        raise reader.error(where, f"a nominal item cannot be reverse coded (scale {scale_id!r})")
    positive, favourable = _positive(reader, where, body.get("positive"), scale)
    headline = reader.text_list(body.get("headline", []), f"{where} headline")
    if headline and not positive:
        raise reader.error(where, "a headline item needs 'positive' codes for its indicator")
    provisional = reader.flag(body.get("provisional", False), f"{where} provisional")
    note = reader.text(body["note"], f"{where} note") if "note" in body else None
    if provisional and note is None:
        raise reader.error(where, "a provisional item needs a 'note' saying what is inferred")
    variants = _variants(reader, where, body.get("variants", []), scale, rounds)
    new_in, dropped_in = _asked(reader, where, body)
    return Item(
        id=item_id, text=reader.text(body["text"], f"{where} text"), scale=scale, dimension="",
        reverse=reverse, positive=positive, positive_favourable=favourable,
        headline=headline, provisional=provisional, note=note, variants=variants,
        new_in=new_in, dropped_in=dropped_in,
    )


def _asked(reader: SpecReader, where: str, body: dict[str, Any]
           ) -> tuple[int | None, int | None]:
    """``new_in`` (first round asked) and ``dropped_in`` (first round no longer asked)."""
    new_in = reader.integer(body["new_in"], f"{where} new_in") if "new_in" in body else None
    dropped = (reader.integer(body["dropped_in"], f"{where} dropped_in")
               if "dropped_in" in body else None)
    if new_in is not None and dropped is not None and dropped <= new_in:
        raise reader.error(where, f"dropped_in ({dropped}) must come after new_in ({new_in})")
    return new_in, dropped


def _positive(
    reader: SpecReader, where: str, raw: Any, scale: Scale
) -> tuple[tuple[int, ...], bool]:
    """Codes of the share-positive indicator and whether that share is favourable."""
    where = f"{where} positive"
    if raw is None:
        return (), True
    if isinstance(raw, list):
        raw = {"codes": raw}
    body = reader.mapping(raw, where, optional=("codes", "at_least", "at_most", "favourable"))
    rules = [key for key in ("codes", "at_least", "at_most") if key in body]
    if len(rules) != 1:
        raise reader.error(where, "give exactly one of a code list, at_least or at_most")
    if "codes" in body:
        codes = reader.int_list(body["codes"], where)
    elif "at_least" in body:
        codes = tuple(c for c in scale.codes if c >= reader.integer(body["at_least"], where))
    else:
        codes = tuple(c for c in scale.codes if c <= reader.integer(body["at_most"], where))
    unknown = [c for c in codes if c not in scale.codes]
    if unknown:
        raise reader.error(where, f"code {unknown[0]} is not a valid code of scale {scale.id!r}")
    if not codes or len(codes) == len(scale.codes):
        raise reader.error(where, "must select some but not all valid codes")
    return codes, reader.flag(body.get("favourable", True), f"{where} favourable")


def _variants(
    reader: SpecReader, where: str, raw: Any, scale: Scale, rounds: tuple[int, ...]
) -> tuple[Variant, ...]:
    if not isinstance(raw, list):
        raise reader.error(f"{where} variants", "expected a list of variants")
    out: list[Variant] = []
    seen: set[int] = set()
    for number, entry in enumerate(raw, start=1):
        place = f"{where} variant {number}"
        body = reader.mapping(
            entry, place, required=("years",), optional=("column", "recode", "text")
        )
        years = reader.int_list(body["years"], f"{place} years")
        strange = [y for y in years if y in seen or (rounds and y not in rounds)]
        if strange:
            raise reader.error(place, f"year {strange[0]} is repeated or not one of the rounds")
        seen.update(years)
        column = check_id(reader, body["column"], f"{place} column") if "column" in body else None
        recode = _recode(reader, place, body.get("recode", {}), scale)
        text = reader.text(body["text"], f"{place} text") if "text" in body else None
        if column is None and not recode and text is None:
            raise reader.error(place, "a variant needs a column, a recode or a text")
        out.append(Variant(years, column, recode, text))
    return tuple(out)


def _recode(
    reader: SpecReader, where: str, raw: Any, scale: Scale
) -> tuple[tuple[int, int], ...]:
    if not isinstance(raw, dict):
        raise reader.error(f"{where} recode", "expected a mapping round code: canonical code")
    targets = set(scale.codes) | set(scale.missing_codes)
    pairs = []
    for old, new in raw.items():
        old_code = reader.integer(old, f"{where} recode")
        new_code = reader.integer(new, f"{where} recode {old}")
        if new_code not in targets:
            raise reader.error(
                where, f"recode {old_code} -> {new_code}: {new_code} is not a code of {scale.id!r}"
            )
        pairs.append((old_code, new_code))
    return tuple(pairs)
