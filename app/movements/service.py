"""Movement documents: creation under a consent, corrections, and the life of a shipment.

Services take ``session`` (and the ``signer`` where a document is signed) as keywords and never
commit. Who may act follows the notification: the notifier creates, announces, corrects and
cancels; listed carriers take over; the facility confirms receipt and completion.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from app.accounts.models import Account, Role
from app.audit import service as audit
from app.core.clock import date_for
from app.core.db import utcnow
from app.core.errors import Forbidden, InvalidInput, NotFound
from app.keys.service import Signer, revoke_document
from app.movements import domain, repository
from app.movements.domain import ConsentFacts, MovementEvent, MovementStatus
from app.movements.models import Movement, MovementRevision
from app.movements.schemas import (
    CarrierLegIn,
    CertificateIn,
    CorrectionIn,
    HandOverIn,
    MovementIn,
    ReceiptIn,
    ReturnIn,
)
from app.notifications import repository as notification_repository
from app.notifications import service as notifications
from app.notifications.domain import Actor
from app.notifications.models import Notification
from app.regimes.domain import get_regime
from manifests.claims import ManifestClaims

#: Fields a correction may change, and what the audit keeps of them.
CORRECTABLE = (
    "quantity",
    "shipment_date",
    "packaging",
    "carriers",
    "containers",
    "additional_information",
)


def load_visible(
    session: Session, account: Account, movement_id: int
) -> tuple[Movement, Notification]:
    """A movement is visible exactly where its notification is."""
    m = repository.get(session, movement_id)
    if m is None:
        raise NotFound(f"No movement {movement_id} in your jurisdiction.", rule="jurisdiction")
    try:
        n = notifications.load_visible(session, account, m.notification_id)
    except NotFound:
        raise NotFound(
            f"No movement {movement_id} in your jurisdiction.", rule="jurisdiction"
        ) from None
    return m, n


def _export_authority(session: Session, n: Notification) -> Any:
    export_state = n.states[0]
    return notification_repository.authorities_by_id(session, [export_state.authority_id])[
        export_state.authority_id
    ]


def _facts(session: Session, n: Notification, *, excluding: int | None = None) -> ConsentFacts:
    used_quantity, used_shipments = repository.usage(session, n.id, excluding=excluding)
    guarantee_until = (
        date.fromisoformat(n.guarantee["valid_until"])
        if n.guarantee and n.guarantee_recorded_at
        else None
    )
    return ConsentFacts(
        number=n.number,
        status=n.status,
        valid_from=n.valid_from,
        valid_to=n.valid_to,
        total_quantity=n.quantity,
        unit=n.unit,
        intended_shipments=n.intended_shipments,
        used_quantity=used_quantity,
        used_shipments=used_shipments,
        guarantee_valid_until=guarantee_until,
        contract_in_place=n.contract_recorded_at is not None,
    )


def _check_carriers(n: Notification, carriers: list[CarrierLegIn], field: str = "carriers") -> None:
    notified = {int(c["party_id"]) for c in n.carriers}
    for i, leg in enumerate(carriers):
        if leg.party_id not in notified:
            raise InvalidInput.on(
                f"{field}.{i}.party_id",
                "movement.carrier_not_notified",
                f"Carrier {leg.party_id} is not among the carriers notified in {n.number} "
                f"(block 8: {sorted(notified)}).",
            )


def _claims(m: Movement, n: Notification) -> ManifestClaims:
    waste_codes = tuple(
        c
        for c in [n.waste.get("basel_code"), n.waste.get("oecd_code"), *n.waste.get("y_codes", [])]
        if c
    )
    return ManifestClaims(
        kind="M",
        doc_id=m.document_no,
        revision=m.revision,
        notification_no=n.number,
        shipment_no=m.shipment_no,
        shipments_total=n.intended_shipments,
        waste_codes=waste_codes or ("UNSPECIFIED",),
        quantity=m.quantity,
        unit=m.unit,  # type: ignore[arg-type]
        route=tuple(s.country for s in n.states),
        valid_from=n.valid_from or m.shipment_date,
        valid_to=n.valid_to or m.shipment_date,
        issuer=m.issuer,
        issued_at=utcnow().replace(microsecond=0),
    )


def _sign(signer: Signer, m: Movement, n: Notification) -> None:
    m.qr_text = signer.sign(_claims(m, n), n.export_country)


def _snapshot(m: Movement) -> dict[str, Any]:
    return {
        "status": m.status,
        "revision": m.revision,
        "version": m.version,
        **{k: getattr(m, k) for k in CORRECTABLE},
    }


def _audit(
    session: Session,
    account: Account | None,
    m: Movement,
    action: str,
    before: dict[str, Any] | None,
    extra: dict[str, Any] | None = None,
) -> None:
    audit.record(
        session=session,
        actor=account,
        action=f"movement.{action}",
        object_type="movement",
        object_id=m.id,
        before=before,
        after={**_snapshot(m), **(extra or {})},
    )


#: Movement steps → webhook event type (hand-overs and corrections are not announced).
_EVENT_TYPES = {
    MovementEvent.ANNOUNCE: "movement.announced",
    MovementEvent.RECEIVE: "movement.received",
    MovementEvent.REJECT: "movement.rejected",
    MovementEvent.CERTIFY: "movement.certified",
    MovementEvent.CANCEL: "movement.cancelled",
    MovementEvent.RETURN: "movement.return_required",
    MovementEvent.CROSS: "movement.crossed",
}
#: Steps customs systems hear of, with the status they are told.
_CUSTOMS_STATUS = {MovementEvent.ANNOUNCE: "announced", MovementEvent.CANCEL: "cancelled"}


def announce_change(session: Session, m: Movement, n: Notification, event: MovementEvent) -> None:
    """Queue the webhook events and customs messages a step causes (same transaction)."""
    from app.customs.service import push_movement
    from app.webhooks.service import publish

    if event not in _EVENT_TYPES:
        return
    publish(
        session=session,
        event=_EVENT_TYPES[event],
        notification=n,
        data={
            "movement_id": m.id,
            "document_no": m.document_no,
            "status": m.status,
        },
    )
    if event in _CUSTOMS_STATUS:
        push_movement(session=session, m=m, n=n, status=_CUSTOMS_STATUS[event])


def _step(
    session: Session,
    account: Account | None,
    m: Movement,
    n: Notification,
    event: MovementEvent,
    extra: dict[str, Any] | None = None,
    **values: Any,
) -> None:
    before = _snapshot(m)
    m.status = domain.transition(MovementStatus(m.status), event).value
    for key, value in values.items():
        setattr(m, key, value)
    m.updated_at = utcnow()
    session.flush()
    _audit(session, account, m, event.value, before, extra)
    announce_change(session, m, n, event)


def _departure(account: Account, m: Movement) -> dict[str, Any]:
    """The departure's time and day, unless the shipment has already left (a later carrier)."""
    if m.departed_at is not None:
        return {}
    now = utcnow()
    return {"departed_at": now, "departed_on": date_for(account, now)}


