"""What the screening engine reads and what it answers, as plain frozen values (no I/O).

The engine compares one customs declaration with what the Basel procedure recorded: the
notification and its consent (``NotificationFacts``), the movement document
(``MovementFacts``) and a few facts about the world (``ScreeningContext``). Each finding is a
``Flag`` a customs officer can read: which rule, how serious, a sentence, and the evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, Protocol

Severity = Literal["low", "medium", "high", "critical"]
SEVERITIES: tuple[Severity, ...] = ("low", "medium", "high", "critical")


_ASCII_NOT_ALNUM = bytes(c for c in range(128) if not chr(c).isalnum())
_ASCII_NOT_ALNUM_OR_NUL = _ASCII_NOT_ALNUM.replace(b"\x00", b"")


def party_key(name_or_id: str) -> str:
    """Compare names and identifiers ignoring case, spaces and punctuation ("ACME-Recycling
    GmbH." == "acme recycling gmbh"): the alphanumeric characters, case-folded. ASCII text (most
    names) takes a byte-level shortcut with the same result, several times faster."""
    if name_or_id.isascii():
        return name_or_id.lower().encode("ascii").translate(None, _ASCII_NOT_ALNUM).decode("ascii")
    return "".join(filter(str.isalnum, name_or_id.casefold()))


def party_keys(texts: Sequence[str]) -> list[str]:
    """``party_key`` of each text. ASCII texts are keyed in one pass, joined by NUL (kept by the
    translation, so it splits them apart again); a text holding a NUL itself goes one by one."""
    joined = "\x00".join(texts)
    if not joined.isascii() or joined.count("\x00") != len(texts) - 1:
        return [party_key(text) for text in texts]
    keyed = joined.lower().encode("ascii").translate(None, _ASCII_NOT_ALNUM_OR_NUL)
    return keyed.decode("ascii").split("\x00")


@dataclass(frozen=True, slots=True)
class PartyKeys:
    """A party's name and identifier as ``party_key`` compares them."""

    name: str
    identifier: str | None

    @classmethod
    def of(cls, name: str, identifier: str | None) -> PartyKeys:
        return cls(party_key(name), party_key(identifier) if identifier else None)


@dataclass(frozen=True, slots=True)
class NotificationFacts:
    """A notification and its consent as far as customs screening needs them."""

    number: str
    status: str
    export_country: str
    import_country: str
    transit_countries: tuple[str, ...]
    consented_transit_countries: frozenset[str]
    route_customs_offices: frozenset[str]
    valid_from: date
    valid_to: date
    quantity_total_kg: float
    shipments_total: int
    shipped_kg: float
    """Sum of the movements registered so far (including the declared one if registered)."""
    shipments_used: int
    """Movements registered so far (including the declared one if registered)."""
    notifier_name: str
    notifier_id: str | None
    consignee_name: str
    consignee_id: str | None
    carriers: tuple[str, ...]
    waste_codes: tuple[str, ...]
    hazardous: bool
    hs_codes: tuple[str, ...]
    destination_barred: str | None = None
    """Why the destination is barred (import prohibition, Ban Amendment), computed elsewhere."""

    route: tuple[str, ...] = field(init=False, repr=False, compare=False)
    """Export, transit and import countries in order."""
    notifier_keys: PartyKeys = field(init=False, repr=False, compare=False)
    consignee_keys: PartyKeys = field(init=False, repr=False, compare=False)
    carrier_keys: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Facts every declaration under this notification compares with, computed once here
        rather than once per declaration screened."""
        derived = {
            "route": (self.export_country, *self.transit_countries, self.import_country),
            "notifier_keys": PartyKeys.of(self.notifier_name, self.notifier_id),
            "consignee_keys": PartyKeys.of(self.consignee_name, self.consignee_id),
            "carrier_keys": frozenset(party_key(c) for c in self.carriers),
        }
        for name, value in derived.items():
            object.__setattr__(self, name, value)


@dataclass(frozen=True, slots=True)
class MovementFacts:
    """One movement document; the dates are the days exit, entry and receipt were recorded."""

    movement_id: str
    notification_number: str
    quantity_kg: float
    carriers: tuple[str, ...]
    exit_at: date | None = None
    entry_at: date | None = None
    received_at: date | None = None


@dataclass(frozen=True, slots=True)
class Flag:
    rule_id: str
    severity: Severity
    explanation: str
    evidence: dict[str, Any] = field(default_factory=dict)


class ScreeningContext(Protocol):
    """Lookups the rules need; a store, a cache or an in-memory dict can stand behind it."""

    @property
    def today(self) -> date: ...

    @property
    def illegal_traffic_parties(self) -> frozenset[str]:
        """``party_key`` of names and identifiers of parties with confirmed illegal traffic."""
        ...

    def notification(self, number: str) -> NotificationFacts | None: ...

    def movement(self, movement_id: str) -> MovementFacts | None: ...

    def times_declared(self, movement_id: str, direction: str, declaration_id: str) -> int:
        """How many *other* declarations already declared this movement in this direction."""
        ...


@dataclass
class InMemoryContext:
    """A ``ScreeningContext`` over dicts: for tests, the benchmark and batch jobs."""

    today: date
    notifications: dict[str, NotificationFacts] = field(default_factory=dict)
    movements: dict[str, MovementFacts] = field(default_factory=dict)
    illegal_traffic_parties: frozenset[str] = frozenset()
    declared: dict[str, dict[str, str | set[str]]] = field(default_factory=dict)
    """Direction → movement document → the declaration id that declared it, or the set of them
    when several did. A plain id for the usual single declaration: a batch of millions keeps one
    entry per document, and a set each would triple that memory."""

    def notification(self, number: str) -> NotificationFacts | None:
        return self.notifications.get(number)

    def movement(self, movement_id: str) -> MovementFacts | None:
        return self.movements.get(movement_id)

    def times_declared(self, movement_id: str, direction: str, declaration_id: str) -> int:
        by_document = self.declared.get(direction)
        seen = None if by_document is None else by_document.get(movement_id)
        if seen is None:
            return 0
        if isinstance(seen, str):
            return int(seen != declaration_id)
        return len(seen) - (declaration_id in seen)

    def record(self, movement_id: str | None, direction: str, declaration_id: str) -> None:
        """Remember a screened declaration so a later clone of it is recognised (S09)."""
        if not movement_id:
            return
        by_document = self.declared.setdefault(direction, {})
        seen = by_document.get(movement_id)
        if seen is None or seen == declaration_id:
            by_document[movement_id] = declaration_id
        elif isinstance(seen, str):
            by_document[movement_id] = {seen, declaration_id}
        else:
            seen.add(declaration_id)
