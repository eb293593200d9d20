"""Statistics count each step on the day it was taken where it was taken, within the caller's
jurisdiction (the service called with a real session)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.accounts.models import Account
from app.demo import DemoWorld
from app.statistics import service
from tests.factories import (
    bearer,
    consented_notification,
    create_movement,
    movement_body,
    post,
    scan,
)


def _last_evening_of_the_month() -> datetime:
    """20:00 UTC on this month's last day: 04:00 on the 1st in Kuala Lumpur and Seoul."""
    today = date.today()
    first_of_next = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
    return datetime.combine(first_of_next - timedelta(days=1), time(20), UTC)


def _account(session: Session, world: DemoWorld, who: str) -> Account:
    account = session.get(Account, world.accounts[who])
    assert account is not None
    return account


def _by_month(session: Session, world: DemoWorld, who: str, year: int) -> dict[str, Any]:
    rows = service.quantities(
        session=session, account=_account(session, world, who), year=year, by="month"
    )
    return {row["month"]: row for row in rows}


def test_steps_taken_on_the_1st_in_asia_count_in_the_new_month(
    client: TestClient,
    session: Session,
    world: DemoWorld,
    set_clock: Callable[[datetime], None],
) -> None:
    """Submitted, consented and shipped at 04:00 on the 1st in Kuala Lumpur (still the last day
    of the month before in UTC): each counts in the new month, and in December in the new year."""
    evening = _last_evening_of_the_month()
    first = evening.date() + timedelta(days=1)
    set_clock(evening)
    n = consented_notification(client, world, today=first)
    assert n["consented_on"] == first.isoformat()
    assert n["consented_at"].startswith(evening.date().isoformat())
    handed = create_movement(client, world, n["id"], **movement_body(world, today=first))
    scanned = create_movement(client, world, n["id"], **movement_body(world, today=first))
    for m in (handed, scanned):
        assert post(client, world, "exporter_my", f"/movements/{m['id']}/announce").is_success
    r = post(
        client,
        world,
        "carrier_my",
        f"/movements/{handed['id']}/hand-over",
        {
            "party_id": world.parties["my_carrier"],
            "means_of_transport": "R",
            "transferred_on": str(first),
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["departed_on"] == first.isoformat()
    scan(client, world, "customs_my", scanned["qr_text"], "MYPKG", "exit")
    departed = client.get(
        f"/movements/{scanned['id']}", headers=bearer(world.tokens["exporter_my"])
    )
    assert departed.json()["departed_on"] == first.isoformat()

    new_month = _by_month(session, world, "authority_my", first.year)[first.strftime("%Y-%m")]
    assert new_month["notified"] == Decimal("240") and new_month["consented"] == Decimal("240")
    assert new_month["shipped"] == Decimal("39.6")
    old_month = _by_month(session, world, "authority_my", evening.year).get(
        evening.strftime("%Y-%m")
    )
    assert old_month is None


def test_a_carrier_counts_only_what_it_carries(
    client: TestClient, session: Session, world: DemoWorld
) -> None:
    """A carrier's statistics hold the shipments of notifications naming it, and a carrier
    named on none sees nothing (carriers are matched in Python, after the SQL filter)."""
    n = consented_notification(client, world)
    m = create_movement(client, world, n["id"])
    post(client, world, "exporter_my", f"/movements/{m['id']}/announce")
    scan(client, world, "customs_my", m["qr_text"], "MYPKG", "exit")
    r = post(
        client,
        world,
        "admin",
        "/accounts",
        {
            "name": "Rhein dispatch",
            "role": "carrier",
            "country": "DE",
            "party_id": world.parties["de_carrier"],
        },
    )
    assert r.status_code == 201, r.text
    year = date.today().year
    carrier = _account(session, world, "carrier_my")
    (row,) = service.quantities(session=session, account=carrier, year=year, by="waste_code")
    assert row["waste_code"] == "A1160" and row["shipped"] == Decimal("19.8")
    stranger = session.get(Account, r.json()["id"])
    assert stranger is not None
    assert service.quantities(session=session, account=stranger, year=year, by="month") == []


def test_a_case_confirmed_on_new_years_morning_in_bangkok_is_reported_in_the_new_year(
    client: TestClient,
    session: Session,
    world: DemoWorld,
    set_clock: Callable[[datetime], None],
) -> None:
    """Art. 13(3)(c) lists the illegal traffic confirmed in the year: 20:00 UTC on 31 December
    is 03:00 on 1 January in Bangkok, so TH reports it in the new year."""
    n = consented_notification(client, world)
    m = create_movement(client, world, n["id"])
    new_years_eve = datetime(date.today().year, 12, 31, 20, tzinfo=UTC)
    set_clock(new_years_eve)
    scan(client, world, "customs_th", m["qr_text"], "THLCH", "entry")  # TH is not on the route
    (flag,) = client.get("/flags", headers=bearer(world.tokens["inspector_th"])).json()
    post(client, world, "inspector_th", f"/cases/{flag['id']}/investigate")
    r = post(
        client,
        world,
        "inspector_th",
        f"/cases/{flag['id']}/confirm",
        {
            "ground": "d",
            "responsible": "exporter",
            "states_notified": ["MY", "TH"],
            "note": "Diverted",
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["closed_on"] == f"{new_years_eve.year + 1}-01-01"
    inspector = _account(session, world, "inspector_th")
    reports = {
        year: service.art13(session=session, account=inspector, year=year)
        for year in (new_years_eve.year, new_years_eve.year + 1)
    }
    assert reports[new_years_eve.year]["illegal_traffic"] == []
    (case,) = reports[new_years_eve.year + 1]["illegal_traffic"]
    assert case["case"] == flag["id"] and case["ground"] == "d"
