"""A customs scan: verify the signature offline, compare with the record, decide, keep evidence."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import Account, Role
from app.audit import service as audit
from app.core.db import utcnow
from app.core.errors import Forbidden
from app.keys.service import Signer
from app.movements import repository as movements
from app.movements.domain import MovementEvent, MovementStatus, transition
from app.movements.models import Crossing, DocumentRevocation
from app.notifications import repository as notifications
from app.scans import domain
from app.scans.models import Scan
from app.scans.schemas import ScanIn, ScanVerdict
from manifests.verify import verify


def _revoked(session: Session, doc_id: str, revision: int) -> str | None:
    row = session.scalars(
        select(DocumentRevocation).where(
            DocumentRevocation.doc_id == doc_id,
            (DocumentRevocation.revision == revision) | DocumentRevocation.revision.is_(None),
        )
    ).first()
    return row.reason if row else None


def scan(
    *, session: Session, account: Account, signer: Signer, data: ScanIn, today: date | None = None
) -> ScanVerdict:
    if account.role != Role.CUSTOMS:
        raise Forbidden("Border scans are for customs officers.", rule="role")
    today = today or date.today()
    checked = verify(data.qr_text, signer.keyset(), None, today=today)
    out: dict[str, Any] = {"authentic": checked.authentic, "signature_status": checked.status}
    reasons: list[str] = [] if checked.ok else list(checked.reasons)
    claims = checked.claims
    record = Scan(
        account_id=account.id,
        country=account.country,
        office=data.office,
        direction=data.direction,
        authentic=checked.authentic,
        signature_status=checked.status,
        qr_digest=hashlib.sha256(data.qr_text.encode()).hexdigest(),
    )
    m = movements.by_document_no(session, claims.doc_id) if claims and checked.authentic else None
    if claims and checked.authentic and claims.kind != "M":
        reasons.append("This is the notification's code; scan the movement document of the load.")
    elif claims and checked.authentic and m is None:
        reasons.append(f"Document {claims.doc_id} is signed but unknown here: report it.")
    if m is not None and claims is not None:
        n = notifications.get(session, m.notification_id)
        assert n is not None
        crossed = movements.crossings(session, m.id)
        facts = domain.BorderFacts(
            scanned_revision=claims.revision,
            current_revision=m.revision,
            movement_status=MovementStatus(m.status),
            notification_status=n.status,
            valid_from=n.valid_from,
            valid_to=n.valid_to,
            route=tuple((s.country, s.capacity) for s in n.states),
            notified_offices=dict(n.customs_offices),
            already_crossed=tuple((c.country, c.direction) for c in crossed),
        )
        revoked = _revoked(session, m.document_no, claims.revision)
        if revoked == "cancelled":
            reasons.append("The document was cancelled.")
        reasons += domain.red_flags(
            facts,
            country=account.country,
            office=data.office,
            direction=data.direction,
            today=today,
        )
        out.update(
            document_no=m.document_no,
            revision=claims.revision,
            current_revision=m.revision,
            notification_no=n.number,
            shipment=f"{m.shipment_no}/{n.intended_shipments}",
            notification_status=n.status,
            consent_valid_from=n.valid_from,
            consent_valid_to=n.valid_to,
            consent_valid_today=domain.consent_valid(facts, today),
            on_route=domain.capacity_in(facts, account.country) is not None,
            capacity_here=domain.capacity_in(facts, account.country),
            movement_status=m.status,
            expected_here=MovementStatus(m.status)
            in {MovementStatus.ANNOUNCED, MovementStatus.IN_TRANSIT},
            quantity=m.quantity,
            unit=m.unit,
        )
        record.doc_id, record.revision = m.document_no, claims.revision
        record.movement_id, record.notification_id = m.id, n.id
    elif claims is not None:
        record.doc_id, record.revision = claims.doc_id, claims.revision
    record.flagged = bool(reasons)
    record.reasons = reasons
    session.add(record)
    session.flush()
    if m is not None and not reasons:
        session.add(
            Crossing(
                movement_id=m.id,
                country=account.country,
                office=data.office,
                direction=data.direction,
                scan_id=record.id,
            )
        )
        before = m.status
        m.status = transition(MovementStatus(m.status), MovementEvent.CROSS).value
        m.departed_at = m.departed_at or utcnow()
        m.updated_at = utcnow()
        out["movement_status"] = m.status
        out["crossing_recorded"] = True
        session.flush()
        audit.record(
            session=session,
            actor=account,
            action="movement.cross",
            object_type="movement",
            object_id=m.id,
            before={"status": before},
            after={
                "status": m.status,
                "country": account.country,
                "office": data.office,
                "direction": data.direction,
            },
        )
        from app.movements.service import announce_change

        announce_change(
            session,
            m,
            MovementEvent.CROSS,
            {"country": account.country, "office": data.office, "direction": data.direction},
            n=n,
        )
    else:
        from app.screening.service import flag_scan

        flag_scan(
            session=session,
            scan_id=record.id,
            country=account.country,
            reasons=reasons,
            notification=notifications.get(session, record.notification_id)
            if record.notification_id
            else None,
            movement_id=record.movement_id,
            evidence={
                "office": data.office,
                "direction": data.direction,
                "doc_id": record.doc_id,
                "signature_status": checked.status,
            },
        )
        audit.record(
            session=session,
            actor=account,
            action="scan.flagged",
            object_type="scan",
            object_id=record.id,
            after={"reasons": reasons, "doc_id": record.doc_id},
        )
    return ScanVerdict(
        scan_id=record.id,
        verdict="flagged" if reasons else "valid",
        reasons=reasons,
        scanned_at=record.scanned_at,
        **out,
    )
