"""Search flagged shipments and movements: filters, facets, cursor pages, CSV, jurisdiction."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from app.demo import DemoWorld
from tests.customs.test_api import my_export
from tests.factories import bearer, consented_notification, create_movement, post, scan


def _world_with_flags(client: TestClient, world: DemoWorld) -> dict:
    n = consented_notification(client, world)
    movements = [create_movement(client, world, n["id"], quantity="10") for _ in range(5)]
    for m in movements[:3]:
        scan(client, world, "customs_th", m["qr_text"], "THLCH", "entry")  # TH: not on route
    disguised = [
        my_export(
            world,
            n,
            movements[0],
            declaration_id=f"MY-X-{i}",
            notification_number=None,
            movement_id=None,
            goods=[
                {
                    "hs_code": "854911",
                    "description": "Used batteries",
                    "net_mass_kg": "21000",
                    "packages": 1,
                }
            ],
        )
        for i in range(4)
    ]
    r = client.post(
        "/customs/declarations",
        content=json.dumps(disguised),
        headers=bearer(world.tokens["customs_my"]),
    )
    assert r.json()["flagged"] == 4
    return {"n": n, "movements": movements}


def test_filters_facets_and_cursor_pages(client: TestClient, world: DemoWorld) -> None:
    _world_with_flags(client, world)
    h = bearer(world.tokens["inspector_my"])
    everything = client.get("/search/flags?limit=200", headers=h).json()
    facets = everything["facets"]
    assert facets["country"] == {
        "MY": sum(facets["country"].values()) - facets["country"].get("TH", 0),
        **({"TH": 3} if "TH" in facets["country"] else {}),
    }
    assert facets["rule"]["B01"] == 3 and facets["rule"]["S01"] == 4
    only_s01 = client.get("/search/flags?rule=S01&country=MY", headers=h).json()
    assert {i["rule_id"] for i in only_s01["items"]} == {"S01"} and len(only_s01["items"]) == 4
    # cursor pages: 2 at a time, no repeats, nothing lost, newest first
    seen, cursor = [], None
    for _ in range(10):  # bounded: a cursor that never ends is a failure, not a hang
        url = "/search/flags?rule=S01&limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(url, headers=h).json()
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == sorted(seen, reverse=True) and len(seen) == len(set(seen)) == 4
    by_party = client.get("/search/flags?party=pulau", headers=h).json()
    assert len(by_party["items"]) == len(everything["items"])
    by_doc = client.get("/search/flags?q=MY-2026", headers=h).json()
    assert {i["source"] for i in by_doc["items"]} == {"scan"}
    by_role = client.get("/search/flags?country=SG&role=transit", headers=h).json()
    assert len(by_role["items"]) == len(everything["items"]) - 4  # scans concern the SG route
    severity = client.get("/search/flags?sort=severity", headers=h).json()["items"]
    ranks = {"critical": 4, "high": 3, "medium": 2, "low": 1}
    assert [ranks[i["severity"]] for i in severity] == sorted(
        (ranks[i["severity"]] for i in severity), reverse=True
    )
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    assert client.get(f"/search/flags?date_from={tomorrow}", headers=h).json()["items"] == []


def test_jurisdiction_of_searches(client: TestClient, world: DemoWorld) -> None:
    _world_with_flags(client, world)
    th = client.get("/search/flags", headers=bearer(world.tokens["inspector_th"])).json()
    assert {i["country"] for i in th["items"]} == {"TH"}  # TH sees its own flags only
    assert (
        client.get("/search/flags", headers=bearer(world.tokens["exporter_my"])).status_code == 403
    )
    movements = client.get("/search/movements", headers=bearer(world.tokens["inspector_th"])).json()
    assert movements["items"] == []
    assert client.get("/search/movements", headers=bearer(world.tokens["admin"])).status_code == 403


def test_movement_search(client: TestClient, world: DemoWorld) -> None:
    data = _world_with_flags(client, world)
    h = bearer(world.tokens["authority_kr"])
    page = client.get("/search/movements?flagged=true", headers=h).json()
    assert len(page["items"]) == 3 and all(i["flags"] >= 1 for i in page["items"])
    assert page["facets"]["status"] == {"created": 3}
    post(client, world, "exporter_my", f"/movements/{data['movements'][4]['id']}/announce")
    assert len(client.get("/search/movements?status=announced", headers=h).json()["items"]) == 1
    assert (
        len(
            client.get(
                "/search/movements?waste_code=A1160&country=SG&role=transit", headers=h
            ).json()["items"]
        )
        == 5
    )
    assert client.get("/search/movements?waste_code=A1010", headers=h).json()["items"] == []
    by_party = client.get("/search/movements?party=onsan", headers=h).json()
    assert len(by_party["items"]) == 5
    two = client.get("/search/movements?limit=2", headers=h).json()
    rest = client.get(f"/search/movements?limit=10&cursor={two['next_cursor']}", headers=h).json()
    assert len({i["id"] for i in two["items"] + rest["items"]}) == 5


def test_csv_export_streams_the_whole_search(client: TestClient, world: DemoWorld) -> None:
    _world_with_flags(client, world)
    r = client.get("/search/flags.csv?country=MY", headers=bearer(world.tokens["inspector_my"]))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 4 and {row["rule_id"] for row in rows} >= {"S01"}
    r = client.get("/search/movements.csv", headers=bearer(world.tokens["exporter_my"]))
    assert len(list(csv.DictReader(io.StringIO(r.text)))) == 5
    assert (
        client.get("/search/flags.csv", headers=bearer(world.tokens["exporter_my"])).status_code
        == 403
    )


def test_bad_cursor_is_a_clear_error(client: TestClient, world: DemoWorld) -> None:
    r = client.get("/search/flags?cursor=abc", headers=bearer(world.tokens["inspector_my"]))
    assert r.status_code == 422 and r.json()["errors"][0]["rule"] == "cursor.invalid"


def test_facets_of_a_very_broad_search_say_they_are_incomplete(
    client: TestClient, world: DemoWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.search import service

    _world_with_flags(client, world)
    h = bearer(world.tokens["inspector_my"])
    full = client.get("/search/flags", headers=h).json()
    assert full["facets_complete"] is True
    monkeypatch.setattr(service, "FACET_LIMIT", 3)
    capped = client.get("/search/flags", headers=h).json()
    assert capped["facets_complete"] is False
    assert sum(capped["facets"]["rule"].values()) == 4  # the limit, and one more seen
    assert len(capped["items"]) == len(full["items"])  # the results themselves are not capped
