from collections.abc import Iterator

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent

#: Arbitrary constant naming the PostgreSQL advisory lock that serialises chain appends.
CHAIN_LOCK_KEY = 7_300_001


def lock_chain(session: Session) -> None:
    """Serialise appends until commit (SQLite already holds its single write lock)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CHAIN_LOCK_KEY})


def last_event(session: Session) -> AuditEvent | None:
    return session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).first()


def iter_events(session: Session, batch: int = 1000) -> Iterator[AuditEvent]:
    stmt = select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=batch)
    yield from session.scalars(stmt)


def events_for(session: Session, object_type: str, object_id: str) -> list[AuditEvent]:
    stmt = (
        select(AuditEvent)
        .where(AuditEvent.object_type == object_type, AuditEvent.object_id == object_id)
        .order_by(AuditEvent.id)
    )
    return list(session.scalars(stmt))
