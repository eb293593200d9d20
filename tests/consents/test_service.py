"""Decisions against the real database: deadlines job, tacit consent, expiry, races."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from app.accounts.models import Account
from app.consents import service
from app.consents.schemas import ConsentIn
from app.core.db import unit_of_work
from app.core.errors import BaselTrackError
from app.demo import DemoWorld
from app.notifications import service as notifications
from app.notifications.models import Notification
from tests.factories import consent_body, consented_notification, file_notification, post


def _acknowledged(client: TestClient, world: DemoWorld) -> dict[str, Any]:
    n = file_notification(client, world)
    for who, step in [
        ("exporter_my", "submit"),
        ("authority_my", "transmit"),
        ("authority_kr", "acknowledge"),
    ]:
        r = post(client, world, who, f"/notifications/{n['id']}/{step}")
        assert r.status_code == 200, r.text
    return dict(r.json())


def _acknowledged_on(n: dict[str, Any]) -> date:
    """The day the 60 days count from: the acknowledgment's date in Seoul."""
    return date.fromisoformat(n["acknowledged_on"])


def test_tacit_transit_consent_after_60_days_where_the_state_allows_it(
    app: FastAPI, client: TestClient, world: DemoWorld
) -> None:
    """Singapore declared it needs no written transit consent (demo policy): silence consents."""
    n = _acknowledged(client, world)
    with unit_of_work(app.state.session_factory) as s:
        early = service.apply_due(session=s, today=_acknowledged_on(n) + timedelta(days=60))
    assert early.tacit_consents == []
    with unit_of_work(app.state.session_factory) as s:
        report = service.apply_due(session=s, today=_acknowledged_on(n) + timedelta(days=61))
    assert report.tacit_consents == [f"{n['number']}:SG"]
    with unit_of_work(app.state.session_factory) as s:
        record = notifications.repository.get(s, n["id"])
        assert record is not None
        assert {d.country: d.status for d in record.decisions}["SG"] == "tacit_consent"


def test_the_deadlines_job_waits_until_the_last_day_is_over_everywhere(
    app: FastAPI, client: TestClient, world: DemoWorld, set_clock: Callable[[datetime], None]
) -> None:
    """Day 61 after acknowledgment begins in Singapore and in UTC long before it begins at
    UTC−12: silence counts as consent only once day 60 is over on every calendar."""
    n = _acknowledged(client, world)
    day_61 = _acknowledged_on(n) + timedelta(days=61)
    set_clock(datetime.combine(day_61, time(6), UTC))  # day 61 in UTC, day 60 at UTC−12
    with unit_of_work(app.state.session_factory) as s:
        assert service.apply_due(session=s).tacit_consents == []
    set_clock(datetime.combine(day_61, time(12), UTC))  # day 61 everywhere
    with unit_of_work(app.state.session_factory) as s:
        assert service.apply_due(session=s).tacit_consents == [f"{n['number']}:SG"]


def test_a_consent_is_dated_where_the_authority_gives_it(
    client: TestClient, world: DemoWorld, set_clock: Callable[[datetime], None]
) -> None:
    """Given at 05:00 in Seoul (20:00 UTC): the decision, and block 20 of the notification
    document, say Seoul's date."""
    n = _acknowledged(client, world)
    evening = datetime.combine(datetime.now(UTC).date(), time(20), UTC)
    set_clock(evening)
    r = post(client, world, "authority_kr", f"/notifications/{n['id']}/consent", consent_body())
    assert r.status_code == 200, r.text
    (korea,) = [d for d in r.json()["decisions"] if d["country"] == "KR"]
    assert korea["decided_on"] == (evening.date() + timedelta(days=1)).isoformat()


def test_no_tacit_consent_where_the_state_requires_written_consent(
    app: FastAPI, client: TestClient, world: DemoWorld
) -> None:
    post(
        client,
        world,
        "authority_sg",
        f"/authorities/{world.authorities['SG-NEA']}/policy",
        {"weekend": [5, 6], "tacit_transit_consent": False},
    )
    client.put(
        f"/authorities/{world.authorities['SG-NEA']}/policy",
        json={"weekend": [5, 6], "tacit_transit_consent": False},
        headers={"Authorization": f"Bearer {world.tokens['authority_sg']}"},
    )
    _acknowledged(client, world)
    with unit_of_work(app.state.session_factory) as s:
        report = service.apply_due(session=s, today=date.today() + timedelta(days=200))
    assert report.tacit_consents == []


