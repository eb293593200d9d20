"""What the screening engine reads and what it answers, as plain frozen values (no I/O).

The engine compares one customs declaration with what the Basel procedure recorded: the
notification and its consent (``NotificationFacts``), the movement document
(``MovementFacts``) and a few facts about the world (``ScreeningContext``). Each finding is a
``Flag`` a customs officer can read: which rule, how serious, a sentence, and the evidence.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, Literal, Protocol

Severity = Literal["low", "medium", "high", "critical"]
SEVERITIES: tuple[Severity, ...] = ("low", "medium", "high", "critical")


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


@lru_cache(maxsize=131072)
def party_key(name_or_id: str) -> str:
    """Compare names and identifiers ignoring case, spaces and punctuation ("ACME-Recycling
    GmbH." == "acme recycling gmbh")."""
    return "".join(ch for ch in name_or_id.casefold() if ch.isalnum())


@dataclass
class InMemoryContext:
    """A ``ScreeningContext`` over dicts: for tests, the benchmark and batch jobs."""

    today: date
    notifications: dict[str, NotificationFacts] = field(default_factory=dict)
    movements: dict[str, MovementFacts] = field(default_factory=dict)
    illegal_traffic_parties: frozenset[str] = frozenset()
    declared: defaultdict[tuple[str, str], set[str]] = field(
        default_factory=lambda: defaultdict(set)
    )

    def notification(self, number: str) -> NotificationFacts | None:
        return self.notifications.get(number)

    def movement(self, movement_id: str) -> MovementFacts | None:
        return self.movements.get(movement_id)

    def times_declared(self, movement_id: str, direction: str, declaration_id: str) -> int:
        seen = self.declared.get((movement_id, direction))
        if not seen:
            return 0
        return len(seen) - (declaration_id in seen)

    def record(self, movement_id: str | None, direction: str, declaration_id: str) -> None:
        """Remember a screened declaration so a later clone of it is recognised (S09)."""
        if movement_id:
            self.declared[(movement_id, direction)].add(declaration_id)
