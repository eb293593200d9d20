"""Exporter and authority pages: filing with inline errors, the procedure's steps, the inbox,
documents, and nothing shown outside the account's jurisdiction."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update

from app.core.db import unit_of_work
from app.demo import DemoWorld
from app.notifications.models import Notification
from tests.factories import consent_body, consented_notification, create_movement, file_notification
from tests.web.conftest import advance
from tests.web.visitors import Visitor, field_errors, text_of

Visit = Callable[[str], Visitor]


def _notification_id(response: Any) -> int:
    assert response.status_code == 303, response.text
    found = re.fullmatch(r"/ui/notifications/(\d+)\?done=\w+", response.headers["location"])
    assert found, response.headers["location"]
    return int(found.group(1))


def _version(page: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', page)
    assert found
    return found.group(1)


def test_exporter_files_and_submits_a_notification(
    visit: Visit, filing_form: dict[str, Any]
) -> None:
    exporter = visit("exporter_my")
    form = exporter.get("/ui/notifications/new")
    assert form.status_code == 200
    assert 'value="A1160"' in form.text and 'value="Busan"' in form.text  # the example prefilled
    nid = _notification_id(exporter.post("/ui/notifications/new", filing_form))
    page = exporter.get(f"/ui/notifications/{nid}?done=filed")
    text = text_of(page.text)
    assert "Draft saved." in text and "Draft" in text and "MY-" in text
    assert "Notifier (MY): complete and submit" in text
    submitted = exporter.post(f"/ui/notifications/{nid}/submit", {"version": _version(page.text)})
    assert submitted.headers["location"] == f"/ui/notifications/{nid}?done=submit"
    after = text_of(exporter.get(f"/ui/notifications/{nid}").text)
    assert "Submitted" in after and "Authority of export (MY): transmit or refuse" in after
    listing = text_of(exporter.get("/ui/notifications").text)
    assert "Spent lead-acid batteries" in listing and "MY → SG → KR" in listing


def test_filing_errors_from_the_schema_show_next_to_their_fields(
    visit: Visit, filing_form: dict[str, Any]
) -> None:
    exporter = visit("exporter_my")
    bad = {**filing_form, "quantity": "-3", "packaging[]": [], "route.2.country": ""}
    page = exporter.post("/ui/notifications/new", bad)
    assert page.status_code == 422
    assert field_errors(page.text, "quantity") == ["Input should be greater than 0"]
    assert field_errors(page.text, "packaging")
    assert 'value="Spent lead-acid batteries, whole, undrained"' in page.text  # input kept


def test_filing_errors_from_the_service_show_next_to_their_fields(
    visit: Visit, filing_form: dict[str, Any]
) -> None:
    exporter = visit("exporter_my")
    past = (date.today() - timedelta(days=3)).isoformat()
    bad = {**filing_form, "waste.basel_code": "A9999", "first_departure": past}
    page = exporter.post("/ui/notifications/new", bad)
    assert page.status_code == 422
    assert any("A9999" in m for m in field_errors(page.text, "waste.basel_code"))
    assert field_errors(page.text, "first_departure") == [f"{past} is in the past."]
    assert "No notifications to show." in text_of(exporter.get("/ui/notifications").text)


def test_a_legal_refusal_names_its_rule_and_source(
    visit: Visit, app: FastAPI, world: DemoWorld
) -> None:
    from app.web.forms import lead_acid_defaults
    from app.web.service import parties_by_kind

    with unit_of_work(app.state.session_factory) as session:
        values = lead_acid_defaults(parties_by_kind(session), "DE", date.today())
    germany_to_thailand = {
        **values,
        "consignee_id": str(world.parties["th_consignee"]),
        "facility_id": str(world.parties["th_facility"]),
        "generators.0.party_id": str(world.parties["de_generator"]),
        "carriers.0.party_id": str(world.parties["de_carrier"]),
        "route.0.country": "DE",
        "route.1.country": "TH",
        "route.1.point_of_exit": "",
        "route.2.country": "",
        "route.2.point_of_entry": "",
        "declaration.name": "Jonas Weber",
    }
    page = visit("exporter_de").post("/ui/notifications/new", germany_to_thailand)
    assert page.status_code == 422
    text = text_of(page.text)
    assert "basel.art4A.ban_amendment" in text and "Ban Amendment" in text


def test_other_roles_cannot_file(visit: Visit) -> None:
    for who in ("authority_my", "customs_my", "inspector_my", "carrier_my"):
        page = visit(who).get("/ui/notifications/new")
        assert page.status_code == 403, who
        assert "This page is for the role(s) exporter" in text_of(page.text)


def test_nothing_outside_the_jurisdiction_is_shown(
    visit: Visit, client: TestClient, world: DemoWorld
) -> None:
    n = file_notification(client, world)
    advance(client, world, n, "exporter_my:submit")
    for who in ("exporter_de", "authority_th", "customs_th", "inspector_th"):
        visitor = visit(who)
        assert n["number"] not in visitor.get("/ui/notifications").text, who
        page = visitor.get(f"/ui/notifications/{n['id']}")
        assert page.status_code == 404 and n["number"] not in page.text, who
        refused = visitor.post(f"/ui/notifications/{n['id']}/transmit")
        assert refused.status_code == 404, who
        assert visitor.get(f"/ui/notifications/{n['id']}/document.pdf").status_code == 404
    assert "Nothing awaits your action." in text_of(visit("authority_th").get("/ui/inbox").text)


def test_authority_inbox_holds_what_awaits_its_own_action(
    visit: Visit, client: TestClient, world: DemoWorld
) -> None:
    n = file_notification(client, world)
    advance(client, world, n, "exporter_my:submit")
    inbox = text_of(visit("authority_my").get("/ui/inbox").text)
    assert n["number"] in inbox and "Authority of export (MY): transmit or refuse" in inbox
    assert n["number"] not in visit("authority_kr").get("/ui/inbox").text  # not its turn yet
    for who in ("exporter_my", "customs_my", "inspector_my"):
        assert visit(who).get("/ui/inbox").status_code == 403, who


def test_inbox_is_sorted_by_deadline_and_marks_the_overdue(
    visit: Visit, app: FastAPI, client: TestClient, world: DemoWorld
) -> None:
    steps = ("exporter_my:submit", "authority_my:transmit", "authority_kr:acknowledge")
    recent, old = file_notification(client, world), file_notification(client, world)
    advance(client, world, recent, *steps)
    advance(client, world, old, *steps)
    with unit_of_work(app.state.session_factory) as session:
        long_ago = date.today() - timedelta(days=70)  # Singapore had 60 days to decide
        session.execute(
            update(Notification)
            .where(Notification.id == old["id"])
            .values(acknowledged_on=long_ago)
        )
    page = visit("authority_sg").get("/ui/inbox").text
    assert page.index(old["number"]) < page.index(recent["number"])
    overdue_rows = re.findall(r'<tr class="overdue-row">.*?</tr>', page, re.S)
    assert len(overdue_rows) == 1 and old["number"] in overdue_rows[0]
    assert "OVERDUE" in overdue_rows[0]
    due = (long_ago + timedelta(days=60)).isoformat()
    assert f"Authority of transit (SG): consent or object · by {due} OVERDUE" in text_of(page)


def test_authorities_transmit_acknowledge_and_consent_from_their_pages(
    visit: Visit, client: TestClient, world: DemoWorld
) -> None:
    n = file_notification(client, world)
    advance(client, world, n, "exporter_my:submit")
    path = f"/ui/notifications/{n['id']}"
    for who, step, form in [
        ("authority_my", "transmit", {}),
        ("authority_kr", "acknowledge", {}),
        ("authority_sg", "consent", {}),
        ("authority_kr", "consent", {"consent.conditions": "Arrive via Busan only"}),
    ]:
        authority = visit(who)
        page = authority.get(path)
        assert f'action="{path}/{step}"' in page.text, (who, step)
        fields = {f"consent.{k}": v for k, v in consent_body().items()} if step == "consent" else {}
        done = authority.post(f"{path}/{step}", {**fields, **form, "version": _version(page.text)})
        assert done.headers["location"] == f"{path}?done={step}", (who, step, done.text)
    text = text_of(visit("exporter_my").get(path).text)
    assert "Acknowledged" in text and "record the contract" in text
    assert "Arrive via Busan only" in text


def test_a_consent_error_shows_next_to_its_field(
    visit: Visit, acknowledged: dict[str, Any]
) -> None:
    path = f"/ui/notifications/{acknowledged['id']}"
    authority = visit("authority_kr")
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    page = authority.post(
        f"{path}/consent",
        {
            "consent.valid_from": (date.today() - timedelta(days=30)).isoformat(),
            "consent.valid_to": yesterday,
        },
    )
    assert page.status_code == 422
    assert field_errors(page.text, "consent.valid_to"), page.text
    assert "Pending" in text_of(page.text)  # nothing was decided


def test_a_stale_page_is_refused_with_a_conflict(
    visit: Visit, acknowledged: dict[str, Any]
) -> None:
    path = f"/ui/notifications/{acknowledged['id']}"
    singapore, korea = visit("authority_sg"), visit("authority_kr")
    seen = _version(korea.get(path).text)
    consented = singapore.post(
        f"{path}/consent", {**{f"consent.{k}": v for k, v in consent_body().items()}}
    )
    assert consented.status_code == 303
    stale = korea.post(f"{path}/objection", {"objection.reasons": "Permit lapsed", "version": seen})
    assert stale.status_code == 409
    assert "someone acted on it meanwhile" in text_of(stale.text)


def test_objection_and_request_for_information(visit: Visit, acknowledged: dict[str, Any]) -> None:
    path = f"/ui/notifications/{acknowledged['id']}"
    asked = visit("authority_sg").post(
        f"{path}/question", {"question.question": "Provide the facility's R4 permit."}
    )
    assert asked.headers["location"] == f"{path}?done=question"
    exporter = visit("exporter_my")
    page = exporter.get(path).text
    assert "Provide the facility&#39;s R4 permit." in page
    request_id = re.search(r'name="answer.request_id" value="(\d+)"', page)
    assert request_id
    answered = exporter.post(
        f"{path}/answer",
        {"answer.request_id": request_id.group(1), "answer.answer": "Permit KR-R4-2231 attached."},
    )
    assert answered.headers["location"] == f"{path}?done=answer"
    objected = visit("authority_kr").post(
        f"{path}/objection", {"objection.reasons": "The permit does not cover R4 for lead."}
    )
    assert objected.status_code == 303
    text = text_of(exporter.get(path).text)
    assert "Objected" in text and "The permit does not cover R4 for lead." in text


def test_steps_outside_ones_capacity_are_refused(
    visit: Visit, acknowledged: dict[str, Any]
) -> None:
    path = f"/ui/notifications/{acknowledged['id']}"
    page = visit("exporter_my").post(
        f"{path}/consent", {f"consent.{k}": v for k, v in consent_body().items()}
    )
    assert page.status_code == 403
    assert "may do this" in text_of(page.text)
    assert visit("authority_sg").post(f"{path}/unknown").status_code == 404


def test_exporter_records_contract_and_guarantee_then_ships(
    visit: Visit, acknowledged: dict[str, Any], app: FastAPI
) -> None:
    path = f"/ui/notifications/{acknowledged['id']}"
    for who in ("authority_sg", "authority_kr"):
        fields = {f"consent.{k}": v for k, v in consent_body().items()}
        assert visit(who).post(f"{path}/consent", fields).status_code == 303
    exporter = visit("exporter_my")
    short = exporter.post(
        f"{path}/guarantee",
        {
            "guarantee.kind": "bond",
            "guarantee.amount": "120000",
            "guarantee.currency": "USD",
            "guarantee.reference": "BOND-77",
            "guarantee.valid_until": date.today().isoformat(),
        },
    )
    assert short.status_code == 422
    assert field_errors(short.text, "guarantee.valid_until")
    steps = [
        (
            "contract",
            {"contract.reference": "C-2026-14", "contract.concluded_on": date.today().isoformat()},
        ),
        (
            "guarantee",
            {
                "guarantee.kind": "bond",
                "guarantee.amount": "120000",
                "guarantee.currency": "USD",
                "guarantee.reference": "BOND-77",
                "guarantee.valid_until": (date.today() + timedelta(days=500)).isoformat(),
            },
        ),
    ]
    for step, fields in steps:
        assert exporter.post(f"{path}/{step}", fields).status_code == 303, step
    page = exporter.get(path)
    assert "Consented" in text_of(page.text)
    defaults = dict(re.findall(r'name="(movement\.[\w.]+)" value="([^"]*)"', page.text))
    carrier = re.search(r'name="movement.carriers.0.party_id">\s*<option value="(\d+)"', page.text)
    assert carrier
    moved = exporter.post(
        f"{path}/movement",
        {
            **defaults,
            "movement.carriers.0.party_id": carrier.group(1),
            "movement.carriers.0.means_of_transport": "R",
            "movement.unit": "t",
            "movement.containers": "MSKU1234565",
        },
    )
    assert moved.headers["location"] == f"{path}?done=movement", moved.text
    listed = exporter.get(path).text
    movement_pdf = re.search(r'href="(/ui/movements/\d+/document.pdf)"', listed)
    assert movement_pdf and "1/12" in text_of(listed)
    for url in (movement_pdf.group(1), f"{path}/document.pdf"):
        pdf = exporter.get(url)
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-"), url
        assert pdf.headers["content-type"] == "application/pdf"
        assert visit("exporter_de").get(url).status_code == 404
        assert Visitor(app).get(url, follow_redirects=False).status_code == 303


def test_exporter_announces_a_movement(visit: Visit, client: TestClient, world: DemoWorld) -> None:
    n = consented_notification(client, world)
    m = create_movement(client, world, n["id"])
    exporter = visit("exporter_my")
    page = exporter.get(f"/ui/notifications/{n['id']}").text
    assert f'action="/ui/movements/{m["id"]}/announce"' in page
    done = exporter.post(f"/ui/movements/{m['id']}/announce")
    assert done.headers["location"] == f"/ui/notifications/{n['id']}?done=announce"
    assert "Announced" in text_of(exporter.get(f"/ui/notifications/{n['id']}").text)
    assert visit("exporter_de").post(f"/ui/movements/{m['id']}/announce").status_code == 404


def test_notification_pages_render_in_chinese(visit: Visit, acknowledged: dict[str, Any]) -> None:
    authority = visit("authority_kr")
    text = text_of(authority.get(f"/ui/notifications/{acknowledged['id']}?lang=zh").text)
    assert "已确认收到" in text and "同意" in text and "要求补充信息" in text
    inbox = text_of(authority.get("/ui/inbox").text)
    assert "待办：等待您办理" in inbox and "进口国主管当局 (KR): 同意或反对" in inbox
    assert "新通知" in text_of(visit("exporter_my").get("/ui/notifications/new?lang=zh").text)
