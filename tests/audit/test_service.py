"""The audit chain in the database: every write is recorded; tampering is detected."""

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from app.audit import service
from app.audit.models import AuditEvent
from app.demo import DemoWorld
from tests.factories import bearer, consented_notification


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
