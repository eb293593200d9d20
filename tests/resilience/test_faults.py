"""Faults: the server killed in the middle of writes, and the database gone for a while.

(a) ``kill -9`` of the whole server (both workers) while six clients file, decide and ship:
    after a restart nothing half-written remains — a request's writes are one transaction.
(b) PostgreSQL stopped under a running service: every request fails fast and cleanly (503
    problem+json, nothing saved), and the service recovers on its own once the database is back.
    The outage is staged on a throwaway cluster started for this test, never on the shared one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.audit.models import AuditEvent, StagedAuditEvent
from app.consents.models import Decision
from app.core.db import make_engine, make_session_factory, unit_of_work
from app.core.migrate import upgrade
from app.core.problems import install_problem_handlers
from app.demo import DemoWorld
from app.movements.models import Movement, MovementRevision
from app.notifications.models import Notification, StateConcerned
from app.outbox.models import OutboxMessage
from tests.customs_adapters.simulator import CustomsSimulator, serve
from tests.factories import (
    bearer,
    file_notification,
    lead_acid_notification,
    movement_body,
    post,
)
from tests.resilience.flows import consent_steps
from tests.resilience.processes import (
    ServerProcess,
    as_test_client,
    http_client,
    run_cli,
    running,
    seed_demo,
    throwaway_postgres,
)

WRITERS = 6
LOAD_BEFORE_KILL = 12  # consented notifications to reach before the kill
KILL_DEADLINE_S = 60.0
ROUTE_LENGTH = 3  # MY → SG → KR in the shared request body


@dataclass
class Acknowledged:
    """What the server said it saved (2xx) before it died."""

    notifications: set[int] = field(default_factory=set)
    consented: set[int] = field(default_factory=set)
    movements: set[int] = field(default_factory=set)
    cut: list[str] = field(default_factory=list)  # requests that got no answer at all
    failed: list[str] = field(default_factory=list)  # anything else: a bug, not the kill
    lock: threading.Lock = field(default_factory=threading.Lock)


def _writer(url: str, world: DemoWorld, stop: threading.Event, seen: Acknowledged) -> None:
    """File a notification, carry it to consent, ship under it; again, until the server dies."""
    steps = consent_steps(world)
    with http_client(url) as raw:
        client = as_test_client(raw)
        try:
            while not stop.is_set():
                n = file_notification(client, world)
                with seen.lock:
                    seen.notifications.add(n["id"])
                for who, step, body in steps:
                    r = post(client, world, who, f"/notifications/{n['id']}/{step}", body)
                    assert r.status_code == 200, r.text
                with seen.lock:
                    seen.consented.add(n["id"])
                path = f"/notifications/{n['id']}/movements"
                r = post(client, world, "exporter_my", path, movement_body(world))
                assert r.status_code == 201, r.text
                with seen.lock:
                    seen.movements.add(r.json()["id"])
        except httpx.TransportError as exc:  # the kill: this request got no answer
            with seen.lock:
                seen.cut.append(type(exc).__name__)
        except Exception as exc:  # reported by the test, with the answer that caused it
            with seen.lock:
                seen.failed.append(repr(exc)[:500])


def _ids(session: Session, column: Any) -> set[int]:
    return set(session.scalars(select(column)))


def _audited(session: Session, action: str) -> set[int]:
    """Objects with an ``action`` event, chained or still staged: a kill between a commit and
    the sealing that follows it leaves the events staged (committed), for the next commit."""
    ids: set[int] = set()
    for model in (AuditEvent, StagedAuditEvent):
        rows = session.scalars(select(model.object_id).where(model.action == action))
        ids |= {int(x) for x in rows}
    return ids


def _check_nothing_partial(url: str, seen: Acknowledged) -> None:
    engine = make_engine(url)
    try:
        with unit_of_work(make_session_factory(engine)) as s:
            notifications = list(s.scalars(select(Notification)))
            states = dict(
                s.execute(
                    select(StateConcerned.notification_id, func.count()).group_by(
                        StateConcerned.notification_id
                    )
                ).all()
            )
            decisions: dict[int, list[str]] = {}
            for d in s.scalars(select(Decision)):
                decisions.setdefault(d.notification_id, []).append(d.status)
            movement_ids = _ids(s, Movement.id)
            first_revisions = set(
                s.scalars(
                    select(MovementRevision.movement_id).where(MovementRevision.revision == 1)
                )
            )
            filed_events = _audited(s, "notification.create")
            movement_events = _audited(s, "movement.create")
            chain = audit.verify(session=s)
    finally:
        engine.dispose()
    ids = {n.id for n in notifications}
    assert seen.notifications <= ids, "an acknowledged filing was lost"
    assert seen.movements <= movement_ids, "an acknowledged movement was lost"
    for n in notifications:
        assert states.get(n.id) == ROUTE_LENGTH, f"{n.number} lost its states concerned"
        assert n.id in filed_events, f"{n.number} has no audit event"
        if n.status != "draft":
            assert len(decisions.get(n.id, [])) == 2, f"{n.number} is {n.status} without decisions"
        if n.status == "consented":
            assert sorted(decisions[n.id]) == ["consented", "consented"], n.number
            assert n.valid_from and n.valid_to and n.contract_recorded_at, n.number
            assert n.guarantee_recorded_at, n.number
    for nid in seen.consented:
        assert next(n for n in notifications if n.id == nid).status == "consented"
    assert movement_ids == first_revisions, "a movement without its revision 1"
    assert movement_ids == movement_events, "a movement without its audit event"
    assert chain.intact, chain.as_dict()


def _outbox_delivers_everything(url: str, key_dir: Path, customs: CustomsSimulator) -> None:
    """After the crash the worker delivers every consent once: none lost, none doubled."""
    for _ in range(3):
        run = run_cli(url, key_dir, "worker", "--once")
        assert run.returncode == 0, run.stderr
    engine = make_engine(url)
    try:
        with unit_of_work(make_session_factory(engine)) as s:
            consented = set(
                s.scalars(select(Notification.number).where(Notification.status == "consented"))
            )
            waiting = s.scalar(
                select(func.count(OutboxMessage.id)).where(OutboxMessage.status != "delivered")
            )
    finally:
        engine.dispose()
    received = [
        payload["notification_number"] for kind, _, payload in customs.stored if kind == "consents"
    ]
    assert waiting == 0
    assert sorted(received) == sorted(consented)  # each consent exactly once at customs


def test_a_server_killed_during_writes_leaves_nothing_half_written(
    own_database: str, key_dir: Path, logs: Path
) -> None:
    world = seed_demo(own_database)
    server = ServerProcess(own_database, key_dir, logs / "killed.log", workers=2)
    seen = Acknowledged()
    stop = threading.Event()
    customs = CustomsSimulator()
    with serve(customs) as customs_url:
        with running([server]):
            with http_client(server.url) as raw:  # Korea's customs hears of every consent
                r = post(
                    as_test_client(raw),
                    world,
                    "admin",
                    "/admin/customs-endpoints",
                    {"country": "KR", "name": "KR customs", "base_url": customs_url},
                )
                assert r.status_code == 201, r.text
            writers = [
                threading.Thread(target=_writer, args=(server.url, world, stop, seen))
                for _ in range(WRITERS)
            ]
            for w in writers:
                w.start()
            deadline = time.monotonic() + KILL_DEADLINE_S
            while len(seen.consented) < LOAD_BEFORE_KILL and time.monotonic() < deadline:
                assert any(w.is_alive() for w in writers), "every writer stopped before the kill"
                time.sleep(0.05)
            server.kill()
            stop.set()
            for w in writers:
                w.join(timeout=30)
        assert not seen.failed, seen.failed
        assert len(seen.consented) >= LOAD_BEFORE_KILL
        # each writer was cut off by the kill, or saw the stop between requests; none by an error
        assert 1 <= len(seen.cut) <= WRITERS
        assert any(name != "ConnectError" for name in seen.cut), "no request was in flight"
        _check_nothing_partial(own_database, seen)
        _outbox_delivers_everything(own_database, key_dir, customs)

    restarted = ServerProcess(own_database, key_dir, logs / "restarted.log")
    with running([restarted]), http_client(restarted.url) as raw:
        again = file_notification(as_test_client(raw), world)
        assert again["status"] == "draft"
        r = raw.get("/admin/audit/verify", headers=bearer(world.tokens["admin"]))
        assert r.status_code == 200 and r.json()["intact"] is True
        assert r.json()["staged"] == 0  # the first commit after the restart chained the rest


# --- (b) the database goes away ------------------------------------------------------------------


@dataclass
class Watch:
    """A client reading without pause through the outage: every status it got."""

    statuses: list[int] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)


def _watch(url: str, token: str, watch: Watch) -> None:
    with http_client(url) as client:
        while not watch.stop.is_set():
            watch.statuses.append(client.get("/notifications", headers=bearer(token)).status_code)
            time.sleep(0.02)


@pytest.fixture
def outage_service(tmp_path: Path) -> Iterator[tuple[Any, ServerProcess, DemoWorld]]:
    with throwaway_postgres() as pg:
        upgrade(pg.url)
        world = seed_demo(pg.url)
        (tmp_path / "keys").mkdir()
        server = ServerProcess(pg.url, tmp_path / "keys", tmp_path / "server.log")
        with running([server]):
            yield pg, server, world


def _assert_unavailable(r: httpx.Response) -> None:
    assert r.status_code == 503, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["status"] == 503 and body["type"].endswith("/service-unavailable")
    assert "database" in body["detail"]


def test_a_database_outage_fails_requests_cleanly_and_the_service_recovers(
    outage_service: tuple[Any, ServerProcess, DemoWorld],
) -> None:
    pg, server, world = outage_service
    exporter = bearer(world.tokens["exporter_my"])
    watch = Watch()
    watcher = threading.Thread(target=_watch, args=(server.url, world.tokens["exporter_my"], watch))
    with http_client(server.url) as client:
        assert client.get("/notifications", headers=exporter).json() == []
        watcher.start()
        try:
            time.sleep(0.3)
            pg.stop()  # fast shutdown: open connections are cut
            time.sleep(0.3)
            filing = lead_acid_notification(world)
            _assert_unavailable(client.post("/notifications", json=filing, headers=exporter))
            _assert_unavailable(client.get("/notifications", headers=exporter))
            _assert_unavailable(client.get("/me", headers=exporter))
            assert client.get("/health").status_code == 200  # the process itself is alive
            pg.start()
            # the very first request after the restart works: stale pooled connections are
            # detected at checkout (closed socket) and replaced, no restart of the service needed
            assert client.get("/notifications", headers=exporter).json() == []
            time.sleep(0.3)
        finally:
            watch.stop.set()
            watcher.join(timeout=30)
        created = file_notification(as_test_client(client), world)
        listed = client.get("/notifications", headers=exporter).json()
        assert [n["id"] for n in listed] == [created["id"]]  # nothing from the outage
    assert set(watch.statuses) == {200, 503}, sorted(set(watch.statuses))
    assert watch.statuses[-1] == 200


def test_a_database_restart_no_request_saw_costs_no_request(
    outage_service: tuple[Any, ServerProcess, DemoWorld],
) -> None:
    """The database restarts while the service is idle: every pooled connection is dead, and
    no failed request has told the pool so. The next requests still succeed: a connection whose
    socket the server closed is replaced when it is taken from the pool."""
    pg, server, world = outage_service
    exporter = bearer(world.tokens["exporter_my"])
    with http_client(server.url) as client:
        for _ in range(4):  # the pool now holds open connections in both workers
            assert client.get("/notifications", headers=exporter).status_code == 200
        pg.stop()
        pg.start()
        statuses = [client.get("/notifications", headers=exporter).status_code for _ in range(8)]
        assert statuses == [200] * 8
        created = file_notification(as_test_client(client), world)
        assert created["status"] == "draft"


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_connection_lost_under_a_request_is_a_503_problem(error: type[DBAPIError]) -> None:
    """psycopg reports a connection that died between statements as an InterfaceError ("the
    connection is closed") rather than an OperationalError; both mean "database unreachable"."""
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/lost")
    def lost() -> None:
        raise error("SELECT 1", {}, Exception("the connection is closed"))

    with TestClient(app, raise_server_exceptions=False) as client:
        _assert_unavailable(client.get("/lost"))
