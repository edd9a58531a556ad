"""Frozen model of a questionnaire specification.

A :class:`Questionnaire` holds scales, items, dimensions and the rule for the overall
index.  Everything is immutable (frozen dataclasses, tuples), so a loaded spec can be
shared freely and used as a dictionary key.  Build one with
:func:`survey_kit.spec.load_questionnaire`; the loader checks consistency.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import pandas as pd

    from survey_kit.respondents.validation import ValidationReport

ScaleKind = Literal["ordinal", "nominal", "numeric"]
MissingKind = Literal["dont_know", "refusal", "not_applicable"]
MISSING_KINDS: tuple[str, ...] = ("dont_know", "refusal", "not_applicable")
SCALE_KINDS: tuple[str, ...] = ("ordinal", "nominal", "numeric")


@dataclass(frozen=True)
class MissingCode:
    """A code that means "no substantive answer" (e.g. 98 = "Ved ikke").

    ``kind`` is ``"dont_know"`` ("ved ikke"), ``"refusal"`` ("ikke besvaret",
    "ønsker ikke at svare") or ``"not_applicable"``.
    """

    code: int
    label: str
    kind: str


@dataclass(frozen=True)
class Scale:
    """An answer scale: valid codes with Danish labels and missing codes.

    ``positive_end`` says which end of the code range is the favourable answer for a
    positively worded item (``"low"``: code 1 = "Meget tryg"; ``"high"``: 10 = "fuld
    tillid"); it is ``None`` for nominal scales, which are never scored.

    Examples
    --------
    >>> s = Scale("ja_nej", "ordinal", (1, 2), ((1, "Ja"), (2, "Nej")),
    ...           (MissingCode(98, "Ved ikke", "dont_know"),), "low")
    >>> s.missing_codes, s.label(1)
    ((98,), 'Ja')
    """

    id: str
    kind: str
    codes: tuple[int, ...]
    labels: tuple[tuple[int, str], ...]
    missing: tuple[MissingCode, ...] = ()
    positive_end: str | None = None

    @property
    def missing_codes(self) -> tuple[int, ...]:
        """The missing codes of the scale, in spec order."""
        return tuple(m.code for m in self.missing)

    @property
    def value_labels(self) -> dict[int, str]:
        """Labels of valid and missing codes, as a new dict (for SPSS value labels)."""
        out = dict(self.labels)
        out.update({m.code: m.label for m in self.missing})
        return out

    @property
    def low(self) -> int:
        """Smallest valid code."""
        return min(self.codes)

    @property
    def high(self) -> int:
        """Largest valid code."""
        return max(self.codes)

    def label(self, code: int) -> str:
        """Danish label of ``code`` (its number as text when the code is unlabelled)."""
        return self.value_labels.get(code, str(code))


@dataclass(frozen=True)
class Variant:
    """How one survey round asked an item differently.

    Rows whose ``year`` is in ``years`` read the item from ``column`` (default: the item
    id) and map their codes through ``recode`` (round code -> canonical code; codes not
    listed pass through unchanged).
    """

    years: tuple[int, ...]
    column: str | None = None
    recode: tuple[tuple[int, int], ...] = ()
    text: str | None = None


@dataclass(frozen=True)
class Item:
    """One question, stored in the data column named by ``id``.

    ``positive`` lists the codes counted by the share-positive indicator (column
    ``<id>_pos``); ``positive_favourable`` is False when that share is an unfavourable
    one reported as-is (e.g. "vil helst passe sig selv").  ``reverse`` marks a
    negatively worded item whose score is flipped in the dimension score.
    """

    id: str
    text: str
    scale: Scale
    dimension: str
    reverse: bool = False
    positive: tuple[int, ...] = ()
    positive_favourable: bool = True
    headline: tuple[str, ...] = ()
    provisional: bool = False
    note: str | None = None
    variants: tuple[Variant, ...] = ()
    new_in: int | None = None
    dropped_in: int | None = None

    def asked_in(self, year: float) -> bool:
        """Whether the item was asked in round ``year`` (``new_in`` <= year < ``dropped_in``).

        Examples
        --------
        >>> from survey_kit.spec import load_questionnaire
        >>> item = load_questionnaire("tryghed_trivsel").items[0]
        >>> item.asked_in(2018), item.asked_in(2030)
        (True, True)
        """
        if self.new_in is not None and year < self.new_in:
            return False
        return self.dropped_in is None or year < self.dropped_in

    @property
    def codes(self) -> tuple[int, ...]:
        """Valid answer codes."""
        return self.scale.codes

    @property
    def missing_codes(self) -> tuple[int, ...]:
        """Codes that mean no substantive answer ("ved ikke", refusal)."""
        return self.scale.missing_codes

    @property
    def scored(self) -> bool:
        """Whether the item enters its dimension score (ordinal and numeric items)."""
        return self.scale.kind != "nominal"

    @property
    def indicator(self) -> str | None:
        """Name of the share-positive indicator column, or None without ``positive``."""
        return f"{self.id}_pos" if self.positive else None

    @property
    def high_is_good(self) -> bool:
        """Whether a higher code means a more favourable answer after reverse coding."""
        return (self.scale.positive_end == "high") != self.reverse

    def variant_for(self, year: int) -> Variant | None:
        """The variant used in round ``year``, or None when the item id column is used."""
        for variant in self.variants:
            if year in variant.years:
                return variant
        return None


@dataclass(frozen=True)
class Dimension:
    """A dimension: Danish label, its items and the minimum answered for a score."""

    id: str
    label: str
    items: tuple[Item, ...]
    min_items: int
    description: str | None = None

    @property
    def item_ids(self) -> tuple[str, ...]:
        """Ids of the items, in spec order."""
        return tuple(item.id for item in self.items)

    @property
    def scored_items(self) -> tuple[Item, ...]:
        """The items that enter the score (nominal items do not)."""
        return tuple(item for item in self.items if item.scored)


@dataclass(frozen=True)
class IndexRule:
    """The overall index: mean of the dimension scores when enough are present."""

    label: str
    min_dimensions: int


@dataclass(frozen=True)
class Provenance:
    """Where the spec comes from and what in it is confirmed or provisional."""

    source: str
    confirmed: tuple[str, ...] = ()
    provisional: tuple[str, ...] = ()


@dataclass(frozen=True)
class Questionnaire:
    """A survey instrument: scales, items grouped in dimensions and the index rule.

    Examples
    --------
    >>> from survey_kit.spec import load_questionnaire
    >>> q = load_questionnaire("tryghed_trivsel")
    >>> q.name, len(q.dimensions), q.dimensions[0].id
    ('tryghed_trivsel', 6, 'oplevet_tryghed')
    """

    name: str
    title: str
    version: str
    provenance: Provenance
    rounds: tuple[int, ...]
    scales: tuple[Scale, ...]
    dimensions: tuple[Dimension, ...]
    index: IndexRule
    path: str | None = field(default=None, compare=False)
    unknown_rounds: str = "latest"

    def variant_round(self, year: float) -> float:
        """The declared round whose item variants a data round uses: itself when declared,
        otherwise the latest declared round (``unknown_rounds: latest``).

        Examples
        --------
        >>> from survey_kit.spec import load_questionnaire
        >>> q = load_questionnaire("tryghed_trivsel")
        >>> q.variant_round(2021), q.variant_round(2024)
        (2021, 2021)
        """
        if not self.rounds or year in self.rounds:
            return year
        return max(self.rounds)

    @property
    def items(self) -> tuple[Item, ...]:
        """Every item, dimension by dimension."""
        return tuple(item for dim in self.dimensions for item in dim.items)

    def item(self, item_id: str) -> Item:
        """The item with id ``item_id`` (KeyError naming the questionnaire otherwise)."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(f"questionnaire {self.name!r} has no item {item_id!r}")

    def dimension(self, dimension_id: str) -> Dimension:
        """The dimension with id ``dimension_id`` (KeyError otherwise)."""
        for dim in self.dimensions:
            if dim.id == dimension_id:
                return dim
        raise KeyError(f"questionnaire {self.name!r} has no dimension {dimension_id!r}")

    def headline_items(self) -> dict[str, Item]:
        """Map each published headline measure text to its item.

        Examples
        --------
        >>> from survey_kit.spec import load_questionnaire
        >>> q = load_questionnaire("tryghed_trivsel")
        >>> q.headline_items()["tillid til politiet"].indicator
        'ti1_politi_pos'
        """
        return {measure: item for item in self.items for measure in item.headline}

    def validate(self, data: pd.DataFrame, id_column: str = "resp_id") -> ValidationReport:
        """Check ``data`` against the spec; see :func:`survey_kit.respondents.validate`."""
        from survey_kit.respondents.validation import validate

        return validate(self, data, id_column=id_column)

    def score(self, data: pd.DataFrame, item_scores: bool = False) -> pd.DataFrame:
        """Score valid rows; see :func:`survey_kit.respondents.score`."""
        from survey_kit.respondents.scoring import score

        return score(self, data, item_scores=item_scores)
