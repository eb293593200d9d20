"""The notification procedure (prior informed consent) as a transition table and its guard.

The table says which step moves a notification from which status to which; ``MAY_TRIGGER`` says who
may take the step. ``next_actions`` reads a notification's state and tells who must act next and
by when, so the service and the UI need not repeat the rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.consents.domain import (
    Capacity,
    DecisionStatus,
    DecisionView,
    blocking_objection,
    consent_complete,
    consented_window,
    decision_due,
    refuse_transition,
    required_capacities,
    tacit_consent_allowed,
)
from app.core.errors import Forbidden
from app.regimes.domain import Regime, WorkCalendar, due_date


class NotificationStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    REFUSED = "refused"
    TRANSMITTED = "transmitted"
    ACKNOWLEDGED = "acknowledged"
    CONSENTED = "consented"
    OBJECTED = "objected"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    CLOSED = "closed"


class NotificationEvent(StrEnum):
    SUBMIT = "submit"
    REFUSE = "refuse"
    TRANSMIT = "transmit"
    ACKNOWLEDGE = "acknowledge"
    COMPLETE = "complete"
    OBJECT = "object"
    WITHDRAW = "withdraw"
    EXPIRE = "expire"
    CLOSE = "close"


class Actor(StrEnum):
    NOTIFIER = "notifier"
    EXPORT_AUTHORITY = "export_authority"
    TRANSIT_AUTHORITY = "transit_authority"
    IMPORT_AUTHORITY = "import_authority"
    SYSTEM = "system"


_S, _E = NotificationStatus, NotificationEvent

TRANSITIONS: Mapping[tuple[NotificationStatus, NotificationEvent], NotificationStatus] = {
    (_S.DRAFT, _E.SUBMIT): _S.SUBMITTED,
    (_S.SUBMITTED, _E.REFUSE): _S.REFUSED,
    (_S.SUBMITTED, _E.TRANSMIT): _S.TRANSMITTED,
    (_S.TRANSMITTED, _E.ACKNOWLEDGE): _S.ACKNOWLEDGED,
    (_S.ACKNOWLEDGED, _E.COMPLETE): _S.CONSENTED,
    (_S.TRANSMITTED, _E.OBJECT): _S.OBJECTED,
    (_S.ACKNOWLEDGED, _E.OBJECT): _S.OBJECTED,
    (_S.CONSENTED, _E.WITHDRAW): _S.WITHDRAWN,
    (_S.CONSENTED, _E.EXPIRE): _S.EXPIRED,
    **{
        (status, _E.CLOSE): _S.CLOSED
        for status in (_S.CONSENTED, _S.EXPIRED, _S.WITHDRAWN, _S.OBJECTED, _S.REFUSED)
    },
}

AUTHORITIES = frozenset({Actor.EXPORT_AUTHORITY, Actor.TRANSIT_AUTHORITY, Actor.IMPORT_AUTHORITY})

MAY_TRIGGER: Mapping[NotificationEvent, frozenset[Actor]] = {
    _E.SUBMIT: frozenset({Actor.NOTIFIER}),
    _E.REFUSE: frozenset({Actor.EXPORT_AUTHORITY}),
    _E.TRANSMIT: frozenset({Actor.EXPORT_AUTHORITY}),
    _E.ACKNOWLEDGE: frozenset({Actor.IMPORT_AUTHORITY}),
    _E.COMPLETE: frozenset({Actor.SYSTEM}),
    _E.OBJECT: AUTHORITIES,
    _E.WITHDRAW: AUTHORITIES,
    _E.EXPIRE: frozenset({Actor.SYSTEM}),
    _E.CLOSE: frozenset({Actor.NOTIFIER, Actor.EXPORT_AUTHORITY}),
}
"""Who may take each step. The export authority objects only where the regime makes it consent."""

EDITABLE: frozenset[NotificationStatus] = frozenset({_S.DRAFT})

AUTHORITY_OF: Mapping[Capacity, Actor] = {
    Capacity.EXPORT: Actor.EXPORT_AUTHORITY,
    Capacity.TRANSIT: Actor.TRANSIT_AUTHORITY,
    Capacity.IMPORT: Actor.IMPORT_AUTHORITY,
}


def allowed_events(status: NotificationStatus) -> list[NotificationEvent]:
    return [event for event in NotificationEvent if (status, event) in TRANSITIONS]


def may_trigger(event: NotificationEvent, regime: Regime | None = None) -> frozenset[Actor]:
    """``MAY_TRIGGER`` narrowed by the regime: under Basel the state of export gives no consent,
    so it cannot object after transmission (it refuses to transmit instead)."""
    actors = MAY_TRIGGER[event]
    if event is _E.OBJECT and regime is not None and not regime.export_state_consents:
        return actors - {Actor.EXPORT_AUTHORITY}
    return actors


def transition(
    status: NotificationStatus,
    event: NotificationEvent,
    actor: Actor,
    *,
    regime: Regime | None = None,
) -> NotificationStatus:
    """The guard: the new status, or Forbidden (wrong actor) / InvalidTransition (wrong state)."""
    allowed_actors = may_trigger(event, regime)
    if actor not in allowed_actors:
        who = ", ".join(sorted(a.value for a in allowed_actors))
        raise Forbidden(
            f"Step '{event.value}' may be taken only by: {who} (you act as '{actor.value}').",
            rule="notification.actor",
            extra={"step": event.value, "actor": actor.value, "may_trigger": who.split(", ")},
        )
    try:
        return TRANSITIONS[(status, event)]
    except KeyError:
        raise refuse_transition("notification", status, event, allowed_events(status)) from None


@dataclass(frozen=True)
class NextAction:
    actor: Actor
    country: str | None
    action: str
    due: date | None
    overdue: bool
    note: str


@dataclass(frozen=True)
class NotificationView:
    """What ``next_actions`` needs to know of a notification (built by the service from the DB)."""

    status: NotificationStatus
    regime: Regime
    export_country: str
    export_calendar: WorkCalendar
    submitted_on: date | None
    transmitted_on: date | None
    acknowledged_on: date | None
    decisions: Sequence[DecisionView]
    contract_recorded: bool
    guarantee_recorded: bool


def _action(
    actor: Actor, country: str | None, action: str, due: date | None, today: date, note: str
) -> NextAction:
    return NextAction(actor, country, action, due, due is not None and today > due, note)


def _due_from(start: date | None, step: str, regime: Regime, calendar: WorkCalendar) -> date | None:
    return None if start is None else due_date(start, regime.deadline(step), calendar)


def _import_decision(view: NotificationView) -> DecisionView | None:
    return next((d for d in view.decisions if d.capacity is Capacity.IMPORT), None)


def _decision_action(view: NotificationView, decision: DecisionView, today: date) -> NextAction:
    regime = view.regime
    if decision.status is DecisionStatus.INFO_REQUESTED:
        due = _due_from(decision.info_requested_on, "notifier_answer", regime, decision.calendar)
        note = (
            f"The {decision.capacity.value} authority of {decision.country} asked for information."
        )
        return _action(Actor.NOTIFIER, decision.country, "answer_info", due, today, note)
    acknowledged_on = view.acknowledged_on
    due = decision_due(decision, regime, acknowledged_on) if acknowledged_on else None
    note = f"Consent or object as the {decision.capacity.value} authority of {decision.country}."
    if tacit_consent_allowed(decision, regime):
        note += " Silence after the deadline counts as consent."
    return _action(AUTHORITY_OF[decision.capacity], decision.country, "decide", due, today, note)


def _acknowledged_actions(view: NotificationView, today: date) -> list[NextAction]:
    regime = view.regime
    objection = blocking_objection(view.decisions, regime)
    if objection is not None:
        note = f"The {objection.capacity.value} authority of {objection.country} objected."
        return [_action(Actor.SYSTEM, objection.country, "object", None, today, note)]
    if not consent_complete(view.decisions, regime):
        required = required_capacities(regime)
        return [
            _decision_action(view, d, today)
            for d in view.decisions
            if d.capacity in required
            and d.status in (DecisionStatus.PENDING, DecisionStatus.INFO_REQUESTED)
        ]
    country = view.export_country
    actions = []
    if not view.contract_recorded:
        note = "Record the contract with the disposer (Basel Art. 6(3)(b))."
        actions.append(_action(Actor.NOTIFIER, country, "record_contract", None, today, note))
    if not view.guarantee_recorded:
        note = "Record the insurance, bond or guarantee (Basel Art. 6(11))."
        actions.append(_action(Actor.NOTIFIER, country, "record_guarantee", None, today, note))
    if not actions:
        note = "All consents, the contract and the guarantee are in."
        actions.append(_action(Actor.SYSTEM, None, "complete", None, today, note))
    return actions


def next_actions(view: NotificationView, today: date) -> list[NextAction]:
    """Who must act next, on what, by when; ``overdue`` once ``today`` is past the due date."""
    regime, status = view.regime, view.status
    if status is _S.DRAFT:
        note = "Complete the notification and submit it."
        return [_action(Actor.NOTIFIER, view.export_country, "submit", None, today, note)]
    if status is _S.SUBMITTED:
        due = _due_from(view.submitted_on, "transmit", regime, view.export_calendar)
        note = "Transmit the notification to the states concerned, or refuse it."
        return [_action(Actor.EXPORT_AUTHORITY, view.export_country, "transmit", due, today, note)]
    if status is _S.TRANSMITTED:
        importer = _import_decision(view)
        calendar = importer.calendar if importer else view.export_calendar
        due = _due_from(view.transmitted_on, "acknowledge", regime, calendar)
        country = importer.country if importer else None
        note = "Acknowledge receipt of the notification."
        return [_action(Actor.IMPORT_AUTHORITY, country, "acknowledge", due, today, note)]
    if status is _S.ACKNOWLEDGED:
        return _acknowledged_actions(view, today)
    if status is _S.CONSENTED:
        window = consented_window(view.decisions)
        if window is None:
            return []
        note = f"Ship between {window[0].isoformat()} and {window[1].isoformat()}."
        return [_action(Actor.NOTIFIER, view.export_country, "ship", window[1], today, note)]
    if status in (_S.REFUSED, _S.OBJECTED, _S.WITHDRAWN, _S.EXPIRED):
        note = f"The procedure ended ({status.value}); close the file or notify again."
        return [_action(Actor.NOTIFIER, view.export_country, "close", None, today, note)]
    return []
