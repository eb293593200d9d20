"""A border scan judges dates on the border's calendar, not the server's."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.accounts.auth import hash_token
from app.core.db import unit_of_work
from app.demo import DemoWorld
from app.scans import service
from app.scans.schemas import ScanIn, ScanVerdict
from tests.factories import bearer, consented_notification, create_movement, post


@pytest.fixture
def load(client: TestClient, world: DemoWorld) -> tuple[dict[str, Any], date, date]:
    """An announced movement and its consent's first and last day."""
    n = consented_notification(client, world)
    m = create_movement(client, world, n["id"])
    assert post(client, world, "exporter_my", f"/movements/{m['id']}/announce").status_code == 200
    got = client.get(f"/notifications/{n['id']}", headers=bearer(world.tokens["exporter_my"]))
    body = got.json()
    return m, date.fromisoformat(body["valid_from"]), date.fromisoformat(body["valid_to"])


def _exit_scan_at(app: FastAPI, world: DemoWorld, qr_text: str, now: datetime) -> ScanVerdict:
    """The Malaysian officer (Asia/Kuala_Lumpur, UTC+8) scans the load out at ``now``."""
    with unit_of_work(app.state.session_factory) as session:
        return service.scan(
            session=session,
            token_hash=hash_token(world.tokens["customs_my"]),
            signer=app.state.signer,
            data=ScanIn(qr_text=qr_text, office="MYPKG", direction="exit"),
            now=now,
        )


def test_at_dawn_after_the_last_day_the_consent_has_expired_at_the_border(
    app: FastAPI, world: DemoWorld, load: tuple[dict[str, Any], date, date]
) -> None:
    """20:00 UTC on the last day is 04:00 the next day in Kuala Lumpur: too late there."""
    movement, _, last_day = load
    now = datetime.combine(last_day, time(20, 0), tzinfo=UTC)
    verdict = _exit_scan_at(app, world, movement["qr_text"], now)
    assert verdict.verdict == "flagged" and not verdict.crossing_recorded
    assert verdict.signature_status == "expired" and not verdict.consent_valid_today
    assert any("No valid consent today" in reason for reason in verdict.reasons)


def test_at_dawn_of_the_first_day_the_consent_is_valid_at_the_border(
    app: FastAPI,
    client: TestClient,
    world: DemoWorld,
    load: tuple[dict[str, Any], date, date],
) -> None:
    """20:00 UTC the day before is 04:00 on the first day in Kuala Lumpur: the load may go, and
    it crossed on that day there (the date deadlines count from and the PDF prints)."""
    movement, first_day, _ = load
    now = datetime.combine(first_day - timedelta(days=1), time(20, 0), tzinfo=UTC)
    verdict = _exit_scan_at(app, world, movement["qr_text"], now)
    assert verdict.verdict == "valid", verdict.reasons
    assert verdict.consent_valid_today and verdict.crossing_recorded
    got = client.get(f"/movements/{movement['id']}", headers=bearer(world.tokens["exporter_my"]))
    (crossing,) = got.json()["crossings"]
    assert crossing["crossed_on"] == first_day.isoformat()
