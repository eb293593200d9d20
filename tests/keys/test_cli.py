"""Offline verification from the command line, and key rotation and revocation."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image
from typer.testing import CliRunner

from app.cli import cli
from app.core.config import get_settings
from app.demo import DemoWorld
from tests.factories import bearer, consented_notification, create_movement, scan


@pytest.fixture
def run(app: FastAPI) -> Iterator[Any]:
    env = {
        "BASELTRACK_KEY_DIR": str(app.state.settings.key_dir),
        "BASELTRACK_DATABASE_URL": app.state.settings.database_url,
    }
    runner = CliRunner()
    get_settings.cache_clear()

    def invoke(*args: str) -> Any:
        get_settings.cache_clear()
        return runner.invoke(cli, list(args), env=env)

    yield invoke
    get_settings.cache_clear()


def _movement(client: TestClient, world: DemoWorld) -> dict[str, Any]:
    n = consented_notification(client, world)
    return create_movement(client, world, n["id"])


def test_verify_a_pdf_and_the_text(
    client: TestClient, world: DemoWorld, run: Any, tmp_path: Path
) -> None:
    m = _movement(client, world)
    pdf = tmp_path / "md.pdf"
    pdf.write_bytes(
        client.get(
            f"/movements/{m['id']}/document.pdf", headers=bearer(world.tokens["exporter_my"])
        ).content
    )
    result = run("verify", str(pdf))
    assert result.exit_code == 0, result.output
    verdict = json.loads(result.output)
    assert verdict["status"] == "valid" and verdict["claims"]["doc_id"] == m["document_no"]
    assert run("verify", m["qr_text"]).exit_code == 0


def test_image_without_qr_is_a_clear_error(run: Any, tmp_path: Path) -> None:
    blank = tmp_path / "blank.png"
    Image.new("RGB", (200, 200), "white").save(blank)
    result = run("verify", str(blank))
    assert result.exit_code == 2
    assert "no QR code" in result.output


def test_rotation_keeps_old_documents_valid_and_revocation_kills_them(
    client: TestClient, world: DemoWorld, run: Any
) -> None:
    old = _movement(client, world)
    assert run("keys", "rotate", "MY-DOE").exit_code == 0
    assert run("verify", old["qr_text"]).exit_code == 0  # signed with the retired key
    n2 = consented_notification(client, world)
    new = create_movement(client, world, n2["id"])
    keyset = json.loads(run("keys", "list").output)
    kids = {e["issuer"] + ":" + e["status"]: e["kid"] for e in keyset["keys"]}
    assert "MY-DOE:retired" in kids and "MY-DOE:active" in kids
    assert scan(client, world, "customs_my", new["qr_text"], "MYPKG", "exit")["authentic"] is True
    assert run("keys", "revoke", kids["MY-DOE:retired"]).exit_code == 0
    revoked = run("verify", old["qr_text"])
    assert revoked.exit_code == 1 and json.loads(revoked.output)["status"] == "revoked_key"
    assert run("verify", new["qr_text"]).exit_code == 0
    assert scan(client, world, "customs_my", old["qr_text"], "MYPKG", "exit")["authentic"] is False


def test_published_keyset_names_kid_country_validity(client: TestClient, world: DemoWorld) -> None:
    _movement(client, world)
    keys = client.get("/.well-known/baseltrack/keyset.json").json()["keys"]
    assert keys[0]["issuer"] == "MY-DOE" and keys[0]["country"] == "MY"
    assert {"kid", "not_before", "status"} <= set(keys[0])