# --- creation ----------------------------------------------------------------------------------


def _new_movement(
    session: Session,
    account: Account,
    signer: Signer,
    n: Notification,
    data: MovementIn,
    today: date,
) -> Movement:
    repository.lock_notification(session, n.id)
    regime = get_regime(n.regime)
    domain.check_new_shipment(
        _facts(session, n),
        quantity=data.quantity,
        unit=data.unit,
        shipment_date=data.shipment_date,
        today=today,
        regime=regime,
    )
    _check_carriers(n, data.carriers)
    shipment_no = repository.next_shipment_no(session, n.id)
    m = Movement(
        document_no=f"{n.number}/{shipment_no}",
        notification_id=n.id,
        shipment_no=shipment_no,
        revision=1,
        status=MovementStatus.CREATED.value,
        quantity=data.quantity,
        unit=data.unit,
        shipment_date=data.shipment_date,
        packaging=[p.model_dump() for p in data.packaging],
        packages=sum(p.count for p in data.packaging),
        special_handling=data.special_handling,
        carriers=[c.model_dump() for c in data.carriers],
        containers=list(data.containers),
        additional_information=data.additional_information,
        declaration={"name": account.name, "signed_on": today.isoformat()},
        issuer=_export_authority(session, n).code,
        qr_text="",
        created_by=account.id,
        export_country=n.export_country,  # search columns
        import_country=n.import_country,
    )
    session.add(m)
    session.flush()
    _sign(signer, m, n)
    session.add(
        MovementRevision(
            movement_id=m.id,
            revision=1,
            changed_by=account.id,
            reason="created",
            changes={},
            qr_text=m.qr_text,
        )
    )
    session.flush()
    _audit(session, account, m, "create", None)
    return m


