"""Each state's decision on a notification. Never commits (the request or job does)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from app.accounts.models import Account
from app.audit import service as audit
from app.consents import repository
from app.consents.domain import (
    Capacity,
    DecisionEvent,
    DecisionStatus,
    check_info_request_allowed,
    check_validity,
    decide,
    tacit_due,
)
from app.consents.models import Decision, InformationRequest
from app.consents.schemas import ConsentIn
from app.core.clock import date_anywhere_on_earth, date_for
from app.core.db import utcnow
from app.core.errors import Forbidden, InvalidInput, InvalidTransition, NotFound
from app.notifications import service as notifications
from app.notifications.domain import Actor, NotificationEvent, NotificationStatus
from app.notifications.models import Notification
from app.regimes.domain import get_regime

_AUTHORITIES = (Actor.EXPORT_AUTHORITY, Actor.TRANSIT_AUTHORITY, Actor.IMPORT_AUTHORITY)
_DECIDING = (NotificationStatus.TRANSMITTED, NotificationStatus.ACKNOWLEDGED)


def _decision_of(account: Account, n: Notification, actor: Actor) -> Decision:
    capacity = actor.value.removesuffix("_authority")
    for d in n.decisions:
        if d.authority_id == account.authority_id and d.capacity == capacity:
            return d
    raise Forbidden(
        f"Under {get_regime(n.regime).title} the {capacity} state takes no decision on "
        f"{n.number}; its part is to transmit or refuse.",
        rule="consent.not_required",
    )


def _begin(
    session: Session, account: Account, notification_id: int, expected_version: int | None
) -> tuple[Notification, Actor, Decision]:
    n = notifications.load_visible(session, account, notification_id)
    actor = notifications.acting_actor(account, n, *_AUTHORITIES)
    notifications.check_version(n, expected_version)
    return n, actor, _decision_of(account, n, actor)


def _snapshot(d: Decision) -> dict[str, Any]:
    return {"status": d.status, "valid_from": d.valid_from, "valid_to": d.valid_to}


def _change(
    session: Session,
    account: Account | None,
    n: Notification,
    d: Decision,
    event: DecisionEvent,
    **values: Any,
) -> None:
    """Apply a decision event through the guard, audit it and bump the notification's version.
    A decision is dated on the deciding account's calendar (a job's: anywhere on Earth)."""
    if "decided_at" in values:
        values["decided_on"] = date_for(account, values["decided_at"])
    before = _snapshot(d)
    d.status = decide(DecisionStatus(d.status), event).value
    for key, value in values.items():
        setattr(d, key, value)
    n.updated_at = utcnow()  # every decision changes the notification: optimistic lock
    session.flush()
    audit.record(
        session=session,
        actor=account,
        action=f"decision.{event.value}",
        object_type="notification",
        object_id=n.id,
        before={"capacity": d.capacity, "country": d.country, **before},
        after={
            "capacity": d.capacity,
            "country": d.country,
            **_snapshot(d),
            **{k: v for k, v in values.items() if k in ("conditions", "reasons")},
        },
    )
    if event in _ANNOUNCED:
        from app.webhooks.service import publish

        publish(
            session=session,
            event="notification.decided",
            notification=n,
            data={
                "notification_id": n.id,
                "number": n.number,
                "country": d.country,
                "capacity": d.capacity,
                "decision": d.status,
            },
        )


#: Decisions that subscribers hear of as ``notification.decided``.
_ANNOUNCED = frozenset(
    {DecisionEvent.CONSENT, DecisionEvent.OBJECT, DecisionEvent.TACIT, DecisionEvent.WITHDRAW}
)


def _require_deciding(n: Notification) -> None:
    if n.status not in _DECIDING:
        raise InvalidTransition(
            f"Notification {n.number} is {n.status}; decisions are taken once it has been "
            "transmitted by the authority of export.",
            rule="procedure.decision_window",
        )


def consent(
    *,
    session: Session,
    account: Account,
    notification_id: int,
    data: ConsentIn,
    expected_version: int | None,
    today: date | None = None,
) -> Notification:
    today = today or account.today()
    n, _actor, d = _begin(session, account, notification_id, expected_version)
    _require_deciding(n)
    check_validity(
        data.valid_from, data.valid_to, pre_consented=n.pre_consented, regime=get_regime(n.regime)
    )
    if data.valid_to < today:
        raise InvalidInput.on(
            "valid_to",
            "consent.validity_past",
            f"A consent valid only until {data.valid_to} would already be over.",
        )
    _change(
        session,
        account,
        n,
        d,
        DecisionEvent.CONSENT,
        valid_from=data.valid_from,
        valid_to=data.valid_to,
        conditions=data.conditions,
        decided_at=utcnow(),
        decided_by=account.id,
    )
    notifications.complete_if_ready(session=session, n=n, account=account)
    return n


def object_to(
    *,
    session: Session,
    account: Account,
    notification_id: int,
    reasons: str,
    expected_version: int | None,
) -> Notification:
    n, actor, d = _begin(session, account, notification_id, expected_version)
    _require_deciding(n)
    _change(
        session,
        account,
        n,
        d,
        DecisionEvent.OBJECT,
        reasons=reasons,
        decided_at=utcnow(),
        decided_by=account.id,
    )
    notifications.apply_event(
        session=session,
        n=n,
        event=NotificationEvent.OBJECT,
        actor=actor,
        account=account,
        reason=f"{d.country}: {reasons}",
    )
    return n


def request_information(
    *,
    session: Session,
    account: Account,
    notification_id: int,
    question: str,
    expected_version: int | None,
    today: date | None = None,
) -> Notification:
    today = today or account.today()
    n, _actor, d = _begin(session, account, notification_id, expected_version)
    if n.status not in (NotificationStatus.SUBMITTED, *_DECIDING):
        _require_deciding(n)
    check_info_request_allowed(Capacity(d.capacity), get_regime(n.regime), d.info_requests)
    _change(
        session,
        account,
        n,
        d,
        DecisionEvent.REQUEST_INFO,
        info_requested_on=today,
        info_requests=d.info_requests + 1,
    )
    session.add(
        InformationRequest(
            notification_id=n.id,
            decision_id=d.id,
            question=question,
            requested_at=utcnow(),
            requested_by=account.id,
        )
    )
    session.flush()
    return n


def answer_information(
    *,
    session: Session,
    account: Account,
    notification_id: int,
    request_id: int,
    answer: str,
    expected_version: int | None,
    today: date | None = None,
) -> Notification:
    """The notifier answers; the asking authority's clock restarts, extended by the pause."""
    today = today or account.today()
    n = notifications.load_visible(session, account, notification_id)
    notifications.acting_actor(account, n, Actor.NOTIFIER)
    notifications.check_version(n, expected_version)
    req = repository.get_request(session, n.id, request_id)
    if req is None:
        raise NotFound(f"No information request {request_id} on {n.number}.")
    if req.answered_at is not None:
        raise InvalidTransition("This request was already answered.", rule="info.answered")
    d = next(x for x in n.decisions if x.id == req.decision_id)
    paused = (today - d.info_requested_on).days if d.info_requested_on else 0
    req.answer, req.answered_at, req.answered_by = answer, utcnow(), account.id
    _change(
        session,
        account,
        n,
        d,
        DecisionEvent.ANSWER_INFO,
        info_requested_on=None,
        paused_days=d.paused_days + max(paused, 0),
    )
    return n


