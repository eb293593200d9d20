"""Append to and check the audit chain.

``record`` only notes the event in the caller's session; the events are chained and written by
``seal`` at the commit point (``app.core.db.unit_of_work``), so the chain lock is held for the
last insert and the commit only, not for the whole request. A request that fails records nothing.
"""

from typing import Any

from sqlalchemy.orm import Session

from app.accounts.models import Account
from app.audit import repository
from app.audit.domain import GENESIS_HASH, ChainReport, event_hash, to_jsonable, verify_links
from app.audit.models import AuditEvent
from app.core.db import utcnow

PENDING = "audit_pending"


def record(
    *,
    session: Session,
    actor: Account | None,
    action: str,
    object_type: str,
    object_id: object,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    session.info.setdefault(PENDING, []).append(
        {
            "at": utcnow(),
            "actor_id": actor.id if actor else None,
            "actor": f"{actor.role}:{actor.name}" if actor else "system",
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id),
            "before": to_jsonable(before) if before is not None else None,
            "after": to_jsonable(after) if after is not None else None,
        }
    )


def seal(session: Session) -> int:
    """Chain and insert the session's pending events; called just before commit."""
    pending = session.info.pop(PENDING, [])
    if not pending:
        return 0
    repository.lock_chain(session)
    last = repository.last_event(session)
    next_id, prev = (last.id + 1, last.hash) if last else (1, GENESIS_HASH)
    for offset, fields in enumerate(pending):
        event = AuditEvent(id=next_id + offset, prev_hash=prev, **fields)
        event.hash = prev = event_hash(event)
        session.add(event)
    session.flush()
    return len(pending)


def discard(session: Session) -> None:
    session.info.pop(PENDING, None)


def verify(*, session: Session) -> ChainReport:
    return verify_links(repository.iter_events(session))


def history(*, session: Session, object_type: str, object_id: object) -> list[AuditEvent]:
    """Sealed events of one object, then those this session has noted but not yet sealed."""
    sealed = repository.events_for(session, object_type, str(object_id))
    noted = [
        AuditEvent(id=0, prev_hash="", hash="", **fields)
        for fields in session.info.get(PENDING, [])
        if fields["object_type"] == object_type and fields["object_id"] == str(object_id)
    ]
    return sealed + noted
