"""Database plumbing: one declarative base with a naming convention, engine and session factory.

Services receive a ``Session`` as a keyword argument and never commit; the request (or worker
job) that opened the session commits once at the end, so a failure leaves nothing half-written.
"""

from __future__ import annotations

import select as io_select
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, DateTime, Engine, Index, MetaData, create_engine, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps on every backend (SQLite drops the offset otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


#: JSON that is JSONB on PostgreSQL (indexable) and plain JSON elsewhere.
JSONType = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSONType,
        list[Any]: JSONType,
    }


def postgresql_only(index: Index) -> Index:
    """An index only PostgreSQL can use (GIN, say): built there, and neither built on SQLite
    nor expected there by ``app.core.migrate.built_here``."""
    index.info["dialect"] = "postgresql"
    return index.ddl_if(dialect="postgresql")


def utcnow() -> datetime:
    return datetime.now(UTC)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, below
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin_immediate(conn: Any) -> None:
            # SQLite allows one writer; taking the write lock up front makes concurrent
            # requests queue instead of failing on lock upgrade, and keeps the audit
            # chain linear (PostgreSQL uses an advisory lock for the same purpose).
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    engine = create_engine(url, pool_size=10, max_overflow=20)
    event.listen(engine, "checkout", _discard_dead_connection)
    return engine


def _discard_dead_connection(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
    """Replace a pooled connection the server has closed, without a round trip.

    An idle connection has nothing to read; a server that shut down or dropped it has sent an
    error and closed the socket, which makes it readable. Raising ``DisconnectionError`` makes
    the pool discard it and hand out a new one, as ``pool_pre_ping`` would, but without the
    ``SELECT 1`` that pre-ping sends on every checkout (a round trip, two context switches, on a
    path that border scans take hundreds of times a second).
    """
    pgconn = getattr(dbapi_conn, "pgconn", None)
    if pgconn is None:
        return
    if dbapi_conn.closed or dbapi_conn.broken:
        raise DisconnectionError("the connection is closed")
    poller = io_select.poll()  # not select(): it fails for descriptors above 1023
    poller.register(pgconn.socket, io_select.POLLIN)
    if poller.poll(0):
        raise DisconnectionError("the server closed or wrote to an idle connection")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: commit if the block succeeds, roll back everything if it raises.

    The audit events the block noted are written in the same transaction, and whatever other
    transactions staged meanwhile is chained after the commit (``app.audit.service``). Events
    a statement staged by itself (the border scan's) are left to the background sealer."""
    from app.audit.sealer import sealer_for
    from app.audit.service import STAGED, discard, seal, write

    session = factory()
    try:
        yield session
        wrote = write(session)
        staged = session.info.pop(STAGED, False)
        session.commit()
    except BaseException:
        discard(session)
        session.rollback()
        raise
    finally:
        session.close()
    if wrote:
        seal(factory)
    elif staged:
        sealer_for(factory).poke()
