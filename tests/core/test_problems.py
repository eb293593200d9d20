"""Errors are RFC 9457 problem+json, and a failure half-way through a request saves nothing."""

import pytest
from fastapi.testclient import TestClient

from app.audit import service as audit_service
from app.demo import DemoWorld
from tests.factories import bearer, lead_acid_notification


def test_missing_token_is_a_problem(client: TestClient) -> None:
    r = client.get("/notifications")
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["status"] == 401 and "Bearer" in body["detail"]


def test_malformed_json_is_a_problem(client: TestClient, world: DemoWorld) -> None:
    r = client.post(
        "/notifications",
        content=b"{not json",
        headers={**bearer(world.tokens["exporter_my"]), "content-type": "application/json"},
    )
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"


def test_unknown_path_is_a_problem(client: TestClient) -> None:
    r = client.get("/no-such-thing")
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"


def test_failure_after_partial_writes_leaves_nothing(
    client: TestClient, world: DemoWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The row is flushed, then the audit append fails: the whole request rolls back."""

    def broken_record(**kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit_service, "record", broken_record)
    r = client.post(
        "/notifications",
        json=lead_acid_notification(world),
        headers=bearer(world.tokens["exporter_my"]),
    )
    assert r.status_code == 500
    assert r.headers["content-type"] == "application/problem+json"
    assert "nothing was saved" in r.json()["detail"]
    monkeypatch.undo()
    listing = client.get("/notifications", headers=bearer(world.tokens["exporter_my"]))
    assert listing.json() == []
