"""Writing a draft questionnaire YAML from item drafts, with TODO comments.

Scales with the same codes, labels and missing codes are shared.  Items are grouped into
dimensions by the letters their names start with (``q1``..``q6`` -> ``q``; ``tryg1`` ->
``tryg``).  Every item is ``provisional: true`` with a note, so the spec says itself that
it is a draft; it passes :func:`survey_kit.spec.load_questionnaire` as written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from survey_kit.scaffold.infer import ItemDraft, ScaleDraft
from survey_kit.scaffold.roles import normal_name

ID = re.compile(r"^[a-z][a-z0-9_]*$")
ITEM_NOTE = ("Drafted by survey-kit init from the data: check the wording, the scale, its "
             "favourable end and the missing codes")
RESERVED = frozenset({"index", "year"})


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML).

    Examples
    --------
    >>> q('Hvor "tryg"?')
    '"Hvor \\\\"tryg\\\\"?"'
    """
    return json.dumps(text, ensure_ascii=False)


def spec_name(stem: str) -> str:
    """A questionnaire name (lowercase snake_case) from a file stem.

    Examples
    --------
    >>> spec_name("Survey 2024"), spec_name("2024_svar")
    ('survey_2024', 's_2024_svar')
    """
    name = normal_name(stem) or "survey"
    return (name if name[0].isalpha() else f"s_{name}")[:60]


def is_item_id(column: str) -> bool:
    """Whether a column name can be an item id (lowercase snake_case, at most 60)."""
    return bool(ID.match(column)) and len(column) <= 60 and column not in RESERVED


def scale_ids(items: Sequence[ItemDraft]) -> dict[ScaleDraft, str]:
    """One id per distinct scale: ``s1_5``, ``n0_10``, then ``s1_5_2`` for a second one.

    Examples
    --------
    >>> a = ScaleDraft("ordinal", (1, 2), ((1, "1"), (2, "2")), (), False)
    >>> b = ScaleDraft("ordinal", (1, 2), ((1, "Ja"), (2, "Nej")), (), True)
    >>> list(scale_ids([ItemDraft("x", None, a), ItemDraft("y", None, b)]).values())
    ['s1_2', 's1_2_2']
    """
    out: dict[ScaleDraft, str] = {}
    for item in items:
        scale = item.scale
        if scale in out:
            continue
        base = f"{'n' if scale.kind == 'numeric' else 's'}{scale.codes[0]}_{scale.codes[-1]}"
        base = base.replace("-", "m")
        taken = set(out.values())
        name, number = base, 2
        while name in taken:
            name, number = f"{base}_{number}", number + 1
        out[scale] = name
    return out


def dimensions(columns: Sequence[str]) -> dict[str, list[str]]:
    """Items grouped by the letters their ids start with, in data order.

    Examples
    --------
    >>> dimensions(["tryg1", "tryg2", "q1", "trivsel_a"])
    {'tryg': ['tryg1', 'tryg2'], 'q': ['q1'], 'trivsel': ['trivsel_a']}
    """
    groups: dict[str, list[str]] = {}
    for column in columns:
        prefix = re.match(r"[a-z]+", column)
        key = prefix.group(0) if prefix else "dim"
        groups.setdefault(key, []).append(column)
    return groups


def render_spec(name: str, source: str, items: Sequence[ItemDraft],
                rounds: Sequence[int]) -> str:
    """The draft YAML text."""
    ids = scale_ids(items)
    lines = [
        f"# Draft questionnaire written by `survey-kit init` from {source}.",
        "# Everything here is guessed from the data and marked provisional. Check:",
        "#   - the question wording (text) of every item and the name of every dimension",
        "#   - positive_end of every scale: which end of the codes is the favourable answer",
        "#   - reverse: true for negatively worded items",
        "#   - the missing codes (don't know / refusal) and their kinds",
        "# Schema: the questionnaires/README.md of survey_kit.",
        f"name: {name}",
        f"title: {q(name + ' (TODO: title)')}",
        'version: "draft"',
    ]
    if rounds:
        lines.append(f"rounds: [{', '.join(map(str, rounds))}]")
    lines += ["provenance:", f"  source: {q('Drafted by survey-kit init from ' + source)}",
              "  provisional:",
              f"    - {q('Everything: items, scales, missing codes and dimensions')}", "",
              "scales:"]
    for scale, sid in ids.items():
        lines += _scale(sid, scale)
    lines += ["", "items:"]
    for item in items:
        lines += _item(item, ids[item.scale])
    lines += ["", "dimensions:"]
    used = {item.column for item in items}
    for dim, members in dimensions([item.column for item in items]).items():
        dim_id = dim if dim not in used and dim not in RESERVED else f"{dim}_dim"
        lines += [f"  - id: {dim_id}", f"    label: {q(dim + ' (TODO: name of the dimension)')}",
                  f"    items: [{', '.join(members)}]"]
    return "\n".join(lines) + "\n"


def _scale(sid: str, scale: ScaleDraft) -> list[str]:
    end = "  # TODO: is the lowest code the favourable answer? else high"
    lines = [f"  {sid}:", f"    kind: {scale.kind}", f"    positive_end: low{end}"]
    if scale.kind == "numeric":
        lines += [f"    min: {scale.codes[0]}", f"    max: {scale.codes[-1]}"]
        if scale.labels:
            lines.append("    anchors:")
            lines += [f"      {code}: {q(label)}" for code, label in scale.labels]
    else:
        todo = "" if scale.labelled else "  # TODO: labels"
        lines.append(f"    codes:{todo}")
        lines += [f"      {code}: {q(label)}" for code, label in scale.labels]
    if scale.missing:
        todo = "" if scale.labelled else "  # TODO: guessed from the codes; check label and kind"
        lines.append(f"    missing:{todo}")
        lines += [f"      {code}: {{label: {q(label)}, kind: {kind}}}"
                  for code, label, kind in scale.missing]
    return lines


def _item(item: ItemDraft, scale_id: str) -> list[str]:
    text = item.text or f"{item.column} (TODO: question wording)"
    return [f"  - id: {item.column}", f"    text: {q(text)}", f"    scale: {scale_id}",
            "    provisional: true", f"    note: {q(ITEM_NOTE)}"]
