"""Append to and check the audit chain.

Appending needs the chain's lock until the appending transaction commits. If every request
waited for it, every write in the service would queue behind one disk flush at a time (about
3.5 ms here: no more than ~280 writes/s). So:

1. ``record`` notes an event in the caller's session (nothing is written; a request that fails
   records nothing);
2. ``write``, at the commit point (``app.core.db.unit_of_work``), chains the noted events at
   once if the chain lock is free; if another transaction holds it, it stages them in
   ``audit_staged`` instead, in the same transaction as the change they describe, and moves on;
3. ``seal``, run after every commit that wrote events, chains whatever is staged, if the lock is
   free. Whoever holds the lock runs it after its own commit, so an event staged while the lock
   was held is always picked up.

Staged events (for milliseconds, or until the next write if a process died in between; the
worker seals too) count in ``verify``'s report and show in ``history``.
"""

import logging
from types import SimpleNamespace
from typing import Any, NotRequired, TypedDict, Unpack

from sqlalchemy.orm import Session, sessionmaker

from app.accounts.models import Account
from app.audit import repository
from app.audit.domain import GENESIS_HASH, ChainReport, event_hash, to_jsonable, verify_links
from app.audit.models import AuditEvent
from app.core.db import utcnow

NOTED = "audit_noted"
STAGED = "audit_staged_by_statement"
#: Staged events chained per sealing transaction (bounds its length under a backlog).
SEAL_BATCH = 1000

log = logging.getLogger(__name__)


class EventFields(TypedDict):
    """What a service says about one event."""

    actor: Account | None
    action: str
    object_type: str
    object_id: object
    before: NotRequired[dict[str, Any] | None]
    after: NotRequired[dict[str, Any] | None]


def record(*, session: Session, **fields: Unpack[EventFields]) -> None:
    """Note an event for the commit point to write (chained or staged, see above)."""
    session.info.setdefault(NOTED, []).append(event(**fields))


def event(**fields: Unpack[EventFields]) -> dict[str, Any]:
    """The content of one event, as it is staged and hashed."""
    actor, before, after = fields["actor"], fields.get("before"), fields.get("after")
    return {
        "at": utcnow(),
        "actor_id": actor.id if actor else None,
        "actor": f"{actor.role}:{actor.name}" if actor else "system",
        "action": fields["action"],
        "object_type": fields["object_type"],
        "object_id": str(fields["object_id"]),
        "before": to_jsonable(before) if before is not None else None,
        "after": to_jsonable(after) if after is not None else None,
    }


def staged_by_statement(session: Session) -> None:
    """Tell the commit point that a statement of this session staged events itself (the border
    scan does, in its one write): after the commit, the background sealer chains them."""
    session.info[STAGED] = True


def write(session: Session) -> bool:
    """Write the session's noted events just before its commit: chained if the chain lock is
    free (held until the commit), else staged. Returns whether there were any."""
    noted = session.info.pop(NOTED, [])
    if not noted:
        return False
    if repository.try_lock_chain(session):
        repository.append(session, _chain(repository.last_link(session), noted))
    else:
        repository.stage(session, noted)
    return True


def discard(session: Session) -> None:
    session.info.pop(NOTED, None)
    session.info.pop(STAGED, None)


def seal(factory: sessionmaker[Session]) -> int:
    """Chain staged events while there are any and the chain lock is free; returns how many.

    Never raises: on an error the events stay staged and a later commit seals them.
    """
    chained = 0
    while repository.anything_staged(factory):
        batch = seal_batch(factory)
        if not batch:
            return chained  # the lock is taken (its holder looks again after its commit)
        chained += batch
    return chained


def seal_batch(factory: sessionmaker[Session]) -> int | None:
    """Chain up to ``SEAL_BATCH`` staged events in one transaction if the chain lock is free;
    returns how many, or None when the lock is taken or on an error (the events stay staged)."""
    try:
        with factory() as session, session.begin():
            if not repository.try_lock_chain(session):
                return None
            batch = repository.take_staged(session, SEAL_BATCH)
            if batch:
                repository.append(session, _chain(repository.last_link(session), batch))
            return len(batch)
    except Exception:
        log.warning("audit events stay staged; a later commit seals them", exc_info=True)
        return None


def _chain(last: tuple[int, str] | None, events: list[Any]) -> list[dict[str, Any]]:
    """The events (noted dicts or staged rows) as chain links after ``last``, in order."""
    next_id, prev = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
    links = []
    for offset, event in enumerate(events):
        link = {"id": next_id + offset, "prev_hash": prev, **repository.content(event)}
        link["hash"] = prev = event_hash(SimpleNamespace(**link))
        links.append(link)
    return links


def verify(*, session: Session) -> ChainReport:
    last, staged = repository.chain_extent(session)
    return verify_links(repository.iter_events(session, up_to=last)).with_staged(staged)


def history(*, session: Session, object_type: str, object_id: object) -> list[AuditEvent]:
    """Events of one object in the order they happened: chained, staged, and those this
    session has noted (staged events are chained later than newer ones may be)."""
    sealed = repository.events_for(session, object_type, str(object_id))
    waiting = [
        repository.content(row)
        for row in repository.staged_for(session, object_type, str(object_id))
    ]
    waiting += [
        fields
        for fields in session.info.get(NOTED, [])
        if fields["object_type"] == object_type and fields["object_id"] == str(object_id)
    ]
    unsealed = [AuditEvent(id=0, prev_hash="", hash="", **fields) for fields in waiting]
    return sorted(sealed + unsealed, key=lambda event: event.at)
