"""Flags become cases: triage, investigation, an Art. 9 outcome or a cleared false positive."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.demo import DemoWorld
from tests.factories import (
    bearer,
    consented_notification,
    create_movement,
    inspector,
    post,
    scan,
)


@pytest.fixture
def case(client: TestClient, world: DemoWorld) -> dict[str, Any]:
    """A movement document presented at a Thai border: TH is not on the route → a flag in TH."""
    n = consented_notification(client, world)
    m = create_movement(client, world, n["id"])
    scan(client, world, "customs_th", m["qr_text"], "THLCH", "entry")
    (flag,) = client.get("/flags", headers=bearer(world.tokens["inspector_th"])).json()
    return {"id": flag["id"], "notification": n, "movement": m}


def test_confirmed_illegal_traffic_records_the_art9_outcome(
    client: TestClient, world: DemoWorld, case: dict[str, Any]
) -> None:
    path = f"/cases/{case['id']}"
    r = post(client, world, "inspector_th", f"{path}/investigate")
    assert r.status_code == 200 and r.json()["status"] == "under_investigation"
    assert r.json()["assigned_to"] == world.accounts["inspector_th"]
    post(client, world, "inspector_th", f"{path}/comments", {"body": "Driver had no route permit."})
    r = post(
        client,
        world,
        "inspector_th",
        f"{path}/confirm",
        {
            "ground": "d",
            "responsible": "exporter",
            "states_notified": ["MY", "KR", "TH"],
            "note": "Diverted to Laem Chabang; take-back ordered",
        },
    )
    assert r.status_code == 200, r.text
    closed = r.json()
    assert closed["status"] == "confirmed" and closed["closed_at"]
    outcome = closed["outcome"]
    assert outcome["action"] == "take_back" and outcome["states_notified"] == ["KR", "MY", "TH"]
    assert "Pulau Battery Recyclers Sdn Bhd" in outcome["parties"]
    assert closed["take_back_due"]  # 30 days (Art. 9(2))
    assert [c["body"] for c in closed["comments"]] == ["Driver had no route permit."]
    assert [h["action"] for h in closed["history"]] == [
        "case.investigate",
        "case.comment",
        "case.confirm",
    ]
    # a party with confirmed illegal traffic is flagged next time (S12)
    import json as _json

    decl = {
        "declaration_id": "TH-IMP-9",
        "declared_on": "2026-11-25",
        "customs_office": "THLCH",
        "office_country": "TH",
        "direction": "import",
        "declarant": {"name": "Agent", "country": "TH"},
        "consignor": {"name": "Pulau Battery Recyclers Sdn Bhd", "country": "MY"},
        "consignee": {"name": "Somebody", "country": "TH"},
        "dispatch_country": "MY",
        "destination_country": "TH",
        "goods": [
            {"hs_code": "850710", "description": "batteries", "net_mass_kg": "1000", "packages": 1}
        ],
        "transport_mode": "S",
    }
    report = client.post(
        "/customs/declarations",
        content=_json.dumps(decl),
        headers=bearer(world.tokens["customs_th"]),
    ).json()
    assert "S12" in {f["rule_id"] for f in report["results"][0]["flags"]}


def test_cleared_false_positive_and_reopen(
    client: TestClient, world: DemoWorld, case: dict[str, Any]
) -> None:
    path = f"/cases/{case['id']}"
    r = post(
        client,
        world,
        "inspector_th",
        f"{path}/clear",
        {"reason": "Misrouted scan: officer picked the wrong office"},
    )
    assert r.json()["status"] == "cleared" and r.json()["outcome"]["reason"]
    r = post(
        client,
        world,
        "inspector_th",
        f"{path}/confirm",
        {"ground": "a", "responsible": "exporter", "states_notified": ["MY"], "note": "xyz"},
    )
    assert r.status_code == 409
    assert (
        post(client, world, "inspector_th", f"{path}/reopen").json()["status"]
        == "under_investigation"
    )


def test_only_inspectors_of_the_flag_state_act(
    client: TestClient, world: DemoWorld, case: dict[str, Any]
) -> None:
    path = f"/cases/{case['id']}"
    # MY is on the route: its inspectors may read but not act; KR customs read; others see nothing
    assert client.get(path, headers=bearer(world.tokens["inspector_my"])).status_code == 200
    assert post(client, world, "inspector_my", f"{path}/investigate").status_code == 403
    assert post(client, world, "customs_th", f"{path}/investigate").status_code == 403
    for who in ("exporter_my", "authority_th", "admin", "facility_kr"):
        assert client.get(path, headers=bearer(world.tokens[who])).status_code == 404, who
    r = post(
        client,
        world,
        "inspector_th",
        f"{path}/assign",
        {"inspector_id": world.accounts["inspector_my"]},
    )
    assert r.status_code == 422 and r.json()["errors"][0]["rule"] == "case.assignee"


def test_assigned_only_to_an_active_inspector_of_the_flag_state(
    client: TestClient, world: DemoWorld, case: dict[str, Any]
) -> None:
    path = f"/cases/{case['id']}"
    colleague = inspector(client, world, "TH", "DIW Thailand — port inspections")
    retired = inspector(client, world, "TH", "DIW Thailand — retired desk", active=False)
    for refused in (retired["id"], world.accounts["customs_th"], world.accounts["inspector_my"]):
        r = post(client, world, "inspector_th", f"{path}/assign", {"inspector_id": refused})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "inspector_id"
    r = post(client, world, "inspector_th", f"{path}/assign", {"inspector_id": colleague["id"]})
    assert r.status_code == 200, r.text
    assigned = r.json()
    assert assigned["assigned_to"] == colleague["id"] and assigned["status"] == "open"
    assert [(h["action"], h["after"]) for h in assigned["history"]] == [
        ("case.assign", {"assigned_to": colleague["id"]})
    ]


def test_stale_version_conflicts(
    client: TestClient, world: DemoWorld, case: dict[str, Any]
) -> None:
    path = f"/cases/{case['id']}"
    got = client.get(path, headers=bearer(world.tokens["inspector_th"])).json()
    post(client, world, "inspector_th", f"{path}/investigate")
    r = post(
        client,
        world,
        "inspector_th",
        f"{path}/clear",
        {"reason": "Duplicate of 12"},
        **{"If-Match": f'"{got["version"]}"'},
    )
    assert r.status_code == 409
