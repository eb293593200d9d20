"""Consent data reaches customs through an outage, with nothing lost or duplicated there."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.core.db import unit_of_work, utcnow
from app.demo import DemoWorld
from app.outbox.delivery import make_deliver
from app.outbox.models import OutboxMessage
from app.outbox.service import RunReport, run_once
from tests.customs_adapters.simulator import CustomsSimulator, serve
from tests.factories import bearer, consented_notification, create_movement, post


@pytest.fixture
def customs() -> Iterator[tuple[CustomsSimulator, str]]:
    simulator = CustomsSimulator()
    with serve(simulator) as url:
        yield simulator, url


def _endpoint(client: TestClient, world: DemoWorld, country: str, url: str) -> None:
    r = post(
        client,
        world,
        "admin",
        "/admin/customs-endpoints",
        {"country": country, "name": f"{country} customs", "base_url": url},
    )
    assert r.status_code == 201, r.text


def _round(app: FastAPI, minutes: float = 0) -> RunReport:
    """One worker round, with the clock moved forward so backed-off messages are due."""
    with httpx.Client() as http:
        return run_once(
            factory=app.state.session_factory,
            deliver=make_deliver(app.state.settings, http),
            settings=app.state.settings,
            now=utcnow() + timedelta(minutes=minutes),
            rng=random.Random(7),
        )


def _messages(app: FastAPI) -> list[Any]:
    with unit_of_work(app.state.session_factory) as s:
        return [
            (m.topic, m.status, m.attempts, m.last_status)
            for m in s.query(OutboxMessage).order_by(OutboxMessage.id)
        ]


def test_consent_reaches_customs_through_an_outage(
    app: FastAPI, client: TestClient, world: DemoWorld, customs: tuple[CustomsSimulator, str]
) -> None:
    simulator, url = customs
    _endpoint(client, world, "KR", url)
    n = consented_notification(client, world)
    assert [m[:2] for m in _messages(app)] == [("consents", "pending")]
    simulator.fail_next(3, "500")
    simulator.fail_next(1, "drop")
    for minute in range(0, 200, 20):  # the worker keeps trying while customs is down
        _round(app, minutes=minute)
    assert [m[:2] for m in _messages(app)] == [("consents", "delivered")]
    assert simulator.attempts >= 5
    kinds = [
        (kind, payload["notification_number"], payload["status"])
        for kind, _, payload in simulator.stored
    ]
    assert kinds == [("consents", n["number"], "consented")]  # once, whatever the retries


def test_a_delivered_message_arriving_twice_is_stored_once_by_customs(
    app: FastAPI, client: TestClient, world: DemoWorld, customs: tuple[CustomsSimulator, str]
) -> None:
    """'slow': customs answers after our timeout; we retry, and customs still holds it once."""
    simulator, url = customs
    _endpoint(client, world, "MY", url)
    app.state.settings.delivery_timeout = 0.5
    try:
        consented_notification(client, world)
        simulator.fail_next(1, "slow", 1.5)
        _round(app)
        _round(app, minutes=5)
    finally:
        app.state.settings.delivery_timeout = 5.0
    time.sleep(2)  # let the slow first request finish on the customs side
    assert simulator.attempts == 2
    assert len(simulator.stored) == 1  # whether or not the abandoned first one got through


def test_retry_after_is_honoured(
    app: FastAPI, client: TestClient, world: DemoWorld, customs: tuple[CustomsSimulator, str]
) -> None:
    simulator, url = customs
    _endpoint(client, world, "KR", url)
    consented_notification(client, world)
    simulator.fail_next(1, "429", 600)
    _round(app)
    with unit_of_work(app.state.session_factory) as s:
        message = s.query(OutboxMessage).one()
        wait = (message.next_attempt_at - utcnow()).total_seconds()
    assert 590 < wait <= 600
    assert _round(app, minutes=5).delivered == 0  # not due yet
    assert _round(app, minutes=11).delivered == 1


def test_parked_after_too_many_failures_then_replayed(
    app: FastAPI, client: TestClient, world: DemoWorld, customs: tuple[CustomsSimulator, str]
) -> None:
    simulator, url = customs
    _endpoint(client, world, "KR", url)
    consented_notification(client, world)
    simulator.fail_next(app.state.settings.outbox_max_attempts, "500")
    for hour in range(0, 24 * 3, 2):
        _round(app, minutes=hour * 60)
    (message,) = client.get(
        "/admin/outbox?status=parked", headers=bearer(world.tokens["admin"])
    ).json()
    assert message["attempts"] == app.state.settings.outbox_max_attempts
    assert message["last_error"]
    r = post(client, world, "admin", f"/admin/outbox/{message['id']}/replay")
    assert r.json()["status"] == "pending"
    (event,) = client.get(
        f"/admin/audit/events?object_type=outbox_message&object_id={message['id']}",
        headers=bearer(world.tokens["admin"]),
    ).json()
    assert event["action"] == "outbox.replay" and event["actor"].startswith("admin:")
    assert event["before"]["status"] == "parked" and event["before"]["error"]
    assert _round(app).delivered == 1
    assert len(simulator.stored) == 1


def test_refused_for_good_is_parked_at_once(
    app: FastAPI, client: TestClient, world: DemoWorld, customs: tuple[CustomsSimulator, str]
) -> None:
    simulator, url = customs
    _endpoint(client, world, "KR", url + "/v1/nested")  # no such route on the customs side: 404
    consented_notification(client, world)
    report = _round(app)
    assert report.parked == 1 and "404" in report.errors[0]
    assert simulator.stored == []


def test_movement_announcement_goes_to_customs(
    app: FastAPI, client: TestClient, world: DemoWorld, customs: tuple[CustomsSimulator, str]
) -> None:
    simulator, url = customs
    _endpoint(client, world, "SG", url)
    n = consented_notification(client, world)
    m = create_movement(client, world, n["id"])
    post(client, world, "exporter_my", f"/movements/{m['id']}/announce")
    _round(app)
    stored = {kind: payload for kind, _, payload in simulator.stored}
    assert stored["movements"]["movement_id"] == m["document_no"]
    assert stored["movements"]["status"] == "announced"
    assert stored["consents"]["states"][1]["country"] == "SG"


def test_nothing_is_queued_when_the_change_fails(
    app: FastAPI, client: TestClient, world: DemoWorld, customs: tuple[CustomsSimulator, str]
) -> None:
    _, url = customs
    _endpoint(client, world, "KR", url)
    n = consented_notification(client, world)
    before = len(_messages(app))
    r = post(
        client, world, "authority_kr", f"/notifications/{n['id']}/withdrawal", {"reason": "x"}
    )  # too short: refused
    assert r.status_code == 422
    assert len(_messages(app)) == before
