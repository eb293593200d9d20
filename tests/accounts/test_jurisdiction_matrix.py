"""Every endpoint × every role × own/foreign object: only the right account may act.

For each endpoint the object is brought to the state where the step is possible; then every
account that must be refused tries it (401/403/404, and nothing changes: same status, version
and audit chain length), and finally an allowed account does it successfully.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.demo import ACCOUNTS, DemoWorld
from tests.factories import (
    bearer,
    consent_body,
    consented_notification,
    create_movement,
    file_notification,
    movement_body,
    post,
    scan,
)

ALL = [suffix for suffix, *_ in ACCOUNTS]
ON_ROUTE_READERS = {
    "exporter_my",
    "authority_my",
    "authority_sg",
    "authority_kr",
    "customs_my",
    "customs_kr",
    "inspector_my",
    "facility_kr",
    "carrier_my",
}


def _to(client: TestClient, world: DemoWorld, state: str) -> dict[str, Any]:
    """A MY→SG→KR notification in the given state (``movement_*``: with a movement in it)."""
    if state.startswith("movement_"):
        return _with_movement(client, world, state.removeprefix("movement_"))
    if state == "consented":
        return consented_notification(client, world)
    n = file_notification(client, world)
    steps = (
        {"submitted": 1, "transmitted": 2, "acknowledged": 3, "info_requested": 4}[state]
        if state != "draft"
        else 0
    )
    path = f"/notifications/{n['id']}"
    script = [
        ("exporter_my", "submit", None),
        ("authority_my", "transmit", None),
        ("authority_kr", "acknowledge", None),
        ("authority_kr", "information-requests", {"question": "Send the permit please."}),
    ]
    for who, step, body in script[:steps]:
        assert post(client, world, who, f"{path}/{step}", body).status_code == 200
    return n


def _with_movement(client: TestClient, world: DemoWorld, state: str) -> dict[str, Any]:
    n = consented_notification(client, world)
    m = create_movement(client, world, n["id"])
    steps = ["announced", "in_transit", "received"]
    wanted = steps[: steps.index(state) + 1] if state in steps else []
    if "announced" in wanted:
        post(client, world, "exporter_my", f"/movements/{m['id']}/announce")
    if "in_transit" in wanted:
        scan(client, world, "customs_my", m["qr_text"], "MYPKG", "exit")
    if "received" in wanted:
        post(
            client,
            world,
            "facility_kr",
            f"/movements/{m['id']}/receipt",
            {
                "received_on": date.today().isoformat(),
                "quantity_received": "19.8",
                "accepted": True,
            },
        )
    return {**n, "movement": m}


@dataclass
class Case:
    name: str
    method: str
    path: str  # {id} and {rid} are filled in
    state: str | None  # None: not about one notification
    allowed: set[str]
    body: Callable[[DemoWorld], Any] | None = None
    expect: set[int] = field(default_factory=lambda: {200, 201, 204})
    #: How a refusal may look. Filing for another country's notifier is a form error (422:
    #: the route must start in the notifier's state), everything else is 401/403/404.
    refused: set[int] = field(default_factory=lambda: {403, 404})


def _notification_body(world: DemoWorld) -> Any:
    from tests.factories import lead_acid_notification

    return lead_acid_notification(world)


CASES = [
    Case("read", "GET", "/notifications/{id}", "acknowledged", ON_ROUTE_READERS),
    Case("history", "GET", "/notifications/{id}/history", "acknowledged", ON_ROUTE_READERS),
    Case(
        "info list",
        "GET",
        "/notifications/{id}/information-requests",
        "acknowledged",
        ON_ROUTE_READERS,
    ),
    Case(
        "file",
        "POST",
        "/notifications",
        None,
        {"exporter_my"},
        _notification_body,
        refused={403, 404, 422},
    ),
    Case("edit draft", "PUT", "/notifications/{id}", "draft", {"exporter_my"}, _notification_body),
    Case("submit", "POST", "/notifications/{id}/submit", "draft", {"exporter_my"}),
    Case("transmit", "POST", "/notifications/{id}/transmit", "submitted", {"authority_my"}),
    Case(
        "refuse",
        "POST",
        "/notifications/{id}/refuse",
        "submitted",
        {"authority_my"},
        lambda w: {"reason": "Incomplete annexes"},
    ),
    Case("acknowledge", "POST", "/notifications/{id}/acknowledge", "transmitted", {"authority_kr"}),
    Case(
        "consent",
        "POST",
        "/notifications/{id}/consent",
        "acknowledged",
        {"authority_sg", "authority_kr"},
        lambda w: consent_body(),
    ),
    Case(
        "object",
        "POST",
        "/notifications/{id}/objection",
        "acknowledged",
        {"authority_sg", "authority_kr"},
        lambda w: {"reasons": "Permit does not cover R4"},
    ),
    Case(
        "ask info",
        "POST",
        "/notifications/{id}/information-requests",
        "acknowledged",
        {"authority_sg", "authority_kr"},
        lambda w: {"question": "Which furnace type?"},
    ),
    Case(
        "answer info",
        "POST",
        "/notifications/{id}/information-requests/{rid}/answer",
        "info_requested",
        {"exporter_my"},
        lambda w: {"answer": "Permit attached"},
    ),
    Case(
        "contract",
        "POST",
        "/notifications/{id}/contract",
        "acknowledged",
        {"exporter_my"},
        lambda w: {"reference": "C-1", "concluded_on": date.today().isoformat()},
    ),
    Case(
        "guarantee",
        "POST",
        "/notifications/{id}/guarantee",
        "acknowledged",
        {"exporter_my"},
        lambda w: _notification_body(w)["guarantee"],
    ),
    Case(
        "withdraw",
        "POST",
        "/notifications/{id}/withdrawal",
        "consented",
        {"authority_sg", "authority_kr"},
        lambda w: {"reason": "Permit suspended"},
    ),
    Case(
        "close",
        "POST",
        "/notifications/{id}/close",
        "consented",
        {"exporter_my", "authority_my"},
        lambda w: {"reason": "All shipments done"},
    ),
    Case("movement read", "GET", "/movements/{mid}", "movement_created", ON_ROUTE_READERS),
    Case(
        "movement revisions",
        "GET",
        "/movements/{mid}/revisions",
        "movement_created",
        ON_ROUTE_READERS,
    ),
    Case(
        "movement pdf", "GET", "/movements/{mid}/document.pdf", "movement_created", ON_ROUTE_READERS
    ),
    Case(
        "movement list",
        "GET",
        "/notifications/{id}/movements",
        "movement_created",
        ON_ROUTE_READERS,
    ),
    Case(
        "movement zip",
        "GET",
        "/notifications/{id}/movements/documents.zip",
        "movement_created",
        ON_ROUTE_READERS,
    ),
    Case(
        "notification pdf", "GET", "/notifications/{id}/document.pdf", "consented", ON_ROUTE_READERS
    ),
    Case(
        "create movement",
        "POST",
        "/notifications/{id}/movements",
        "consented",
        {"exporter_my"},
        lambda w: movement_body(w),
    ),
    Case(
        "correct movement",
        "PATCH",
        "/movements/{mid}",
        "movement_announced",
        {"exporter_my"},
        lambda w: {"reason": "Weighbridge", "quantity": "19.9"},
    ),
    Case("announce", "POST", "/movements/{mid}/announce", "movement_created", {"exporter_my"}),
    Case(
        "hand over",
        "POST",
        "/movements/{mid}/hand-over",
        "movement_announced",
        {"carrier_my", "exporter_my"},
        lambda w: {
            "party_id": w.parties["my_carrier"],
            "means_of_transport": "R",
            "transferred_on": date.today().isoformat(),
        },
    ),
    Case(
        "receipt",
        "POST",
        "/movements/{mid}/receipt",
        "movement_in_transit",
        {"facility_kr"},
        lambda w: {
            "received_on": date.today().isoformat(),
            "quantity_received": "19.8",
            "accepted": True,
        },
    ),
    Case(
        "certificate",
        "POST",
        "/movements/{mid}/certificate",
        "movement_received",
        {"facility_kr"},
        lambda w: {"completed_on": date.today().isoformat(), "operation": "R4"},
    ),
    Case(
        "cancel",
        "POST",
        "/movements/{mid}/cancel",
        "movement_created",
        {"exporter_my"},
        lambda w: {"reason": "Not needed"},
    ),
    Case(
        "return",
        "POST",
        "/movements/{mid}/return",
        "movement_in_transit",
        {"authority_my", "authority_kr"},
        lambda w: {"kind": "return", "reason": "Cannot be completed"},
    ),
    Case(
        "scan",
        "POST",
        "/scans",
        "movement_announced",
        {"customs_my", "customs_kr", "customs_th"},
        lambda w: {"qr_text": "BT1:X", "office": "MYPKG", "direction": "exit"},
    ),
    Case("overdue", "GET", "/movements/overdue", None, set(ALL)),
    Case("list accounts", "GET", "/accounts", None, {"admin"}),
    Case(
        "create account",
        "POST",
        "/accounts",
        None,
        {"admin"},
        lambda w: {"name": "New officer", "role": "customs", "country": "MY"},
    ),
    Case(
        "disable account",
        "PATCH",
        "/accounts/{carrier}",
        None,
        {"admin"},
        lambda w: {"active": True},
    ),
    Case(
        "create party",
        "POST",
        "/parties",
        None,
        {"admin"},
        lambda w: {"kind": "carrier", "name": "New Carrier", "country": "MY"},
    ),
    Case(
        "create authority",
        "POST",
        "/authorities",
        None,
        {"admin"},
        lambda w: {"code": "VN-MONRE", "country": "VN", "name": "MONRE Viet Nam"},
    ),
    Case(
        "authority policy",
        "PUT",
        "/authorities/{kr_authority}/policy",
        None,
        {"admin", "authority_kr"},
        lambda w: {"weekend": [5, 6], "tacit_transit_consent": False},
    ),
    Case(
        "add prohibition",
        "POST",
        "/prohibitions",
        None,
        {"admin", "authority_kr"},
        lambda w: {"country": "KR", "scope": "operation", "value": "D1", "source": "KR law"},
    ),
    Case("deadline job", "POST", "/admin/jobs/deadlines", None, {"admin"}),
    Case("audit verify", "GET", "/admin/audit/verify", None, {"admin"}),
    Case(
        "audit events",
        "GET",
        "/admin/audit/events?object_type=account&object_id=1",
        None,
        {"admin"},
    ),
]


def _observe(client: TestClient, world: DemoWorld, n: dict[str, Any] | None) -> tuple[Any, ...]:
    """What must not change when a request is refused."""
    chain = client.get("/admin/audit/verify", headers=bearer(world.tokens["admin"])).json()
    recorded = chain["events"] + chain["staged"]  # the sealer may chain staged ones meanwhile
    if n is None:
        return (recorded,)
    got = client.get(f"/notifications/{n['id']}", headers=bearer(world.tokens["exporter_my"]))
    seen = [recorded, got.json()["status"], got.json()["version"]]
    if "movement" in n:
        m = client.get(
            f"/movements/{n['movement']['id']}", headers=bearer(world.tokens["exporter_my"])
        ).json()
        seen += [m["status"], m["version"], m["revision"]]
    return tuple(seen)


def _fill(path: str, world: DemoWorld, n: dict[str, Any] | None, rid: int | None) -> str:
    return path.format(
        id=n["id"] if n else 0,
        rid=rid or 0,
        mid=n["movement"]["id"] if n and "movement" in n else 0,
        carrier=world.accounts["carrier_my"],
        kr_authority=world.authorities["KR-MOE"],
    )


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_only_the_right_accounts_may_act(client: TestClient, world: DemoWorld, case: Case) -> None:
    n = _to(client, world, case.state) if case.state else None
    rid = None
    if case.state == "info_requested":
        reqs = client.get(
            f"/notifications/{n['id']}/information-requests",  # type: ignore[index]
            headers=bearer(world.tokens["exporter_my"]),
        )
        rid = reqs.json()[0]["id"]
    path = _fill(case.path, world, n, rid)
    body = case.body(world) if case.body else None
    before = _observe(client, world, n)

    anonymous = client.request(case.method, path, json=body)
    assert anonymous.status_code == 401, anonymous.text
    for who in ALL:
        if who in case.allowed:
            continue
        r = client.request(case.method, path, json=body, headers=bearer(world.tokens[who]))
        assert r.status_code in case.refused, f"{who} got {r.status_code}: {r.text}"
        assert r.headers["content-type"] == "application/problem+json"
        assert _observe(client, world, n) == before, f"{who}'s refused request changed something"

    if case.allowed == set(ALL):
        return
    allowed = sorted(case.allowed)[0]
    r = client.request(case.method, path, json=body, headers=bearer(world.tokens[allowed]))
    assert r.status_code in case.expect, f"{allowed} got {r.status_code}: {r.text}"


def test_listing_shows_only_the_jurisdiction(client: TestClient, world: DemoWorld) -> None:
    n = _to(client, world, "acknowledged")
    for who in ALL:
        r = client.get("/notifications", headers=bearer(world.tokens[who]))
        assert r.status_code == 200
        ids = [x["id"] for x in r.json()]
        assert (n["id"] in ids) == (who in ON_ROUTE_READERS), who
