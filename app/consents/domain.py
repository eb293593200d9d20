"""Each state's decision on a notification: its small state machine and the rules around it.

A notification needs the consent of every state the regime names (Basel: transit and import; EU
and OECD also export). These functions answer "is it complete", "who blocks it", "when does
silence count as consent" and "for which dates is the consent good", without any I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.core.errors import InvalidInput, InvalidTransition, RuleViolation
from app.regimes.domain import Regime, WorkCalendar, due_date


class Capacity(StrEnum):
    EXPORT = "export"
    TRANSIT = "transit"
    IMPORT = "import"


class DecisionStatus(StrEnum):
    PENDING = "pending"
    INFO_REQUESTED = "info_requested"
    CONSENTED = "consented"
    TACIT = "tacit_consent"
    OBJECTED = "objected"
    WITHDRAWN = "withdrawn"


class DecisionEvent(StrEnum):
    REQUEST_INFO = "request_info"
    ANSWER_INFO = "answer_info"
    CONSENT = "consent"
    OBJECT = "object"
    TACIT = "tacit"
    WITHDRAW = "withdraw"


_P, _I = DecisionStatus.PENDING, DecisionStatus.INFO_REQUESTED
DECISION_TRANSITIONS: Mapping[tuple[DecisionStatus, DecisionEvent], DecisionStatus] = {
    (_P, DecisionEvent.REQUEST_INFO): _I,
    (_I, DecisionEvent.ANSWER_INFO): _P,
    (_P, DecisionEvent.CONSENT): DecisionStatus.CONSENTED,
    (_I, DecisionEvent.CONSENT): DecisionStatus.CONSENTED,
    (_P, DecisionEvent.OBJECT): DecisionStatus.OBJECTED,
    (_I, DecisionEvent.OBJECT): DecisionStatus.OBJECTED,
    (_P, DecisionEvent.TACIT): DecisionStatus.TACIT,
    (DecisionStatus.CONSENTED, DecisionEvent.WITHDRAW): DecisionStatus.WITHDRAWN,
    (DecisionStatus.TACIT, DecisionEvent.WITHDRAW): DecisionStatus.WITHDRAWN,
}

GIVEN = frozenset({DecisionStatus.CONSENTED, DecisionStatus.TACIT})
"""Statuses that count as consent."""


def refuse_transition(
    what: str, status: StrEnum, event: StrEnum, allowed: Iterable[StrEnum]
) -> InvalidTransition:
    """The error for a step the procedure does not allow now (shared by both state machines)."""
    allowed_now = ", ".join(e.value for e in allowed) or "none (this is a final state)"
    return InvalidTransition(
        f"The {what} is '{status.value}': step '{event.value}' is not allowed now. "
        f"Steps allowed now: {allowed_now}.",
        rule=f"{what}.transition",
        extra={
            "current_status": status.value,
            "step": event.value,
            "allowed": [e.value for e in allowed],
        },
    )


def decide(status: DecisionStatus, event: DecisionEvent) -> DecisionStatus:
    try:
        return DECISION_TRANSITIONS[(status, event)]
    except KeyError:
        allowed = [e for e in DecisionEvent if (status, e) in DECISION_TRANSITIONS]
        raise refuse_transition("decision", status, event, allowed) from None


def required_capacities(regime: Regime) -> frozenset[Capacity]:
    """Capacities whose consent the regime requires (transit: where a transit state exists)."""
    if regime.export_state_consents:
        return frozenset(Capacity)
    return frozenset({Capacity.TRANSIT, Capacity.IMPORT})


def check_validity(
    valid_from: date,
    valid_to: date,
    *,
    pre_consented: bool,
    regime: Regime,
    field: str = "valid_to",
) -> None:
    """A consent's window must be ordered and no longer than the regime allows.

    The length is ``valid_to - valid_from`` in days, so "1 January to 1 January next year" is one
    year (365 days) and passes.
    """
    if valid_to < valid_from:
        raise InvalidInput.on(
            field,
            "consent.validity_order",
            f"Consent ends ({valid_to.isoformat()}) before it starts ({valid_from.isoformat()}).",
        )
    step = "consent_validity_preconsented" if pre_consented else "consent_validity"
    limit = regime.deadline(step)
    if limit.amount is None:
        return
    if (valid_to - valid_from).days > limit.amount:
        kind = "a pre-consented facility" if pre_consented else "a consent"
        raise InvalidInput.on(
            field,
            "consent.validity_max",
            f"The validity of {kind} under {regime.code} is at most {limit.amount} days "
            f"({limit.source}); {valid_from.isoformat()} to {valid_to.isoformat()} is "
            f"{(valid_to - valid_from).days} days.",
            source=limit.source,
        )


def check_info_request_allowed(capacity: Capacity, regime: Regime, requests_so_far: int) -> None:
    """Regimes that cap requests for information (EU: one plus two further) refuse one more."""
    if not regime.limits_info_requests:
        return
    allowed = 1 + regime.max_further_info_requests
    if requests_so_far >= allowed:
        raise RuleViolation(
            f"The {capacity.value} authority has already made {requests_so_far} request(s) for "
            f"information; {regime.code} allows at most {allowed} (one request and "
            f"{regime.max_further_info_requests} further). Consent or object instead.",
            rule="consent.info_requests_max",
            source=regime.source,
        )


@dataclass(frozen=True)
class DecisionView:
    """What the rules need to know of one state's decision (built by the service from the DB)."""

    capacity: Capacity
    country: str
    status: DecisionStatus
    calendar: WorkCalendar
    allows_tacit_transit: bool
    valid_from: date | None
    valid_to: date | None
    info_requested_on: date | None
    paused_days: int
    info_requests: int
    pre_consented: bool = False


