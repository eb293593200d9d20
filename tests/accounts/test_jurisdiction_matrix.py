"""Every endpoint × every role × own/foreign object: only the right account may act.

For each endpoint the object is brought to the state where the step is possible; then every
account that must be refused tries it (401/403/404, and nothing changes: same status, version
and audit chain length), and finally an allowed account does it successfully.

Reads that every account may make but that answer each with only its own jurisdiction (lists,
searches, statistics) are checked as LISTINGS: who finds the object in the answer and who does
not. A last test holds the OpenAPI schema against all of this, so an endpoint added without a
jurisdiction test (or a PUBLIC reason) fails the suite.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.accounts.models import Role
from app.demo import ACCOUNTS, DemoWorld
from app.outbox.service import Attempt, run_once
from tests.customs_adapters.samples import klang_export
from tests.factories import (
    bearer,
    consent_body,
    consented_notification,
    create_movement,
    file_notification,
    movement_body,
    post,
    scan,
    today_of,
)

#: Accounts the demo lacks: its only carrier and facility are on the MY→SG→KR route, so without
#: these no carrier or facility would ever be refused. Created per test (``world`` below).
OUTSIDERS = [
    # token suffix, role, country, name, party key
    ("carrier_de", Role.CARRIER, "DE", "Rhein Gefahrgut — dispatch", "de_carrier"),
    ("facility_th", Role.FACILITY, "TH", "Samut Prakan — Bang Phli weighbridge", "th_facility"),
]
ALL = [suffix for suffix, *_ in [*ACCOUNTS, *OUTSIDERS]]


def _with_role(*roles: Role) -> set[str]:
    return {suffix for suffix, role, *_ in [*ACCOUNTS, *OUTSIDERS] if role in roles}


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
#: Who may read a flag raised in TH about the MY→SG→KR notification: customs and inspectors of
#: the state where it was raised and of the states on the route. Only TH's inspectors act on it.
CASE_READERS = {"customs_my", "customs_kr", "customs_th", "inspector_my", "inspector_th"}
FLAG_SEARCHERS = _with_role(Role.CUSTOMS, Role.INSPECTOR)
CUSTOMS = _with_role(Role.CUSTOMS)
NOT_ADMIN = set(ALL) - {"admin"}  # admins manage the service; they do not read shipments


@pytest.fixture
def world(world: DemoWorld, client: TestClient) -> DemoWorld:
    """The demo world with the OUTSIDERS' accounts added."""
    for suffix, role, country, name, party in OUTSIDERS:
        body = {"name": name, "role": role, "country": country, "party_id": world.parties[party]}
        r = post(client, world, "admin", "/accounts", body)
        assert r.status_code == 201, r.text
        world.tokens[suffix], world.accounts[suffix] = r.json()["token"], r.json()["id"]
    return world


def _to(client: TestClient, world: DemoWorld, state: str) -> dict[str, Any]:
    """A MY→SG→KR notification in the given state (``movement_*``: with a movement in it;
    ``case_*``: with a flag raised on the movement, as a case), or another OBJECTS' state."""
    if state in OBJECTS:
        return OBJECTS[state](client, world)
    if state.startswith("case_"):
        return _case(client, world, state.removeprefix("case_"))
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


def _case(client: TestClient, world: DemoWorld, status: str) -> dict[str, Any]:
    """The movement document presented at a Thai border: TH is not on the route, so a flag is
    raised in TH, a case for TH's inspectors; taken by them to ``status``."""
    n = _with_movement(client, world, "created")
    scan(client, world, "customs_th", n["movement"]["qr_text"], "THLCH", "entry")
    (flag,) = client.get("/flags", headers=bearer(world.tokens["inspector_th"])).json()
    steps: dict[str, list[tuple[str, Any]]] = {
        "open": [],
        "under_investigation": [("investigate", None)],
        "cleared": [("clear", {"reason": "Officer picked the wrong office"})],
    }
    for step, body in steps[status]:
        r = post(client, world, "inspector_th", f"/cases/{flag['id']}/{step}", body)
        assert r.status_code == 200, r.text
    return {**n, "case": flag["id"]}


def _declaration(world: DemoWorld) -> dict[str, Any]:
    """An export declaration at Port Klang naming a notification that does not exist."""
    return klang_export(
        declaration_id="MY-EXP-77", notification_number="MY-2026-999999", movement_id=None
    )


