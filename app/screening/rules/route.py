"""Rules on where the waste is declared and where it goes (S06, S13, S15)."""

from __future__ import annotations

from collections.abc import Iterable

from app.screening.case import Case
from app.screening.domain import Flag


def s06_off_route(case: Case) -> Iterable[Flag]:
    notification = case.notification
    if notification is None:
        return ()
    d, config = case.declaration, case.config
    flags = []
    route = notification.route
    if d.office_country not in route:
        flags.append(
            config.flag(
                "S06",
                f"Declared in {d.office_country}, a state not on the route of notification "
                f"{notification.number} ({' → '.join(route)}).",
                office_country=d.office_country,
                route=list(route),
            )
        )
    offices = notification.route_customs_offices
    if offices and d.customs_office not in offices:
        flags.append(
            config.flag(
                "S06",
                f"Customs office {d.customs_office} is not one of the offices notified for "
                f"notification {notification.number} ({', '.join(sorted(offices))}).",
                customs_office=d.customs_office,
                notified_offices=sorted(offices),
            )
        )
    unconsented = [
        c for c in d.transit_countries if c not in notification.consented_transit_countries
    ]
    if unconsented:
        flags.append(
            config.flag(
                "S06",
                f"Transit through {', '.join(unconsented)} has no transit consent under "
                f"notification {notification.number}.",
                transit_countries=unconsented,
                consented_transit=sorted(notification.consented_transit_countries),
            )
        )
    if (d.dispatch_country, d.destination_country) != (
        notification.export_country,
        notification.import_country,
    ):
        flags.append(
            config.flag(
                "S06",
                f"Declared {d.dispatch_country} → {d.destination_country}, but notification "
                f"{notification.number} consents to {notification.export_country} → "
                f"{notification.import_country}.",
                declared=[d.dispatch_country, d.destination_country],
                consented=[notification.export_country, notification.import_country],
            )
        )
    return flags


def s13_destination_barred(case: Case) -> Iterable[Flag]:
    notification = case.notification
    if notification is None or not notification.destination_barred:
        return ()
    return (
        case.config.flag(
            "S13",
            f"Export to {notification.import_country} under notification "
            f"{notification.number} is barred: {notification.destination_barred}.",
            import_country=notification.import_country,
            reason=notification.destination_barred,
        ),
    )


def s15_port_hopping(case: Case) -> Iterable[Flag]:
    notification, d = case.notification, case.declaration
    if (
        notification is None
        or d.direction != "export"
        or d.office_country == notification.export_country
    ):
        return ()
    return (
        case.config.flag(
            "S15",
            f"Export declared in {d.office_country} (office {d.customs_office}), but the "
            f"state of export of notification {notification.number} is "
            f"{notification.export_country}.",
            office_country=d.office_country,
            customs_office=d.customs_office,
            export_country=notification.export_country,
        ),
    )
