"""Fixtures for the API fuzz run: the schema as the app serves it, and real objects to aim at.

Random integers almost never name a row that exists, and random bodies almost never pass the
domain rules, so on their own they would only ever test the 404 and 422 branches. The fuzz run
therefore also aims at real objects in interesting states (a notification under review with an
open information request, a consented one, a draft, a prohibition, the demo organisations,
authorities and accounts), at ids too large for a database column, and sends valid bodies for
the procedure's steps.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from schemathesis.config import SchemathesisConfig
from schemathesis.schemas import BaseSchema

from app.demo import DemoWorld
from tests.factories import (
    consent_body,
    consented_notification,
    file_notification,
    lead_acid_notification,
    post,
)


@pytest.fixture(scope="session")
def api_schema(app: FastAPI) -> BaseSchema:
    """The OpenAPI document the running app serves (not a copy), so new endpoints are fuzzed too."""
    return schemathesis.openapi.from_asgi("/openapi.json", app, config=SchemathesisConfig())


def _notification_with_open_question(client: TestClient, world: DemoWorld) -> tuple[int, int]:
    """A notification acknowledged by Korea, which then asked the notifier a question."""
    n = file_notification(client, world)
    path = f"/notifications/{n['id']}"
    for who, step in [
        ("exporter_my", "submit"),
        ("authority_my", "transmit"),
        ("authority_kr", "acknowledge"),
    ]:
        assert post(client, world, who, f"{path}/{step}").status_code == 200, step
    r = post(
        client,
        world,
        "authority_kr",
        f"{path}/information-requests",
        {"question": "Send the facility permit for R4."},
    )
    assert r.status_code == 200, r.text
    questions = client.get(
        f"{path}/information-requests",
        headers={"Authorization": f"Bearer {world.tokens['exporter_my']}"},
    )
    return n["id"], questions.json()[0]["id"]


@pytest.fixture
def known_path_parameters(client: TestClient, world: DemoWorld) -> list[dict[str, Any]]:
    """Sets of path parameters that name real objects (one set per notification state)."""
    under_review, question = _notification_with_open_question(client, world)
    consented = consented_notification(client, world)["id"]
    draft = file_notification(client, world)["id"]
    prohibition = post(
        client,
        world,
        "authority_kr",
        "/prohibitions",
        {"country": "KR", "scope": "code", "value": "A1180", "source": "Fuzz fixture, 2026"},
    )
    assert prohibition.status_code == 201, prohibition.text
    common = {
        "account_id": world.accounts["exporter_my"],
        "party_id": world.parties["kr_facility"],
        "authority_id": world.authorities["KR-MOE"],
        "prohibition_id": prohibition.json()["id"],
        "request_id": question,
        "name": "basel_y",
        "code": "Y31",
    }
    real = [{**common, "notification_id": n} for n in (under_review, consented, draft)]
    return [*real, _beyond_storage(common, 2**31), _beyond_storage(common, 2**63)]


def _beyond_storage(ids: dict[str, Any], value: int) -> dict[str, Any]:
    """Every id set to an integer a database column cannot hold: 2**31 overflows PostgreSQL's
    INTEGER, 2**63 SQLite's; a valid request, which must get 404, never a 500."""
    return {k: value if isinstance(v, int) else v for k, v in ids.items()} | {
        "notification_id": value
    }


@pytest.fixture
def valid_bodies(world: DemoWorld) -> dict[str, Any]:
    """A body that passes every rule, by operation (``METHOD /path`` as in the schema)."""
    notification = lead_acid_notification(world)
    steps = "POST /notifications/{notification_id}"
    reason = {"reason": "The facility permit was suspended on 3 March."}
    return {
        "POST /notifications": notification,
        "PUT /notifications/{notification_id}": notification,
        f"{steps}/consent": consent_body(),
        f"{steps}/contract": {"reference": "C-2026-14", "concluded_on": date.today().isoformat()},
        f"{steps}/guarantee": notification["guarantee"],
        f"{steps}/objection": {"reasons": "The facility's permit does not cover R4 for lead."},
        f"{steps}/information-requests": {"question": "Send the facility permit for R4."},
        f"{steps}/information-requests/{{request_id}}/answer": {"answer": "Permit 2025-ULS-114."},
        f"{steps}/withdrawal": reason,
        f"{steps}/refuse": reason,
        f"{steps}/close": reason,
        "POST /prohibitions": {
            "country": "KR",
            "scope": "y_code",
            "value": "Y48",
            "source": "KR notification under Art. 4(1)(a), 2026",
        },
    }