def _declared(client: TestClient, world: DemoWorld) -> dict[str, Any]:
    """The declaration, stored from Malaysia's customs, and the flag it raised in MY (no
    notification, so no route: MY's customs and inspectors only)."""
    r = post(client, world, "customs_my", "/customs/declarations", _declaration(world))
    assert r.status_code == 200 and r.json()["received"] == 1, r.text
    (result,) = r.json()["results"]
    return {"declaration": result["stored_id"], "flag": result["flags"][0]["id"]}


def _subscribed(client: TestClient, world: DemoWorld) -> dict[str, Any]:
    """A webhook subscription of the Malaysian exporter."""
    body = {"url": "http://127.0.0.1:9/hooks", "events": ["notification.submitted"]}
    r = post(client, world, "exporter_my", "/webhooks", body)
    assert r.status_code == 201, r.text
    return {"subscription": r.json()["id"]}


def _prohibited(client: TestClient, world: DemoWorld) -> dict[str, Any]:
    """An import prohibition of Korea."""
    body = {"country": "KR", "scope": "operation", "value": "D1", "source": "KR law"}
    r = post(client, world, "admin", "/prohibitions", body)
    assert r.status_code == 201, r.text
    return {"prohibition": r.json()["id"]}


def _parked(client: TestClient, world: DemoWorld) -> dict[str, Any]:
    """A consent message for Korea's customs system, refused for good by it: parked."""
    body = {"country": "KR", "name": "UNI-PASS", "base_url": "http://127.0.0.1:9/customs"}
    assert post(client, world, "admin", "/admin/customs-endpoints", body).status_code == 201
    consented_notification(client, world)
    app = cast(FastAPI, client.app)
    report = run_once(
        factory=app.state.session_factory,
        deliver=lambda session, message: Attempt(False, 410, "Gone", permanent=True),
        settings=app.state.settings,
    )
    assert report.parked == 1, report
    (message,) = client.get("/admin/outbox", headers=bearer(world.tokens["admin"])).json()
    return {"message": message["id"]}


#: States that are not about a notification, by name, and what builds them.
OBJECTS: dict[str, Callable[[TestClient, DemoWorld], dict[str, Any]]] = {
    "declaration": _declared,
    "subscription": _subscribed,
    "prohibition": _prohibited,
    "parked_message": _parked,
}


@dataclass
class Case:
    name: str
    method: str
    path: str  # {placeholders} are filled in by _fill
    state: str | None  # None: no object built first
    allowed: set[str]
    body: Callable[[DemoWorld], Any] | None = None
    expect: set[int] = field(default_factory=lambda: {200, 201, 204})
    #: How a refusal may look. Filing for another country's notifier is a form error (422:
    #: the route must start in the notifier's state), everything else is 401/403/404.
    refused: set[int] = field(default_factory=lambda: {403, 404})
    #: The body is a file, uploaded as multipart form data (a CSV of movements).
    upload: bool = False


def _notification_body(world: DemoWorld) -> Any:
    from tests.factories import lead_acid_notification

    return lead_acid_notification(world)


