"""Screen a stored declaration and keep its flags; turn flagged border scans into flags too."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.customs.models import DeclarationRecord
from app.notifications.models import Notification
from app.screening.config import ScreeningConfig
from app.screening.domain import Flag
from app.screening.engine import screen
from app.screening.models import FlagRecord
from app.screening.repository import DbContext
from app.webhooks.service import publish
from customs_adapters.declaration import CustomsDeclaration


def _notification_id(session: Session, number: str | None) -> Notification | None:
    if not number:
        return None
    return session.scalars(select(Notification).where(Notification.number == number)).first()


def screen_declaration(
    *,
    session: Session,
    record: DeclarationRecord,
    declaration: CustomsDeclaration,
    context: DbContext,
    config: ScreeningConfig,
) -> list[FlagRecord]:
    flags: list[Flag] = screen(declaration, context, config)
    if not flags:
        return []
    n = _notification_id(session, declaration.notification_number)
    m = context.movement_record(declaration.movement_id) if declaration.movement_id else None
    records = [
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
        )
        for f in flags
    ]
    session.add_all(records)
    record.flag_count = len(records)
    session.flush()
    full = None
    if n is not None:
        from app.notifications.repository import get

        full = get(session, n.id)
    for r in records:
        publish(
            session=session,
            event="shipment.flagged",
            notification=full,
            country=record.office_country,
            data={
                "flag_id": r.id,
                "rule": r.rule_id,
                "severity": r.severity,
                "explanation": r.explanation,
                "declaration_id": record.declaration_id,
            },
        )
    return records


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
    record = FlagRecord(
        source="scan",
        scan_id=scan_id,
        rule_id="B01",
        severity="high",
        explanation=" ".join(reasons),
        evidence=evidence,
        country=country,
        notification_id=notification.id if notification else None,
        movement_id=movement_id,
    )
    session.add(record)
    session.flush()
    publish(
        session=session,
        event="shipment.flagged",
        notification=notification,
        country=country,
        data={
            "flag_id": record.id,
            "rule": "B01",
            "severity": "high",
            "explanation": record.explanation,
        },
    )
    return record
