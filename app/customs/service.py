"""Declarations in (stored once, screened, flagged); consent and movement data out (outbox)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import Account, Role
from app.audit import service as audit
from app.core.clock import date_for
from app.core.db import utcnow
from app.core.errors import Forbidden, InvalidInput
from app.customs.models import CustomsEndpoint, DeclarationRecord
from app.customs.schemas import (
    DeclarationResult,
    EndpointIn,
    FlagRead,
    IngestReport,
    RowProblem,
)
from app.movements.models import Movement
from app.notifications.models import Notification
from app.outbox.service import enqueue
from app.parties.models import Party
from app.screening.config import ScreeningConfig, load_config
from app.screening.repository import DbContext
from app.screening.service import screen_declaration
from customs_adapters.base import ParsedDeclaration, RowError
from customs_adapters.declaration import (
    ConsentMessage,
    CustomsDeclaration,
    MovementMessage,
    RouteState,
    Trader,
)

_CONFIG: ScreeningConfig | None = None


def screening_config() -> ScreeningConfig:
    global _CONFIG
    if _CONFIG is None:
        _CONFIG = load_config()
    return _CONFIG


# --- endpoints and outbound data ----------------------------------------------------------------


def add_endpoint(*, session: Session, actor: Account, data: EndpointIn) -> CustomsEndpoint:
    endpoint = CustomsEndpoint(**data.model_dump())
    session.add(endpoint)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="customs_endpoint.create",
        object_type="customs_endpoint",
        object_id=endpoint.id,
        after=data.model_dump(),
    )
    return endpoint


def list_endpoints(*, session: Session) -> list[CustomsEndpoint]:
    return list(session.scalars(select(CustomsEndpoint).order_by(CustomsEndpoint.id)))


def _endpoints_for(session: Session, countries: Iterable[str]) -> list[CustomsEndpoint]:
    stmt = select(CustomsEndpoint).where(
        CustomsEndpoint.active.is_(True), CustomsEndpoint.country.in_(set(countries))
    )
    return list(session.scalars(stmt))


def _trader(session: Session, party_id: int) -> Trader:
    party = session.get(Party, party_id)
    assert party is not None
    return Trader(name=party.name, country=party.country, identifier=party.registration_no)


def consent_message(session: Session, n: Notification, status: str) -> dict[str, Any]:
    offices = n.customs_offices
    states = [
        RouteState(
            country=s.country,
            role=s.capacity,
            customs_office_exit=offices.get("exit") if s.capacity == "export" else None,
            customs_office_entry=offices.get("entry") if s.capacity == "import" else None,
        )
        for s in n.states
    ]
    codes = tuple(
        c
        for c in [n.waste.get("basel_code"), n.waste.get("oecd_code"), *n.waste.get("y_codes", [])]
        if c
    )
    message = ConsentMessage(
        notification_number=n.number,
        exporter=_trader(session, n.notifier_id),
        consignee=_trader(session, n.consignee_id),
        states=tuple(states),
        waste_codes=codes,
        hs_code=n.waste.get("hs_code"),
        total_quantity=n.quantity,
        unit=n.unit,
        shipments_consented=n.intended_shipments,
        valid_from=n.valid_from or n.first_departure,
        valid_to=n.valid_to or n.last_departure,
        status=status,
    )
    return message.model_dump(mode="json")


def push_consent(*, session: Session, n: Notification, status: str) -> int:
    """Tell the customs systems of every state on the route what they may clear (or stop)."""
    payload = consent_message(session, n, status)
    count = 0
    for endpoint in _endpoints_for(session, (s.country for s in n.states)):
        key = f"customs:{endpoint.id}:consent:{n.number}:{status}:{n.version}"
        count += enqueue(
            session=session,
            channel="customs",
            topic="consents",
            payload=payload,
            key=key,
            endpoint_id=endpoint.id,
        )
    return count


def push_movement(*, session: Session, m: Movement, n: Notification, status: str) -> int:
    carriers = [p.name for c in m.carriers if (p := session.get(Party, int(c["party_id"])))]
    payload = MovementMessage(
        movement_id=m.document_no,
        notification_number=n.number,
        shipment_number=m.shipment_no,
        shipments_total=n.intended_shipments,
        quantity_kg=m.quantity * 1000 if m.unit == "t" else m.quantity,
        planned_date=m.shipment_date,
        carriers=tuple(carriers) or ("unknown",),
        status=status,
    ).model_dump(mode="json")
    count = 0
    for endpoint in _endpoints_for(session, (s.country for s in n.states)):
        key = f"customs:{endpoint.id}:movement:{m.document_no}:{status}:{m.revision}"
        count += enqueue(
            session=session,
            channel="customs",
            topic="movements",
            payload=payload,
            key=key,
            endpoint_id=endpoint.id,
        )
    return count


# --- declarations in ----------------------------------------------------------------------------


def ingest_one(
    *,
    session: Session,
    declaration: CustomsDeclaration,
    via: str,
    context: DbContext,
    config: ScreeningConfig,
) -> tuple[DeclarationRecord, bool, list[Any]]:
    """Store once (same office country and id → the first record), screen, keep the flags."""
    existing = session.scalars(
        select(DeclarationRecord).where(
            DeclarationRecord.office_country == declaration.office_country,
            DeclarationRecord.declaration_id == declaration.declaration_id,
        )
    ).first()
    if existing is not None:
        from app.screening.models import FlagRecord

        flags = session.scalars(select(FlagRecord).where(FlagRecord.declaration_pk == existing.id))
        return existing, True, list(flags)
    record = DeclarationRecord(
        office_country=declaration.office_country,
        declaration_id=declaration.declaration_id,
        declared_on=declaration.declared_on,
        office=declaration.customs_office,
        direction=declaration.direction,
        notification_number=declaration.notification_number,
        movement_doc=declaration.movement_id,
        received_via=via,
        payload=declaration.model_dump(mode="json"),
    )
    session.add(record)
    session.flush()
    screened = screen_declaration(
        session=session, record=record, declaration=declaration, context=context, config=config
    )
    return record, False, screened


def ingest(
    *,
    session: Session,
    account: Account | None,
    rows: Iterable[Any],
    via: str,
    today: date | None = None,
    keep_results: bool = True,
) -> IngestReport:
    """Each declaration in its own savepoint: a bad one is reported, good ones go through."""
    if account is not None and account.role != Role.CUSTOMS:
        raise Forbidden("Declarations come from customs accounts.", rule="role")
    if today is None:
        today = date_for(account, utcnow())
    context, config = DbContext(session, today), screening_config()
    report = IngestReport(received=0, duplicates=0, flagged=0, errors=[], results=[])
    rules: Counter[str] = Counter()
    severities: Counter[str] = Counter()
    for row in rows:
        if isinstance(row, RowError):
            report.errors.append(RowProblem(position=row.position, reason=row.reason))
            continue
        assert isinstance(row, ParsedDeclaration)
        declaration = row.declaration
        if account is not None and declaration.office_country != account.country:
            report.errors.append(
                RowProblem(
                    position=row.position,
                    reason=f"declared at an office in {declaration.office_country}; your account "
                    f"may send declarations of {account.country} only",
                )
            )
            continue
        try:
            with session.begin_nested():
                record, duplicate, flags = ingest_one(
                    session=session,
                    declaration=declaration,
                    via=via,
                    context=context,
                    config=config,
                )
        except (InvalidInput, ValidationError, ValueError) as exc:
            report.errors.append(RowProblem(position=row.position, reason=str(exc)))
            continue
        report.received += 1
        report.duplicates += duplicate
        if flags and not duplicate:
            report.flagged += 1
            rules.update(f.rule_id for f in flags)
            severities.update(f.severity for f in flags)
        if keep_results:
            report.results.append(
                DeclarationResult(
                    position=row.position,
                    declaration_id=declaration.declaration_id,
                    stored_id=record.id,
                    duplicate=duplicate,
                    flags=[FlagRead.model_validate(f) for f in flags],
                )
            )
    report.by_rule, report.by_severity = dict(sorted(rules.items())), dict(severities)
    if account is not None:
        audit.record(
            session=session,
            actor=account,
            action="customs.declarations",
            object_type="customs_batch",
            object_id=via,
            after={
                "received": report.received,
                "duplicates": report.duplicates,
                "flagged": report.flagged,
                "errors": len(report.errors),
            },
        )
    return report