def create_movement(
    *,
    session: Session,
    account: Account,
    signer: Signer,
    notification_id: int,
    data: MovementIn,
    today: date | None = None,
) -> Movement:
    n = notifications.load_visible(session, account, notification_id)
    notifications.acting_actor(account, n, Actor.NOTIFIER)
    return _new_movement(session, account, signer, n, data, today or account.today())


# --- the life of a shipment --------------------------------------------------------------------


def _as_notifier(
    session: Session, account: Account, movement_id: int
) -> tuple[Movement, Notification]:
    m, n = load_visible(session, account, movement_id)
    notifications.acting_actor(account, n, Actor.NOTIFIER)
    return m, n


def announce(
    *, session: Session, account: Account, movement_id: int, today: date | None = None
) -> Movement:
    """Prior notice of the actual shipment to every authority concerned."""
    m, n = _as_notifier(session, account, movement_id)
    authority = _export_authority(session, n)
    domain.check_prior_notice(
        m.shipment_date,
        today=today or account.today(),
        working_days=authority.prior_notice_working_days,
        calendar=notifications.calendar_of(authority),
    )
    _step(session, account, m, n, MovementEvent.ANNOUNCE, announced_at=utcnow())
    return m


def hand_over(
    *, session: Session, account: Account, movement_id: int, data: HandOverIn
) -> Movement:
    """A carrier takes the shipment over (block 8: means of transport, date of transfer)."""
    m, n = load_visible(session, account, movement_id)
    is_that_carrier = account.role == Role.CARRIER and account.party_id == data.party_id
    if not is_that_carrier:
        notifications.acting_actor(account, n, Actor.NOTIFIER)
    listed = [c for c in m.carriers if int(c["party_id"]) == data.party_id]
    if not listed:
        raise InvalidInput.on(
            "party_id",
            "movement.carrier_not_listed",
            f"Carrier {data.party_id} is not on movement document {m.document_no}.",
        )
    carriers = [
        {
            **c,
            "transferred_on": data.transferred_on.isoformat(),
            "means_of_transport": data.means_of_transport,
        }
        if int(c["party_id"]) == data.party_id
        else c
        for c in m.carriers
    ]
    _step(
        session,
        account,
        m,
        n,
        MovementEvent.HAND_OVER,
        carriers=carriers,
        **_departure(account, m),
    )
    return m


def record_receipt(
    *,
    session: Session,
    account: Account,
    movement_id: int,
    data: ReceiptIn,
    today: date | None = None,
) -> Movement:
    m, n = load_visible(session, account, movement_id)
    _require_facility(account, n)
    today = today or account.today()
    if data.received_on > today:
        raise InvalidInput.on(
            "received_on",
            "date.future",
            f"The receipt date {data.received_on} lies ahead: today is {today} "
            f"({account.time_zone}).",
        )
    if not data.accepted and not data.rejection_reason:
        raise InvalidInput.on(
            "rejection_reason", "receipt.reason_required", "Say why the shipment is rejected."
        )
    event = MovementEvent.RECEIVE if data.accepted else MovementEvent.REJECT
    _step(
        session,
        account,
        m,
        n,
        event,
        received_on=data.received_on,
        received_quantity=data.quantity_received,
        accepted=data.accepted,
        rejection_reason=data.rejection_reason,
        treatment_expected_on=data.treatment_expected_on,
        receipt_recorded_at=utcnow(),
    )
    return m


def certify(
    *,
    session: Session,
    account: Account,
    movement_id: int,
    data: CertificateIn,
    today: date | None = None,
) -> Movement:
    """Certificate of recovery or disposal, for the exporter and the authority of export."""
    m, n = load_visible(session, account, movement_id)
    _require_facility(account, n)
    if data.operation not in n.operations:
        raise InvalidInput.on(
            "operation",
            "certificate.operation",
            f"{data.operation} is not a consented operation ({', '.join(n.operations)}).",
        )
    today = today or account.today()
    if data.completed_on > today or (m.received_on and data.completed_on < m.received_on):
        raise InvalidInput.on(
            "completed_on",
            "certificate.date",
            f"Completion lies between the receipt ({m.received_on}) and today ({today}, "
            f"{account.time_zone}).",
        )
    _step(
        session,
        account,
        m,
        n,
        MovementEvent.CERTIFY,
        completed_on=data.completed_on,
        certificate=data.model_dump(mode="json"),
        certified_at=utcnow(),
    )
    return m


