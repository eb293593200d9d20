"""Concurrent writers against the real database: consents are never over-consumed and the audit
chain stays one line.

Each writer is a thread with its own session (``unit_of_work``), as each request has. On
PostgreSQL a barrier holds every writer just before the lock that should serialise them, so all
have read the consent before any may write: the overlap is certain, not left to luck. SQLite
serialises whole transactions (``BEGIN IMMEDIATE``), so there the writers only start together —
a barrier inside the transaction would wait for writers that cannot begin.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.accounts.auth import hash_token
from app.accounts.models import Account
from app.audit import repository as audit_repository
from app.audit import service as audit
from app.audit.models import AuditEvent
from app.core.db import unit_of_work
from app.core.errors import BaselTrackError, Conflict
from app.demo import DemoWorld
from app.movements import repository as movement_repository
from app.movements import service as movements
from app.movements.models import Crossing, Movement
from app.movements.schemas import MovementIn
from app.scans import repository as scan_repository
from app.scans.api import ScanRequest, scans_in_one_transaction
from app.scans.models import Scan
from app.scans.schemas import ScanIn, ScanVerdict
from tests.factories import consented_notification, create_movement, movement_body, post

WRITERS = 6


def _hold_before(
    monkeypatch: pytest.MonkeyPatch,
    module: Any,
    name: str,
    barrier: threading.Barrier,
    postgres: bool,
) -> None:
    """Make every writer wait at its first call of ``module.name`` until all have arrived
    (PostgreSQL only)."""
    original: Callable[..., Any] = getattr(module, name)
    arrived = threading.local()

    def wait_then_lock(*args: Any, **kwargs: Any) -> Any:
        if postgres and not getattr(arrived, "done", False):
            arrived.done = True
            barrier.wait()
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, wait_then_lock)


def _create_at_once(
    app: FastAPI, world: DemoWorld, jobs: list[tuple[int, str]], start: threading.Barrier | None
) -> list[Movement | Exception]:
    """Run one ``create_movement`` per (notification, quantity) in parallel threads."""
    outcomes: list[Movement | Exception] = [RuntimeError("did not run")] * len(jobs)

    def create(i: int, notification_id: int, quantity: str) -> None:
        if start is not None:
            start.wait()
        try:
            with unit_of_work(app.state.session_factory) as s:
                exporter = s.get(Account, world.accounts["exporter_my"])
                assert exporter is not None
                outcomes[i] = movements.create_movement(
                    session=s,
                    account=exporter,
                    signer=app.state.signer,
                    notification_id=notification_id,
                    data=MovementIn.model_validate(movement_body(world, quantity=quantity)),
                )
        except Exception as exc:  # kept: a loser must fail with a typed error, nothing else
            outcomes[i] = exc

    threads = [
        threading.Thread(target=create, args=(i, nid, qty)) for i, (nid, qty) in enumerate(jobs)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a writer hung"
    return outcomes


def _saved(app: FastAPI, notification_id: int) -> tuple[Decimal, list[int]]:
    with unit_of_work(app.state.session_factory) as s:
        rows = s.scalars(select(Movement).where(Movement.notification_id == notification_id))
        saved = list(rows)
    return sum((m.quantity for m in saved), Decimal(0)), sorted(m.shipment_no for m in saved)


@pytest.mark.parametrize(
    ("already", "each", "rule"),
    [
        # 240 t consented, 200 t shipped: room for one more 40 t load, six ask at once
        (["200"], "40", "shipment.quantity_exceeded"),
        # 12 shipments consented, 11 made: room for one more shipment, six ask at once
        (["1"] * 11, "1", "shipment.count_exceeded"),
    ],
    ids=["last-quantity", "last-shipment"],
)
def test_concurrent_creations_never_exceed_the_consent(
    app: FastAPI,
    client: TestClient,
    world: DemoWorld,
    monkeypatch: pytest.MonkeyPatch,
    already: list[str],
    each: str,
    rule: str,
) -> None:
    postgres = app.state.engine.dialect.name == "postgresql"
    n = consented_notification(client, world)
    for quantity in already:
        create_movement(client, world, n["id"], quantity=quantity)
    barrier = threading.Barrier(WRITERS, timeout=30)
    _hold_before(monkeypatch, movement_repository, "lock_notification", barrier, postgres)

    outcomes = _create_at_once(
        app, world, [(n["id"], each)] * WRITERS, None if postgres else barrier
    )

    winners = [o for o in outcomes if isinstance(o, Movement)]
    losers = [o for o in outcomes if not isinstance(o, Movement)]
    assert len(winners) == 1, outcomes
    for loser in losers:  # a typed 422 naming the rule, not a crash or a lock timeout
        assert isinstance(loser, BaselTrackError), repr(loser)
        assert loser.status == 422, loser
        assert rule in {e.rule for e in loser.errors}, loser.errors
    total, shipment_nos = _saved(app, n["id"])
    assert total <= Decimal(n["quantity"])
    assert shipment_nos == list(range(1, len(already) + 2))  # no gap, no duplicate


def test_concurrent_writers_on_different_consents_keep_one_audit_chain(
    app: FastAPI, client: TestClient, world: DemoWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Writers that share no row still append to one hash chain: they all reach the chain lock
    at once after their commits, one seals, the others leave their staged events to it, and
    every event ends up linked to the one before, none lost, none left staged."""
    postgres = app.state.engine.dialect.name == "postgresql"
    consents = [consented_notification(client, world)["id"] for _ in range(4)]
    with unit_of_work(app.state.session_factory) as s:
        events_before = s.scalar(select(func.count(AuditEvent.id)))
    barrier = threading.Barrier(len(consents), timeout=30)
    _hold_before(monkeypatch, audit_repository, "try_lock_chain", barrier, postgres)

    outcomes = _create_at_once(
        app, world, [(nid, "20") for nid in consents], None if postgres else barrier
    )

    assert all(isinstance(o, Movement) for o in outcomes), outcomes
    with unit_of_work(app.state.session_factory) as s:
        report = audit.verify(session=s)
        ids = list(s.scalars(select(AuditEvent.id).order_by(AuditEvent.id)))
    assert report.intact, report.as_dict()
    assert report.staged == 0
    assert ids == list(range(1, len(ids) + 1))
    assert len(ids) == (events_before or 0) + len(consents)


