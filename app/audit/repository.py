from collections.abc import Iterator
from typing import Any

from sqlalchemy import Row, delete, exists, func, insert, select, text
from sqlalchemy.orm import Session, sessionmaker

from app.audit.models import AuditEvent, StagedAuditEvent

#: Arbitrary constant naming the PostgreSQL advisory lock that serialises chain appends.
CHAIN_LOCK_KEY = 7_300_001
_TRY_LOCK_CHAIN = text("SELECT pg_try_advisory_xact_lock(:k)")
_LAST_LINK = select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
_CONTENT = ("at", "actor_id", "actor", "action", "object_type", "object_id", "before", "after")
_ANY_STAGED = select(exists().select_from(StagedAuditEvent))


def try_lock_chain(session: Session) -> bool:
    """Take the chain lock until commit, if no one holds it. SQLite serialises writing
    transactions already, so there it is always ours."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(session.connection().execute(_TRY_LOCK_CHAIN, {"k": CHAIN_LOCK_KEY}).scalar())


def stage(session: Session, events: list[dict[str, Any]]) -> None:
    session.connection().execute(insert(StagedAuditEvent), events)


def take_staged(session: Session, limit: int) -> list[Row[Any]]:
    """Remove and return the oldest staged events (the caller chains them in its transaction)."""
    oldest = select(StagedAuditEvent.id).order_by(StagedAuditEvent.id).limit(limit)
    taken = delete(StagedAuditEvent).where(StagedAuditEvent.id.in_(oldest.scalar_subquery()))
    rows = session.connection().execute(taken.returning(*StagedAuditEvent.__table__.c)).all()
    return sorted(rows, key=lambda row: row.id)


def content(event: Any) -> dict[str, Any]:
    """The event's own fields (no id or hashes), from a noted dict or a staged row."""
    if isinstance(event, dict):
        return {name: event[name] for name in _CONTENT}
    return {name: getattr(event, name) for name in _CONTENT}


def anything_staged(factory: sessionmaker[Session]) -> bool:
    """One quick look, outside any transaction on PostgreSQL (this runs after every commit)."""
    with factory() as session:
        if session.get_bind().dialect.name == "postgresql":
            conn = session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
            return bool(conn.execute(_ANY_STAGED).scalar())
        return bool(session.execute(_ANY_STAGED).scalar())


_EXTENT = select(
    select(func.max(AuditEvent.id)).scalar_subquery(),
    select(func.count()).select_from(StagedAuditEvent).scalar_subquery(),
)


def chain_extent(session: Session) -> tuple[int, int]:
    """The id of the last chained event and how many are staged, in one statement: a sealing
    transaction that commits between two statements would move events from one count to the
    other (each statement sees its own snapshot under READ COMMITTED)."""
    last, staged = session.execute(_EXTENT).one()
    return int(last or 0), int(staged or 0)


def staged_for(session: Session, object_type: str, object_id: str) -> list[StagedAuditEvent]:
    stmt = (
        select(StagedAuditEvent)
        .where(
            StagedAuditEvent.object_type == object_type,
            StagedAuditEvent.object_id == object_id,
        )
        .order_by(StagedAuditEvent.id)
    )
    return list(session.scalars(stmt))


def last_link(session: Session) -> tuple[int, str] | None:
    """Id and hash of the newest event: what the next one chains to."""
    row = session.connection().execute(_LAST_LINK).first()
    return (row[0], row[1]) if row else None


def append(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert sealed events as plain rows."""
    session.connection().execute(insert(AuditEvent), rows)


def iter_events(session: Session, up_to: int, batch: int = 1000) -> Iterator[AuditEvent]:
    """The chained events with ids up to ``up_to``, in order."""
    stmt = (
        select(AuditEvent)
        .where(AuditEvent.id <= up_to)
        .order_by(AuditEvent.id)
        .execution_options(yield_per=batch)
    )
    yield from session.scalars(stmt)


def events_for(session: Session, object_type: str, object_id: str) -> list[AuditEvent]:
    stmt = (
        select(AuditEvent)
        .where(AuditEvent.object_type == object_type, AuditEvent.object_id == object_id)
        .order_by(AuditEvent.id)
    )
    return list(session.scalars(stmt))
