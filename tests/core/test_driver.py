"""DriverStatement: the border scan's statements on the driver cursor give what SQLAlchemy gives.

On PostgreSQL these tests run the driver path; on SQLite the same contract through SQLAlchemy.
"""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import bindparam, delete, event, func, select, text
from sqlalchemy.exc import (
    DBAPIError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    StatementError,
)
from sqlalchemy.orm import Session

from app.accounts.models import Account
from app.audit.models import StagedAuditEvent
from app.core.db import JSONType, UTCDateTime
from app.core.driver import DriverStatement

AT = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)

_READ = DriverStatement(
    select(
        StagedAuditEvent.at,
        StagedAuditEvent.after,
        (StagedAuditEvent.action + ":" + StagedAuditEvent.object_type).label("what"),
        select(func.aggregate_strings(StagedAuditEvent.actor, ";"))
        .where(StagedAuditEvent.object_id == bindparam("object_id"))
        .scalar_subquery()
        .label("actors"),
    )
    .where(StagedAuditEvent.object_id == bindparam("object_id"))
    .order_by(StagedAuditEvent.id)
    .limit(1)
)
_STAGE = DriverStatement(
    text(
        "INSERT INTO audit_staged (at, actor, action, object_type, object_id, after) "
        "VALUES (:at, :actor, 'movement.cross', 'movement', :object_id, :after) RETURNING id"
    ).bindparams(bindparam("at", type_=UTCDateTime()), bindparam("after", type_=JSONType))
)


def _stage(session: Session, object_id: str, actor: str, **more: Any) -> Any:
    values = {"at": AT, "actor": actor, "object_id": object_id, "after": {"status": "in_transit"}}
    return _STAGE.scalar(session, {**values, **more})


def test_a_row_reads_as_sqlalchemy_reads_it(session: Session) -> None:
    _stage(session, "7", "officer A")
    _stage(session, "7", "officer B", at=AT + timedelta(hours=1))

    row = _READ.first(session, {"object_id": "7"})

    expected = session.execute(_READ.statement, {"object_id": "7"}).one()._asdict()
    assert row == expected
    assert row == {
        "at": AT,
        "after": {"status": "in_transit"},
        "what": "movement.cross:movement",
        "actors": "officer A;officer B",
    }
    assert row["at"].tzinfo is not None  # the UTC column's result processor ran


def test_typed_parameters_go_through_their_types(session: Session) -> None:
    plus_eight = AT.astimezone(timezone(timedelta(hours=8)))
    staged_id = _stage(session, "8", "officer", at=plus_eight, after={"crossed": ["MY"]})

    stored = session.get(StagedAuditEvent, staged_id)
    assert stored is not None
    assert stored.at == AT and stored.after == {"crossed": ["MY"]}
    with pytest.raises(StatementError, match="naive datetime"):
        _stage(session, "9", "officer", at=datetime(2026, 3, 1, 12, 30))


def test_no_row_is_none(session: Session) -> None:
    _stage(session, "12", "officer")
    staged_id = DriverStatement(text("SELECT id FROM audit_staged WHERE object_id = :object_id"))

    assert _READ.first(session, {"object_id": "nothing"}) is None
    assert staged_id.scalar(session, {"object_id": "nothing"}) is None
    assert staged_id.scalar(session, {"object_id": "12"}) is not None


def test_every_row_and_a_returning_delete_read_as_sqlalchemy_reads_them(
    session: Session,
) -> None:
    for object_id in ("20", "21", "22"):
        _stage(session, object_id, f"officer {object_id}")
    everything = select(StagedAuditEvent.object_id, StagedAuditEvent.at).order_by(
        StagedAuditEvent.id
    )
    take = DriverStatement(
        delete(StagedAuditEvent)
        .where(StagedAuditEvent.object_id != bindparam("kept"))
        .returning(StagedAuditEvent.object_id, StagedAuditEvent.after)
    )

    assert DriverStatement(everything).all(session, {}) == [
        row._asdict() for row in session.execute(everything)
    ]
    taken = take.all(session, {"kept": "21"})

    assert sorted(taken, key=lambda row: row["object_id"]) == [
        {"object_id": "20", "after": {"status": "in_transit"}},
        {"object_id": "22", "after": {"status": "in_transit"}},
    ]
    assert [row["object_id"] for row in DriverStatement(everything).all(session, {})] == ["21"]
    assert take.all(session, {"kept": "21"}) == []


def test_a_statement_without_rows_runs(session: Session) -> None:
    remove = DriverStatement(text("DELETE FROM audit_staged WHERE object_id = :object_id"))
    _stage(session, "23", "officer")

    remove.run(session, {"object_id": "23"})

    assert _READ.first(session, {"object_id": "23"}) is None


def test_it_writes_in_the_sessions_transaction(app: FastAPI) -> None:
    factory = app.state.session_factory
    with factory() as session:
        _stage(session, "10", "officer")
        assert session.scalar(select(func.count()).select_from(StagedAuditEvent)) == 1
        session.rollback()
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(StagedAuditEvent)) == 0


def test_a_database_error_is_sqlalchemys_and_the_session_goes_on(session: Session) -> None:
    session.add(
        Account(
            name="A",
            role="customs",
            country="MY",
            time_zone="Asia/Kuala_Lumpur",
            token_hash="h",
            token_hint="x",
        )
    )
    session.flush()
    duplicate = DriverStatement(
        text(
            "INSERT INTO accounts (name, role, country, time_zone, token_hash, token_hint, "
            "active, created_at) VALUES ('B', 'customs', 'MY', 'Asia/Kuala_Lumpur', :token_hash, "
            "'y', true, :now) RETURNING id"
        ).bindparams(bindparam("now", type_=UTCDateTime()))
    )

    with pytest.raises(IntegrityError):  # the problem handler answers it with a 409
        duplicate.scalar(session, {"token_hash": "h", "now": AT})

    session.rollback()
    assert duplicate.scalar(session, {"token_hash": "other", "now": AT}) is not None


def test_a_connection_lost_under_the_statement_is_reported_and_replaced(app: FastAPI) -> None:
    factory = app.state.session_factory
    with factory() as session:
        session.connection().connection.dbapi_connection.close()

        postgres = session.connection().dialect.name == "postgresql"
        with pytest.raises(DBAPIError) as lost:
            _READ.first(session, {"object_id": "13"})

        assert lost.value.connection_invalidated  # the pool will not hand it out again
        if postgres:  # what the problem handlers answer with a 503 (SQLite is a local file)
            assert isinstance(lost.value, OperationalError | InterfaceError)
        session.rollback()
    with factory() as session:
        assert _READ.first(session, {"object_id": "13"}) is None


@pytest.fixture
def statements_seen(app: FastAPI) -> Iterator[list[str]]:
    seen: list[str] = []

    def note(*args: Any) -> None:
        seen.append(args[2])

    event.listen(app.state.engine, "before_cursor_execute", note)
    yield seen
    event.remove(app.state.engine, "before_cursor_execute", note)


def test_on_postgresql_the_statement_bypasses_sqlalchemys_execution(
    session: Session, statements_seen: list[str]
) -> None:
    session.connection()
    _READ.first(session, {"object_id": "11"})

    driver_path = session.connection().dialect.name == "postgresql"
    reads = [s for s in statements_seen if "FROM audit_staged" in s]
    assert len(reads) == (0 if driver_path else 1)
