"""The Basel procedure through the HTTP API, as an exporter and the authorities live it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from fastapi.testclient import TestClient

from app.demo import DemoWorld
from tests.factories import (
    bearer,
    consent_body,
    consented_notification,
    file_notification,
    lead_acid_notification,
    post,
    today_of,
)


def test_full_flow_from_filing_to_consented(client: TestClient, world: DemoWorld) -> None:
    n = consented_notification(client, world)
    assert n["number"].startswith(f"MY-{date.today().year}-")
    assert [s["capacity"] for s in n["states"]] == ["export", "transit", "import"]
    assert {d["country"]: d["status"] for d in n["decisions"]} == {
        "SG": "consented",
        "KR": "consented",
    }
    kr = next(d for d in n["decisions"] if d["country"] == "KR")
    assert kr["conditions"] == "Arrive via Busan only"
    assert n["valid_from"] == consent_body()["valid_from"]
    assert n["next_actions"][0]["action"] == "ship"


def test_next_actions_show_who_must_act_and_by_when(client: TestClient, world: DemoWorld) -> None:
    n = file_notification(client, world)
    assert n["status"] == "draft"
    assert n["next_actions"][0]["actor"] == "notifier"
    post(client, world, "exporter_my", f"/notifications/{n['id']}/submit")
    post(client, world, "authority_my", f"/notifications/{n['id']}/transmit")
    r = post(client, world, "authority_kr", f"/notifications/{n['id']}/acknowledge")
    actions = {(a["actor"], a["country"]): a for a in r.json()["next_actions"]}
    transit = actions[("transit_authority", "SG")]
    acknowledged_on = today_of(client, world, "authority_kr")
    assert r.json()["acknowledged_on"] == acknowledged_on.isoformat()
    assert transit["due"] == (acknowledged_on + timedelta(days=60)).isoformat()
    assert transit["overdue"] is False
    assert ("import_authority", "KR") in actions


def test_periods_count_from_the_day_of_acknowledgment_in_the_acknowledging_state(
    client: TestClient, world: DemoWorld, set_clock: Callable[[datetime], None]
) -> None:
    """Acknowledged at 05:00 in Seoul (20:00 UTC): the 60 days count from Seoul's date."""
    n = file_notification(client, world)
    post(client, world, "exporter_my", f"/notifications/{n['id']}/submit")
    post(client, world, "authority_my", f"/notifications/{n['id']}/transmit")
    evening = datetime.combine(datetime.now(UTC).date(), time(20), UTC)
    set_clock(evening)
    r = post(client, world, "authority_kr", f"/notifications/{n['id']}/acknowledge")
    seoul_date = evening.date() + timedelta(days=1)
    assert r.json()["acknowledged_on"] == seoul_date.isoformat()
    actions = {(a["actor"], a["country"]): a for a in r.json()["next_actions"]}
    assert actions[("transit_authority", "SG")]["due"] == str(seoul_date + timedelta(days=60))


def test_numbers_are_unique_per_country_of_export(client: TestClient, world: DemoWorld) -> None:
    first = file_notification(client, world)["number"]
    second = file_notification(client, world)["number"]
    assert first != second
    assert int(second.rsplit("-", 1)[1]) == int(first.rsplit("-", 1)[1]) + 1


def test_bad_input_names_field_and_rule_and_saves_nothing(
    client: TestClient, world: DemoWorld
) -> None:
    start = date.today() + timedelta(days=10)
    body = lead_acid_notification(
        world,
        quantity="-5",
        first_departure=start.isoformat(),
        last_departure=(start - timedelta(days=1)).isoformat(),
    )
    r = client.post("/notifications", json=body, headers=bearer(world.tokens["exporter_my"]))
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    fields = {e["field"] for e in r.json()["errors"]}
    assert "quantity" in fields
    # period order is a cross-field rule: reported once the shapes are right
    r = client.post(
        "/notifications",
        json={**body, "quantity": "10"},
        headers=bearer(world.tokens["exporter_my"]),
    )
    problem = r.json()
    assert r.status_code == 422
    assert {
        "field": "last_departure",
        "rule": "period.order",
        "message": "The period ends before it starts.",
    } in problem["errors"]
    listing = client.get("/notifications", headers=bearer(world.tokens["exporter_my"]))
    assert listing.json() == []


