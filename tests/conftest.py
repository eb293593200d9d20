"""Test fixtures: a real database built by the migrations, one app, a clean slate per test.

The backend is chosen by ``BASELTRACK_TEST_DATABASE_URL``: unset → a SQLite file; a PostgreSQL
URL → a fresh database is created on that server for this run and dropped afterwards.
``scripts/test`` runs the suite once per backend.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app.accounts import models as account_models
from app.audit.sealer import sealer_for
from app.cases import service as case_service
from app.consents import service as consent_service
from app.core.config import Settings
from app.core.db import unit_of_work
from app.core.migrate import upgrade
from app.demo import DemoWorld, load_demo
from app.main import create_app
from app.models import Base
from app.movements import service as movement_service
from app.notifications import service as notification_service
from app.scans import service as scan_service


def pytest_report_header(config: pytest.Config) -> str:
    url = os.environ.get("BASELTRACK_TEST_DATABASE_URL")
    backend = (
        make_url(url).render_as_string(hide_password=True) if url else "SQLite (temporary file)"
    )
    return f"BaselTrack test database: {backend}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server_url = os.environ.get("BASELTRACK_TEST_DATABASE_URL")
    if not server_url:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'baseltrack-test.db'}"
        upgrade(url)
        yield url
        return
    server = make_url(server_url)
    name = f"baseltrack_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    settings = Settings(
        database_url=database_url,
        key_dir=Path(tmp_path_factory.mktemp("keys")),
        demo_data=False,
        allow_private_targets=True,
    )
    app = create_app(settings)
    yield app
    # The last test's audit events are chained before the database is dropped under the sealer.
    sealer_for(app.state.session_factory).wait_until_sealed()
    app.state.engine.dispose()


def _wipe(app: FastAPI) -> None:
    tables = [t.name for t in Base.metadata.sorted_tables]
    with app.state.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in reversed(tables):
                conn.execute(text(f"DELETE FROM {name}"))


@pytest.fixture(autouse=True)
def _clean_database(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test that touches the database starts from empty tables, after the audit sealer
    has chained what the test before staged (it runs in the background; the app, and so the
    sealer, serve the whole session)."""
    if "app" not in request.fixturenames:
        yield
        return
    app: FastAPI = request.getfixturevalue("app")
    sealer_for(app.state.session_factory).wait_until_sealed()
    _wipe(app)
    yield


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def session(app: FastAPI) -> Iterator[Session]:
    s = app.state.session_factory()
    try:
        yield s
    finally:
        s.rollback()
        s.close()


@pytest.fixture
def world(app: FastAPI) -> DemoWorld:
    with unit_of_work(app.state.session_factory) as s:
        return load_demo(s)


@pytest.fixture
def live_server(app: FastAPI) -> Iterator[str]:
    """The test app served by uvicorn on a free loopback port, for tests that need real HTTP."""
    import socket
    import threading
    import time

    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("test server did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def set_clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], None]:
    """Sets the instant from which the service reads the date: an account's "today", the
    deadlines job's, and the time of notification steps, decisions, movement steps, border
    scans and closing cases. The machine's clock cannot be set, and which calendar a date falls
    on depends on the hour, so tests of time zones fix the hour here."""

    def at(instant: datetime) -> None:
        for module in (
            account_models,
            case_service,
            consent_service,
            notification_service,
            movement_service,
            scan_service,
        ):
            monkeypatch.setattr(module, "utcnow", lambda: instant)

    return at