BORDERS = {
    # the first crossing moves the shipment from announced to in transit
    "exit": ("customs_my", "MYPKG", "MY", []),
    # a later crossing leaves it in transit: only its version tells the second scan it changed
    "entry": ("customs_kr", "KRPUS", "KR", [("MY", "exit")]),
}


@pytest.mark.parametrize("direction", sorted(BORDERS))
def test_one_document_scanned_twice_at_once_crosses_once(
    app: FastAPI,
    client: TestClient,
    world: DemoWorld,
    monkeypatch: pytest.MonkeyPatch,
    direction: str,
) -> None:
    """Two officers scan the same load at the same border at the same moment, and two worker
    processes take the scans (each thread here runs what one process runs: its own transaction
    of scans; within one process, scans queue for its transaction, see tests/scans). On
    PostgreSQL both read the shipment before either writes (held together by a barrier): one
    records the crossing, the other gets 409 and writes nothing. SQLite lets one in at a time,
    so there the second sees the crossing and is flagged as a document presented twice."""
    officer, office, country, earlier = BORDERS[direction]
    postgres = app.state.engine.dialect.name == "postgresql"
    n = consented_notification(client, world)
    m = create_movement(client, world, n["id"])
    r = post(client, world, "exporter_my", f"/movements/{m['id']}/announce")
    assert r.status_code == 200, r.text
    for done_country, done_direction in earlier:
        done = {"qr_text": m["qr_text"], "office": "MYPKG", "direction": done_direction}
        assert done_country == "MY"
        assert post(client, world, "customs_my", "/scans", done).json()["verdict"] == "valid"
    barrier = threading.Barrier(2, timeout=30)
    _hold_before(monkeypatch, scan_repository, "record_valid_scan", barrier, postgres)
    answers: list[ScanVerdict | Exception | None] = [None, None]
    data = ScanIn(qr_text=m["qr_text"], office=office, direction=direction)
    request = ScanRequest(hash_token(world.tokens[officer]), data)

    def scan_it(i: int) -> None:
        if not postgres:
            barrier.wait()
        factory, signer = app.state.session_factory, app.state.signer
        (answers[i],) = scans_in_one_transaction(factory, signer, [request])

    threads = [threading.Thread(target=scan_it, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    verdicts = [a for a in answers if isinstance(a, ScanVerdict)]
    if postgres:
        assert [v.verdict for v in verdicts] == ["valid"], answers
        (loser,) = [a for a in answers if not isinstance(a, ScanVerdict)]
        assert isinstance(loser, Conflict) and loser.status == 409
        assert "scan again" in loser.detail
    else:
        assert sorted(v.verdict for v in verdicts) == ["flagged", "valid"], answers
    with unit_of_work(app.state.session_factory) as s:
        crossings = s.scalars(
            select(Crossing).where(Crossing.movement_id == m["id"]).order_by(Crossing.id)
        ).all()
        scans = s.scalars(select(Scan).where(Scan.movement_id == m["id"])).all()
    assert [(c.country, c.direction) for c in crossings] == [*earlier, (country, direction)]
    # the refused scan left nothing behind
    assert len(scans) == len(earlier) + (1 if postgres else 2)
