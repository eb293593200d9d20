"""Webhooks end to end: a receiver on loopback gets signed events for what its owner may see."""

from __future__ import annotations

import json
import random
import socket
import threading
import time
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.consents.service import apply_due
from app.core.db import unit_of_work
from app.demo import DemoWorld
from app.outbox.delivery import make_deliver
from app.outbox.service import run_once
from app.webhooks.domain import signature_valid
from tests.factories import bearer, consented_notification, file_notification, post


class Receiver:
    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.app = Starlette(routes=[Route("/{owner}", self.hook, methods=["POST"])])

    async def hook(self, request: Request) -> Response:
        body = await request.body()
        self.received.append(
            {"owner": request.path_params["owner"], "body": body, "headers": dict(request.headers)}
        )
        return Response(status_code=204)


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    rec = Receiver()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(rec.app, log_level="critical", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    yield rec, f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(timeout=10)


def _subscribe(client: TestClient, world: DemoWorld, who: str, url: str, events: list[str]) -> str:
    r = post(client, world, who, "/webhooks", {"url": f"{url}/{who}", "events": events})
    assert r.status_code == 201, r.text
    return str(r.json()["secret"])


def _deliver(app: FastAPI) -> None:
    with httpx.Client() as http:
        run_once(
            factory=app.state.session_factory,
            deliver=make_deliver(app.state.settings, http),
            settings=app.state.settings,
            rng=random.Random(1),
        )


def test_events_reach_only_those_who_may_see_them_signed(
    app: FastAPI, client: TestClient, world: DemoWorld, receiver: tuple[Receiver, str]
) -> None:
    rec, url = receiver
    events = ["notification.submitted", "notification.consented", "notification.decided"]
    secrets = {
        who: _subscribe(client, world, who, url, events)
        for who in ("exporter_my", "authority_kr", "exporter_de", "authority_th", "customs_kr")
    }
    consented_notification(client, world)
    _deliver(app)
    got: dict[str, list[str]] = {}
    for item in rec.received:
        headers, body = item["headers"], item["body"]
        assert signature_valid(
            secrets[item["owner"]],
            headers["x-baseltrack-timestamp"],
            body,
            headers["x-baseltrack-signature"],
        )
        payload = json.loads(body)
        assert payload["id"] == headers["x-baseltrack-event-id"]
        got.setdefault(item["owner"], []).append(payload["type"])
    assert sorted(got) == ["authority_kr", "customs_kr", "exporter_my"]  # not DE, not TH
    assert got["exporter_my"].count("notification.decided") == 2
    assert "notification.consented" in got["authority_kr"]


def test_private_targets_are_refused_unless_allowed(
    app: FastAPI, client: TestClient, world: DemoWorld
) -> None:
    app.state.settings.allow_private_targets = False
    try:
        r = post(
            client,
            world,
            "exporter_my",
            "/webhooks",
            {"url": "http://127.0.0.1:8000/hook", "events": ["notification.submitted"]},
        )
    finally:
        app.state.settings.allow_private_targets = True
    assert r.status_code == 422 and r.json()["errors"][0]["rule"] == "webhook.private_target"


def test_unknown_events_and_foreign_subscriptions(client: TestClient, world: DemoWorld) -> None:
    r = post(
        client,
        world,
        "exporter_my",
        "/webhooks",
        {"url": "http://127.0.0.1:9/x", "events": ["everything"]},
    )
    assert r.status_code == 422
    r = post(
        client,
        world,
        "exporter_my",
        "/webhooks",
        {"url": "http://127.0.0.1:9/x", "events": ["notification.submitted"]},
    )
    sub = r.json()["id"]
    gone = client.delete(f"/webhooks/{sub}", headers=bearer(world.tokens["exporter_de"]))
    assert gone.status_code == 404
    assert client.get("/webhooks", headers=bearer(world.tokens["exporter_de"])).json() == []
    assert (
        client.delete(f"/webhooks/{sub}", headers=bearer(world.tokens["exporter_my"])).status_code
        == 204
    )


def test_deadline_events_are_sent_once(
    app: FastAPI, client: TestClient, world: DemoWorld, receiver: tuple[Receiver, str]
) -> None:
    rec, url = receiver
    _subscribe(client, world, "authority_sg", url, ["deadline.near", "deadline.passed"])
    n = file_notification(client, world)
    for who, step in [
        ("exporter_my", "submit"),
        ("authority_my", "transmit"),
        ("authority_kr", "acknowledge"),
    ]:
        post(client, world, who, f"/notifications/{n['id']}/{step}")
    for _ in range(2):  # the job runs daily; the same deadline is announced once
        with unit_of_work(app.state.session_factory) as s:
            apply_due(session=s, today=date.today() + timedelta(days=58))
    _deliver(app)
    kinds = [json.loads(i["body"])["type"] for i in rec.received]
    assert kinds == ["deadline.near"]
    assert json.loads(rec.received[0]["body"])["data"]["country"] == "SG"


def test_flag_events_go_to_inspectors_of_that_country(
    app: FastAPI, client: TestClient, world: DemoWorld, receiver: tuple[Receiver, str]
) -> None:
    from tests.factories import create_movement, scan

    rec, url = receiver
    for who in ("inspector_th", "inspector_my"):
        _subscribe(client, world, who, url, ["shipment.flagged"])
    n = consented_notification(client, world)
    m = create_movement(client, world, n["id"])
    scan(client, world, "customs_th", m["qr_text"], "THLCH", "entry")
    _deliver(app)
    owners = sorted(i["owner"] for i in rec.received)
    # TH inspectors learn of the flag raised at their border although TH is not on the route;
    # MY inspectors see the notification (MY is on the route)
    assert owners == ["inspector_my", "inspector_th"]
