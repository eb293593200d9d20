"""Rules on the notification and consent the declaration relies on (S01–S05)."""

from __future__ import annotations

from collections.abc import Iterable

from app.screening.case import Case
from app.screening.domain import Flag, NotificationFacts

QUIET: tuple[Flag, ...] = ()


def registered_here(case: Case, notification: NotificationFacts) -> bool:
    """Is the declared movement already counted in the notification's shipped totals?"""
    movement = case.movement
    return movement is not None and movement.notification_number == notification.number


def s01_hazardous_goods_without_notification(case: Case) -> Iterable[Flag]:
    declaration, config = case.declaration, case.config
    if declaration.notification_number:
        return QUIET
    codes = [code for code in case.hs_codes if config.is_hazardous_hs(code)]
    keywords = config.hazardous_keywords.found(case.text, case.words)
    if not codes and not keywords:
        return QUIET
    reasons = []
    if codes:
        reasons.append(f"HS code {', '.join(codes)} is a heading typical of hazardous waste")
    if keywords:
        reasons.append(f"the description mentions {', '.join(repr(k) for k in keywords)}")
    return (
        config.flag(
            "S01",
            f"Declaration {declaration.declaration_id} cites no Basel notification, "
            f"yet {' and '.join(reasons)}.",
            hs_codes=codes,
            keywords=keywords,
        ),
    )


def s02_notification_not_in_force(case: Case) -> Iterable[Flag]:
    number = case.declaration.notification_number
    if not number:
        return QUIET
    notification, config = case.notification, case.config
    if notification is None:
        return (
            config.flag(
                "S02",
                f"Notification {number} cited by the declaration is not known to BaselTrack.",
                notification_number=number,
                status=None,
            ),
        )
    if notification.status in config.valid_statuses:
        return QUIET
    return (
        config.flag(
            "S02",
            f"Notification {number} has status '{notification.status}'; a shipment needs a "
            f"consent in force ({', '.join(sorted(config.valid_statuses))}).",
            notification_number=number,
            status=notification.status,
        ),
    )


def s03_outside_validity(case: Case) -> Iterable[Flag]:
    notification = case.notification
    declared_on = case.declaration.declared_on
    if notification is None or notification.valid_from <= declared_on <= notification.valid_to:
        return QUIET
    return (
        case.config.flag(
            "S03",
            f"Declared on {declared_on}, outside the consent to notification "
            f"{notification.number}, valid {notification.valid_from} to {notification.valid_to}.",
            declared_on=declared_on.isoformat(),
            valid_from=notification.valid_from.isoformat(),
            valid_to=notification.valid_to.isoformat(),
        ),
    )


def s04_quantity_beyond_remaining(case: Case) -> Iterable[Flag]:
    notification = case.notification
    if notification is None:
        return QUIET
    already = notification.shipped_kg
    if registered_here(case, notification) and case.movement is not None:
        already -= case.movement.quantity_kg
    remaining = max(0.0, notification.quantity_total_kg - already)
    allowed = remaining + notification.quantity_total_kg * case.config.quantity_tolerance
    if case.total_kg <= allowed:
        return QUIET
    return (
        case.config.flag(
            "S04",
            f"Declared {case.total_kg:,.0f} kg, but only {remaining:,.0f} kg of the "
            f"{notification.quantity_total_kg:,.0f} kg consented under notification "
            f"{notification.number} are left ({already:,.0f} kg already shipped).",
            declared_kg=case.total_kg,
            remaining_kg=remaining,
            consented_kg=notification.quantity_total_kg,
            shipped_kg=already,
        ),
    )


def s05_too_many_shipments(case: Case) -> Iterable[Flag]:
    notification = case.notification
    if notification is None:
        return QUIET
    used = notification.shipments_used + (0 if registered_here(case, notification) else 1)
    if used <= notification.shipments_total:
        return QUIET
    return (
        case.config.flag(
            "S05",
            f"This would be shipment {used} under notification {notification.number}, which "
            f"consents to {notification.shipments_total} shipments.",
            shipment_number=used,
            shipments_consented=notification.shipments_total,
        ),
    )
