"""Movements carry search columns (states of export and import, flag count): the services keep
them, the migration that added them filled them for the movements that existed."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from alembic import command
from app.core.migrate import alembic_config
from app.demo import DemoWorld
from app.movements.models import Movement
from app.notifications.models import Notification
from app.screening.models import FlagRecord
from tests.customs.test_api import my_export
from tests.factories import bearer
from tests.search.test_api import _world_with_flags


def _search_columns(app: FastAPI) -> dict[int, tuple[str, str, int]]:
    with app.state.session_factory() as s:
        rows = s.execute(
            select(
                Movement.id, Movement.export_country, Movement.import_country, Movement.flag_count
            )
        )
        return {i: (export, import_, flags) for i, export, import_, flags in rows}


def _as_the_sources_say(app: FastAPI) -> dict[int, tuple[str, str, int]]:
    """The same columns computed from the notifications and the flags themselves."""
    flags = (
        select(func.count(FlagRecord.id))
        .where(FlagRecord.movement_id == Movement.id)
        .scalar_subquery()
    )
    with app.state.session_factory() as s:
        rows = s.execute(
            select(
                Movement.id, Notification.export_country, Notification.import_country, flags
            ).join(Notification, Notification.id == Movement.notification_id)
        )
        return {i: (export, import_, n) for i, export, import_, n in rows}


def _flagged_declaration(client: TestClient, world: DemoWorld, n: Any, m: Any) -> None:
    """Customs declare far more than the movement document says: a flag on that movement."""
    declaration = my_export(
        world,
        n,
        m,
        declaration_id="MY-EXP-9",
        goods=[
            {
                "hs_code": "854911",
                "description": "Spent lead-acid batteries, whole",
                "net_mass_kg": "90000",
                "packages": 20,
            }
        ],
    )
    r = client.post(
        "/customs/declarations",
        content=json.dumps([declaration]),
        headers=bearer(world.tokens["customs_my"]),
    )
    assert r.json()["flagged"] == 1, r.json()


def test_services_keep_the_search_columns(
    client: TestClient, world: DemoWorld, app: FastAPI
) -> None:
    data = _world_with_flags(client, world)  # border scans flag movements 0-2
    _flagged_declaration(client, world, data["n"], data["movements"][3])
    columns = _search_columns(app)
    assert columns == _as_the_sources_say(app)
    assert sorted(flags for _, _, flags in columns.values()) == [0, 1, 1, 1, 1]
    assert {(export, import_) for export, import_, _ in columns.values()} == {("MY", "KR")}
    page = client.get("/search/movements", headers=bearer(world.tokens["authority_kr"])).json()
    assert {i["id"]: i["flags"] for i in page["items"]} == {i: c[2] for i, c in columns.items()}


def test_the_migration_fills_them_for_existing_movements(
    client: TestClient, world: DemoWorld, app: FastAPI, database_url: str
) -> None:
    _world_with_flags(client, world)
    before = _search_columns(app)
    config = alembic_config(database_url)
    app.state.engine.dispose()  # no pooled connection in the way of the schema change
    try:
        command.downgrade(config, "0005")  # drops the columns...
    finally:
        command.upgrade(config, "head")  # ...and the upgrade fills them again from the data
    assert _search_columns(app) == before == _as_the_sources_say(app)
