"""What a border scan reads and writes, as plain statements built once.

The scan is the hottest path of the service (a busy border post sends hundreds a second, and
each round trip to the database costs both processes a context switch), so a valid scan takes
two statements between BEGIN and COMMIT:

- one read (``border_read``): the caller by token, the movement with its notification, route,
  crossings so far and cancellation, and whether anyone subscribed to events at all;
- one write (``record_valid_scan``): on PostgreSQL a single statement with data-modifying CTEs
  moves the shipment on (only if unchanged since the read), stores the scan and the crossing and
  stages the audit event; elsewhere (SQLite, one writer at a time) the same four writes go as
  plain statements.

Both are ``DriverStatement``s (``app/core/driver.py``): built and compiled by SQLAlchemy, run
on PostgreSQL straight on the session's driver cursor, where SQLAlchemy's per-execution work was
a fifth of a scan's CPU.

Flagged scans are rarer and go through the ordinary services (``add_scan``, then the flag).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import (
    Date,
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
    text,
    true,
    update,
)
from sqlalchemy.orm import Session

from app.accounts.models import Account
from app.audit import repository as audit
from app.core.db import JSONType, UTCDateTime, utcnow
from app.core.driver import DriverStatement
from app.movements.models import Crossing, DocumentRevocation, Movement
from app.notifications.models import Notification, StateConcerned
from app.scans.models import Scan
from app.webhooks.repository import ANYONE_SUBSCRIBED

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
    version: int
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
            Movement.version,
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


@dataclass(frozen=True)
class BorderRead:
    """What one read gives a scan: who is asking, the record if the document has one, and
    whether anyone subscribed to events (if no one did, publishing is skipped)."""

    caller: Account | None
    record: BorderRecord | None
    listening: bool


_CALLER = ("id", "name", "role", "country", "time_zone", "active")


def _border_read_statement() -> Any:
    """The caller LEFT JOIN the record: a row whenever the token is known, with the record's
    columns NULL when the document is not (or no document was given)."""
    caller = (
        select(*(getattr(Account, c).label(f"caller_{c}") for c in _CALLER))
        .where(Account.token_hash == bindparam("token_hash"))
        .subquery("caller")
    )
    record = _border_record_statement().subquery("record")
    return select(caller, record, ANYONE_SUBSCRIBED.label("listening")).select_from(
        caller.outerjoin(record, true())
    )


_BORDER_READ = DriverStatement(_border_read_statement())
_ADD_SCAN = insert(_SCANS).returning(_SCANS.c.id)
_MOVE_ON = (
    update(_MOVEMENTS)
    .where(and_(_MOVEMENTS.c.id == bindparam("m_id"), _MOVEMENTS.c.version == bindparam("was")))
    .values(
        status=bindparam("new_status"),
        departed_at=func.coalesce(_MOVEMENTS.c.departed_at, bindparam("now")),
        departed_on=func.coalesce(_MOVEMENTS.c.departed_on, bindparam("crossed_on")),
        updated_at=bindparam("now"),
        version=_MOVEMENTS.c.version + 1,
    )
)
_ADD_CROSSING = insert(_CROSSINGS)

#: PostgreSQL: the four writes of a valid scan in one statement. Each insert selects from the
#: step before it, so when the shipment changed since it was read (the UPDATE matches no row)
#: nothing at all is written and no row comes back.
_VALID_SCAN_PG = DriverStatement(
    text(
        """
    WITH moved AS (
        UPDATE movements
        SET status = :new_status, departed_at = coalesce(departed_at, :now),
            departed_on = coalesce(departed_on, :crossed_on),
            updated_at = :now, version = version + 1
        WHERE id = :m_id AND version = :was
        RETURNING id
    ), scan AS (
        INSERT INTO scans (scanned_at, account_id, country, office, direction, doc_id, revision,
                           movement_id, notification_id, authentic, signature_status, flagged,
                           reasons, qr_digest)
        SELECT :now, :account_id, :country, :office, :direction, :doc_id, :revision,
               moved.id, :notification_id, :authentic, :signature_status, :flagged, :reasons,
               :qr_digest
        FROM moved
        RETURNING id
    ), crossing AS (
        INSERT INTO crossings (movement_id, country, office, direction, crossed_at, crossed_on,
                               scan_id)
        SELECT :m_id, :country, :office, :direction, :now, :crossed_on, scan.id FROM scan
    ), staged AS (
        INSERT INTO audit_staged (at, actor_id, actor, action, object_type, object_id,
                                  before, after)
        SELECT :now, :actor_id, :actor, :action, :object_type, :object_id, :before, :after
        FROM scan
    )
    SELECT id FROM scan
    """
    ).bindparams(
        bindparam("now", type_=UTCDateTime()),
        bindparam("crossed_on", type_=Date()),
        *(bindparam(name, type_=JSONType) for name in ("reasons", "before", "after")),
    )
)


def _pairs(joined: str | None) -> list[list[str]]:
    return [item.split(_FIELD) for item in joined.split(_ITEM)] if joined else []


def border_read(
    session: Session, token_hash: str, doc_id: str | None, revision: int | None
) -> BorderRead:
    """The caller with ``token_hash`` and the record of document ``doc_id`` (revision
    ``revision`` for the cancellation check), in one round trip."""
    params = {"token_hash": token_hash, "doc_id": doc_id, "revision": revision}
    values = _BORDER_READ.first(session, params)
    if values is None:
        return BorderRead(caller=None, record=None, listening=False)
    caller = Account(**{c: values.pop(f"caller_{c}") for c in _CALLER})
    listening = bool(values.pop("listening"))
    if values["movement_id"] is None:
        return BorderRead(caller=caller, record=None, listening=listening)
    ordered = sorted(_pairs(values.pop("route")), key=lambda item: int(item[0]))
    values["route"] = tuple((country, capacity) for _, country, capacity in ordered)
    values["crossed"] = tuple((country, way) for country, way in _pairs(values.pop("crossed")))
    values["cancelled"] = bool(values["cancelled"])
    return BorderRead(caller=caller, record=BorderRecord(**values), listening=listening)


def add_scan(session: Session, **values: Any) -> tuple[int, datetime]:
    """Insert the scan; returns its id and time."""
    values.setdefault("scanned_at", utcnow())
    scan_id = session.connection().execute(_ADD_SCAN, values).scalar_one()
    return int(scan_id), values["scanned_at"]


def record_valid_scan(
    session: Session,
    record: BorderRecord,
    *,
    new_status: str,
    scan: dict[str, Any],
    crossed_on: date,
    event: dict[str, Any],
) -> tuple[int, datetime] | None:
    """Move the shipment on, store the ``scan`` with its crossing (dated ``crossed_on`` at the
    border) and stage the audit ``event``, unless the shipment changed since it was read: then
    nothing is written and the answer is None. Returns the scan's id and time."""
    now = event["at"]
    move = {"m_id": record.movement_id, "was": record.version, "new_status": new_status}
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        params = {**scan, **event, **move, "now": now, "crossed_on": crossed_on}
        scan_id = _VALID_SCAN_PG.scalar(session, params)
        return None if scan_id is None else (int(scan_id), now)
    if conn.execute(_MOVE_ON, {**move, "now": now, "crossed_on": crossed_on}).rowcount != 1:
        return None
    scan_id = conn.execute(_ADD_SCAN, {**scan, "scanned_at": now}).scalar_one()
    crossing = {key: scan[key] for key in ("movement_id", "country", "office", "direction")}
    conn.execute(
        _ADD_CROSSING,
        {**crossing, "crossed_at": now, "crossed_on": crossed_on, "scan_id": scan_id},
    )
    audit.stage(session, [event])
    return int(scan_id), now
