"""The rows statistics and the Art. 13 report are summed from, each query limited to a year."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from app.accounts.domain import Caller
from app.movements.domain import MovementStatus
from app.movements.models import Movement
from app.notifications.models import Notification, StateConcerned
from app.notifications.repository import visible_filter
from app.screening.models import FlagRecord

#: Movements that have left (or at least were shipped): every status but created and cancelled.
SHIPPED = [
    s.value for s in MovementStatus if s not in (MovementStatus.CREATED, MovementStatus.CANCELLED)
]
#: The day a shipment counts as shipped: the day it left, else the date on its document.
SHIPPED_ON = func.coalesce(Movement.departed_on, Movement.shipment_date).label("shipped_on")


def _in_year(column: Any, year: int) -> Any:
    return and_(column >= date(year, 1, 1), column <= date(year, 12, 31))


def notified_or_consented(session: Session, caller: Caller, year: int) -> list[Notification]:
    """Visible notifications submitted or consented in ``year``."""
    rows = session.scalars(
        select(Notification).where(
            visible_filter(caller),
            or_(
                _in_year(Notification.submitted_on, year), _in_year(Notification.consented_on, year)
            ),
        )
    )
    return list(rows)


def shipped_or_received(
    session: Session, caller: Caller, year: int
) -> list[tuple[Movement, Notification, date]]:
    """Visible movements shipped or received in ``year``, with their notification and the day
    they count as shipped."""
    rows = session.execute(
        select(Movement, Notification, SHIPPED_ON)
        .join(Notification, Notification.id == Movement.notification_id)
        .where(
            visible_filter(caller),
            Movement.status.in_(SHIPPED),
            or_(_in_year(SHIPPED_ON, year), _in_year(Movement.received_on, year)),
        )
    )
    return [(m, n, on) for m, n, on in rows]


def shipped_in_year(session: Session, year: int, where: Any) -> list[tuple[Movement, Notification]]:
    """Movements shipped in ``year`` under the notifications ``where`` selects."""
    rows = session.execute(
        select(Movement, Notification)
        .join(Notification, Notification.id == Movement.notification_id)
        .where(_in_year(SHIPPED_ON, year), Movement.status.in_(SHIPPED), where)
        .order_by(Movement.id)
    )
    return list(rows)


def through(country: str) -> Any:
    """Notifications whose route crosses ``country`` in transit."""
    return exists(
        select(StateConcerned.id).where(
            StateConcerned.notification_id == Notification.id,
            StateConcerned.country == country,
            StateConcerned.capacity == "transit",
        )
    )


def between(country: str) -> Any:
    """Notifications ``country`` exports or imports under."""
    return or_(Notification.export_country == country, Notification.import_country == country)


def not_completed(session: Session, country: str, year: int) -> list[Movement]:
    """Movements of ``country``'s exports and imports shipped in ``year`` that were rejected or
    must be taken back."""
    return [
        m
        for m, _ in shipped_in_year(
            session,
            year,
            and_(Movement.status.in_(["rejected", "return_required"]), between(country)),
        )
    ]


def confirmed_flags(session: Session, country: str, year: int) -> Sequence[FlagRecord]:
    """Flags ``country``'s inspectors confirmed as illegal traffic, closed in ``year``."""
    return session.scalars(
        select(FlagRecord)
        .where(
            FlagRecord.country == country,
            FlagRecord.status == "confirmed",
            _in_year(FlagRecord.closed_on, year),
        )
        .order_by(FlagRecord.id)
    ).all()
