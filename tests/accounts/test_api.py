"""Creating accounts: each knows the time zone where it works."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from app.accounts.models import Account
from app.demo import DemoWorld
from tests.factories import bearer, migrate_down_and_up, post


def _inspector(country: str, **extra: str) -> dict[str, str]:
    return {"name": "Border inspector", "role": "inspector", "country": country, **extra}


def test_an_account_gets_its_countrys_time_zone(client: TestClient, world: DemoWorld) -> None:
    r = post(client, world, "admin", "/accounts", _inspector("MY"))
    assert r.status_code == 201, r.text
    assert r.json()["time_zone"] == "Asia/Kuala_Lumpur"


def test_in_a_country_of_several_times_the_account_must_say_where(
    client: TestClient, world: DemoWorld
) -> None:
    r = post(client, world, "admin", "/accounts", _inspector("US"))
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    error = r.json()["errors"][0]
    assert error["field"] == "time_zone" and "America/Chicago" in error["message"]
    r = post(client, world, "admin", "/accounts", _inspector("US", time_zone="America/Chicago"))
    assert r.status_code == 201 and r.json()["time_zone"] == "America/Chicago"


def test_a_time_zone_of_another_country_is_refused(client: TestClient, world: DemoWorld) -> None:
    r = post(client, world, "admin", "/accounts", _inspector("MY", time_zone="Asia/Tokyo"))
    assert r.status_code == 422
    error = r.json()["errors"][0]
    assert error["field"] == "time_zone" and "Asia/Kuala_Lumpur" in error["message"]
    names = [
        a["name"] for a in client.get("/accounts", headers=bearer(world.tokens["admin"])).json()
    ]
    assert names.count("Border inspector") == 0


def test_where_the_tz_database_knows_no_zone_any_named_zone_will_do(
    client: TestClient, world: DemoWorld
) -> None:
    r = post(client, world, "admin", "/accounts", _inspector("BV"))  # Bouvet Island
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "time_zone"
    assert "Etc/UTC" in r.json()["errors"][0]["message"]
    r = post(client, world, "admin", "/accounts", _inspector("BV", time_zone="Etc/UTC"))
    assert r.status_code == 201 and r.json()["time_zone"] == "Etc/UTC"


def test_the_migration_gives_existing_accounts_their_countrys_zone(
    client: TestClient, world: DemoWorld, app: FastAPI, database_url: str
) -> None:
    """Accounts made before accounts had zones: each gets its country's (the first listed for
    a country of several times, here CN)."""
    migrate_down_and_up(app, database_url, "0008")  # the upgrade fills zones from the countries
    with app.state.engine.connect() as conn:
        zones = dict(conn.execute(select(Account.id, Account.time_zone)).all())
    assert zones[world.accounts["customs_my"]] == "Asia/Kuala_Lumpur"
    assert zones[world.accounts["authority_kr"]] == "Asia/Seoul"
    assert zones[world.accounts["exporter_cn"]] == "Asia/Shanghai"
    assert zones[world.accounts["authority_de"]] == "Europe/Berlin"
