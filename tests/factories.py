"""Realistic requests shared by tests: spent lead-acid batteries (A1160/Y31) from Malaysia through
Singapore to the Republic of Korea for recovery (R4), under the Basel regime."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from alembic import command
from app.core.clock import local_date
from app.core.db import utcnow
from app.core.migrate import alembic_config
from app.demo import DemoWorld


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def today_of(client: TestClient, world: DemoWorld, who: str) -> date:
    """The date where the demo account ``who`` works: the calendar its dates are judged on."""
    me = client.get("/me", headers=bearer(world.tokens[who]))
    assert me.status_code == 200, me.text
    return local_date(me.json()["time_zone"], utcnow())


def migrate_down_and_up(app: FastAPI, database_url: str, revision: str) -> None:
    """Take the test database down to ``revision`` (dropping what came after, as if the rows had
    been made then) and up again, so a test can check what the upgrade fills in."""
    config = alembic_config(database_url)
    app.state.engine.dispose()  # no pooled connection in the way of the schema change
    try:
        command.downgrade(config, revision)
    finally:
        command.upgrade(config, "head")


def lead_acid_notification(
    world: DemoWorld, *, today: date | None = None, **overrides: Any
) -> dict[str, Any]:
    """A notification body whose dates follow ``today`` (the exporter's; default: the machine's)."""
    today = today or date.today()
    start = today + timedelta(days=14)
    body: dict[str, Any] = {
        "regime": "basel",
        "consignee_id": world.parties["kr_consignee"],
        "facility_id": world.parties["kr_facility"],
        "generators": [
            {
                "party_id": world.parties["my_generator"],
                "site": "Shah Alam depot",
                "process": "Collection of spent vehicle batteries",
            }
        ],
        "carriers": [{"party_id": world.parties["my_carrier"], "means_of_transport": ["R", "S"]}],
        "shipment_type": "multiple",
        "purpose": "recovery",
        "intended_shipments": 12,
        "quantity": "240.000",
        "unit": "t",
        "first_departure": start.isoformat(),
        "last_departure": (start + timedelta(days=300)).isoformat(),
        "packaging": ["4", "8"],
        "special_handling": "Acid-resistant liners; no stacking above 2 pallets",
        "operations": ["R4"],
        "technology": "Rotary furnace smelting and refining of lead",
        "reason_for_export": "No secondary lead smelter with capacity in the state of export",
        "designation": "Spent lead-acid batteries, whole, undrained",
        "composition": "Lead 65 %, sulphuric acid 20 %, polypropylene 10 %",
        "physical_characteristics": ["2", "5"],
        "waste": {
            "basel_code": "A1160",
            "y_codes": ["Y31", "Y34"],
            "h_codes": ["H8", "H11"],
            "un_class": "8",
            "un_number": "2794",
            "hs_code": "854911",
            "eu_code": "16 06 01*",
        },
        "route": [
            {"country": "MY", "point_of_exit": "Port Klang"},
            {"country": "SG", "point_of_entry": "Pasir Panjang", "point_of_exit": "Pasir Panjang"},
            {"country": "KR", "point_of_entry": "Busan"},
        ],
        "customs_offices": {"export": "MYPKG", "exit": "MYPKG", "entry": "KRPUS"},
        "guarantee": {
            "kind": "bond",
            "amount": "120000.00",
            "currency": "USD",
            "reference": "BOND-2026-77",
            "valid_until": (start + timedelta(days=400)).isoformat(),
        },
        "declaration": {"name": "Aminah binti Yusof", "signed_on": today.isoformat()},
        "annexes": 2,
    }
    body.update(overrides)
    return body


def file_notification(client: TestClient, world: DemoWorld, **overrides: Any) -> dict[str, Any]:
    r = client.post(
        "/notifications",
        json=lead_acid_notification(world, **overrides),
        headers=bearer(world.tokens["exporter_my"]),
    )
    assert r.status_code == 201, r.text
    return r.json()


def post(
    client: TestClient, world: DemoWorld, who: str, path: str, body: Any = None, **headers: str
) -> Any:
    return client.post(path, json=body, headers={**bearer(world.tokens[who]), **headers})


def inspector(
    client: TestClient, world: DemoWorld, country: str, name: str, *, active: bool = True
) -> dict[str, Any]:
    """Another inspector account, created (and deactivated if asked) by the admin."""
    r = post(
        client, world, "admin", "/accounts", {"name": name, "role": "inspector", "country": country}
    )
    assert r.status_code == 201, r.text
    account = dict(r.json())
    if not active:
        path = f"/accounts/{account['id']}"
        r = client.patch(path, json={"active": False}, headers=bearer(world.tokens["admin"]))
        assert r.status_code == 200, r.text
    return account


def consent_body(days: int = 330, start_in: int = 0, today: date | None = None) -> dict[str, str]:
    start = (today or date.today()) + timedelta(days=start_in)
    return {"valid_from": start.isoformat(), "valid_to": (start + timedelta(days=days)).isoformat()}


def consented_notification(
    client: TestClient, world: DemoWorld, start_in: int = 0, today: date | None = None
) -> dict[str, Any]:
    """File and carry a notification through every step to 'consented' (valid from ``today``,
    the date where the parties are; default: the machine's)."""
    today = today or date.today()
    n = file_notification(client, world, today=today)
    path = f"/notifications/{n['id']}"
    for who, step, body in [
        ("exporter_my", "submit", None),
        ("authority_my", "transmit", None),
        ("authority_kr", "acknowledge", None),
        ("authority_sg", "consent", consent_body(start_in=start_in, today=today)),
        (
            "authority_kr",
            "consent",
            {**consent_body(start_in=start_in, today=today), "conditions": "Arrive via Busan only"},
        ),
        (
            "exporter_my",
            "contract",
            {"reference": "C-2026-14", "concluded_on": today.isoformat()},
        ),
        ("exporter_my", "guarantee", lead_acid_notification(world, today=today)["guarantee"]),
    ]:
        r = post(client, world, who, f"{path}/{step}", body)
        assert r.status_code == 200, (step, r.text)
    assert r.json()["status"] == "consented"
    return r.json()


def movement_body(
    world: DemoWorld, days_ahead: int = 10, quantity: str = "19.800", today: date | None = None
) -> dict[str, Any]:
    return {
        "quantity": quantity,
        "unit": "t",
        "shipment_date": ((today or date.today()) + timedelta(days=days_ahead)).isoformat(),
        "packaging": [{"code": "4", "count": 20}],
        "carriers": [
            {"party_id": world.parties["my_carrier"], "means_of_transport": "R"},
            {"party_id": world.parties["my_carrier"], "means_of_transport": "S"},
        ],
        "containers": ["MSKU1234565"],
    }


def create_movement(
    client: TestClient, world: DemoWorld, notification_id: int, **overrides: Any
) -> dict[str, Any]:
    body = {**movement_body(world), **overrides}
    r = post(client, world, "exporter_my", f"/notifications/{notification_id}/movements", body)
    assert r.status_code == 201, r.text
    return r.json()


def scan(
    client: TestClient, world: DemoWorld, who: str, qr_text: str, office: str, direction: str
) -> dict[str, Any]:
    r = post(
        client, world, who, "/scans", {"qr_text": qr_text, "office": office, "direction": direction}
    )
    assert r.status_code == 200, r.text
    return r.json()
