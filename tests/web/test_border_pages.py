"""The customs officer's scan page."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pypdfium2
from fastapi.testclient import TestClient

from app.demo import DemoWorld
from tests.factories import bearer
from tests.web.visitors import Visitor, field_errors, text_of

Visit = Callable[[str], Visitor]


def _scan(officer: Visitor, qr_text: str, office: str = "MYPKG", **files: Any) -> Any:
    return officer.post(
        "/ui/scan", {"qr_text": qr_text, "office": office, "direction": "exit"}, files=files or None
    )


def test_scan_page_is_ready_for_a_hardware_scanner(visit: Visit) -> None:
    page = visit("customs_my").get("/ui/scan").text
    assert '<input name="qr_text" class="scanner" autocomplete="off" autofocus' in page
    assert 'enctype="multipart/form-data"' in page and 'type="file" name="photo"' in page


def test_a_valid_document_shows_green_with_its_facts(
    visit: Visit, announced: dict[str, Any]
) -> None:
    page = _scan(visit("customs_my"), announced["qr_text"])
    assert page.status_code == 200
    assert 'class="verdict verdict-valid"' in page.text
    text = text_of(page.text)
    assert "VALID The shipment may pass." in text
    assert announced["document_no"] in text and "1/12" in text
    assert "valid today" in text and "on the notified route" in text and "recorded" in text
    assert 'value="MYPKG"' in page.text  # office kept for the next load


def test_a_second_scan_at_the_same_border_shows_red_with_reasons(
    visit: Visit, announced: dict[str, Any]
) -> None:
    officer = visit("customs_my")
    _scan(officer, announced["qr_text"])
    page = _scan(officer, announced["qr_text"])
    assert 'class="verdict verdict-flagged"' in page.text
    text = text_of(page.text)
    assert "FLAGGED Hold the shipment: see the reasons." in text and "already scanned" in text


def test_a_tampered_code_is_flagged(visit: Visit, announced: dict[str, Any]) -> None:
    tampered = announced["qr_text"][:-6] + "AAAAAA"
    page = _scan(visit("customs_my"), tampered)
    assert 'class="verdict verdict-flagged"' in page.text
    assert "NOT authentic" in text_of(page.text)


def test_a_photo_of_the_code_is_decoded(
    visit: Visit, client: TestClient, world: DemoWorld, announced: dict[str, Any]
) -> None:
    pdf = client.get(
        f"/movements/{announced['id']}/document.pdf", headers=bearer(world.tokens["exporter_my"])
    ).content
    document = pypdfium2.PdfDocument(pdf)
    image = document[0].render(scale=3).to_pil()
    photo = io.BytesIO()
    image.save(photo, format="PNG")
    document.close()
    page = _scan(visit("customs_my"), "", photo=("label.png", photo.getvalue(), "image/png"))
    assert 'class="verdict verdict-valid"' in page.text, text_of(page.text)


def test_a_photo_without_a_code_is_refused_next_to_the_upload(
    visit: Visit, announced: dict[str, Any]
) -> None:
    page = _scan(visit("customs_my"), "", photo=("x.png", b"not an image", "image/png"))
    assert page.status_code == 422
    assert field_errors(page.text, "photo")


def test_office_is_required_and_shown_at_its_field(visit: Visit, announced: dict[str, Any]) -> None:
    page = _scan(visit("customs_my"), announced["qr_text"], office="")
    assert page.status_code == 422
    assert field_errors(page.text, "office")
    assert "verdict" not in page.text.split("<main>")[1].split("<form")[0]


def test_only_customs_officers_scan(visit: Visit, announced: dict[str, Any]) -> None:
    for who in ("exporter_my", "authority_my", "inspector_my"):
        visitor = visit(who)
        assert visitor.get("/ui/scan").status_code == 403, who
        assert _scan(visitor, announced["qr_text"]).status_code == 403, who


def test_scan_page_in_chinese(visit: Visit, announced: dict[str, Any]) -> None:
    officer = visit("customs_my")
    officer.get("/ui/scan?lang=zh")
    text = text_of(_scan(officer, announced["qr_text"]).text)
    assert "有效 货物可以放行。" in text and "今日有效" in text
