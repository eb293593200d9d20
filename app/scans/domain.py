"""Border checks as pure rules: given what the document says and what the record says, the red
flags an officer must see. No I/O; the service gathers the facts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.movements.domain import EXPECTED_AT_BORDER, MovementStatus

#: Which crossing each state on the route expects.
DIRECTIONS = {"export": {"exit"}, "transit": {"transit_entry", "transit_exit"}, "import": {"entry"}}


@dataclass(frozen=True)
class BorderFacts:
    scanned_revision: int
    current_revision: int
    movement_status: MovementStatus
    notification_status: str
    valid_from: date | None
    valid_to: date | None
    route: tuple[tuple[str, str], ...]  # (country, capacity) in order
    notified_offices: dict[str, str | None]  # "export", "exit", "entry"
    already_crossed: tuple[tuple[str, str], ...]  # (country, direction)


def consent_valid(facts: BorderFacts, today: date) -> bool:
    return (
        facts.notification_status == "consented"
        and facts.valid_from is not None
        and facts.valid_to is not None
        and facts.valid_from <= today <= facts.valid_to
    )


def capacity_in(facts: BorderFacts, country: str) -> str | None:
    return next((cap for c, cap in facts.route if c == country), None)


def red_flags(
    facts: BorderFacts, *, country: str, office: str, direction: str, today: date
) -> list[str]:
    reasons = []
    if facts.scanned_revision < facts.current_revision:
        reasons.append(
            f"Revision {facts.scanned_revision} of this document was superseded by revision "
            f"{facts.current_revision}: ask for the current document."
        )
    if facts.movement_status in (MovementStatus.CANCELLED, MovementStatus.COMPLETED):
        reasons.append(
            f"The movement is {facts.movement_status.value}: this document must not travel again."
        )
    elif facts.movement_status not in EXPECTED_AT_BORDER:
        reasons.append(
            f"The movement is {facts.movement_status.value.replace('_', ' ')}, not expected at a "
            "border (it must be announced first)."
        )
    if not consent_valid(facts, today):
        reasons.append(
            f"No valid consent today: the notification is {facts.notification_status}, consent "
            f"valid {facts.valid_from} to {facts.valid_to}."
        )
    capacity = capacity_in(facts, country)
    if capacity is None:
        route = " → ".join(c for c, _ in facts.route)
        reasons.append(f"{country} is not on the consented route ({route}).")
    elif direction not in DIRECTIONS[capacity]:
        expected = " or ".join(sorted(DIRECTIONS[capacity]))
        reasons.append(
            f"{country} is the state of {capacity}: expected a {expected} scan, not {direction}."
        )
    notified = {
        "exit": facts.notified_offices.get("exit") or facts.notified_offices.get("export"),
        "entry": facts.notified_offices.get("entry"),
    }.get(direction)
    if notified and notified != office:
        reasons.append(
            f"Office {office} is not the notified customs office of {direction} ({notified})."
        )
    if (country, direction) in facts.already_crossed:
        reasons.append(
            f"This shipment was already scanned for {direction.replace('_', ' ')} in {country}: a "
            "document presented twice may be a copy used for another load."
        )
    return reasons
