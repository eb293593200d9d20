from datetime import datetime
from typing import Any

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base


class EventContent:
    """What an event says: who, when, what, before → after (shared by staged and sealed events)."""

    at: Mapped[datetime]
    actor_id: Mapped[int | None]
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(60))
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]


class AuditEvent(EventContent, Base):
    """One write or transition, chained to its predecessor."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_object", "object_type", "object_id"),)

    #: Position in the chain, assigned under the chain lock (not a free-running sequence).
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class StagedAuditEvent(EventContent, Base):
    """An event committed with the change it describes, waiting to be chained.

    Appending to the chain needs the chain's lock until the appending transaction commits; if
    every request appended its own events, every write in the service would queue behind one
    lock for the length of a disk flush (about 3.5 ms here: no more than ~280 writes/s). So a
    request only stages its events, without a lock, in its own transaction; after the commit,
    whoever gets the lock chains everything staged so far in one go (``audit.service.seal``).
    """

    __tablename__ = "audit_staged"
    __table_args__ = (Index("ix_audit_staged_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
