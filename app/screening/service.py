"""Screen a stored declaration and keep its flags; turn flagged border scans into flags too."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.customs.models import DeclarationRecord
from app.movements.models import Movement
from app.notifications import repository as notifications
from app.notifications.models import Notification
from app.parties.models import Party
from app.screening.config import ScreeningConfig
from app.screening.engine import screen
from app.screening.models import FlagRecord
from app.screening.repository import DbContext
from app.webhooks.service import publish
from customs_adapters.declaration import CustomsDeclaration


def _search_fields(
    session: Session,
    n: Notification | None,
    *,
    office: str | None,
    document_no: str | None,
    hs_code: str | None,
    names: list[str],
) -> dict[str, object]:
    """What inspectors filter on and type, copied onto the flag so a search needs no joins."""
    waste_code = None
    words = list(names)
    if n is not None:
        waste_code = n.waste.get("basel_code") or n.waste.get("oecd_code")
        hs_code = hs_code or n.waste.get("hs_code")
        words += [n.number] + [
            p.name
            for pid in (n.notifier_id, n.consignee_id, n.facility_id)
            if (p := session.get(Party, pid)) is not None
        ]
    text = " ".join(dict.fromkeys(w.lower() for w in words if w))[:2000]
    return {
        "waste_code": waste_code,
        "hs_code": hs_code,
        "office": office or None,
        "document_no": document_no,
        "search_text": text,
    }


def _count_on_movement(session: Session, movement_id: int | None, flags: int) -> None:
    """Keep the movement's flag count (a search column) in step, in the same transaction; one
    UPDATE adds to it, so concurrent flags on one shipment do not overwrite each other."""
    if movement_id is not None:
        session.execute(
            update(Movement)
            .where(Movement.id == movement_id)
            .values(flag_count=Movement.flag_count + flags)
        )


def _announce(
    session: Session, flags: list[FlagRecord], n: Notification | None, extra: dict[str, object]
) -> None:
    for flag in flags:
        publish(
            session=session,
            event="shipment.flagged",
            notification=n,
            country=flag.country,
            data={
                "flag_id": flag.id,
                "rule": flag.rule_id,
                "severity": flag.severity,
                "explanation": flag.explanation,
                **extra,
            },
        )


def screen_declaration(
    *,
    session: Session,
    record: DeclarationRecord,
    declaration: CustomsDeclaration,
    context: DbContext,
    config: ScreeningConfig,
) -> list[FlagRecord]:
    found = screen(declaration, context, config)
    if not found:
        return []
    number = declaration.notification_number
    n_id = (
        session.scalar(select(Notification.id).where(Notification.number == number))
        if number
        else None
    )
    n = notifications.get(session, n_id) if n_id else None
    m = context.movement_record(declaration.movement_id) if declaration.movement_id else None
    search = _search_fields(
        session,
        n,
        office=record.office,
        document_no=declaration.movement_id or number or declaration.declaration_id,
        hs_code=declaration.goods[0].hs_code,
        names=[
            declaration.consignor.name,
            declaration.consignee.name,
            declaration.declarant.name,
            declaration.carrier or "",
            declaration.declaration_id,
            number or "",
            declaration.movement_id or "",
        ],
    )
    flags = [
        FlagRecord(
            source="declaration",
            declaration_pk=record.id,
            rule_id=f.rule_id,
            severity=f.severity,
            explanation=f.explanation,
            evidence=dict(f.evidence),
            country=record.office_country,
            notification_id=n.id if n else None,
            movement_id=m.id if m else None,
            **search,
        )
        for f in found
    ]
    session.add_all(flags)
    record.flag_count = len(flags)
    session.flush()
    _count_on_movement(session, m.id if m else None, len(flags))
    _announce(session, flags, n, {"declaration_id": record.declaration_id})
    return flags


def flag_scan(
    *,
    session: Session,
    scan_id: int,
    country: str,
    reasons: list[str],
    notification: Notification | None,
    movement_id: int | None,
    evidence: dict[str, object],
) -> FlagRecord:
    doc = str(evidence.get("doc_id") or "") or None
    search = _search_fields(
        session,
        notification,
        office=str(evidence.get("office") or ""),
        document_no=doc,
        hs_code=None,
        names=[doc or ""],
    )
    flag = FlagRecord(
        source="scan",
        scan_id=scan_id,
        rule_id="B01",
        severity="high",
        explanation=" ".join(reasons),
        evidence=evidence,
        country=country,
        notification_id=notification.id if notification else None,
        movement_id=movement_id,
        **search,
    )
    session.add(flag)
    session.flush()
    _count_on_movement(session, movement_id, 1)
    _announce(session, [flag], notification, {"document_no": doc})
    return flag