def test_tacit_consent_completes_the_notification(
    app: FastAPI, client: TestClient, world: DemoWorld
) -> None:
    n = _acknowledged(client, world)
    path = f"/notifications/{n['id']}"
    post(client, world, "authority_kr", f"{path}/consent", consent_body(days=300))
    post(
        client,
        world,
        "exporter_my",
        f"{path}/contract",
        {"reference": "C-9", "concluded_on": date.today().isoformat()},
    )
    from tests.factories import lead_acid_notification

    r = post(
        client,
        world,
        "exporter_my",
        f"{path}/guarantee",
        lead_acid_notification(world)["guarantee"],
    )
    assert r.json()["status"] == "acknowledged"  # SG has not answered yet
    with unit_of_work(app.state.session_factory) as s:
        report = service.apply_due(session=s, today=_acknowledged_on(n) + timedelta(days=61))
    assert report.consented == [n["number"]]


def test_consent_expires_after_its_validity(
    app: FastAPI, client: TestClient, world: DemoWorld
) -> None:
    n = consented_notification(client, world)
    with unit_of_work(app.state.session_factory) as s:
        report = service.apply_due(
            session=s, today=date.fromisoformat(n["valid_to"]) + timedelta(days=1)
        )
    assert report.expired == [n["number"]]


def test_validity_over_the_maximum_is_refused(client: TestClient, world: DemoWorld) -> None:
    n = _acknowledged(client, world)
    r = post(
        client, world, "authority_kr", f"/notifications/{n['id']}/consent", consent_body(days=500)
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["rule"] == "consent.validity_max"


def test_concurrent_conflicting_decisions_exactly_one_wins(
    app: FastAPI, client: TestClient, world: DemoWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Korea's consent and Korea's objection arrive at once: one is saved, the other is refused."""
    n = _acknowledged(client, world)
    postgres = app.state.engine.dialect.name == "postgresql"
    barrier = threading.Barrier(2, timeout=10)
    original = notifications.check_version

    def both_read_then_write(record: Notification, expected: int | None) -> None:
        original(record, expected)
        if postgres:  # SQLite serialises whole transactions (BEGIN IMMEDIATE): no overlap to force
            barrier.wait()

    monkeypatch.setattr(notifications, "check_version", both_read_then_write)
    outcomes: dict[str, str] = {}

    def act(name: str) -> None:
        try:
            with unit_of_work(app.state.session_factory) as s:
                kr = s.scalars(
                    select(Account).where(Account.id == world.accounts["authority_kr"])
                ).one()
                if name == "consent":
                    service.consent(
                        session=s,
                        account=kr,
                        notification_id=n["id"],
                        data=ConsentIn.model_validate(consent_body()),
                        expected_version=None,
                    )
                else:
                    service.object_to(
                        session=s,
                        account=kr,
                        notification_id=n["id"],
                        reasons="Permit expired",
                        expected_version=None,
                    )
            outcomes[name] = "saved"
        except BaselTrackError as exc:
            outcomes[name] = f"refused {exc.status}"
        except Exception as exc:  # StaleDataError: rendered as 409 by the API
            outcomes[name] = f"conflict {type(exc).__name__}"

    threads = [threading.Thread(target=act, args=(name,)) for name in ("consent", "object")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes.values())[-1] == "saved"
    assert list(outcomes.values()).count("saved") == 1, outcomes
    with unit_of_work(app.state.session_factory) as s:
        record = notifications.repository.get(s, n["id"])
        assert record is not None
        kr_decision = {d.country: d.status for d in record.decisions}["KR"]
    winner = next(k for k, v in outcomes.items() if v == "saved")
    assert kr_decision == {"consent": "consented", "object": "objected"}[winner]
