"""json_array_has_id on the real database: the same answers on SQLite and PostgreSQL, and on
PostgreSQL an index that serves it."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from sqlalchemy import cast, literal, select, text
from sqlalchemy.dialects.postgresql import JSONB

from app.accounts.domain import Caller
from app.accounts.models import Role
from app.core.json_sql import json_array_has_id
from app.notifications.models import Notification
from app.notifications.repository import visible_filter


@pytest.mark.parametrize(
    ("array", "found"),
    [
        ('[{"party_id": 7}]', True),
        ('[{"party_id": 8}, {"party_id": 7, "means_of_transport": ["R"]}]', True),
        ('[{"party_id": 77}, {"party_id": 8}]', False),
        ('[{"party_id": "7"}]', False),  # ids are stored as numbers; a string is another value
        ('[{"carrier": 7}]', False),
        ("[]", False),
    ],
)
def test_finds_an_object_with_the_id_in_a_json_array(app: FastAPI, array: str, found: bool) -> None:
    with app.state.engine.connect() as conn:
        column = (
            cast(literal(array), JSONB) if conn.dialect.name == "postgresql" else literal(array)
        )
        assert conn.scalar(select(json_array_has_id(column, "party_id", 7))) is found


def test_a_carriers_notifications_are_found_through_an_index_on_postgresql(app: FastAPI) -> None:
    """On PostgreSQL the carrier's test can use the GIN index of migration 0014 (the planner
    is told to avoid a full scan, which it prefers on a table this small); SQLite has none."""
    carrier = Caller(id=1, role=Role.CARRIER, country="DE", party_id=7)
    query = select(Notification.id).where(visible_filter(carrier))
    with app.state.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            named = text("SELECT count(*) FROM sqlite_master WHERE name = :name")
            assert conn.scalar(named, {"name": "ix_notifications_carriers"}) == 0
            return
        conn.execute(text("SET LOCAL enable_seqscan = off"))
        compiled = query.compile(conn, compile_kwargs={"literal_binds": True})
        plan = "\n".join(conn.scalars(text(f"EXPLAIN {compiled}")))
    assert "ix_notifications_carriers" in plan