def tacit_consent_allowed(decision: DecisionView, regime: Regime) -> bool:
    if decision.capacity is Capacity.TRANSIT:
        if regime.tacit_transit == "always":
            return True
        return regime.tacit_transit == "opt_in" and decision.allows_tacit_transit
    return regime.tacit_import


def _period_end(
    decision: DecisionView, regime: Regime, step: str, acknowledged_on: date
) -> date | None:
    """Last day of a period counted from the acknowledgement, extended by the decision's pauses.

    A pre-consented facility shortens the period where the regime sets one (OECD: 7 working days).
    """
    if decision.pre_consented and regime.deadline("decision_preconsented").amount is not None:
        step = "decision_preconsented"
    return due_date(
        acknowledged_on,
        regime.deadline(step),
        decision.calendar,
        paused_days=decision.paused_days,
    )


def decision_due(decision: DecisionView, regime: Regime, acknowledged_on: date) -> date | None:
    """Last day for this state's decision, extended by the days a request for information paused."""
    return _period_end(decision, regime, f"decision_{decision.capacity.value}", acknowledged_on)


def tacit_due(
    decisions: Sequence[DecisionView], regime: Regime, acknowledged_on: date, today: date
) -> list[DecisionView]:
    """Pending decisions whose period ended in silence and for which silence counts as consent.

    A decision waiting for information is not included: the request stopped the clock.
    """
    due: list[DecisionView] = []
    for decision in decisions:
        if decision.status is not DecisionStatus.PENDING:
            continue
        if not tacit_consent_allowed(decision, regime):
            continue
        step = "tacit_transit" if decision.capacity is Capacity.TRANSIT else "tacit_import"
        last_day = _period_end(decision, regime, step, acknowledged_on)
        if last_day is not None and today > last_day:
            due.append(decision)
    return due


def _counted(decisions: Sequence[DecisionView], regime: Regime) -> list[DecisionView]:
    """Decisions of capacities the regime requires (a Basel export 'decision' is ignored)."""
    required = required_capacities(regime)
    return [d for d in decisions if d.capacity in required]


def consent_complete(decisions: Sequence[DecisionView], regime: Regime) -> bool:
    """Every required state consented (in writing or tacitly), including every transit state."""
    counted = _counted(decisions, regime)
    present = {d.capacity for d in counted}
    must_be_present = required_capacities(regime) - {Capacity.TRANSIT}
    if not must_be_present <= present:
        return False
    return all(d.status in GIVEN for d in counted)


def blocking_objection(decisions: Sequence[DecisionView], regime: Regime) -> DecisionView | None:
    """The first objection by a state whose consent is required: it stops the notification."""
    for decision in _counted(decisions, regime):
        if decision.status is DecisionStatus.OBJECTED:
            return decision
    return None


def consented_window(decisions: Sequence[DecisionView]) -> tuple[date, date] | None:
    """Dates for which every explicit consent holds (tacit consents carry no dates).

    None when no explicit consent has dates, or when the windows do not overlap.
    """
    windows = [
        (d.valid_from, d.valid_to)
        for d in decisions
        if d.status is DecisionStatus.CONSENTED
        and d.valid_from is not None
        and d.valid_to is not None
    ]
    if not windows:
        return None
    start = max(w[0] for w in windows)
    end = min(w[1] for w in windows)
    return (start, end) if start <= end else None