def test_route_rules(client: TestClient, world: DemoWorld) -> None:
    repeated = [{"country": "MY"}, {"country": "SG"}, {"country": "MY"}]
    r = post(
        client,
        world,
        "exporter_my",
        "/notifications",
        lead_acid_notification(world, route=repeated),
    )
    assert r.status_code == 422
    assert any(
        e["rule"] == "route.repeated_state" and e["field"] == "route.2.country"
        for e in r.json()["errors"]
    )
    to_china = [{"country": "MY"}, {"country": "CN"}]
    r = post(
        client,
        world,
        "exporter_my",
        "/notifications",
        lead_acid_notification(world, route=to_china),
    )
    assert r.status_code == 422
    rules = {e["rule"] for e in r.json()["errors"]}
    assert "party.not_in_import" in rules  # consignee and facility are in KR


def test_unknown_and_out_of_force_codes_are_named(client: TestClient, world: DemoWorld) -> None:
    waste = {**lead_acid_notification(world)["waste"], "basel_code": "A1180", "y_codes": ["Y99"]}
    r = post(
        client, world, "exporter_my", "/notifications", lead_acid_notification(world, waste=waste)
    )
    assert r.status_code == 422
    by_field = {e["field"]: e for e in r.json()["errors"]}
    assert "A1181" in by_field["waste.basel_code"]["message"]
    assert by_field["waste.y_codes.0"]["rule"] == "code.unknown"
    assert "Y99" in by_field["waste.y_codes.0"]["message"]


def test_ban_amendment_refuses_with_rule_and_source(client: TestClient, world: DemoWorld) -> None:
    """Germany (Annex VII, bound by the Ban) may not send lead-acid batteries to Thailand."""
    body = lead_acid_notification(
        world,
        consignee_id=world.parties["th_consignee"],
        facility_id=world.parties["th_facility"],
        generators=[
            {"party_id": world.parties["de_generator"], "site": "Köln", "process": "Workshop"}
        ],
        carriers=[{"party_id": world.parties["de_carrier"], "means_of_transport": ["R", "S"]}],
        route=[{"country": "DE"}, {"country": "TH"}],
    )
    r = post(client, world, "exporter_de", "/notifications", body)
    assert r.status_code == 422
    problem = r.json()
    assert problem["rule"] == "basel.art4A.ban_amendment"
    assert "Art. 4A" in problem["source"]
    assert "DE" in problem["detail"] and "TH" in problem["detail"]
    # the same batteries to France (Annex VII) are allowed
    body.update(
        consignee_id=world.parties["fr_consignee"],
        facility_id=world.parties["fr_facility"],
        route=[{"country": "DE"}, {"country": "BE"}, {"country": "FR"}],
        regime="eu-2024-1157",
    )
    r = post(client, world, "exporter_de", "/notifications", body)
    assert r.status_code == 201, r.text
    assert r.json()["pre_consented"] is True


def test_import_prohibition_refuses_with_its_source(client: TestClient, world: DemoWorld) -> None:
    r = post(
        client,
        world,
        "authority_kr",
        "/prohibitions",
        {
            "country": "KR",
            "scope": "code",
            "value": "A1160",
            "source": "KR notification under Art. 4(1)(a), 2026",
        },
    )
    assert r.status_code == 201, r.text
    r = post(client, world, "exporter_my", "/notifications", lead_acid_notification(world))
    assert r.status_code == 422
    problem = r.json()
    assert problem["rule"] == "basel.art4_1.import_prohibition"
    assert problem["source"] == "KR notification under Art. 4(1)(a), 2026"


def test_objection_ends_the_procedure(client: TestClient, world: DemoWorld) -> None:
    n = file_notification(client, world)
    path = f"/notifications/{n['id']}"
    post(client, world, "exporter_my", f"{path}/submit")
    post(client, world, "authority_my", f"{path}/transmit")
    r = post(
        client,
        world,
        "authority_sg",
        f"{path}/objection",
        {"reasons": "Transit by sea of undrained batteries is not accepted."},
    )
    assert r.status_code == 200
    assert r.json()["status"] == "objected"
    r = post(client, world, "authority_kr", f"{path}/consent", consent_body())
    assert r.status_code == 409
    assert r.json()["type"].endswith("invalid-transition")


