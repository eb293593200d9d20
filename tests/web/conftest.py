"""Fixtures for page tests: visitors signed in as demo accounts, and procedure steps via the API."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.core.db import unit_of_work
from app.demo import DemoWorld
from app.web.forms import lead_acid_defaults
from app.web.service import parties_by_kind
from tests.factories import (
    bearer,
    consented_notification,
    create_movement,
    file_notification,
    post,
    scan,
)
from tests.web.visitors import Visitor


@pytest.fixture
def visit(app: FastAPI, world: DemoWorld) -> Callable[[str], Visitor]:
    """``visit("exporter_my")``: a browser signed in as that demo account."""

    def signed_in(who: str) -> Visitor:
        return Visitor(app, world.tokens[who])

    return signed_in


@pytest.fixture
def filing_form(app: FastAPI, world: DemoWorld) -> dict[str, Any]:
    """The filing form as the page fills it in for the Malaysian exporter, plus a signatory."""
    with unit_of_work(app.state.session_factory) as session:
        values = lead_acid_defaults(parties_by_kind(session), "MY", date.today())
    return {**values, "declaration.name": "Aminah binti Yusof"}


def advance(client: TestClient, world: DemoWorld, n: dict[str, Any], *steps: str) -> None:
    """Take procedure steps through the API: ("authority_my", "transmit") as "who:step"."""
    for item in steps:
        who, step = item.split(":")
        r = post(client, world, who, f"/notifications/{n['id']}/{step}")
        assert r.status_code == 200, (step, r.text)


@pytest.fixture
def acknowledged(client: TestClient, world: DemoWorld) -> dict[str, Any]:
    """Filed, submitted, transmitted and acknowledged: Singapore and Korea must decide."""
    n = file_notification(client, world)
    advance(
        client,
        world,
        n,
        "exporter_my:submit",
        "authority_my:transmit",
        "authority_kr:acknowledge",
    )
    return n


def announced_movement(client: TestClient, world: DemoWorld) -> dict[str, Any]:
    """A consented notification's first movement, announced: expected at the border."""
    n = consented_notification(client, world)
    m = create_movement(client, world, n["id"])
    r = post(client, world, "exporter_my", f"/movements/{m['id']}/announce")
    assert r.status_code == 200, r.text
    return dict(r.json())


@pytest.fixture
def announced(client: TestClient, world: DemoWorld) -> dict[str, Any]:
    return announced_movement(client, world)


def only_flag(client: TestClient, world: DemoWorld, inspector: str, **filters: str) -> int:
    """The id of the one flag the inspector's search finds with these filters."""
    r = client.get("/search/flags", params=filters, headers=bearer(world.tokens[inspector]))
    (flag,) = r.json()["items"]
    return int(flag["id"])


def flag_in_thailand(client: TestClient, world: DemoWorld) -> dict[str, Any]:
    """A movement document presented at a Thai border, off its MY → SG → KR route: a case in TH
    that Thai inspectors handle and Malaysian inspectors (on the route) may read."""
    n = consented_notification(client, world)
    m = create_movement(client, world, n["id"])
    scan(client, world, "customs_th", m["qr_text"], "THLCH", "entry")
    return {"id": only_flag(client, world, "inspector_th"), "movement": m}


def flag_in_malaysia(client: TestClient, world: DemoWorld) -> dict[str, Any]:
    """The same document scanned twice for exit at Port Klang: a case in MY."""
    m = announced_movement(client, world)
    for _ in range(2):
        scan(client, world, "customs_my", m["qr_text"], "MYPKG", "exit")
    return {"id": only_flag(client, world, "inspector_my", country="MY"), "movement": m}
