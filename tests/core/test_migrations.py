"""`alembic upgrade head` on an empty database gives exactly the models' schema."""

import warnings
from datetime import UTC

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from app.core.migrate import built_here
from app.demo import DemoWorld
from app.models import Base, Crossing, Decision, FlagRecord, Movement, Notification
from tests.factories import (
    bearer,
    consented_notification,
    create_movement,
    file_notification,
    migrate_down_and_up,
    post,
    scan,
)


def test_migrations_build_exactly_the_models_schema(app: FastAPI) -> None:
    # The session database was created empty and built only by `alembic upgrade head`.
    with app.state.engine.connect() as conn, warnings.catch_warnings():
        if conn.dialect.name == "sqlite":
            # SQLite cannot reflect expression indexes (ix_notifications_basel_code), so alembic
            # skips them with a warning there; the PostgreSQL run compares them.
            warnings.filterwarnings("ignore", message=".*expression-based index")
        opts = {"compare_type": True, "include_object": built_here(conn.dialect.name)}
        context = MigrationContext.configure(conn, opts=opts)
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_every_table_is_under_migration(app: FastAPI) -> None:
    from sqlalchemy import inspect

    with app.state.engine.connect() as conn:
        tables = set(inspect(conn).get_table_names()) - {"alembic_version"}
    assert tables == set(Base.metadata.tables)


def test_rows_from_before_local_step_dates_get_the_utc_dates_of_their_steps(
    client: TestClient, world: DemoWorld, app: FastAPI, database_url: str
) -> None:
    """Migrations 0010 to 0013: steps, crossings, decisions, consents, departures and closed
    cases recorded before their local dates were kept get the only date they have, the UTC
    date of their timestamp."""
    n = consented_notification(client, world)
    draft = file_notification(client, world)
    m = create_movement(client, world, n["id"])
    post(client, world, "exporter_my", f"/movements/{m['id']}/announce")
    scan(client, world, "customs_my", m["qr_text"], "MYPKG", "exit")
    scan(client, world, "customs_th", m["qr_text"], "THLCH", "entry")  # off the route: a case
    (case,) = client.get("/flags", headers=bearer(world.tokens["inspector_th"])).json()
    cleared = {"reason": "Wrong office keyed in"}
    assert post(client, world, "inspector_th", f"/cases/{case['id']}/clear", cleared).is_success
    migrate_down_and_up(app, database_url, "0009")  # the upgrade fills dates from timestamps
    with app.state.engine.connect() as conn:
        steps = {row.id: row for row in conn.execute(select(Notification))}
        (crossing,) = conn.execute(select(Crossing)).all()
        (movement,) = conn.execute(select(Movement)).all()
        (flag,) = conn.execute(select(FlagRecord)).all()
        decisions = conn.execute(select(Decision).where(Decision.decided_at.isnot(None))).all()
    consented = steps[n["id"]]
    for on, at in [
        (consented.submitted_on, consented.submitted_at),
        (consented.transmitted_on, consented.transmitted_at),
        (consented.acknowledged_on, consented.acknowledged_at),
        (consented.consented_on, consented.consented_at),
        (crossing.crossed_on, crossing.crossed_at),
        (movement.departed_on, movement.departed_at),
        (flag.closed_on, flag.closed_at),
        *((d.decided_on, d.decided_at) for d in decisions),
    ]:
        assert on == at.astimezone(UTC).date()
    assert steps[draft["id"]].submitted_on is None and steps[draft["id"]].acknowledged_on is None
    assert steps[draft["id"]].consented_on is None
