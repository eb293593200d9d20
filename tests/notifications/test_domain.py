"""The notification procedure: transition table, actor guard and who must act next."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from app.consents.domain import Capacity, DecisionStatus
from app.core.errors import Forbidden, InvalidTransition
from app.notifications.domain import (
    EDITABLE,
    MAY_TRIGGER,
    TRANSITIONS,
    Actor,
    NextAction,
    NotificationEvent,
    NotificationStatus,
    NotificationView,
    allowed_events,
    next_actions,
    transition,
)
from app.regimes.domain import WorkCalendar, get_regime
from tests.consents.factories import consent, decision

S, E = NotificationStatus, NotificationEvent
BASEL = get_regime("basel")
EU = get_regime("eu-2024-1157")
TRANSIT, IMPORT, EXPORT = Capacity.TRANSIT, Capacity.IMPORT, Capacity.EXPORT
PENDING, INFO, CONSENTED = (
    DecisionStatus.PENDING,
    DecisionStatus.INFO_REQUESTED,
    DecisionStatus.CONSENTED,
)


def any_allowed_actor(event: NotificationEvent) -> Actor:
    return sorted(MAY_TRIGGER[event])[0]


# --- transition table --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "event", "expected"),
    [
        (S.DRAFT, E.SUBMIT, S.SUBMITTED),
        (S.SUBMITTED, E.REFUSE, S.REFUSED),
        (S.SUBMITTED, E.TRANSMIT, S.TRANSMITTED),
        (S.TRANSMITTED, E.ACKNOWLEDGE, S.ACKNOWLEDGED),
        (S.ACKNOWLEDGED, E.COMPLETE, S.CONSENTED),
        (S.TRANSMITTED, E.OBJECT, S.OBJECTED),
        (S.ACKNOWLEDGED, E.OBJECT, S.OBJECTED),
        (S.CONSENTED, E.WITHDRAW, S.WITHDRAWN),
        (S.CONSENTED, E.EXPIRE, S.EXPIRED),
        (S.CONSENTED, E.CLOSE, S.CLOSED),
        (S.EXPIRED, E.CLOSE, S.CLOSED),
        (S.WITHDRAWN, E.CLOSE, S.CLOSED),
        (S.OBJECTED, E.CLOSE, S.CLOSED),
        (S.REFUSED, E.CLOSE, S.CLOSED),
    ],
)
def test_the_procedure(
    status: NotificationStatus, event: NotificationEvent, expected: NotificationStatus
) -> None:
    assert transition(status, event, any_allowed_actor(event)) is expected


def test_the_table_has_exactly_the_documented_steps() -> None:
    assert len(TRANSITIONS) == 14


REFUSED_PAIRS = [(s, e) for s in S for e in E if (s, e) not in TRANSITIONS]


@pytest.mark.parametrize(("status", "event"), REFUSED_PAIRS)
def test_every_other_step_is_an_invalid_transition(
    status: NotificationStatus, event: NotificationEvent
) -> None:
    with pytest.raises(InvalidTransition) as caught:
        transition(status, event, any_allowed_actor(event))
    error = caught.value
    assert f"'{status.value}'" in error.detail
    assert f"'{event.value}'" in error.detail
    assert error.extra["allowed"] == [e.value for e in allowed_events(status)]
    for allowed in allowed_events(status):
        assert allowed.value in error.detail


WRONG_ACTORS = [(e, a) for e in E for a in Actor if a not in MAY_TRIGGER[e]]


@pytest.mark.parametrize(("event", "actor"), WRONG_ACTORS)
def test_every_actor_not_allowed_is_forbidden(event: NotificationEvent, actor: Actor) -> None:
    status = next(s for (s, e) in TRANSITIONS if e is event)
    with pytest.raises(Forbidden) as caught:
        transition(status, event, actor)
    for allowed in MAY_TRIGGER[event]:
        assert allowed.value in caught.value.detail


def test_who_may_take_which_step() -> None:
    assert MAY_TRIGGER[E.SUBMIT] == {Actor.NOTIFIER}
    assert MAY_TRIGGER[E.TRANSMIT] == {Actor.EXPORT_AUTHORITY}
    assert MAY_TRIGGER[E.ACKNOWLEDGE] == {Actor.IMPORT_AUTHORITY}
    assert MAY_TRIGGER[E.COMPLETE] == {Actor.SYSTEM}
    assert MAY_TRIGGER[E.CLOSE] == {Actor.NOTIFIER, Actor.EXPORT_AUTHORITY}
    assert Actor.TRANSIT_AUTHORITY in MAY_TRIGGER[E.OBJECT]
    assert Actor.NOTIFIER not in MAY_TRIGGER[E.WITHDRAW]


def test_under_basel_the_export_state_cannot_object() -> None:
    with pytest.raises(Forbidden):
        transition(S.ACKNOWLEDGED, E.OBJECT, Actor.EXPORT_AUTHORITY, regime=BASEL)
    assert transition(S.ACKNOWLEDGED, E.OBJECT, Actor.EXPORT_AUTHORITY, regime=EU) is S.OBJECTED


def test_allowed_events_and_editable() -> None:
    assert allowed_events(S.SUBMITTED) == [E.REFUSE, E.TRANSMIT]
    assert allowed_events(S.CLOSED) == []
    assert frozenset({S.DRAFT}) == EDITABLE


# --- next actions ------------------------------------------------------------------------------

SUBMITTED_ON = date(2025, 3, 3)  # Monday
TRANSMITTED_ON = date(2025, 3, 10)  # Monday
ACKNOWLEDGED_ON = date(2025, 3, 12)  # Wednesday


def view(
    status: NotificationStatus, regime_code: str = "eu-2024-1157", **changes: Any
) -> NotificationView:
    base = NotificationView(
        status=status,
        regime=get_regime(regime_code),
        export_country="DE",
        export_calendar=WorkCalendar(),
        submitted_on=SUBMITTED_ON,
        transmitted_on=TRANSMITTED_ON,
        acknowledged_on=ACKNOWLEDGED_ON,
        decisions=[decision(EXPORT), decision(TRANSIT), decision(IMPORT)],
        contract_recorded=False,
        guarantee_recorded=False,
    )
    return replace(base, **changes)


def only(actions: list[NextAction]) -> NextAction:
    assert len(actions) == 1, actions
    return actions[0]


def test_draft_the_notifier_submits() -> None:
    action = only(next_actions(view(S.DRAFT), date(2030, 1, 1)))
    assert (action.actor, action.action, action.due, action.overdue) == (
        Actor.NOTIFIER,
        "submit",
        None,
        False,
    )


def test_submitted_the_export_authority_transmits_within_10_working_days() -> None:
    action = only(next_actions(view(S.SUBMITTED), date(2025, 3, 17)))
    assert (action.actor, action.country, action.action) == (
        Actor.EXPORT_AUTHORITY,
        "DE",
        "transmit",
    )
    assert action.due == date(2025, 3, 17)
    assert action.overdue is False
    assert only(next_actions(view(S.SUBMITTED), date(2025, 3, 18))).overdue is True


def test_submitted_under_basel_has_no_due_date() -> None:
    action = only(next_actions(view(S.SUBMITTED, "basel"), date(2030, 1, 1)))
    assert (action.due, action.overdue) == (None, False)


def test_transmitted_the_import_authority_acknowledges() -> None:
    action = only(next_actions(view(S.TRANSMITTED, "oecd"), date(2025, 3, 14)))
    assert (action.actor, action.country, action.action) == (
        Actor.IMPORT_AUTHORITY,
        "SI",
        "acknowledge",
    )
    assert action.due == date(2025, 3, 13)  # 3 working days
    assert action.overdue is True


def test_acknowledged_each_pending_required_decision_is_listed() -> None:
    actions = next_actions(view(S.ACKNOWLEDGED), date(2025, 4, 11))
    assert {(a.actor, a.country) for a in actions} == {
        (Actor.EXPORT_AUTHORITY, "DE"),
        (Actor.TRANSIT_AUTHORITY, "AT"),
        (Actor.IMPORT_AUTHORITY, "SI"),
    }
    assert all(a.action == "decide" and a.due == date(2025, 4, 11) for a in actions)
    assert not any(a.overdue for a in actions)
    assert all(a.overdue for a in next_actions(view(S.ACKNOWLEDGED), date(2025, 4, 12)))


def test_acknowledged_under_basel_the_export_state_does_not_decide() -> None:
    actions = next_actions(view(S.ACKNOWLEDGED, "basel"), date(2025, 4, 1))
    by_actor = {a.actor: a for a in actions}
    assert set(by_actor) == {Actor.TRANSIT_AUTHORITY, Actor.IMPORT_AUTHORITY}
    assert by_actor[Actor.TRANSIT_AUTHORITY].due == date(2025, 5, 11)
    assert by_actor[Actor.IMPORT_AUTHORITY].due is None


def test_a_paused_decision_has_a_later_due_date() -> None:
    decisions = [decision(EXPORT, CONSENTED), decision(IMPORT, paused_days=10)]
    action = only(next_actions(view(S.ACKNOWLEDGED, decisions=decisions), date(2025, 4, 1)))
    assert action.due == date(2025, 4, 21)


def test_an_information_request_makes_the_notifier_answer() -> None:
    asked = decision(IMPORT, INFO, info_requested_on=date(2025, 3, 14), info_requests=1)
    decisions = [decision(EXPORT, CONSENTED), asked]
    action = only(next_actions(view(S.ACKNOWLEDGED, decisions=decisions), date(2025, 3, 31)))
    assert (action.actor, action.country, action.action) == (Actor.NOTIFIER, "SI", "answer_info")
    assert action.due == date(2025, 3, 28)  # 10 working days
    assert action.overdue is True


def test_all_consents_in_the_notifier_records_contract_and_guarantee() -> None:
    decisions = [decision(EXPORT, CONSENTED), decision(IMPORT, CONSENTED)]
    actions = next_actions(view(S.ACKNOWLEDGED, decisions=decisions), date(2025, 4, 1))
    assert [(a.actor, a.action) for a in actions] == [
        (Actor.NOTIFIER, "record_contract"),
        (Actor.NOTIFIER, "record_guarantee"),
    ]
    done = view(S.ACKNOWLEDGED, decisions=decisions, contract_recorded=True)
    assert [a.action for a in next_actions(done, date(2025, 4, 1))] == ["record_guarantee"]
    ready = replace(done, guarantee_recorded=True)
    assert only(next_actions(ready, date(2025, 4, 1))).actor is Actor.SYSTEM


def test_an_objection_stops_the_decisions() -> None:
    decisions = [decision(TRANSIT, DecisionStatus.OBJECTED), decision(IMPORT)]
    action = only(next_actions(view(S.ACKNOWLEDGED, decisions=decisions), date(2025, 4, 1)))
    assert (action.actor, action.action, action.country) == (Actor.SYSTEM, "object", "AT")


def test_consented_ship_before_the_consent_ends() -> None:
    decisions = [
        consent(EXPORT, date(2025, 4, 1), date(2026, 3, 31)),
        consent(IMPORT, date(2025, 4, 15), date(2026, 4, 14)),
    ]
    consented = view(S.CONSENTED, decisions=decisions)
    action = only(next_actions(consented, date(2025, 5, 1)))
    assert (action.actor, action.action, action.due) == (Actor.NOTIFIER, "ship", date(2026, 3, 31))
    assert "2025-04-15" in action.note
    assert only(next_actions(consented, date(2026, 4, 1))).overdue is True


def test_consented_without_dated_consents_needs_nothing() -> None:
    assert next_actions(view(S.CONSENTED), date(2025, 5, 1)) == []


@pytest.mark.parametrize("status", [S.REFUSED, S.OBJECTED, S.WITHDRAWN, S.EXPIRED])
def test_ended_procedures_are_closed_by_the_notifier(status: NotificationStatus) -> None:
    action = only(next_actions(view(status), date(2025, 5, 1)))
    assert (action.actor, action.action, action.due) == (Actor.NOTIFIER, "close", None)


def test_closed_needs_nothing() -> None:
    assert next_actions(view(S.CLOSED), date(2025, 5, 1)) == []
