"""Border scans: forged, re-used or misplaced documents get a clear verdict, never a 500."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from app.accounts.auth import hash_token
from app.core.errors import Forbidden, NotAuthenticated
from app.demo import DemoWorld
from app.scans.api import ScanRequest, scans_in_one_transaction
from app.scans.schemas import ScanIn, ScanVerdict
from manifests.claims import ManifestClaims
from manifests.keys import SigningKey
from manifests.payload import encode
from tests.factories import bearer, consented_notification, create_movement, post, scan


@pytest.fixture
def movement(client: TestClient, world: DemoWorld) -> dict[str, Any]:
    n = consented_notification(client, world)
    m = create_movement(client, world, n["id"])
    r = post(client, world, "exporter_my", f"/movements/{m['id']}/announce")
    assert r.status_code == 200
    return r.json()


def _flagged(result: dict[str, Any], *words: str) -> None:
    assert result["verdict"] == "flagged", result
    text = " ".join(result["reasons"])
    for word in words:
        assert word in text, (word, result["reasons"])


def test_valid_exit_records_the_crossing(
    client: TestClient, world: DemoWorld, movement: dict
) -> None:
    result = scan(client, world, "customs_my", movement["qr_text"], "MYPKG", "exit")
    assert result["verdict"] == "valid" and result["authentic"] and result["crossing_recorded"]
    assert result["consent_valid_today"] and result["on_route"] and result["expected_here"]
    assert result["shipment"] == "1/12" and result["quantity"] == "19.800"


def test_more_scans_at_once_than_a_process_runs_all_get_their_verdict(
    client: TestClient, world: DemoWorld
) -> None:
    """Scans that arrive together wait their turn and share transactions: all are answered,
    none refused, each crossing recorded once."""
    n = consented_notification(client, world)
    loads = []
    for _ in range(10):  # of the 12 shipments consented
        m = create_movement(client, world, n["id"])
        assert (
            post(client, world, "exporter_my", f"/movements/{m['id']}/announce").status_code == 200
        )
        loads.append(m)

    def scan_exit(m: dict[str, Any]) -> dict[str, Any]:
        return scan(client, world, "customs_my", m["qr_text"], "MYPKG", "exit")

    with ThreadPoolExecutor(len(loads)) as pool:
        verdicts = list(pool.map(scan_exit, loads))
    assert [v["verdict"] for v in verdicts] == ["valid"] * len(loads)
    assert [v["document_no"] for v in verdicts] == [m["document_no"] for m in loads]
    assert len({v["scan_id"] for v in verdicts}) == len(loads)
    for m in loads:
        r = client.get(f"/movements/{m['id']}", headers=bearer(world.tokens["customs_my"]))
        assert [(c["country"], c["direction"]) for c in r.json()["crossings"]] == [("MY", "exit")]


def test_scanned_again_at_the_same_border_is_flagged(
    client: TestClient, world: DemoWorld, movement: dict
) -> None:
    scan(client, world, "customs_my", movement["qr_text"], "MYPKG", "exit")
    _flagged(
        scan(client, world, "customs_my", movement["qr_text"], "MYPKG", "exit"), "already scanned"
    )


def test_state_not_on_the_route_is_flagged(
    client: TestClient, world: DemoWorld, movement: dict
) -> None:
    result = scan(client, world, "customs_th", movement["qr_text"], "THLCH", "entry")
    _flagged(result, "TH is not on the consented route")
    assert result["on_route"] is False and result["crossing_recorded"] is False


def test_wrong_office_and_direction_are_flagged(
    client: TestClient, world: DemoWorld, movement: dict
) -> None:
    _flagged(
        scan(client, world, "customs_my", movement["qr_text"], "MYJHB", "exit"),
        "not the notified customs office",
    )
    _flagged(
        scan(client, world, "customs_kr", movement["qr_text"], "KRPUS", "exit"),
        "expected a entry scan",
    )


def test_cancelled_document_is_flagged(
    client: TestClient, world: DemoWorld, movement: dict
) -> None:
    post(
        client,
        world,
        "exporter_my",
        f"/movements/{movement['id']}/cancel",
        {"reason": "Not needed"},
    )
    _flagged(scan(client, world, "customs_my", movement["qr_text"], "MYPKG", "exit"), "cancelled")


def test_completed_movement_document_reused_is_flagged(
    client: TestClient, world: DemoWorld, movement: dict
) -> None:
    scan(client, world, "customs_my", movement["qr_text"], "MYPKG", "exit")
    post(
        client,
        world,
        "facility_kr",
        f"/movements/{movement['id']}/receipt",
        {"received_on": date.today().isoformat(), "quantity_received": "19.8", "accepted": True},
    )
    post(
        client,
        world,
        "facility_kr",
        f"/movements/{movement['id']}/certificate",
        {"completed_on": date.today().isoformat(), "operation": "R4"},
    )
    _flagged(scan(client, world, "customs_kr", movement["qr_text"], "KRPUS", "entry"), "completed")


def test_tampered_text_fails_the_signature(
    client: TestClient, world: DemoWorld, movement: dict
) -> None:
    text = movement["qr_text"]
    i = len(text) // 2
    tampered = text[:i] + ("A" if text[i] != "A" else "B") + text[i + 1 :]
    result = scan(client, world, "customs_my", tampered, "MYPKG", "exit")
    assert result["authentic"] is False and result["verdict"] == "flagged"
    assert result["crossing_recorded"] is False


def test_foreign_key_is_not_trusted(client: TestClient, world: DemoWorld, movement: dict) -> None:
    forger = SigningKey.generate("MY-DOE", "MY")
    claims = ManifestClaims(
        kind="M",
        doc_id=movement["document_no"],
        revision=1,
        notification_no="MY-2026-000001",
        shipment_no=1,
        shipments_total=12,
        waste_codes=("A1160",),
        quantity=Decimal(movement["quantity"]),
        unit="t",
        route=("MY", "KR"),
        valid_from=date.today(),
        valid_to=date.today() + timedelta(days=30),
        issuer="MY-DOE",
        issued_at=datetime.now(UTC).replace(microsecond=0),
    )
    result = scan(client, world, "customs_my", encode(claims, forger), "MYPKG", "exit")
    assert result["authentic"] is False and result["signature_status"] == "unknown_key"


@pytest.mark.parametrize("text", ["BT1:", "BT1:%%%%", "HC1:NCFOXN", "BT1:" + "A" * 4000, "garbage"])
def test_corrupt_or_truncated_text_gets_a_verdict(
    client: TestClient, world: DemoWorld, movement: dict, text: str
) -> None:
    result = scan(client, world, "customs_my", text, "MYPKG", "exit")
    assert result["authentic"] is False and result["verdict"] == "flagged"
    assert result["reasons"]


def test_truncated_real_document(client: TestClient, world: DemoWorld, movement: dict) -> None:
    result = scan(client, world, "customs_my", movement["qr_text"][:-20], "MYPKG", "exit")
    assert result["authentic"] is False


def test_oversize_and_malformed_requests_are_problems(client: TestClient, world: DemoWorld) -> None:
    r = post(
        client,
        world,
        "customs_my",
        "/scans",
        {"qr_text": "BT1:" + "A" * 9000, "office": "MYPKG", "direction": "exit"},
    )
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    r = post(
        client,
        world,
        "customs_my",
        "/scans",
        {"qr_text": "BT1:X", "office": "my pkg", "direction": "sideways"},
    )
    assert {e["field"] for e in r.json()["errors"]} == {"office", "direction"}


def test_only_customs_may_scan(client: TestClient, world: DemoWorld, movement: dict) -> None:
    r = post(
        client,
        world,
        "inspector_my",
        "/scans",
        {"qr_text": movement["qr_text"], "office": "MYPKG", "direction": "exit"},
    )
    assert r.status_code == 403


def test_flagged_scans_are_kept_for_inspectors(
    client: TestClient, world: DemoWorld, movement: dict, session: Any
) -> None:
    from sqlalchemy import select

    from app.scans.models import Scan

    scan(client, world, "customs_th", movement["qr_text"], "THLCH", "entry")
    kept = session.scalars(select(Scan).where(Scan.flagged.is_(True))).all()
    assert len(kept) == 1 and kept[0].doc_id == movement["document_no"] and kept[0].country == "TH"


def _announced_loads(client: TestClient, world: DemoWorld, count: int) -> list[dict[str, Any]]:
    n = consented_notification(client, world)
    loads = [create_movement(client, world, n["id"]) for _ in range(count)]
    for m in loads:
        assert (
            post(client, world, "exporter_my", f"/movements/{m['id']}/announce").status_code == 200
        )
    return loads


def _exit(world: DemoWorld, who: str, m: dict[str, Any]) -> ScanRequest:
    data = ScanIn(qr_text=m["qr_text"], office="MYPKG", direction="exit")
    return ScanRequest(hash_token(world.tokens[who]), data)


def test_scans_sharing_a_transaction_each_get_their_own_verdict(
    client: TestClient, world: DemoWorld
) -> None:
    """A caller who may not scan and an unknown token, in the middle of a shared transaction,
    get their 403 and 401; the officers' scans around them are stored all the same, in that
    one transaction (a refused caller wrote nothing, so nothing is run again)."""
    first, second = _announced_loads(client, world, 2)
    app = client.app
    engine = app.state.engine  # type: ignore[attr-defined]
    here, commits = threading.get_ident(), []

    def committed(conn: object) -> None:
        if threading.get_ident() == here:  # not the audit sealer's thread
            commits.append(conn)

    unknown = ScanRequest(hash_token("bt_not_a_token"), _exit(world, "customs_my", first).data)
    event.listen(engine, "commit", committed)
    try:
        answers = scans_in_one_transaction(
            app.state.session_factory,  # type: ignore[attr-defined]
            app.state.signer,  # type: ignore[attr-defined]
            [_exit(world, "customs_my", first), _exit(world, "inspector_my", second), unknown,
             _exit(world, "customs_my", second)],
        )  # fmt: skip
    finally:
        event.remove(engine, "commit", committed)
    assert isinstance(answers[0], ScanVerdict) and answers[0].verdict == "valid"
    assert isinstance(answers[1], Forbidden)
    assert isinstance(answers[2], NotAuthenticated)
    assert isinstance(answers[3], ScanVerdict) and answers[3].verdict == "valid"
    assert len(commits) == 1
    for m in (first, second):
        r = client.get(f"/movements/{m['id']}", headers=bearer(world.tokens["customs_my"]))
        assert [(c["country"], c["direction"]) for c in r.json()["crossings"]] == [("MY", "exit")]


def test_the_same_document_twice_in_one_transaction_is_flagged_the_second_time(
    client: TestClient, world: DemoWorld
) -> None:
    (load,) = _announced_loads(client, world, 1)
    app = client.app
    answers = scans_in_one_transaction(
        app.state.session_factory,  # type: ignore[attr-defined]
        app.state.signer,  # type: ignore[attr-defined]
        [_exit(world, "customs_my", load), _exit(world, "customs_my", load)],
    )
    assert isinstance(answers[0], ScanVerdict) and answers[0].verdict == "valid"
    assert isinstance(answers[1], ScanVerdict)
    _flagged(answers[1].model_dump(), "already")
    r = client.get(f"/movements/{load['id']}", headers=bearer(world.tokens["customs_my"]))
    assert len(r.json()["crossings"]) == 1
