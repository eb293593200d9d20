"""Filing and the notification-level steps of the procedure. Never commits (the request does)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from app.accounts.domain import Caller, NotificationScope, RouteEntry, can_view, capacities
from app.accounts.models import Account, Role
from app.audit import service as audit
from app.authorities.models import Authority
from app.consents.domain import (
    Capacity,
    DecisionStatus,
    DecisionView,
    consent_complete,
    consented_window,
    required_capacities,
)
from app.consents.models import Decision
from app.core.clock import date_for
from app.core.db import utcnow
from app.core.errors import Conflict, Forbidden, InvalidInput
from app.notifications import repository
from app.notifications.domain import (
    Actor,
    NextAction,
    NotificationEvent,
    NotificationStatus,
    NotificationView,
    next_actions,
    transition,
)
from app.notifications.errors import notification_not_found
from app.notifications.models import Notification, StateConcerned
from app.notifications.schemas import (
    ContractIn,
    GuaranteeIn,
    NextActionRead,
    NotificationIn,
    NotificationRead,
)
from app.notifications.validation import check_filing
from app.parties.models import Party
from app.regimes.domain import WorkCalendar, get_regime

_CAPACITY_ACTOR = {
    "export": Actor.EXPORT_AUTHORITY,
    "transit": Actor.TRANSIT_AUTHORITY,
    "import": Actor.IMPORT_AUTHORITY,
}


def caller_of(account: Account) -> Caller:
    return Caller(
        account.id, Role(account.role), account.country, account.party_id, account.authority_id
    )


def scope_of(n: Notification) -> NotificationScope:
    return NotificationScope(
        notifier_id=n.notifier_id,
        facility_id=n.facility_id,
        carrier_ids=frozenset(int(c["party_id"]) for c in n.carriers),
        route=[RouteEntry(s.country, s.capacity, s.authority_id) for s in n.states],
    )


def snapshot(n: Notification) -> dict[str, Any]:
    """What the audit trail keeps of a notification before and after a step."""
    return {
        "status": n.status,
        "version": n.version,
        "valid_from": n.valid_from,
        "valid_to": n.valid_to,
    }


def load_visible(session: Session, account: Account, notification_id: int) -> Notification:
    n = repository.get(session, notification_id)
    if n is None or not can_view(caller_of(account), scope_of(n)):
        raise notification_not_found(notification_id)
    return n


def check_version(n: Notification, expected: int | None) -> None:
    if expected is not None and expected != n.version:
        raise Conflict(
            f"Notification {n.number} is at version {n.version}, not {expected}: someone acted "
            "on it meanwhile. Reload it and decide again.",
            rule="optimistic_concurrency",
        )


def acting_actor(account: Account, n: Notification, *allowed: Actor) -> Actor:
    """The capacity in which this account acts on this notification, if it is one of ``allowed``."""
    caller, scope = caller_of(account), scope_of(n)
    mine = {_CAPACITY_ACTOR[c] for c in capacities(caller, scope)}
    if caller.role == Role.EXPORTER and scope.notifier_id == caller.party_id:
        mine.add(Actor.NOTIFIER)
    for actor in allowed:
        if actor in mine:
            return actor
    wanted = " or ".join(a.value.replace("_", " ") for a in allowed)
    raise Forbidden(
        f"Only the {wanted} of notification {n.number} may do this.", rule="jurisdiction.capacity"
    )


#: Steps whose date is kept on the acting account's calendar: deadlines count from the first
#: three, statistics from the consent.
_DATED_STEPS = {
    NotificationEvent.SUBMIT: "submitted_on",
    NotificationEvent.TRANSMIT: "transmitted_on",
    NotificationEvent.ACKNOWLEDGE: "acknowledged_on",
    NotificationEvent.COMPLETE: "consented_on",
}


def apply_event(
    *,
    session: Session,
    n: Notification,
    event: NotificationEvent,
    actor: Actor,
    account: Account | None,
    reason: str | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """Run one transition through the guard, stamp it, bump the version and audit it."""
    before = snapshot(n)
    n.status = transition(NotificationStatus(n.status), event, actor).value
    now = utcnow()
    stamp = {
        NotificationEvent.SUBMIT: "submitted_at",
        NotificationEvent.TRANSMIT: "transmitted_at",
        NotificationEvent.ACKNOWLEDGE: "acknowledged_at",
        NotificationEvent.COMPLETE: "consented_at",
        NotificationEvent.CLOSE: "closed_at",
    }.get(event)
    if stamp:
        setattr(n, stamp, now)
    if event in _DATED_STEPS:
        setattr(n, _DATED_STEPS[event], date_for(account, now))
    if reason is not None:
        n.status_reason = reason
    n.updated_at = now
    session.flush()
    audit.record(
        session=session,
        actor=account,
        action=f"notification.{event.value}",
        object_type="notification",
        object_id=n.id,
        before=before,
        after={**snapshot(n), **(extra or {}), **({"reason": reason} if reason else {})},
    )
    announce_change(session=session, n=n, event=event)


#: Notification steps → webhook event type; and the consent status customs systems must know.
_EVENT_TYPES = {
    NotificationEvent.SUBMIT: "notification.submitted",
    NotificationEvent.TRANSMIT: "notification.transmitted",
    NotificationEvent.REFUSE: "notification.refused",
    NotificationEvent.ACKNOWLEDGE: "notification.acknowledged",
    NotificationEvent.COMPLETE: "notification.consented",
    NotificationEvent.OBJECT: "notification.objected",
    NotificationEvent.WITHDRAW: "notification.withdrawn",
    NotificationEvent.EXPIRE: "notification.expired",
    NotificationEvent.CLOSE: "notification.closed",
}
_CUSTOMS_STATUS = {
    NotificationEvent.COMPLETE: "consented",
    NotificationEvent.WITHDRAW: "withdrawn",
    NotificationEvent.EXPIRE: "expired",
}


def announce_change(*, session: Session, n: Notification, event: NotificationEvent) -> None:
    """Queue the webhook events and the customs consent data a step causes (same transaction)."""
    from app.customs.service import push_consent
    from app.webhooks.service import publish

    publish(
        session=session,
        event=_EVENT_TYPES[event],
        notification=n,
        data={"notification_id": n.id, "number": n.number, "status": n.status},
    )
    if event in _CUSTOMS_STATUS:
        push_consent(session=session, n=n, status=_CUSTOMS_STATUS[event])


# --- filing ------------------------------------------------------------------------------------


#: Stored as JSON columns, so dumped in JSON mode; the rest keep their Python types.
_JSON_FIELDS = {
    "generators",
    "carriers",
    "packaging",
    "operations",
    "physical_characteristics",
    "waste",
    "customs_offices",
    "guarantee",
    "insurance",
    "declaration",
}


def _content(data: NotificationIn) -> dict[str, Any]:
    payload = data.model_dump(exclude={"route"} | _JSON_FIELDS)
    payload["regime"] = data.regime.value
    payload.update(data.model_dump(mode="json", include=_JSON_FIELDS))
    return payload


def _validated_route(
    *, session: Session, account: Account, data: NotificationIn, today: date
) -> tuple[list[RouteEntry], bool]:
    notifier = repository.party_facts(session, [account.party_id or 0]).get(account.party_id or 0)
    if notifier is None:
        raise Forbidden("Your account is not linked to an exporter organisation.", rule="role")
    ids = [data.consignee_id, data.facility_id]
    ids += [g.party_id for g in data.generators] + [c.party_id for c in data.carriers]
    parties = repository.party_facts(session, ids)
    route = check_filing(
        data,
        notifier=notifier,
        parties=parties,
        authorities=repository.authority_facts(session, [s.country for s in data.route]),
        prohibitions=repository.prohibitions_for(session, data.route[-1].country.upper()),
        today=today,
    )
    facility = parties.get(data.facility_id)
    return route, bool(facility and facility.pre_consented)


def _set_states(n: Notification, data: NotificationIn, route: list[RouteEntry]) -> None:
    """Write block 15 in route order, updating rows in place (positions are unique)."""
    existing = list(n.states) if n.id else []
    for i, entry in enumerate(route):
        values = {
            "position": i,
            "country": entry.country,
            "capacity": entry.capacity,
            "authority_id": entry.authority_id,
            "point_of_exit": data.route[i].point_of_exit,
            "point_of_entry": data.route[i].point_of_entry,
        }
        if i < len(existing):
            for key, value in values.items():
                setattr(existing[i], key, value)
        else:
            existing.append(StateConcerned(**values))
    n.states = existing[: len(route)]


def create_notification(
    *, session: Session, account: Account, data: NotificationIn, today: date | None = None
) -> Notification:
    today = today or account.today()
    route, pre_consented = _validated_route(
        session=session, account=account, data=data, today=today
    )
    export_country, import_country = route[0].country, route[-1].country
    n = Notification(
        number=repository.next_number(session, export_country, today.year),
        status=NotificationStatus.DRAFT.value,
        export_country=export_country,
        import_country=import_country,
        notifier_id=account.party_id,
        pre_consented=pre_consented,
        created_by=account.id,
        **_content(data),
    )
    n.states = []
    _set_states(n, data, route)
    n.decisions = []
    session.add(n)
    session.flush()
    audit.record(
        session=session,
        actor=account,
        action="notification.create",
        object_type="notification",
        object_id=n.id,
        after={"number": n.number, **_content(data), "route": [r.country for r in route]},
    )
    return n


def update_draft(
    *,
    session: Session,
    account: Account,
    notification_id: int,
    data: NotificationIn,
    expected_version: int | None,
    today: date | None = None,
) -> Notification:
    today = today or account.today()
    n = load_visible(session, account, notification_id)
    acting_actor(account, n, Actor.NOTIFIER)
    check_version(n, expected_version)
    if n.status != NotificationStatus.DRAFT:
        raise Conflict(
            f"Notification {n.number} is {n.status}; only a draft can be edited.",
            rule="notification.editable",
        )
    route, pre_consented = _validated_route(
        session=session, account=account, data=data, today=today
    )
    if route[0].country != n.export_country:
        raise Conflict(
            "The state of export fixes the notification number; file a new notification "
            "to export from another state.",
            rule="notification.export_state_fixed",
        )
    before = {"version": n.version, **_content_of(n)}
    for key, value in _content(data).items():
        setattr(n, key, value)
    n.import_country, n.pre_consented = route[-1].country, pre_consented
    _set_states(n, data, route)
    n.updated_at = utcnow()
    session.flush()
    audit.record(
        session=session,
        actor=account,
        action="notification.update",
        object_type="notification",
        object_id=n.id,
        before=before,
        after={"version": n.version, **_content(data)},
    )
    return n


def _content_of(n: Notification) -> dict[str, Any]:
    return {k: getattr(n, k) for k in NotificationIn.model_fields if k != "route"}


# --- procedure steps ---------------------------------------------------------------------------


def submit(
    *,
    session: Session,
    account: Account,
    notification_id: int,
    expected_version: int | None,
    today: date | None = None,
) -> Notification:
    """Notifier → authority of export. Re-checks the filing on the day it is submitted."""
    today = today or account.today()
    n = load_visible(session, account, notification_id)
    actor = acting_actor(account, n, Actor.NOTIFIER)
    check_version(n, expected_version)
    data = NotificationIn.model_validate(
        {
            **_content_of(n),
            "route": [
                {
                    "country": s.country,
                    "authority_id": s.authority_id,
                    "point_of_exit": s.point_of_exit,
                    "point_of_entry": s.point_of_entry,
                }
                for s in n.states
            ],
        }
    )
    if n.status == NotificationStatus.DRAFT:
        _validated_route(session=session, account=account, data=data, today=today)
    apply_event(session=session, n=n, event=NotificationEvent.SUBMIT, actor=actor, account=account)
    regime = get_regime(n.regime)
    required = required_capacities(regime)
    n.decisions = [
        Decision(
            position=s.position,
            country=s.country,
            capacity=s.capacity,
            authority_id=s.authority_id,
            status=DecisionStatus.PENDING.value,
        )
        for s in n.states
        if Capacity(s.capacity) in required
    ]
    session.flush()
    return n


def step(
    *,
    session: Session,
    account: Account,
    notification_id: int,
    event: NotificationEvent,
    allowed: tuple[Actor, ...],
    expected_version: int | None,
    reason: str | None = None,
) -> Notification:
    """A plain notification-level step (transmit, refuse, acknowledge, close) by its actor."""
    n = load_visible(session, account, notification_id)
    actor = acting_actor(account, n, *allowed)
    check_version(n, expected_version)
    apply_event(session=session, n=n, event=event, actor=actor, account=account, reason=reason)
    return n


def record_contract(
    *,
    session: Session,
    account: Account,
    notification_id: int,
    data: ContractIn,
    expected_version: int | None,
) -> Notification:
    return _record(
        session,
        account,
        notification_id,
        "contract",
        data.model_dump(mode="json"),
        expected_version,
    )


def record_guarantee(
    *,
    session: Session,
    account: Account,
    notification_id: int,
    data: GuaranteeIn,
    expected_version: int | None,
) -> Notification:
    return _record(
        session,
        account,
        notification_id,
        "guarantee",
        data.model_dump(mode="json"),
        expected_version,
    )


def _record(
    session: Session,
    account: Account,
    notification_id: int,
    what: str,
    value: dict[str, Any],
    expected_version: int | None,
) -> Notification:
    """Record the contract or the financial guarantee (Basel Art. 6(3)(b), 6(11))."""
    n = load_visible(session, account, notification_id)
    acting_actor(account, n, Actor.NOTIFIER)
    check_version(n, expected_version)
    if n.status not in (
        NotificationStatus.SUBMITTED,
        NotificationStatus.TRANSMITTED,
        NotificationStatus.ACKNOWLEDGED,
        NotificationStatus.DRAFT,
    ):
        raise Conflict(
            f"Notification {n.number} is {n.status}; the {what} can no longer change.",
            rule="notification.editable",
        )
    if what == "guarantee" and date.fromisoformat(value["valid_until"]) < n.last_departure:
        raise InvalidInput.on(
            "valid_until",
            "guarantee.covers_period",
            f"The guarantee must stay valid until the last departure ({n.last_departure}).",
        )
    before = {what: getattr(n, what), "version": n.version}
    setattr(n, what, value)
    setattr(n, f"{what}_recorded_at", utcnow())
    n.updated_at = utcnow()
    session.flush()
    audit.record(
        session=session,
        actor=account,
        action=f"notification.{what}",
        object_type="notification",
        object_id=n.id,
        before=before,
        after={what: value, "version": n.version},
    )
    complete_if_ready(session=session, n=n, account=account)
    return n


def complete_if_ready(*, session: Session, n: Notification, account: Account | None) -> None:
    """Consented once every required consent, the contract and the guarantee are in place; dated
    on the calendar of ``account``, whose step completed it (None: the deadlines job)."""
    if n.status != NotificationStatus.ACKNOWLEDGED:
        return
    regime = get_regime(n.regime)
    views = decision_views(session, n)
    if not (consent_complete(views, regime) and n.contract_recorded_at and n.guarantee_recorded_at):
        return
    window = consented_window(views) or (n.first_departure, n.last_departure)
    n.valid_from, n.valid_to = window
    apply_event(
        session=session, n=n, event=NotificationEvent.COMPLETE, actor=Actor.SYSTEM, account=account
    )


# --- views -------------------------------------------------------------------------------------


def calendar_of(authority: Authority | None) -> WorkCalendar:
    if authority is None:
        return WorkCalendar()
    return WorkCalendar(
        weekend=frozenset(int(d) for d in authority.weekend),
        holidays=frozenset(date.fromisoformat(str(h)) for h in authority.holidays),
    )


def decision_views(session: Session, n: Notification) -> list[DecisionView]:
    authorities = repository.authorities_by_id(session, [d.authority_id for d in n.decisions])
    return [
        DecisionView(
            capacity=Capacity(d.capacity),
            country=d.country,
            status=DecisionStatus(d.status),
            calendar=calendar_of(authorities.get(d.authority_id)),
            allows_tacit_transit=bool(
                authorities.get(d.authority_id)
                and authorities[d.authority_id].tacit_transit_consent
            ),
            valid_from=d.valid_from,
            valid_to=d.valid_to,
            info_requested_on=d.info_requested_on,
            paused_days=d.paused_days,
            info_requests=d.info_requests,
        )
        for d in n.decisions
    ]


def actions_for(session: Session, n: Notification, today: date) -> list[NextAction]:
    export_state = n.states[0] if n.states else None
    authorities = repository.authorities_by_id(
        session, [export_state.authority_id] if export_state else []
    )
    view = NotificationView(
        status=NotificationStatus(n.status),
        regime=get_regime(n.regime),
        export_country=n.export_country,
        export_calendar=calendar_of(
            authorities.get(export_state.authority_id) if export_state else None
        ),
        submitted_on=n.submitted_on,
        transmitted_on=n.transmitted_on,
        acknowledged_on=n.acknowledged_on,
        decisions=decision_views(session, n),
        contract_recorded=n.contract_recorded_at is not None,
        guarantee_recorded=n.guarantee_recorded_at is not None,
    )
    return next_actions(view, today)


def get_notification(*, session: Session, account: Account, notification_id: int) -> Notification:
    return load_visible(session, account, notification_id)


def list_notifications(
    *, session: Session, account: Account, status: str | None, after_id: int | None, limit: int
) -> list[Notification]:
    return repository.list_visible(
        session, caller_of(account), status=status, after_id=after_id, limit=limit
    )


def party_of(session: Session, party_id: int) -> Party | None:
    return session.get(Party, party_id)


def present(*, session: Session, n: Notification, today: date) -> dict[str, Any]:
    """The read model: the record, its route and decisions, and who must act next by when
    (overdue on ``today``: the viewer's date)."""
    read = NotificationRead.model_validate(n)
    read.next_actions = [
        NextActionRead(
            actor=a.actor.value,
            country=a.country,
            action=a.action,
            due=a.due,
            overdue=a.overdue,
            note=a.note,
        )
        for a in actions_for(session, n, today)
    ]
    return read.model_dump(mode="json")