def _movements_file(world: DemoWorld) -> bytes:
    """The movement of ``movement_body`` as a row of the batch upload's CSV."""
    m = movement_body(world)
    packaging = ";".join(f"{p['code']}:{p['count']}" for p in m["packaging"])
    carriers = ";".join(f"{c['party_id']}:{c['means_of_transport']}" for c in m["carriers"])
    return (
        "quantity,shipment_date,packaging,carriers,containers\n"
        f"{m['quantity']},{m['shipment_date']},{packaging},{carriers},{';'.join(m['containers'])}\n"
    ).encode()


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
    Case(
        "create movements from a file",
        "POST",
        "/notifications/{id}/movements/batch",
        "consented",
        {"exporter_my"},
        _movements_file,
        upload=True,
    ),
    Case("me", "GET", "/me", None, set(ALL)),
    Case("list parties", "GET", "/parties", None, set(ALL)),
    Case("read party", "GET", "/parties/{carrier_party}", None, set(ALL)),
    Case("list authorities", "GET", "/authorities", None, set(ALL)),
    Case("read authority", "GET", "/authorities/{kr_authority}", None, set(ALL)),
    Case("list prohibitions", "GET", "/prohibitions", None, set(ALL)),
    Case(
        "remove prohibition",
        "DELETE",
        "/prohibitions/{prohibition}",
        "prohibition",
        {"admin", "authority_kr"},
    ),
    Case("code lists", "GET", "/reference/lists", None, set(ALL)),
    Case("codes", "GET", "/reference/lists/{code_list}", None, set(ALL)),
    Case("code", "GET", "/reference/lists/{code_list}/{code}", None, set(ALL)),
    Case("regimes", "GET", "/reference/regimes", None, set(ALL)),
    # The role is checked here; the office's country, row by row, in
    # test_declarations_are_taken_only_from_their_office_country.
    Case("declare", "POST", "/customs/declarations", None, CUSTOMS, _declaration),
    Case(
        "read declaration",
        "GET",
        "/customs/declarations/{declaration}",
        "declaration",
        {"customs_my", "inspector_my"},
    ),
    Case("customs endpoints", "GET", "/admin/customs-endpoints", None, {"admin"}),
    Case(
        "add customs endpoint",
        "POST",
        "/admin/customs-endpoints",
        None,
        {"admin"},
        lambda w: {"country": "KR", "name": "UNI-PASS", "base_url": "https://unipass.example.kr"},
    ),
    Case("outbox", "GET", "/admin/outbox", None, {"admin"}),
    Case("replay", "POST", "/admin/outbox/{message}/replay", "parked_message", {"admin"}),
    Case("flags", "GET", "/flags", None, FLAG_SEARCHERS),
    Case(
        "subscribe",
        "POST",
        "/webhooks",
        None,
        set(ALL),
        lambda w: {"url": "http://127.0.0.1:9/hooks", "events": ["movement.announced"]},
    ),
    Case("unsubscribe", "DELETE", "/webhooks/{subscription}", "subscription", {"exporter_my"}),
    Case("case", "GET", "/cases/{case}", "case_open", CASE_READERS),
    Case("investigate", "POST", "/cases/{case}/investigate", "case_open", {"inspector_th"}),
    Case(
        "confirm",
        "POST",
        "/cases/{case}/confirm",
        "case_under_investigation",
        {"inspector_th"},
        lambda w: {
            "ground": "d",
            "responsible": "exporter",
            "states_notified": ["MY", "KR", "TH"],
            "note": "Diverted to Laem Chabang; take-back ordered",
        },
    ),
    Case(
        "clear",
        "POST",
        "/cases/{case}/clear",
        "case_open",
        {"inspector_th"},
        lambda w: {"reason": "Misrouted scan"},
    ),
    Case("reopen", "POST", "/cases/{case}/reopen", "case_cleared", {"inspector_th"}),
    Case(
        "assign",
        "POST",
        "/cases/{case}/assign",
        "case_open",
        {"inspector_th"},
        lambda w: {"inspector_id": w.accounts["inspector_th"]},
    ),
    Case(
        "comment",
        "POST",
        "/cases/{case}/comments",
        "case_open",
        {"inspector_th"},
        lambda w: {"body": "Driver had no route permit."},
    ),
    Case("search flags", "GET", "/search/flags", None, FLAG_SEARCHERS),
    Case("search flags csv", "GET", "/search/flags.csv", None, FLAG_SEARCHERS),
    Case("search movements", "GET", "/search/movements", None, NOT_ADMIN),
    Case("search movements csv", "GET", "/search/movements.csv", None, NOT_ADMIN),
    Case("quantities", "GET", "/statistics/quantities?year={year}", None, NOT_ADMIN),
    Case(
        "art13 report",
        "GET",
        "/reports/art13?year={year}",
        None,
        _with_role(Role.AUTHORITY, Role.INSPECTOR),
    ),
]


#: Where a refused request's effect on the other objects a state built would show: the reader
#: who sees it, and the page compared whole.
WATCHED = [
    ("case", "inspector_th", "/cases/{case}"),
    ("subscription", "exporter_my", "/webhooks"),
    ("prohibition", "admin", "/prohibitions"),
    ("message", "admin", "/admin/outbox"),
]


def _observe(client: TestClient, world: DemoWorld, n: dict[str, Any] | None) -> tuple[Any, ...]:
    """What must not change when a request is refused."""
    chain = client.get("/admin/audit/verify", headers=bearer(world.tokens["admin"])).json()
    recorded = chain["events"] + chain["staged"]  # the sealer may chain staged ones meanwhile
    if n is None:
        return (recorded,)
    seen = [recorded]
    if "id" in n:
        got = client.get(f"/notifications/{n['id']}", headers=bearer(world.tokens["exporter_my"]))
        seen += [got.json()["status"], got.json()["version"]]
    if "movement" in n:
        m = client.get(
            f"/movements/{n['movement']['id']}", headers=bearer(world.tokens["exporter_my"])
        ).json()
        seen += [m["status"], m["version"], m["revision"]]
    for key, reader, path in WATCHED:
        if key in n:
            page = client.get(_fill(client, path, world, n), headers=bearer(world.tokens[reader]))
            seen.append(page.json())
    return tuple(seen)