def test_information_request_stops_the_clock(client: TestClient, world: DemoWorld) -> None:
    n = file_notification(client, world)
    path = f"/notifications/{n['id']}"
    for who, step in [
        ("exporter_my", "submit"),
        ("authority_my", "transmit"),
        ("authority_kr", "acknowledge"),
    ]:
        post(client, world, who, f"{path}/{step}")
    r = post(
        client,
        world,
        "authority_kr",
        f"{path}/information-requests",
        {"question": "Send the facility permit for R4."},
    )
    assert r.status_code == 200
    kr = next(d for d in r.json()["decisions"] if d["country"] == "KR")
    assert kr["status"] == "info_requested"
    assert any(a["actor"] == "notifier" for a in r.json()["next_actions"])
    reqs = client.get(f"{path}/information-requests", headers=bearer(world.tokens["exporter_my"]))
    rid = reqs.json()[0]["id"]
    r = post(
        client,
        world,
        "exporter_my",
        f"{path}/information-requests/{rid}/answer",
        {"answer": "Permit 2025-ULS-114 attached as annex 3."},
    )
    assert r.status_code == 200
    kr = next(d for d in r.json()["decisions"] if d["country"] == "KR")
    assert kr["status"] == "pending"


def test_withdrawal_of_consent(client: TestClient, world: DemoWorld) -> None:
    n = consented_notification(client, world)
    r = post(
        client,
        world,
        "authority_kr",
        f"/notifications/{n['id']}/withdrawal",
        {"reason": "Facility permit suspended"},
    )
    assert r.status_code == 200
    assert r.json()["status"] == "withdrawn"


def test_stale_version_is_a_conflict(client: TestClient, world: DemoWorld) -> None:
    n = file_notification(client, world)
    r = post(
        client, world, "exporter_my", f"/notifications/{n['id']}/submit", **{"If-Match": '"99"'}
    )
    assert r.status_code == 409
    assert r.json()["rule"] == "optimistic_concurrency"
    got = client.get(f"/notifications/{n['id']}", headers=bearer(world.tokens["exporter_my"]))
    assert got.json()["status"] == "draft"
    r = post(
        client,
        world,
        "exporter_my",
        f"/notifications/{n['id']}/submit",
        **{"If-Match": got.headers["ETag"]},
    )
    assert r.status_code == 200


def test_idempotency_key_returns_the_first_answer(client: TestClient, world: DemoWorld) -> None:
    body = lead_acid_notification(world)
    headers = {**bearer(world.tokens["exporter_my"]), "Idempotency-Key": "file-77"}
    first = client.post("/notifications", json=body, headers=headers)
    again = client.post("/notifications", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["number"] == again.json()["number"]
    other = client.post("/notifications", json={**body, "intended_shipments": 3}, headers=headers)
    assert other.status_code == 409
    listing = client.get("/notifications", headers=bearer(world.tokens["exporter_my"]))
    assert len(listing.json()) == 1


def test_a_carriers_page_holds_its_notifications_however_many_name_others(
    client: TestClient, world: DemoWorld
) -> None:
    """Who a carrier is, is matched in SQL: a page is not cut from rows fetched first (it came
    back empty when the newest notifications named other carriers)."""
    de_carrier = world.parties["de_carrier"]
    theirs = file_notification(
        client, world, carriers=[{"party_id": de_carrier, "means_of_transport": ["R"]}]
    )
    for _ in range(5):
        file_notification(client, world)  # carried by Straits Hazmat (the demo's MY carrier)
    account = {"name": "Rhein dispatch", "role": "carrier", "country": "DE", "party_id": de_carrier}
    r = post(client, world, "admin", "/accounts", account)
    assert r.status_code == 201, r.text
    headers = bearer(r.json()["token"])
    page = client.get("/notifications?limit=1", headers=headers).json()
    assert [n["id"] for n in page] == [theirs["id"]]
    mine = client.get("/notifications?limit=100", headers=bearer(world.tokens["carrier_my"]))
    assert theirs["id"] not in [n["id"] for n in mine.json()] and len(mine.json()) == 5
