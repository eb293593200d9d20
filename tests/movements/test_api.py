"""A shipment from creation to certificate through the API, and every refusal on the way."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from fastapi.testclient import TestClient

from app.core.db import utcnow
from app.demo import DemoWorld
from manifests.keys import KeySet
from manifests.scan import decode_qr
from manifests.verify import verify
from tests.factories import (
    bearer,
    consented_notification,
    create_movement,
    movement_body,
    post,
    scan,
    today_of,
)


def _announced(client: TestClient, world: DemoWorld) -> tuple[dict[str, Any], dict[str, Any]]:
    n = consented_notification(client, world)
    m = create_movement(client, world, n["id"])
    r = post(client, world, "exporter_my", f"/movements/{m['id']}/announce")
    assert r.status_code == 200, r.text
    return n, r.json()


def test_shipment_from_creation_to_certificate(client: TestClient, world: DemoWorld) -> None:
    n, m = _announced(client, world)
    assert m["document_no"] == f"{n['number']}/1" and m["status"] == "announced"
    assert m["qr_text"].startswith("BT1:")
    r = post(
        client,
        world,
        "carrier_my",
        f"/movements/{m['id']}/hand-over",
        {
            "party_id": world.parties["my_carrier"],
            "means_of_transport": "R",
            "transferred_on": date.today().isoformat(),
        },
    )
    assert r.json()["status"] == "in_transit"
    exit_ = scan(client, world, "customs_my", m["qr_text"], "MYPKG", "exit")
    assert exit_["verdict"] == "valid", exit_["reasons"]
    assert exit_["crossing_recorded"] and exit_["consent_valid_today"]
    entry = scan(client, world, "customs_kr", m["qr_text"], "KRPUS", "entry")
    assert entry["verdict"] == "valid" and entry["capacity_here"] == "import"
    r = post(
        client,
        world,
        "facility_kr",
        f"/movements/{m['id']}/receipt",
        {
            "received_on": date.today().isoformat(),
            "quantity_received": "19.750",
            "accepted": True,
            "treatment_expected_on": (date.today() + timedelta(days=5)).isoformat(),
        },
    )
    assert r.status_code == 200 and r.json()["status"] == "received"
    r = post(
        client,
        world,
        "facility_kr",
        f"/movements/{m['id']}/certificate",
        {"completed_on": date.today().isoformat(), "operation": "R4"},
    )
    assert r.status_code == 200, r.text
    done = r.json()
    assert done["status"] == "completed" and done["certificate"]["operation"] == "R4"
    assert [c["direction"] for c in done["crossings"]] == ["exit", "entry"]
    # the exporter and the authority of export see the certificate
    for who in ("exporter_my", "authority_my"):
        got = client.get(f"/movements/{m['id']}", headers=bearer(world.tokens[who])).json()
        assert got["completed_on"] == date.today().isoformat()


def test_creation_refused_beyond_the_consent(client: TestClient, world: DemoWorld) -> None:
    n = consented_notification(client, world, start_in=7)
    path = f"/notifications/{n['id']}/movements"
    too_much = post(client, world, "exporter_my", path, movement_body(world, quantity="240.001"))
    assert too_much.status_code == 422
    assert too_much.json()["errors"][0]["rule"] == "shipment.quantity_exceeded"
    past = post(client, world, "exporter_my", path, movement_body(world, days_ahead=-1))
    assert {e["rule"] for e in past.json()["errors"]} >= {"shipment.date_past"}
    far = post(client, world, "exporter_my", path, movement_body(world, days_ahead=45))
    assert "shipment.date_too_far" in {e["rule"] for e in far.json()["errors"]}
    before_consent = post(client, world, "exporter_my", path, movement_body(world, days_ahead=2))
    assert "shipment.outside_consent" in {e["rule"] for e in before_consent.json()["errors"]}
    listing = client.get(path, headers=bearer(world.tokens["exporter_my"]))
    assert listing.json() == []


def test_no_shipment_without_consent(client: TestClient, world: DemoWorld) -> None:
    from tests.factories import file_notification

    n = file_notification(client, world)
    r = post(
        client, world, "exporter_my", f"/notifications/{n['id']}/movements", movement_body(world)
    )
    assert r.status_code == 422
    assert r.json()["rule"] == "basel.art6_3.consent_required"


def test_shipments_count_and_quantity_are_capped(client: TestClient, world: DemoWorld) -> None:
    n = consented_notification(client, world)
    for _ in range(12):
        create_movement(client, world, n["id"], quantity="20")
    r = post(
        client,
        world,
        "exporter_my",
        f"/notifications/{n['id']}/movements",
        movement_body(world, quantity="0.5"),
    )
    assert r.status_code == 422
    rules = {e["rule"] for e in r.json()["errors"]}
    assert rules == {"shipment.count_exceeded", "shipment.quantity_exceeded"}


def test_cancelled_shipment_frees_its_quantity_and_revokes_the_document(
    client: TestClient, world: DemoWorld
) -> None:
    n = consented_notification(client, world)
    m = create_movement(client, world, n["id"], quantity="240")
    r = post(
        client, world, "exporter_my", f"/movements/{m['id']}/cancel", {"reason": "Truck failed"}
    )
    assert r.json()["status"] == "cancelled"
    create_movement(client, world, n["id"], quantity="240")
    revs = client.get("/.well-known/baseltrack/revocations.json").json()
    assert any(e["doc_id"] == m["document_no"] for e in revs["entries"])


def test_correction_makes_a_new_signed_revision(client: TestClient, world: DemoWorld) -> None:
    _, m = _announced(client, world)
    r = client.patch(
        f"/movements/{m['id']}",
        json={"reason": "Weighbridge ticket", "quantity": "20.100"},
        headers=bearer(world.tokens["exporter_my"]),
    )
    assert r.status_code == 200, r.text
    fixed = r.json()
    assert fixed["revision"] == 2 and fixed["quantity"] == "20.100"
    assert fixed["qr_text"] != m["qr_text"]
    revs = client.get(
        f"/movements/{m['id']}/revisions", headers=bearer(world.tokens["authority_kr"])
    )
    assert [x["revision"] for x in revs.json()] == [1, 2]
    assert revs.json()[1]["changes"]["quantity"] == {"from": "19.800", "to": "20.100"}
    assert revs.json()[1]["reason"] == "Weighbridge ticket"
    old = scan(client, world, "customs_my", m["qr_text"], "MYPKG", "exit")
    assert old["authentic"] is True and old["verdict"] == "flagged"
    assert any("superseded" in reason for reason in old["reasons"])
    new = scan(client, world, "customs_my", fixed["qr_text"], "MYPKG", "exit")
    assert new["verdict"] == "valid"


def test_date_shift_is_limited(client: TestClient, world: DemoWorld) -> None:
    _, m = _announced(client, world)
    r = client.patch(
        f"/movements/{m['id']}",
        json={
            "reason": "Ship delayed",
            "shipment_date": (date.today() + timedelta(days=29)).isoformat(),
        },
        headers=bearer(world.tokens["exporter_my"]),
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["rule"] == "shipment.date_shift"


def test_prior_notice_needs_working_days(client: TestClient, world: DemoWorld) -> None:
    n = consented_notification(client, world)
    # Malaysia asks for 3 working days' notice: a shipment tomorrow cannot be announced today
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    m = create_movement(client, world, n["id"], shipment_date=tomorrow)
    r = post(client, world, "exporter_my", f"/movements/{m['id']}/announce")
    assert r.status_code == 422 and r.json()["rule"] == "movement.prior_notice"
    later = create_movement(client, world, n["id"])  # 10 days ahead
    assert (
        post(client, world, "exporter_my", f"/movements/{later['id']}/announce").status_code == 200
    )


def test_pdf_qr_decodes_and_verifies_offline(client: TestClient, world: DemoWorld) -> None:
    n, m = _announced(client, world)
    r = client.get(f"/movements/{m['id']}/document.pdf", headers=bearer(world.tokens["customs_kr"]))
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    again = client.get(
        f"/movements/{m['id']}/document.pdf", headers=bearer(world.tokens["exporter_my"])
    )
    assert again.content == r.content  # byte-stable
    texts = decode_qr(r.content)
    assert texts == [m["qr_text"]]
    keyset = KeySet.from_json(client.get("/.well-known/baseltrack/keyset.json").text)
    verdict = verify(texts[0], keyset)
    assert verdict.ok and verdict.claims is not None
    assert verdict.claims.doc_id == m["document_no"] and verdict.claims.route == ("MY", "SG", "KR")
    import pypdfium2

    page = pypdfium2.PdfDocument(r.content)[0]
    text = page.get_textpage().get_text_range()
    assert n["number"] in text and "19.800" in text and "A1160" in text and "运输" in text


def test_notification_pdf_is_signed_once_consented(client: TestClient, world: DemoWorld) -> None:
    from tests.factories import file_notification

    draft = file_notification(client, world)
    r = client.get(
        f"/notifications/{draft['id']}/document.pdf", headers=bearer(world.tokens["exporter_my"])
    )
    assert r.status_code == 409
    n = consented_notification(client, world)
    r = client.get(
        f"/notifications/{n['id']}/document.pdf", headers=bearer(world.tokens["authority_sg"])
    )
    assert r.status_code == 200
    keyset = KeySet.from_json(client.get("/.well-known/baseltrack/keyset.json").text)
    verdict = verify(decode_qr(r.content)[0], keyset)
    assert verdict.ok and verdict.claims is not None and verdict.claims.kind == "N"


def test_batch_upload_reports_each_row(client: TestClient, world: DemoWorld) -> None:
    n = consented_notification(client, world)
    day = (date.today() + timedelta(days=10)).isoformat()
    carrier = world.parties["my_carrier"]
    csv_text = (
        "quantity,shipment_date,packaging,carriers,containers,additional_information\n"
        f"19.5,{day},4:20,{carrier}:R;{carrier}:S,MSKU1234565,first\n"
        f"-3,{day},4:20,{carrier}:R,,negative\n"
        f"20,{day},4:20,999:R,,unknown carrier\n"
        f"18,{day},4:18,{carrier}:R,,\n"
    )
    r = client.post(
        f"/notifications/{n['id']}/movements/batch",
        files={"file": ("shipments.csv", csv_text, "text/csv")},
        headers=bearer(world.tokens["exporter_my"]),
    )
    assert r.status_code == 200, r.text
    result = r.json()
    assert (result["created"], result["failed"]) == (2, 2)
    bad = {row["line"]: row for row in result["rows"] if not row["ok"]}
    assert bad[3]["errors"][0]["field"] == "quantity"
    assert bad[4]["errors"][0]["rule"] == "movement.carrier_not_notified"
    archive = client.get(
        f"/notifications/{n['id']}/movements/documents.zip",
        headers=bearer(world.tokens["exporter_my"]),
    )
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert names == [f"{n['number']}-1.pdf", f"{n['number']}-2.pdf"]


def test_overdue_receipts_are_listed(client: TestClient, world: DemoWorld) -> None:
    from app.movements import service as movements

    _, m = _announced(client, world)
    scan(client, world, "customs_my", m["qr_text"], "MYPKG", "exit")
    session = client.app.state.session_factory()  # type: ignore[attr-defined]
    try:
        account = session.get(movements.Account, world.accounts["authority_my"])
        later = date.today() + timedelta(days=40)
        items = movements.overdue(session=session, account=account, today=later)
    finally:
        session.close()
    assert [(i["document_no"], i["what"]) for i in items] == [(m["document_no"], "receipt")]


def test_return_is_recorded_with_its_deadline(client: TestClient, world: DemoWorld) -> None:
    _, m = _announced(client, world)
    scan(client, world, "customs_my", m["qr_text"], "MYPKG", "exit")
    r = post(
        client,
        world,
        "facility_kr",
        f"/movements/{m['id']}/receipt",
        {
            "received_on": date.today().isoformat(),
            "quantity_received": "19.8",
            "accepted": False,
            "rejection_reason": "Batteries drained on arrival, leaking acid",
        },
    )
    assert r.json()["status"] == "rejected"
    r = post(
        client,
        world,
        "authority_my",
        f"/movements/{m['id']}/return",
        {"kind": "return", "reason": "Facility rejected the load; take-back (Art. 8)"},
    )
    assert r.status_code == 200
    assert r.json()["status"] == "return_required"
    # 90 days from the date in Kuala Lumpur, where the authority of export requires the return
    due = today_of(client, world, "authority_my") + timedelta(days=90)
    assert r.json()["return_due"] == due.isoformat()


def _evening_utc() -> datetime:
    """20:00 UTC today: already tomorrow in Kuala Lumpur (UTC+8) and Seoul (UTC+9)."""
    return datetime.combine(utcnow().date(), time(20), UTC)


def test_a_receipt_is_dated_on_the_facilitys_calendar(
    client: TestClient, world: DemoWorld, set_clock: Callable[[datetime], None]
) -> None:
    _, m = _announced(client, world)
    scan(client, world, "customs_my", m["qr_text"], "MYPKG", "exit")
    set_clock(_evening_utc())
    seoul_today = _evening_utc().date() + timedelta(days=1)
    receipt = {"quantity_received": "19.8", "accepted": True}
    path = f"/movements/{m['id']}/receipt"
    ahead = {**receipt, "received_on": (seoul_today + timedelta(days=1)).isoformat()}
    r = post(client, world, "facility_kr", path, ahead)
    assert r.status_code == 422
    assert f"today is {seoul_today} (Asia/Seoul)" in r.json()["errors"][0]["message"]
    # In Seoul it is tomorrow already: a receipt dated that day is not "in the future".
    r = post(client, world, "facility_kr", path, {**receipt, "received_on": str(seoul_today)})
    assert r.status_code == 200, r.text
    assert r.json()["received_on"] == seoul_today.isoformat()


def test_a_shipment_date_is_judged_on_the_exporters_calendar(
    client: TestClient, world: DemoWorld, set_clock: Callable[[datetime], None]
) -> None:
    n = consented_notification(client, world)
    set_clock(_evening_utc())
    utc_today = _evening_utc().date()
    path = f"/notifications/{n['id']}/movements"
    body = movement_body(world)
    r = post(client, world, "exporter_my", path, {**body, "shipment_date": str(utc_today)})
    assert r.status_code == 422
    (error,) = r.json()["errors"]
    assert error["rule"] == "shipment.date_past"
    assert f"today is {utc_today + timedelta(days=1)}" in error["message"]
    tomorrow = str(utc_today + timedelta(days=1))
    r = post(client, world, "exporter_my", path, {**body, "shipment_date": tomorrow})
    assert r.status_code == 201, r.text
    assert r.json()["shipment_date"] == tomorrow