def _require_facility(account: Account, n: Notification) -> None:
    if account.role != Role.FACILITY or account.party_id != n.facility_id:
        raise Forbidden(
            f"Only the facility named in {n.number} (block 10) may do this.",
            rule="jurisdiction.facility",
        )


def cancel(*, session: Session, account: Account, movement_id: int, reason: str) -> Movement:
    m, n = _as_notifier(session, account, movement_id)
    _step(
        session,
        account,
        m,
        n,
        MovementEvent.CANCEL,
        extra={"reason": reason},
        additional_information=m.additional_information,
    )
    revoke_document(session=session, doc_id=m.document_no, revision=None, reason="cancelled")
    return m


def require_return(
    *,
    session: Session,
    account: Account,
    movement_id: int,
    data: ReturnIn,
    today: date | None = None,
) -> Movement:
    """Basel Art. 8/9: the state of export ensures take-back (or an alternative) in time."""
    m, n = load_visible(session, account, movement_id)
    notifications.acting_actor(account, n, Actor.EXPORT_AUTHORITY, Actor.IMPORT_AUTHORITY)
    regime = get_regime(n.regime)
    due = domain.return_due(
        today or account.today(),
        kind=data.kind,
        regime=regime,
        calendar=notifications.calendar_of(_export_authority(session, n)),
    )
    _step(
        session,
        account,
        m,
        n,
        MovementEvent.RETURN,
        return_kind=data.kind,
        return_reason=data.reason,
        return_due=due,
    )
    return m


def correct(
    *,
    session: Session,
    account: Account,
    signer: Signer,
    movement_id: int,
    data: CorrectionIn,
    today: date | None = None,
) -> Movement:
    """A new revision, re-signed; the superseded one stays viewable and is revoked."""
    m, n = _as_notifier(session, account, movement_id)
    repository.lock_notification(session, n.id)
    changes = data.model_dump(exclude={"reason"}, exclude_unset=True, exclude_none=True)
    if not changes:
        raise InvalidInput.on("body", "correction.empty", "Name at least one field to correct.")
    regime = get_regime(n.regime)
    today = today or account.today()
    if data.shipment_date:
        domain.check_date_shift(
            m.shipment_date,
            data.shipment_date,
            regime=regime,
            calendar=notifications.calendar_of(_export_authority(session, n)),
        )
    if data.carriers:
        _check_carriers(n, data.carriers)
    facts = _facts(session, n, excluding=m.id)
    domain.check_new_shipment(
        ConsentFacts(**{**facts.__dict__, "used_shipments": facts.used_shipments}),
        quantity=data.quantity or m.quantity,
        unit=m.unit,
        shipment_date=data.shipment_date or m.shipment_date,
        today=min(today, m.shipment_date),
        regime=regime,
    )
    before = _snapshot(m)
    domain.transition(MovementStatus(m.status), MovementEvent.CORRECT)
    revoke_document(session=session, doc_id=m.document_no, revision=m.revision, reason="superseded")
    for key, value in changes.items():
        setattr(m, key, value)
    if data.packaging is not None:
        m.packaging = [p.model_dump() for p in data.packaging]
        m.packages = sum(p.count for p in data.packaging)
    if data.carriers is not None:
        m.carriers = [c.model_dump() for c in data.carriers]
    m.revision += 1
    m.updated_at = utcnow()
    session.flush()
    _sign(signer, m, n)
    diff = {k: {"from": before[k], "to": _snapshot(m)[k]} for k in changes}
    session.add(
        MovementRevision(
            movement_id=m.id,
            revision=m.revision,
            changed_by=account.id,
            reason=data.reason,
            changes=_jsonable(diff),
            qr_text=m.qr_text,
        )
    )
    session.flush()
    _audit(session, account, m, "correct", before, {"reason": data.reason})
    return m


def _jsonable(value: Any) -> Any:
    from app.audit.domain import to_jsonable

    return to_jsonable(value)


# --- reading -----------------------------------------------------------------------------------


