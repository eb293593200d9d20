"""The life of a shipment as pure rules: its state machine, what a new shipment needs, dates.

No I/O: the service gathers the facts (consent, what was already shipped, calendars) and these
functions say yes, or raise a typed error that names the rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from app.core.errors import FieldError, InvalidInput, InvalidTransition, RuleViolation
from app.regimes.domain import Regime, WorkCalendar, due_date


class MovementStatus(StrEnum):
    CREATED = "created"
    ANNOUNCED = "announced"
    IN_TRANSIT = "in_transit"
    RECEIVED = "received"
    REJECTED = "rejected"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    RETURN_REQUIRED = "return_required"


class MovementEvent(StrEnum):
    ANNOUNCE = "announce"  # prior notice of the actual shipment
    CORRECT = "correct"  # a new revision of the document
    HAND_OVER = "hand_over"  # to a carrier
    CROSS = "cross"  # a border, recorded by a customs scan
    RECEIVE = "receive"  # accepted at the facility
    REJECT = "reject"  # refused at the facility
    CERTIFY = "certify"  # certificate of recovery or disposal
    CANCEL = "cancel"
    RETURN = "return"  # cannot be completed: take-back or alternative (Basel Art. 8)


S, E = MovementStatus, MovementEvent
TRANSITIONS: dict[tuple[MovementStatus, MovementEvent], MovementStatus] = {
    (S.CREATED, E.ANNOUNCE): S.ANNOUNCED,
    (S.CREATED, E.CORRECT): S.CREATED,
    (S.ANNOUNCED, E.CORRECT): S.ANNOUNCED,
    (S.IN_TRANSIT, E.CORRECT): S.IN_TRANSIT,
    (S.ANNOUNCED, E.HAND_OVER): S.IN_TRANSIT,
    (S.IN_TRANSIT, E.HAND_OVER): S.IN_TRANSIT,
    (S.ANNOUNCED, E.CROSS): S.IN_TRANSIT,
    (S.IN_TRANSIT, E.CROSS): S.IN_TRANSIT,
    (S.IN_TRANSIT, E.RECEIVE): S.RECEIVED,
    (S.IN_TRANSIT, E.REJECT): S.REJECTED,
    (S.RECEIVED, E.CERTIFY): S.COMPLETED,
    (S.CREATED, E.CANCEL): S.CANCELLED,
    (S.ANNOUNCED, E.CANCEL): S.CANCELLED,
    (S.IN_TRANSIT, E.RETURN): S.RETURN_REQUIRED,
    (S.REJECTED, E.RETURN): S.RETURN_REQUIRED,
}
#: Movements that count against the consented quantity and number of shipments.
COUNTED = frozenset(set(S) - {S.CANCELLED})
#: Movements a customs officer may expect at a border.
EXPECTED_AT_BORDER = frozenset({S.ANNOUNCED, S.IN_TRANSIT})


def transition(status: MovementStatus, event: MovementEvent) -> MovementStatus:
    try:
        return TRANSITIONS[(status, event)]
    except KeyError:
        allowed = sorted(e.value for (s, e) in TRANSITIONS if s == status) or ["none"]
        raise InvalidTransition(
            f"A movement that is {status.value} cannot {event.value.replace('_', ' ')}; "
            f"allowed now: {', '.join(allowed)}.",
            rule="movement.transition",
        ) from None


@dataclass(frozen=True)
class ConsentFacts:
    """What the consent allows and what earlier shipments already used."""

    number: str
    status: str
    valid_from: date | None
    valid_to: date | None
    total_quantity: Decimal
    unit: str
    intended_shipments: int
    used_quantity: Decimal
    used_shipments: int
    guarantee_valid_until: date | None
    contract_in_place: bool


def check_shipment_date(
    shipment_date: date, *, facts: ConsentFacts, today: date, regime: Regime, field: str
) -> list[FieldError]:
    """Within the consent, not in the past, not further ahead than the regime allows."""
    errors = []
    if shipment_date < today:
        errors.append(
            FieldError(
                field, "shipment.date_past", f"{shipment_date} is in the past (today is {today})."
            )
        )
    ahead = regime.deadline("shipment_max_ahead").amount
    if ahead is not None and shipment_date > today + timedelta(days=ahead):
        errors.append(
            FieldError(
                field,
                "shipment.date_too_far",
                f"A shipment may be dated at most {ahead} days ahead (until "
                f"{today + timedelta(days=ahead)}).",
            )
        )
    if (
        facts.valid_from
        and facts.valid_to
        and not facts.valid_from <= shipment_date <= facts.valid_to
    ):
        errors.append(
            FieldError(
                field,
                "shipment.outside_consent",
                f"The consent for {facts.number} is valid from {facts.valid_from} to "
                f"{facts.valid_to}; {shipment_date} is outside it.",
            )
        )
    return errors


def check_new_shipment(
    facts: ConsentFacts,
    *,
    quantity: Decimal,
    unit: str,
    shipment_date: date,
    today: date,
    regime: Regime,
) -> None:
    """Basel Art. 6(3), 6(11): written consent in force, within its quantity and number of
    shipments, with the contract and the guarantee in place."""
    if facts.status != "consented":
        raise RuleViolation(
            f"Notification {facts.number} is {facts.status}; shipments may start only under a "
            "consented notification.",
            rule="basel.art6_3.consent_required",
            source="Basel Convention Art. 6(3)",
        )
    if not facts.contract_in_place:
        raise RuleViolation(
            "No exporter-disposer contract is recorded.",
            rule="basel.art6_3.contract",
            source="Basel Convention Art. 6(3)(b)",
        )
    if facts.guarantee_valid_until is None or facts.guarantee_valid_until < shipment_date:
        raise RuleViolation(
            f"No financial guarantee is in force on {shipment_date}.",
            rule="basel.art6_11.guarantee",
            source="Basel Convention Art. 6(11)",
        )
    errors = check_shipment_date(
        shipment_date, facts=facts, today=today, regime=regime, field="shipment_date"
    )
    if unit != facts.unit:
        errors.append(
            FieldError("unit", "shipment.unit", f"The notification counts in {facts.unit}.")
        )
    if facts.used_shipments + 1 > facts.intended_shipments:
        errors.append(
            FieldError(
                "shipment_no",
                "shipment.count_exceeded",
                f"All {facts.intended_shipments} consented shipments of {facts.number} are used.",
            )
        )
    left = facts.total_quantity - facts.used_quantity
    if quantity > left:
        errors.append(
            FieldError(
                "quantity",
                "shipment.quantity_exceeded",
                f"{quantity} {unit} exceeds what is left of the consented total: {left} of "
                f"{facts.total_quantity} {facts.unit}.",
            )
        )
    if errors:
        raise InvalidInput(
            "The shipment does not fit the consent: " + "; ".join(e.message for e in errors),
            errors=errors,
        )


def check_prior_notice(
    shipment_date: date, *, today: date, working_days: int, calendar: WorkCalendar
) -> None:
    """The authorities must hear of the shipment at least N working days before it departs."""
    latest = today if working_days == 0 else calendar.add_working_days(today, working_days)
    if shipment_date < latest:
        raise RuleViolation(
            f"Prior notice must reach the authorities at least {working_days} working days before "
            f"departure: a shipment announced today may depart on {latest} at the earliest, not "
            f"{shipment_date}. Correct the shipment date first.",
            rule="movement.prior_notice",
        )


def check_date_shift(old: date, new: date, *, regime: Regime, calendar: WorkCalendar) -> None:
    limit = regime.deadline("date_shift_max")
    if limit.amount is None or old == new:
        return
    earlier, later = sorted((old, new))
    if calendar.working_days_between(earlier, later) > limit.amount:
        raise InvalidInput.on(
            "shipment_date",
            "shipment.date_shift",
            f"The shipment date may move by at most {limit.amount} working days "
            f"({old} → {new} is more).",
        )


def receipt_due(
    arrived_on: date, *, interim: bool, regime: Regime, calendar: WorkCalendar
) -> date | None:
    step = "receipt_confirmation_interim" if interim else "receipt_confirmation"
    deadline = regime.deadline(step)
    if deadline.amount is None:
        deadline = regime.deadline("receipt_confirmation")
    return due_date(arrived_on, deadline, calendar)


def certificate_due(
    completed_on: date | None, received_on: date, *, regime: Regime, calendar: WorkCalendar
) -> date | None:
    """Within N days of completion, and never later than one year after receipt."""
    limit = due_date(received_on, regime.deadline("certificate_max_after_receipt"), calendar)
    after = (
        due_date(completed_on, regime.deadline("certificate"), calendar) if completed_on else None
    )
    candidates = [d for d in (limit, after) if d is not None]
    return min(candidates) if candidates else None


def return_due(
    informed_on: date, *, kind: str, regime: Regime, calendar: WorkCalendar
) -> date | None:
    step = "illegal_takeback" if kind == "illegal_traffic" else "reimport"
    return due_date(informed_on, regime.deadline(step), calendar)
