"""Append to and check the audit chain. Appends happen in the caller's transaction."""

from typing import Any

from sqlalchemy.orm import Session

from app.accounts.models import Account
from app.audit import repository
from app.audit.domain import GENESIS_HASH, ChainReport, event_hash, to_jsonable, verify_links
from app.audit.models import AuditEvent
from app.core.db import utcnow


def record(
    *,
    session: Session,
    actor: Account | None,
    action: str,
    object_type: str,
    object_id: object,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    repository.lock_chain(session)
    last = repository.last_event(session)
    event = AuditEvent(
        id=(last.id + 1) if last else 1,
        at=utcnow(),
        actor_id=actor.id if actor else None,
        actor=f"{actor.role}:{actor.name}" if actor else "system",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        before=to_jsonable(before) if before is not None else None,
        after=to_jsonable(after) if after is not None else None,
        prev_hash=last.hash if last else GENESIS_HASH,
    )
    event.hash = event_hash(event)
    session.add(event)
    session.flush()
    return event


def verify(*, session: Session) -> ChainReport:
    return verify_links(repository.iter_events(session))


def history(*, session: Session, object_type: str, object_id: object) -> list[AuditEvent]:
    return repository.events_for(session, object_type, str(object_id))
