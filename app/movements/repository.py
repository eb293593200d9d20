"""Queries for movements. Consumption of a consent is read under a lock on the notification."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.movements.domain import COUNTED
from app.movements.models import Crossing, Movement, MovementRevision
from app.notifications.models import Notification


def lock_notification(session: Session, notification_id: int) -> None:
    """Serialise shipments under one consent (SQLite already holds its single write lock)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            select(Notification.id).where(Notification.id == notification_id).with_for_update()
        )


def usage(
    session: Session, notification_id: int, *, excluding: int | None = None
) -> tuple[Decimal, int]:
    """Quantity and number of shipments already counted against the consent."""
    stmt = select(func.coalesce(func.sum(Movement.quantity), 0), func.count(Movement.id)).where(
        Movement.notification_id == notification_id,
        Movement.status.in_([s.value for s in COUNTED]),
    )
    if excluding is not None:
        stmt = stmt.where(Movement.id != excluding)
    quantity, count = session.execute(stmt).one()
    return Decimal(quantity), int(count)


def next_shipment_no(session: Session, notification_id: int) -> int:
    taken = session.scalar(
        select(func.max(Movement.shipment_no)).where(Movement.notification_id == notification_id)
    )
    return (taken or 0) + 1


def get(session: Session, movement_id: int) -> Movement | None:
    return session.get(Movement, movement_id)


def by_document_no(session: Session, document_no: str) -> Movement | None:
    return session.scalars(select(Movement).where(Movement.document_no == document_no)).first()


def for_notification(session: Session, notification_id: int) -> list[Movement]:
    stmt = (
        select(Movement)
        .where(Movement.notification_id == notification_id)
        .order_by(Movement.shipment_no)
    )
    return list(session.scalars(stmt))


def crossings(session: Session, movement_id: int) -> list[Crossing]:
    stmt = select(Crossing).where(Crossing.movement_id == movement_id).order_by(Crossing.id)
    return list(session.scalars(stmt))


def revisions(session: Session, movement_id: int) -> list[MovementRevision]:
    stmt = (
        select(MovementRevision)
        .where(MovementRevision.movement_id == movement_id)
        .order_by(MovementRevision.revision)
    )
    return list(session.scalars(stmt))


def open_movements(session: Session, notification_ids: list[int] | None) -> list[Movement]:
    """Movements that may owe a notice, a receipt, a certificate or a return."""
    stmt = select(Movement).where(
        Movement.status.in_(["created", "in_transit", "received", "return_required"])
    )
    if notification_ids is not None:
        stmt = stmt.where(Movement.notification_id.in_(notification_ids))
    return list(session.scalars(stmt.order_by(Movement.id)))
