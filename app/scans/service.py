"""A customs scan: verify the signature offline, compare with the record, decide, keep evidence.

The path that must answer within milliseconds at a busy border: the signature is checked
without the database, the caller and the record come in one read (``repository.border_read``)
and a valid scan is stored in one write (``repository.record_valid_scan``).
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from app.accounts.auth import active
from app.accounts.models import Account, Role
from app.audit import service as audit
from app.core.clock import local_date
from app.core.db import utcnow
from app.core.errors import Conflict, Forbidden, NotAuthenticated
from app.keys.service import Signer
from app.movements.domain import MovementEvent, MovementStatus, transition
from app.notifications import repository as notifications
from app.scans import domain, repository
from app.scans.repository import BorderRead, BorderRecord
from app.scans.schemas import ScanIn, ScanVerdict
from manifests.verify import Verdict, verify


def _facts(record: BorderRecord, scanned_revision: int) -> domain.BorderFacts:
    return domain.BorderFacts(
        scanned_revision=scanned_revision,
        current_revision=record.revision,
        movement_status=MovementStatus(record.status),
        notification_status=record.notification_status,
        valid_from=record.valid_from,
        valid_to=record.valid_to,
        route=record.route,
        notified_offices=dict(record.customs_offices),
        already_crossed=record.crossed,
    )


def _compare(
    record: BorderRecord, scanned_revision: int, account: Account, data: ScanIn, today: date
) -> tuple[list[str], dict[str, Any]]:
    """The red flags of an authentic movement document and what the officer sees about it."""
    facts = _facts(record, scanned_revision)
    reasons = ["The document was cancelled."] if record.cancelled else []
    reasons += domain.red_flags(
        facts, country=account.country, office=data.office, direction=data.direction, today=today
    )
    capacity = domain.capacity_in(facts, account.country)
    shown = {
        "document_no": record.document_no,
        "revision": scanned_revision,
        "current_revision": record.revision,
        "notification_no": record.notification_no,
        "shipment": f"{record.shipment_no}/{record.intended_shipments}",
        "notification_status": record.notification_status,
        "consent_valid_from": record.valid_from,
        "consent_valid_to": record.valid_to,
        "consent_valid_today": domain.consent_valid(facts, today),
        "on_route": capacity is not None,
        "capacity_here": capacity,
        "movement_status": record.status,
        "expected_here": facts.movement_status
        in {MovementStatus.ANNOUNCED, MovementStatus.IN_TRANSIT},
        "quantity": record.quantity,
        "unit": record.unit,
    }
    return reasons, shown


def _unmatched_reasons(checked: Verdict, record: BorderRecord | None) -> list[str]:
    """Why an authentic code has no movement record to compare with."""
    claims = checked.claims
    if claims is None or not checked.authentic or record is not None:
        return []
    if claims.kind != "M":
        return ["This is the notification's code; scan the movement document of the load."]
    return [f"Document {claims.doc_id} is signed but unknown here: report it."]


def _cross(
    *,
    session: Session,
    account: Account,
    data: ScanIn,
    read: BorderRead,
    record: BorderRecord,
    scan: dict[str, Any],
    today: date,
) -> tuple[int, datetime, str]:
    """Store a valid scan with its crossing on the border's ``today``; returns the scan's id and
    time and the shipment's new status."""
    new_status = transition(MovementStatus(record.status), MovementEvent.CROSS).value
    where = {"country": account.country, "office": data.office, "direction": data.direction}
    event = audit.event(
        actor=account,
        action="movement.cross",
        object_type="movement",
        object_id=record.movement_id,
        before={"status": record.status},
        after={"status": new_status, **where},
    )
    stored = repository.record_valid_scan(
        session, record, new_status=new_status, scan=scan, crossed_on=today, event=event
    )
    if stored is None:
        raise Conflict(
            f"Movement {record.document_no} changed while it was being scanned: scan again."
        )
    audit.staged_by_statement(session)
    if read.listening:
        from app.webhooks.service import publish

        publish(
            session=session,
            event="movement.crossed",
            notification_id=record.notification_id,
            data={
                "movement_id": record.movement_id,
                "document_no": record.document_no,
                "status": new_status,
                **where,
            },
        )
    return (*stored, new_status)


