"""What a border scan reads and writes, as plain statements built once.

The scan is the hottest path of the service (a busy border post sends hundreds a second), so it
reads the movement, its notification, the route, the crossings so far and the cancellation in
one statement of plain columns instead of loading ORM objects with their relationships, and
writes with single INSERT/UPDATE statements on the session's connection instead of the unit of
work. The statements are built once, with bound parameters, so a scan only fills them in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import (
    Integer,
    String,
    Table,
    and_,
    bindparam,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from app.core.db import utcnow
from app.movements.models import Crossing, DocumentRevocation, Movement
from app.notifications.models import Notification, StateConcerned
from app.scans.models import Scan

_ITEM, _FIELD = ";", ":"
_SCANS, _MOVEMENTS, _CROSSINGS = (
    cast(Table, model.__table__) for model in (Scan, Movement, Crossing)
)


@dataclass(frozen=True)
class BorderRecord:
    """The record of a scanned movement document, as the border checks need it."""

    movement_id: int
    document_no: str
    revision: int
    status: str
    shipment_no: int
    quantity: Decimal
    unit: str
    notification_id: int
    notification_no: str
    intended_shipments: int
    notification_status: str
    valid_from: date | None
    valid_to: date | None
    customs_offices: dict[str, Any]
    route: tuple[tuple[str, str], ...]  # (country, capacity) in route order
    crossed: tuple[tuple[str, str], ...]  # (country, direction) already recorded
    cancelled: bool


def _border_record_statement() -> Any:
    """The movement joined to its notification, with the route and the crossings folded into
    strings by correlated subqueries (``string_agg`` / ``group_concat``): one round trip."""
    route = (
        select(
            func.aggregate_strings(
                StateConcerned.position.cast(String)
                + _FIELD
                + StateConcerned.country
                + _FIELD
                + StateConcerned.capacity,
                _ITEM,
            )
        )
        .where(StateConcerned.notification_id == Notification.id)
        .scalar_subquery()
    )
    crossed = (
        select(func.aggregate_strings(Crossing.country + _FIELD + Crossing.direction, _ITEM))
        .where(Crossing.movement_id == Movement.id)
        .scalar_subquery()
    )
    revision = bindparam("revision", type_=Integer)
    cancelled = exists().where(
        DocumentRevocation.doc_id == Movement.document_no,
        DocumentRevocation.reason == "cancelled",
        or_(DocumentRevocation.revision == revision, DocumentRevocation.revision.is_(None)),
    )
    return (
        select(
            Movement.id.label("movement_id"),
            Movement.document_no,
            Movement.revision,
            Movement.status,
            Movement.shipment_no,
            Movement.quantity,
            Movement.unit,
            Notification.id.label("notification_id"),
            Notification.number.label("notification_no"),
            Notification.intended_shipments,
            Notification.status.label("notification_status"),
            Notification.valid_from,
            Notification.valid_to,
            Notification.customs_offices,
            route.label("route"),
            crossed.label("crossed"),
            cancelled.label("cancelled"),
        )
        .join(Notification, Notification.id == Movement.notification_id)
        .where(Movement.document_no == bindparam("doc_id"))
    )


_BORDER_RECORD = _border_record_statement()
_ADD_SCAN = insert(_SCANS).returning(_SCANS.c.id)
_MOVE_ON = (
    update(_MOVEMENTS)
    .where(and_(_MOVEMENTS.c.id == bindparam("m_id"), _MOVEMENTS.c.status == bindparam("was")))
    .values(
        status=bindparam("new_status"),
        departed_at=func.coalesce(_MOVEMENTS.c.departed_at, bindparam("now")),
        updated_at=bindparam("now"),
        version=_MOVEMENTS.c.version + 1,
    )
)
_ADD_CROSSING = insert(_CROSSINGS)


def _pairs(joined: str | None) -> list[list[str]]:
    return [item.split(_FIELD) for item in joined.split(_ITEM)] if joined else []


def border_record(session: Session, doc_id: str, revision: int) -> BorderRecord | None:
    params = {"doc_id": doc_id, "revision": revision}
    row = session.connection().execute(_BORDER_RECORD, params).first()
    if row is None:
        return None
    values = row._asdict()
    ordered = sorted(_pairs(values.pop("route")), key=lambda item: int(item[0]))
    values["route"] = tuple((country, capacity) for _, country, capacity in ordered)
    values["crossed"] = tuple((country, way) for country, way in _pairs(values.pop("crossed")))
    values["cancelled"] = bool(values["cancelled"])
    return BorderRecord(**values)


def add_scan(session: Session, **values: Any) -> tuple[int, datetime]:
    """Insert the scan; returns its id and time."""
    values.setdefault("scanned_at", utcnow())
    scan_id = session.connection().execute(_ADD_SCAN, values).scalar_one()
    return int(scan_id), values["scanned_at"]


def record_crossing(
    session: Session,
    record: BorderRecord,
    *,
    new_status: str,
    country: str,
    office: str,
    direction: str,
    scan_id: int,
) -> bool:
    """Insert the crossing and move the shipment on, unless it changed since it was read
    (then nothing is written and the caller reports a conflict)."""
    now = utcnow()
    conn = session.connection()
    moved = conn.execute(
        _MOVE_ON,
        {"m_id": record.movement_id, "was": record.status, "new_status": new_status, "now": now},
    )
    if moved.rowcount != 1:
        return False
    crossing = {
        "movement_id": record.movement_id,
        "country": country,
        "office": office,
        "direction": direction,
        "crossed_at": now,
        "scan_id": scan_id,
    }
    conn.execute(_ADD_CROSSING, crossing)
    return True