def get_movement(*, session: Session, account: Account, movement_id: int) -> Movement:
    return load_visible(session, account, movement_id)[0]


def list_for_notification(
    *, session: Session, account: Account, notification_id: int
) -> list[Movement]:
    n = notifications.load_visible(session, account, notification_id)
    return repository.for_notification(session, n.id)


def revisions(*, session: Session, account: Account, movement_id: int) -> list[MovementRevision]:
    m, _ = load_visible(session, account, movement_id)
    return repository.revisions(session, m.id)


def present(*, session: Session, m: Movement) -> dict[str, Any]:
    from app.movements.schemas import CrossingRead, MovementRead

    read = MovementRead.model_validate(m)
    read.crossings = [CrossingRead.model_validate(c) for c in repository.crossings(session, m.id)]
    return read.model_dump(mode="json")


def overdue(
    *, session: Session, account: Account, today: date | None = None
) -> list[dict[str, Any]]:
    """Prior notices, receipts, certificates and returns whose deadline has passed."""
    today = today or account.today()
    caller = notifications.caller_of(account)
    visible = [
        n.id
        for n in notification_repository.list_visible(
            session, caller, status=None, after_id=None, limit=100_000
        )
    ]
    result = []
    for m in repository.open_movements(session, visible):
        n = notification_repository.get(session, m.notification_id)
        assert n is not None
        due = _due(session, m, n)
        if due is not None and due[1] < today:
            result.append(
                {
                    "movement_id": m.id,
                    "document_no": m.document_no,
                    "what": due[0],
                    "due": due[1],
                    "days_overdue": (today - due[1]).days,
                }
            )
    return result


def _due(session: Session, m: Movement, n: Notification) -> tuple[str, date] | None:
    regime = get_regime(n.regime)
    authority = _export_authority(session, n)
    calendar = notifications.calendar_of(authority)
    match MovementStatus(m.status):
        case MovementStatus.CREATED:
            wd = authority.prior_notice_working_days
            return "prior_notice", _working_days_before(m.shipment_date, wd, calendar)
        case MovementStatus.IN_TRANSIT:
            arrived = _arrival(session, m) or m.shipment_date
            facility = notifications.party_of(session, n.facility_id)
            interim = bool(facility and facility.interim)
            due = domain.receipt_due(arrived, interim=interim, regime=regime, calendar=calendar)
            return ("receipt", due) if due else None
        case MovementStatus.RECEIVED:
            assert m.received_on is not None
            due = domain.certificate_due(
                m.treatment_expected_on, m.received_on, regime=regime, calendar=calendar
            )
            return ("certificate", due) if due else None
        case MovementStatus.RETURN_REQUIRED:
            return ("return", m.return_due) if m.return_due else None
    return None


def _working_days_before(day: date, n: int, calendar: Any) -> date:
    current = day
    while n > 0:
        current -= timedelta(days=1)
        if calendar.is_working_day(current):
            n -= 1
    return current


def _arrival(session: Session, m: Movement) -> date | None:
    entries = [c for c in repository.crossings(session, m.id) if c.direction == "entry"]
    return entries[0].crossed_on if entries else None


def quantity_left(*, session: Session, n: Notification) -> Decimal:
    facts = _facts(session, n)
    return facts.total_quantity - facts.used_quantity


def as_datetime(d: date) -> datetime:
    return datetime(d.year, d.month, d.day)


def create_batch(
    *,
    session: Session,
    account: Account,
    signer: Signer,
    notification_id: int,
    raw: bytes,
    today: date | None = None,
) -> Any:
    """Each row in its own savepoint: a bad row is reported and leaves nothing behind."""
    from app.movements import batch

    n = notifications.load_visible(session, account, notification_id)
    notifications.acting_actor(account, n, Actor.NOTIFIER)
    results = []
    for line, row in batch.read_rows(raw):
        try:
            data = batch.parse_row(row)
            with session.begin_nested():
                m = _new_movement(session, account, signer, n, data, today or account.today())
            results.append(batch.result_row(line, m))
        except Exception as exc:  # reported per row; the savepoint undid its writes
            if not isinstance(exc, (ValueError, InvalidInput)) and not hasattr(exc, "status"):
                raise
            results.append(batch.BatchRowResult(line=line, ok=False, errors=batch.row_errors(exc)))
    return batch.summarise(results)
