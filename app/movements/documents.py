"""Printed documents: records mapped into the Basel/OECD form blocks and laid out by manifests/.

The same record gives the same bytes (the QR text is stored, the PDF writer is invariant), so a
regenerated PDF of an unchanged document is identical.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date

from sqlalchemy.orm import Session

from app.accounts.models import Account
from app.core.db import utcnow
from app.core.errors import Conflict
from app.keys.service import Signer
from app.movements import repository
from app.movements import service as movements
from app.notifications import repository as notification_repository
from app.notifications import service as notifications
from app.notifications.models import Notification
from app.parties.models import Party as PartyRecord
from manifests import pdf
from manifests.claims import ManifestClaims
from manifests.documents import (
    CarrierLeg,
    MovementDocument,
    NotificationDocument,
    Party,
    StateConcerned,
    WasteDescription,
    WasteIdentification,
)


def _party(record: PartyRecord | None) -> Party:
    if record is None:
        return Party(name="")
    return Party(
        name=record.name,
        registration_no=record.registration_no or "",
        address=record.address,
        contact_person=record.contact_person or "",
        phone=record.phone or "",
        fax=record.fax or "",
        email=record.email or "",
    )


def _parties(session: Session, ids: list[int]) -> dict[int, PartyRecord]:
    return {i: p for i in set(ids) if (p := session.get(PartyRecord, i)) is not None}


def _one(value: object) -> list[str]:
    return [str(value)] if value else []


def _waste(n: Notification, parties: dict[int, PartyRecord]) -> WasteDescription:
    w = n.waste
    return WasteDescription(
        generators=[_party(parties.get(int(g["party_id"]))) for g in n.generators],
        generator_site_and_process="; ".join(f"{g['site']} — {g['process']}" for g in n.generators),
        facility=_party(parties.get(n.facility_id)),
        facility_actual_site=(parties[n.facility_id].address if n.facility_id in parties else ""),
        operations=list(n.operations),
        technology=n.technology,
        designation_and_composition=f"{n.designation}. {n.composition}".strip(". "),
        physical_characteristics=list(n.physical_characteristics),
        identification=WasteIdentification(
            basel_annex_viii_ix=_one(w.get("basel_code")),
            oecd=_one(w.get("oecd_code")),
            eu_list_of_waste=_one(w.get("eu_code")),
            national_export=_one(w.get("national_export_code")),
            national_import=_one(w.get("national_import_code")),
            other=_one(w.get("other_code")),
            y_codes=list(w.get("y_codes", [])),
            h_codes=list(w.get("h_codes", [])),
            un_class=_one(w.get("un_class")),
            un_number=_one(w.get("un_number")),
            un_shipping_name=_one(w.get("un_shipping_name")),
            hs_code=_one(w.get("hs_code")),
        ),
    )


def _all_party_ids(n: Notification) -> list[int]:
    return [
        n.notifier_id,
        n.consignee_id,
        n.facility_id,
        *(int(g["party_id"]) for g in n.generators),
        *(int(c["party_id"]) for c in n.carriers),
    ]


def notification_document(session: Session, n: Notification) -> NotificationDocument:
    parties = _parties(session, _all_party_ids(n))
    authorities = notification_repository.authorities_by_id(
        session, [s.authority_id for s in n.states]
    )
    decided = [d.decided_on for d in n.decisions if d.decided_on]
    conditions = "\n".join(
        f"{d.country}: {d.conditions or d.reasons}"
        for d in n.decisions
        if d.conditions or d.reasons
    )
    return NotificationDocument(
        exporter=_party(parties.get(n.notifier_id)),
        importer=_party(parties.get(n.consignee_id)),
        notification_no=n.number,
        multiple_shipments=n.shipment_type == "multiple",
        recovery=n.purpose == "recovery",
        pre_consented_facility=n.pre_consented,
        intended_shipments=n.intended_shipments,
        intended_quantity=n.quantity,
        unit=n.unit,
        first_departure=n.first_departure,
        last_departure=n.last_departure,
        packaging_types=list(n.packaging),
        special_handling=bool(n.special_handling),
        carriers=[
            CarrierLeg(_party(parties.get(int(c["party_id"]))), c["means_of_transport"][0])
            for c in n.carriers
        ],
        waste=_waste(n, parties),
        reason_for_export=n.reason_for_export or "",
        states=[
            StateConcerned(
                role=s.capacity,
                country=s.country,
                authority_code=authorities[s.authority_id].code,
                point_of_exit=s.point_of_exit or "",
                point_of_entry=s.point_of_entry or "",
            )
            for s in n.states
        ],
        customs_entry=n.customs_offices.get("entry") or "",
        customs_exit=n.customs_offices.get("exit") or "",
        customs_export=n.customs_offices.get("export") or "",
        declaration_name=(n.declaration or {}).get("name", ""),
        declaration_date=date.fromisoformat(n.declaration["signed_on"]) if n.declaration else None,
        annexes=n.annexes,
        acknowledged_by=authorities[n.states[-1].authority_id].code if n.acknowledged_at else "",
        acknowledged_on=n.acknowledged_on,
        consent_given_on=max(decided) if decided else None,
        consent_valid_from=n.valid_from,
        consent_valid_until=n.valid_to,
        consent_conditions=any(d.conditions for d in n.decisions),
        conditions_or_objection=conditions,
    )


def notification_pdf(
    *, session: Session, account: Account, signer: Signer, notification_id: int
) -> tuple[bytes, str]:
    n = notifications.load_visible(session, account, notification_id)
    if n.valid_from is None or n.valid_to is None:
        raise Conflict(
            f"Notification {n.number} is {n.status}: its document is issued, signed, once "
            "it is consented.",
            rule="document.not_consented",
        )
    if n.qr_text is None:
        authority = notification_repository.authorities_by_id(session, [n.states[0].authority_id])
        claims = ManifestClaims(
            kind="N",
            doc_id=n.number,
            revision=1,
            notification_no=n.number,
            shipment_no=None,
            shipments_total=n.intended_shipments,
            waste_codes=tuple(
                c for c in [n.waste.get("basel_code"), *n.waste.get("y_codes", [])] if c
            ),
            quantity=n.quantity,
            unit=n.unit,  # type: ignore[arg-type]
            route=tuple(s.country for s in n.states),
            valid_from=n.valid_from,
            valid_to=n.valid_to,
            issuer=authority[n.states[0].authority_id].code,
            issued_at=utcnow().replace(microsecond=0),
        )
        n.qr_text = signer.sign(claims, n.export_country)
        session.flush()
    return pdf.notification_pdf(notification_document(session, n), n.qr_text), f"{n.number}.pdf"


def movement_document(session: Session, m: movements.Movement, n: Notification) -> MovementDocument:
    parties = _parties(session, [*_all_party_ids(n), *(int(c["party_id"]) for c in m.carriers)])
    crossings = repository.crossings(session, m.id)
    transit = [
        f"{c.country} {c.office} {c.direction} {c.crossed_on}"
        for c in crossings
        if c.direction.startswith("transit")
    ]
    exit_ = next((f"{c.office} {c.crossed_on}" for c in crossings if c.direction == "exit"), "")
    entry = next((f"{c.office} {c.crossed_on}" for c in crossings if c.direction == "entry"), "")
    return MovementDocument(
        notification_no=n.number,
        shipment_no=m.shipment_no,
        shipments_total=n.intended_shipments,
        exporter=_party(parties.get(n.notifier_id)),
        importer=_party(parties.get(n.consignee_id)),
        actual_quantity=m.quantity,
        unit=m.unit,
        actual_shipment_date=m.shipment_date,
        packaging_types=[p["code"] for p in m.packaging],
        number_of_packages=m.packages,
        special_handling=bool(m.special_handling),
        carriers=[
            CarrierLeg(
                _party(parties.get(int(c["party_id"]))),
                c["means_of_transport"],
                date.fromisoformat(c["transferred_on"]) if c.get("transferred_on") else None,
            )
            for c in m.carriers
        ],
        waste=_waste(n, parties),
        exporter_declaration_name=(m.declaration or {}).get("name", ""),
        exporter_declaration_date=date.fromisoformat(m.declaration["signed_on"])
        if m.declaration
        else None,
        additional_information=m.additional_information or "",
        received_by_importer_on=m.received_on,
        received_at_facility_on=m.received_on,
        facility_accepted=m.accepted,
        quantity_received=m.received_quantity,
        approximate_treatment_date=m.treatment_expected_on,
        certificate_of_completion_on=m.completed_on,
        customs_export_exit=exit_,
        customs_entry=entry,
        customs_transit_stamps=transit,
    )


def movement_pdf(*, session: Session, account: Account, movement_id: int) -> tuple[bytes, str]:
    m, n = movements.load_visible(session, account, movement_id)
    return _movement_pdf(session, m, n), f"{m.document_no.replace('/', '-')}.pdf"


def _movement_pdf(session: Session, m: movements.Movement, n: Notification) -> bytes:
    return pdf.movement_pdf(movement_document(session, m, n), m.qr_text)


def movement_zip(*, session: Session, account: Account, notification_id: int) -> tuple[bytes, str]:
    n = notifications.load_visible(session, account, notification_id)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for m in repository.for_notification(session, n.id):
            info = zipfile.ZipInfo(
                f"{m.document_no.replace('/', '-')}.pdf", date_time=(2000, 1, 1, 0, 0, 0)
            )
            archive.writestr(info, _movement_pdf(session, m, n))
    return buffer.getvalue(), f"{n.number}-movements.zip"