def withdraw(
    *,
    session: Session,
    account: Account,
    notification_id: int,
    reason: str,
    expected_version: int | None,
) -> Notification:
    n, actor, d = _begin(session, account, notification_id, expected_version)
    _change(
        session,
        account,
        n,
        d,
        DecisionEvent.WITHDRAW,
        reasons=reason,
        decided_at=utcnow(),
        decided_by=account.id,
    )
    if n.status == NotificationStatus.CONSENTED:
        notifications.apply_event(
            session=session,
            n=n,
            event=NotificationEvent.WITHDRAW,
            actor=actor,
            account=account,
            reason=f"{d.country}: {reason}",
        )
    return n


def information_requests(
    *, session: Session, account: Account, notification_id: int
) -> list[InformationRequest]:
    n = notifications.load_visible(session, account, notification_id)
    return repository.information_requests(session, n.id)


@dataclass
class DueReport:
    tacit_consents: list[str] = field(default_factory=list)
    consented: list[str] = field(default_factory=list)
    expired: list[str] = field(default_factory=list)
    deadline_events: int = 0


#: A deadline this close (calendar days) is announced as near.
NEAR_DAYS = 3


def announce_deadlines(*, session: Session, today: date) -> int:
    """``deadline.near`` / ``deadline.passed`` once per action and due date (deduplicated)."""
    from app.webhooks.service import publish

    queued = 0
    for n in repository.open_procedures(session):
        for action in notifications.actions_for(session, n, today):
            if action.due is None:
                continue
            kind = (
                "passed"
                if action.due < today
                else "near"
                if (action.due - today).days <= NEAR_DAYS
                else None
            )
            if kind is None:
                continue
            queued += publish(
                session=session,
                event=f"deadline.{kind}",
                notification=n,
                dedupe=f"deadline:{n.id}:{action.actor.value}:{action.country}:{action.action}:"
                f"{action.due}:{kind}",
                data={
                    "notification_id": n.id,
                    "number": n.number,
                    "actor": action.actor.value,
                    "country": action.country,
                    "action": action.action,
                    "due": action.due.isoformat(),
                },
            )
    return queued


def apply_due(*, session: Session, today: date | None = None) -> DueReport:
    """The scheduled job: tacit consents that fell due, completions, expiries. It acts for no
    one, so its today is the date anywhere on Earth (see ``app.core.clock``)."""
    today = today or date_anywhere_on_earth(utcnow())
    report = DueReport()
    for n in repository.awaiting_decisions(session):
        if n.status == NotificationStatus.CONSENTED:
            if n.valid_to and n.valid_to < today:
                notifications.apply_event(
                    session=session,
                    n=n,
                    event=NotificationEvent.EXPIRE,
                    actor=Actor.SYSTEM,
                    account=None,
                )
                report.expired.append(n.number)
            continue
        if n.acknowledged_on is None:
            continue
        regime = get_regime(n.regime)
        due = tacit_due(notifications.decision_views(session, n), regime, n.acknowledged_on, today)
        for view in due:
            d = next(x for x in n.decisions if x.country == view.country)
            _change(session, None, n, d, DecisionEvent.TACIT, decided_at=utcnow())
            report.tacit_consents.append(f"{n.number}:{d.country}")
        notifications.complete_if_ready(session=session, n=n, account=None)
        if n.status == NotificationStatus.CONSENTED:
            report.consented.append(n.number)
    report.deadline_events = announce_deadlines(session=session, today=today)
    return report