def _fill(
    client: TestClient,
    path: str,
    world: DemoWorld,
    n: dict[str, Any] | None,
    rid: int | None = None,
) -> str:
    """The path with the ids of what the state built (``n``: a notification's fields and the
    OBJECTS' ids by name; 0 where none was built) and of the demo's records."""
    n = n or {}
    return path.format(
        id=n.get("id", 0),
        rid=rid or 0,
        mid=n["movement"]["id"] if "movement" in n else 0,
        carrier=world.accounts["carrier_my"],
        carrier_party=world.parties["my_carrier"],
        kr_authority=world.authorities["KR-MOE"],
        code_list="basel_annex_viii",
        code="A1160",
        # the year on the calendar where the demo shipments are notified and leave
        year=today_of(client, world, "exporter_my").year if "{year}" in path else 0,
        **{
            key: n.get(key, 0)
            for key in ("case", "declaration", "subscription", "prohibition", "message")
        },
    )


def _send(
    client: TestClient, case: Case, path: str, body: Any, token: str | None
) -> httpx.Response:
    """The case's request, with ``token`` (None: anonymously)."""
    headers = bearer(token) if token else {}
    if case.upload:
        files = {"file": ("movements.csv", body, "text/csv")}
        return client.request(case.method, path, files=files, headers=headers)
    return client.request(case.method, path, json=body, headers=headers)


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
    path = _fill(client, case.path, world, n, rid)
    body = case.body(world) if case.body else None
    before = _observe(client, world, n)

    anonymous = _send(client, case, path, body, None)
    assert anonymous.status_code == 401, anonymous.text
    for who in ALL:
        if who in case.allowed:
            continue
        r = _send(client, case, path, body, world.tokens[who])
        assert r.status_code in case.refused, f"{who} got {r.status_code}: {r.text}"
        assert r.headers["content-type"] == "application/problem+json"
        assert _observe(client, world, n) == before, f"{who}'s refused request changed something"

    allowed = sorted(case.allowed)[0]
    r = _send(client, case, path, body, world.tokens[allowed])
    assert r.status_code in case.expect, f"{allowed} got {r.status_code}: {r.text}"


def _ids(r: httpx.Response) -> list[int]:
    """The ids an answer lists: a JSON list, a search page's items, or a CSV's id column."""
    if r.headers["content-type"].startswith("text/csv"):
        return [int(row["id"]) for row in csv.DictReader(io.StringIO(r.text))]
    body = r.json()
    return [x["id"] for x in (body["items"] if isinstance(body, dict) else body)]


@dataclass
class Listing:
    """A read answered with only what the caller may see. The callers (the rest are refused by
    a Case) each get 200; those in ``sees`` find the object in the answer, the others do not."""

    name: str
    path: str  # filled in like a Case's
    state: str
    sees: set[str]
    found: Callable[[httpx.Response, dict[str, Any]], bool]
    callers: set[str] = field(default_factory=lambda: set(ALL))


