import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, bindparam, delete, exists, func, insert, select, text
from sqlalchemy.orm import Session, sessionmaker

from app.audit.models import AuditEvent, StagedAuditEvent
from app.core.driver import DriverStatement

#: Arbitrary constant naming the PostgreSQL advisory lock that serialises chain appends.
CHAIN_LOCK_KEY = 7_300_001
_TRY_LOCK_CHAIN = DriverStatement(text("SELECT pg_try_advisory_xact_lock(:k)"))
_LAST_LINK = DriverStatement(
    select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
)
_OLDEST_STAGED = (
    select(StagedAuditEvent.id)
    .order_by(StagedAuditEvent.id)
    .limit(bindparam("limit", type_=Integer))
    .scalar_subquery()
)
_TAKE_STAGED = DriverStatement(
    delete(StagedAuditEvent)
    .where(StagedAuditEvent.id.in_(_OLDEST_STAGED))
    .returning(*StagedAuditEvent.__table__.c)
)
_CONTENT = ("at", "actor_id", "actor", "action", "object_type", "object_id", "before", "after")
_ANY_STAGED = select(exists().select_from(StagedAuditEvent))


def try_lock_chain(session: Session) -> bool:
    """Take the chain lock until commit, if no one holds it. SQLite serialises writing
    transactions already, so there it is always ours."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(_TRY_LOCK_CHAIN.scalar(session, {"k": CHAIN_LOCK_KEY}))


def stage(session: Session, events: list[dict[str, Any]]) -> None:
    session.connection().execute(insert(StagedAuditEvent), events)


def take_staged(session: Session, limit: int) -> list[dict[str, Any]]:
    """Remove and return the oldest staged events (the caller chains them in its transaction).

    The sealer's statements run on the driver cursor (``DriverStatement``): under a stream of
    border scans each process seals many times a second, and SQLAlchemy's work around each
    execution cost more CPU than the statement."""
    rows = _TAKE_STAGED.all(session, {"limit": limit})
    return sorted(rows, key=lambda row: row["id"])


def content(event: Any) -> dict[str, Any]:
    """The event's own fields (no id or hashes), from a noted or taken dict or a staged row."""
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
    row = _LAST_LINK.first(session, {})
    return (row["id"], row["hash"]) if row else None


#: The sealed events of one batch as one statement on PostgreSQL: the links travel as one JSON
#: array and each becomes a row (``->`` keeps a JSON null as stored by the JSON type: 'null').
_APPEND_ARRAY = DriverStatement(
    text(
        "INSERT INTO audit_events"
        " (id, at, actor_id, actor, action, object_type, object_id, before, after, prev_hash, hash)"
        " SELECT (l->>'id')::bigint, (l->>'at')::timestamptz, (l->>'actor_id')::bigint,"
        " l->>'actor', l->>'action', l->>'object_type', l->>'object_id', l->'before', l->'after',"
        " l->>'prev_hash', l->>'hash'"
        " FROM jsonb_array_elements(CAST(:links AS jsonb)) AS l"
    )
)


def _jsonable_time(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def append(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert sealed events.

    On PostgreSQL the whole batch is one statement with one parameter: under a stream of
    border scans the sealer chains events all the time, and an ``executemany`` spent per row
    SQLAlchemy's parameter processing, the JSON type's serialisation and a pipelined statement
    of the driver (~60 µs of CPU per event here). Elsewhere, plain rows."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        links = json.dumps(rows, default=_jsonable_time, ensure_ascii=False)
        _APPEND_ARRAY.run(session, {"links": links})
    else:
        connection.execute(insert(AuditEvent), rows)


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
