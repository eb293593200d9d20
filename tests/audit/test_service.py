"""The audit chain in the database: every write is recorded; tampering is detected."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from app.audit import repository, service
from app.audit.models import AuditEvent
from app.audit.repository import CHAIN_LOCK_KEY
from app.audit.sealer import DELAY, sealer_for
from app.core.db import unit_of_work, utcnow
from app.demo import DemoWorld
from tests.factories import (
    bearer,
    consented_notification,
    create_movement,
    file_notification,
    post,
)


def _tamper(app: FastAPI, stmt: object) -> None:
    with app.state.engine.begin() as conn:
        conn.execute(stmt)


def test_every_step_is_recorded_with_before_and_after(
    client: TestClient, world: DemoWorld, session: Session
) -> None:
    n = consented_notification(client, world)
    actions = [
        e.action
        for e in service.history(session=session, object_type="notification", object_id=n["id"])
    ]
    assert actions[:4] == [
        "notification.create",
        "notification.submit",
        "notification.transmit",
        "notification.acknowledge",
    ]
    assert "decision.consent" in actions and actions[-1] == "notification.complete"
    transmit = next(
        e
        for e in service.history(session=session, object_type="notification", object_id=n["id"])
        if e.action.endswith("transmit")
    )
    assert transmit.before is not None and transmit.after is not None
    assert transmit.before["status"] == "submitted" and transmit.after["status"] == "transmitted"
    assert transmit.actor.startswith("authority:")
    assert service.verify(session=session).intact


def test_edited_event_is_detected(client: TestClient, world: DemoWorld, app: FastAPI) -> None:
    consented_notification(client, world)
    total = client.get("/admin/audit/verify", headers=bearer(world.tokens["admin"])).json()[
        "events"
    ]
    _tamper(app, update(AuditEvent).where(AuditEvent.id == total - 3).values(after={"status": "x"}))
    r = client.get("/admin/audit/verify", headers=bearer(world.tokens["admin"]))
    assert r.json()["intact"] is False
    assert r.json()["first_broken_id"] == total - 3


def test_deleted_event_is_detected(
    client: TestClient, world: DemoWorld, app: FastAPI, session: Session
) -> None:
    consented_notification(client, world)
    _tamper(app, delete(AuditEvent).where(AuditEvent.id == 30))
    report = service.verify(session=session)
    assert not report.intact and report.first_broken_id == 31


def test_cli_reports_and_exits_non_zero_on_tampering(
    client: TestClient, world: DemoWorld, app: FastAPI, monkeypatch: object
) -> None:
    from app.cli import cli
    from app.core.config import get_settings

    consented_notification(client, world)
    env = {"BASELTRACK_DATABASE_URL": app.state.settings.database_url}
    get_settings.cache_clear()
    runner = CliRunner()
    ok = runner.invoke(cli, ["audit", "verify"], env=env)
    assert ok.exit_code == 0 and '"intact": true' in ok.output
    with app.state.engine.connect() as conn:
        last = conn.execute(select(AuditEvent.id).order_by(AuditEvent.id.desc())).scalar()
    _tamper(app, update(AuditEvent).where(AuditEvent.id == last).values(actor="someone else"))
    bad = runner.invoke(cli, ["audit", "verify"], env=env)
    get_settings.cache_clear()
    assert bad.exit_code == 1 and '"intact": false' in bad.output


def _verify(client: TestClient, world: DemoWorld) -> dict[str, Any]:
    r = client.get("/admin/audit/verify", headers=bearer(world.tokens["admin"]))
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()
    return result


def test_events_left_staged_are_shown_counted_and_chained_by_the_next_commit(
    app: FastAPI, client: TestClient, world: DemoWorld
) -> None:
    """A server killed between a commit and the sealing after it leaves its events staged:
    committed with the change, visible in the history, counted by the check, and chained by
    the next commit of anyone."""
    n = consented_notification(client, world)
    left = {
        "at": utcnow(),
        "actor_id": None,
        "actor": "system",
        "action": "notification.note",
        "object_type": "notification",
        "object_id": str(n["id"]),
        "before": None,
        "after": {"note": "staged by a process that died"},
    }
    with unit_of_work(app.state.session_factory) as s:
        repository.stage(s, [left])
    assert _verify(client, world)["staged"] == 1
    history = client.get(
        f"/notifications/{n['id']}/history", headers=bearer(world.tokens["exporter_my"])
    ).json()
    assert history[-1]["action"] == "notification.note"

    consented_notification(client, world)  # anyone's next write

    report = _verify(client, world)
    assert report["intact"] is True and report["staged"] == 0
    with unit_of_work(app.state.session_factory) as s:
        chained = s.scalars(select(AuditEvent).where(AuditEvent.action == "notification.note"))
        assert [e.after for e in chained] == [{"note": "staged by a process that died"}]


def test_a_sealed_batch_keeps_every_field_as_it_was_staged(app: FastAPI) -> None:
    """The sealer chains a whole batch in one statement (on PostgreSQL the links travel as one
    JSON array): each event comes out with the same time to the microsecond, the same actor,
    the same texts (non-ASCII too) and the same before/after, including a missing ``before``,
    stored as the JSON type stores it; and the chain checks."""
    at = utcnow().replace(microsecond=123456)
    events: list[dict[str, Any]] = [
        {
            "at": at,
            "actor_id": None,
            "actor": "system",
            "action": "test.seal",
            "object_type": "test",
            "object_id": "1",
            "before": None,
            "after": {"note": "危险废物 — déchets", "n": [1, 2.5, None, True]},
        },
        {
            "at": at.replace(microsecond=7),
            "actor_id": 42,
            "actor": 'officer "MY"',
            "action": "test.seal",
            "object_type": "test",
            "object_id": "2",
            "before": {"status": "announced"},
            "after": {},
        },
    ]
    factory = app.state.session_factory
    with unit_of_work(factory) as s:
        repository.stage(s, events)

    assert service.seal_batch(factory) == 2

    with unit_of_work(factory) as s:
        chained = s.scalars(
            select(AuditEvent).where(AuditEvent.action == "test.seal").order_by(AuditEvent.id)
        ).all()
        assert [repository.content(e) for e in chained] == events
        nulls = s.execute(
            text("SELECT before IS NULL FROM audit_events WHERE action = 'test.seal' ORDER BY id")
        ).scalars()
        assert list(nulls) == [False, False]  # JSON null, as SQLAlchemy's JSON type writes None
        assert service.verify(session=s).intact


def test_a_write_while_the_chain_lock_is_held_stages_its_events_without_waiting(
    app: FastAPI, client: TestClient, world: DemoWorld
) -> None:
    """On PostgreSQL a transaction holding the chain lock (through its commit) makes others
    stage rather than wait; the holder chains them after its own commit. SQLite lets one
    writer in at a time, so there a write always finds the lock free and chains at once."""
    postgres = app.state.engine.dialect.name == "postgresql"
    before = _verify(client, world)["events"]
    with app.state.engine.connect() as holder:
        if postgres:
            holder.execute(text("SELECT pg_advisory_lock(:k)"), {"k": CHAIN_LOCK_KEY})
        n = file_notification(client, world)  # answered while the lock is held
        report = _verify(client, world)
        assert report["staged"] == (1 if postgres else 0)
        assert report["events"] == (before if postgres else before + 1)
        if postgres:
            holder.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": CHAIN_LOCK_KEY})
            holder.commit()
            with unit_of_work(app.state.session_factory) as s:
                service.record(
                    session=s, actor=None, action="test.tick", object_type="test", object_id=1
                )  # the next lock holder chains what it finds staged
    report = _verify(client, world)
    assert report["intact"] is True and report["staged"] == 0
    history = client.get(
        f"/notifications/{n['id']}/history", headers=bearer(world.tokens["exporter_my"])
    ).json()
    assert [e["action"] for e in history] == ["notification.create"]


def test_a_valid_scan_stages_its_event_and_the_background_sealer_chains_it(
    app: FastAPI, client: TestClient, world: DemoWorld
) -> None:
    """A border scan stages its audit event in its one write statement instead of taking the
    chain lock: the event is committed with the crossing and shows in the history at once,
    and this process's sealer chains it shortly after, with no other write needed. On
    PostgreSQL, while another transaction holds the chain lock, the sealer keeps trying."""
    postgres = app.state.engine.dialect.name == "postgresql"
    n = consented_notification(client, world)
    m = create_movement(client, world, n["id"])
    assert post(client, world, "exporter_my", f"/movements/{m['id']}/announce").status_code == 200
    sealer = sealer_for(app.state.session_factory)
    assert sealer.wait_until_sealed()
    before = _verify(client, world)
    assert before["staged"] == 0
    with app.state.engine.connect() as holder:
        if postgres:
            holder.execute(text("SELECT pg_advisory_lock(:k)"), {"k": CHAIN_LOCK_KEY})
        scan = {"qr_text": m["qr_text"], "office": "MYPKG", "direction": "exit"}
        r = post(client, world, "customs_my", "/scans", scan)
        assert r.status_code == 200 and r.json()["verdict"] == "valid", r.text
        with unit_of_work(app.state.session_factory) as s:
            history = service.history(session=s, object_type="movement", object_id=m["id"])
        assert history[-1].action == "movement.cross"
        assert history[-1].after == {
            "status": "in_transit",
            "country": "MY",
            "office": "MYPKG",
            "direction": "exit",
        }
        if postgres:
            assert not sealer.wait_until_sealed(timeout=4 * DELAY)  # the lock is taken
            assert _verify(client, world)["staged"] == 1
            holder.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": CHAIN_LOCK_KEY})
            holder.commit()
    assert sealer.wait_until_sealed()
    report = _verify(client, world)
    assert report["intact"] is True and report["staged"] == 0
    assert report["events"] == before["events"] + 1


def test_the_chain_check_counts_each_event_once_while_a_seal_commits(
    app: FastAPI, client: TestClient, world: DemoWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The background sealer may commit while /admin/audit/verify walks the chain, moving
    events from staged to chained. The check reads where the chain ends and how many are
    staged in one statement, so such a seal is neither counted twice nor missed. (SQLite lets
    one transaction in at a time: there nothing can commit meanwhile.)"""
    postgres = app.state.engine.dialect.name == "postgresql"
    file_notification(client, world)
    left = {
        "at": utcnow(),
        "actor_id": None,
        "actor": "system",
        "action": "test.note",
        "object_type": "test",
        "object_id": "1",
        "before": None,
        "after": None,
    }
    with unit_of_work(app.state.session_factory) as s:
        repository.stage(s, [left])
    before = _verify(client, world)
    assert before["staged"] == 1
    walk = repository.iter_events
    sealed: list[int] = []

    def walk_while_a_seal_commits(*args: object, **kwargs: object) -> Iterator[AuditEvent]:
        for position, chained in enumerate(walk(*args, **kwargs)):  # type: ignore[arg-type]
            yield chained
            if position == 0 and postgres:
                sealed.append(service.seal(app.state.session_factory))

    monkeypatch.setattr(repository, "iter_events", walk_while_a_seal_commits)
    during = _verify(client, world)
    assert sealed == ([1] if postgres else [])
    assert during["intact"] is True
    assert during["events"] + during["staged"] == before["events"] + before["staged"]
    monkeypatch.undo()
    after = _verify(client, world)
    assert after["events"] + after["staged"] == before["events"] + before["staged"]
    assert after["staged"] == (0 if postgres else 1)