LISTINGS = [
    Listing(
        "notifications",
        "/notifications",
        "acknowledged",
        ON_ROUTE_READERS,
        lambda r, n: n["id"] in _ids(r),
    ),
    Listing(
        "own subscriptions",
        "/webhooks",
        "subscription",
        {"exporter_my"},
        lambda r, n: n["subscription"] in _ids(r),
    ),
    Listing(
        "flags raised in the state",
        "/flags",
        "declaration",
        {"customs_my", "inspector_my"},
        lambda r, n: n["flag"] in _ids(r),
        FLAG_SEARCHERS,
    ),
    Listing(
        "flag search: raised in the state",
        "/search/flags",
        "declaration",
        {"customs_my", "inspector_my"},
        lambda r, n: n["flag"] in _ids(r),
        FLAG_SEARCHERS,
    ),
    Listing(
        "flag search: raised on the route",
        "/search/flags",
        "case_open",
        CASE_READERS,
        lambda r, n: n["case"] in _ids(r),
        FLAG_SEARCHERS,
    ),
    Listing(
        "flag search as CSV",
        "/search/flags.csv",
        "declaration",
        {"customs_my", "inspector_my"},
        lambda r, n: n["flag"] in _ids(r),
        FLAG_SEARCHERS,
    ),
    Listing(
        "movement search",
        "/search/movements",
        "movement_created",
        ON_ROUTE_READERS,
        lambda r, n: n["movement"]["id"] in _ids(r),
        NOT_ADMIN,
    ),
    Listing(
        "movement search as CSV",
        "/search/movements.csv",
        "movement_created",
        ON_ROUTE_READERS,
        lambda r, n: n["movement"]["id"] in _ids(r),
        NOT_ADMIN,
    ),
    Listing(
        "quantities",
        "/statistics/quantities?year={year}",
        "movement_in_transit",
        ON_ROUTE_READERS,
        lambda r, n: r.json() != [],
        NOT_ADMIN,
    ),
    Listing(
        "art13 report of the own state",
        "/reports/art13?year={year}",
        "movement_in_transit",
        {"authority_my", "authority_sg", "authority_kr", "inspector_my"},
        lambda r, n: any(r.json()[table] for table in ("exports", "imports", "transit")),
        _with_role(Role.AUTHORITY, Role.INSPECTOR),
    ),
]


@pytest.mark.parametrize("listing", LISTINGS, ids=[x.name for x in LISTINGS])
def test_listing_shows_only_the_jurisdiction(
    client: TestClient, world: DemoWorld, listing: Listing
) -> None:
    n = _to(client, world, listing.state)
    path = _fill(client, listing.path, world, n)
    for who in sorted(listing.callers):
        r = client.get(path, headers=bearer(world.tokens[who]))
        assert r.status_code == 200, f"{who} got {r.status_code}: {r.text}"
        assert listing.found(r, n) == (who in listing.sees), who


def test_declarations_are_taken_only_from_their_office_country(
    client: TestClient, world: DemoWorld
) -> None:
    """Customs send batches, so another state's declaration is refused row by row (the others
    go through) rather than the whole request: the answer is 200, and nothing is stored."""
    for who in sorted(CUSTOMS - {"customs_my"}):
        r = post(client, world, who, "/customs/declarations", _declaration(world))
        assert r.status_code == 200, r.text
        assert (r.json()["received"], r.json()["results"]) == (0, []), who
        assert "may send declarations of" in r.json()["errors"][0]["reason"]
    r = post(client, world, "customs_my", "/customs/declarations", _declaration(world))
    assert [x["duplicate"] for x in r.json()["results"]] == [False]  # the first one stored


# --- every operation of the schema is tested here, or public for a reason ------------------------

#: Operations that answer without a token, and why.
PUBLIC = {
    ("GET", "/health"): "liveness probe for load balancers: says nothing about any shipment",
    ("GET", "/.well-known/baseltrack/keyset.json"): "public keys for offline verifiers, like JWKS",
    ("GET", "/.well-known/baseltrack/revocations.json"): "revoked documents, for the same",
}
#: Operations whose jurisdiction another test of this file checks, and which one.
NAMED: dict[tuple[str, str], Callable[..., None]] = {
    ("POST", "/customs/declarations"): test_declarations_are_taken_only_from_their_office_country,
}


def _operation(method: str, path: str) -> tuple[str, str]:
    """An operation as the schema names it: the method, and the path with its parameters as
    ``{}`` (whatever their names) and no query string."""
    return method.upper(), re.sub(r"\{[^}]*\}", "{}", path.partition("?")[0])


def test_every_operation_has_a_jurisdiction_test(app: FastAPI) -> None:
    """A new endpoint fails here until its jurisdiction is tested (or it is PUBLIC)."""
    schema = {_operation(m, p) for p, ops in app.openapi()["paths"].items() for m in ops}
    tested = (
        {_operation(c.method, c.path) for c in CASES}
        | {_operation("GET", x.path) for x in LISTINGS}
        | {_operation(*op) for op in [*NAMED, *PUBLIC]}
    )
    assert schema - tested == set(), "add a Case, a Listing or a PUBLIC reason for these"
    assert tested - schema == set(), "no such operations (any more)"


@pytest.mark.parametrize("operation", PUBLIC, ids=[path for _, path in PUBLIC])
def test_public_operations_answer_without_a_token(
    client: TestClient, operation: tuple[str, str]
) -> None:
    """Public means it: no token needed (so the reason above must stay true)."""
    r = client.request(*operation)
    assert r.status_code == 200, r.text