def _flag(
    *,
    session: Session,
    account: Account,
    data: ScanIn,
    scan_id: int,
    reasons: list[str],
    checked: Verdict,
    doc_id: str | None,
    record: BorderRecord | None,
) -> None:
    """Keep a flagged scan as a flag for inspectors, with its evidence."""
    from app.screening.service import flag_scan

    flag_scan(
        session=session,
        scan_id=scan_id,
        country=account.country,
        reasons=reasons,
        notification=notifications.get(session, record.notification_id) if record else None,
        movement_id=record.movement_id if record else None,
        evidence={
            "office": data.office,
            "direction": data.direction,
            "doc_id": doc_id,
            "signature_status": checked.status,
        },
    )
    audit.record(
        session=session,
        actor=account,
        action="scan.flagged",
        object_type="scan",
        object_id=scan_id,
        after={"reasons": reasons, "doc_id": doc_id},
    )


#: What ``scan`` raises about who is asking: it does so right after its read, before it writes
#: anything, so a transaction shared with other scans goes on without that one.
CALLER_REFUSED = (NotAuthenticated, Forbidden)


def scan(
    *,
    session: Session,
    token_hash: str,
    signer: Signer,
    data: ScanIn,
    now: datetime | None = None,
) -> ScanVerdict:
    """Scan as the account whose token hashes to ``token_hash`` (401 if none, 403 unless
    customs): the signature is checked first, then the caller and the record are read
    together.

    Dates are judged on the border's calendar (the officer's time zone), not the server's: at
    07:00 in Kuala Lumpur a consent that expired yesterday there has expired, though in UTC it
    is still the day before. The signature check, made before the caller is known, is judged
    again on that date."""
    now = now or utcnow()
    checked = verify(data.qr_text, signer.keyset(), None, today=now.date())
    claims = checked.claims
    wanted = claims if claims is not None and checked.authentic and claims.kind == "M" else None
    read = repository.border_read(
        session,
        token_hash,
        wanted.doc_id if wanted else None,
        wanted.revision if wanted else None,
    )
    account = active(read.caller)
    if account.role != Role.CUSTOMS:
        raise Forbidden("Border scans are for customs officers.", rule="role")
    today = local_date(account.time_zone, now)
    if today != now.date():
        checked = checked.on(today)
    record = read.record
    reasons = [] if checked.ok else list(checked.reasons)
    reasons += _unmatched_reasons(checked, record)
    shown: dict[str, Any] = {}
    if record is not None and claims is not None:
        more, shown = _compare(record, claims.revision, account, data, today)
        reasons += more
    doc_id = record.document_no if record else claims.doc_id if claims else None
    stored = {
        "account_id": account.id,
        "country": account.country,
        "office": data.office,
        "direction": data.direction,
        "authentic": checked.authentic,
        "signature_status": checked.status,
        "qr_digest": hashlib.sha256(data.qr_text.encode()).hexdigest(),
        "doc_id": doc_id,
        "revision": claims.revision if claims else None,
        "movement_id": record.movement_id if record else None,
        "notification_id": record.notification_id if record else None,
        "flagged": bool(reasons),
        "reasons": reasons,
    }
    if record is not None and not reasons:
        scan_id, scanned_at, shown["movement_status"] = _cross(
            session=session,
            account=account,
            data=data,
            read=read,
            record=record,
            scan=stored,
            today=today,
        )
        shown["crossing_recorded"] = True
    else:
        scan_id, scanned_at = repository.add_scan(session, **stored)
        _flag(
            session=session,
            account=account,
            data=data,
            scan_id=scan_id,
            reasons=reasons,
            checked=checked,
            doc_id=doc_id,
            record=record,
        )
    return _verdict(scan_id, scanned_at, checked, reasons, shown)


def _verdict(
    scan_id: int,
    scanned_at: datetime,
    checked: Verdict,
    reasons: list[str],
    shown: dict[str, Any],
) -> ScanVerdict:
    return ScanVerdict(
        scan_id=scan_id,
        verdict="flagged" if reasons else "valid",
        authentic=checked.authentic,
        signature_status=checked.status,
        reasons=reasons,
        scanned_at=scanned_at,
        **shown,
    )
