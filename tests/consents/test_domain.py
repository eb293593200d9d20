"""Each state's decision: its state machine, validity, tacit consent and completeness."""

from __future__ import annotations

from datetime import date

import pytest

from app.consents.domain import (
    DECISION_TRANSITIONS,
    Capacity,
    DecisionEvent,
    DecisionStatus,
    blocking_objection,
    check_info_request_allowed,
    check_validity,
    consent_complete,
    consented_window,
    decide,
    decision_due,
    required_capacities,
    tacit_consent_allowed,
    tacit_due,
)
from app.core.errors import InvalidInput, InvalidTransition, RuleViolation
from app.regimes.domain import get_regime
from tests.consents.factories import consent, decision

BASEL = get_regime("basel")
EU = get_regime("eu-2024-1157")
OECD = get_regime("oecd")
ACK = date(2025, 3, 3)  # a Monday
TRANSIT, IMPORT, EXPORT = Capacity.TRANSIT, Capacity.IMPORT, Capacity.EXPORT
PENDING, INFO, CONSENTED, TACIT, OBJECTED, WITHDRAWN = list(DecisionStatus)

# --- state machine -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "event", "expected"),
    [
        (PENDING, DecisionEvent.REQUEST_INFO, INFO),
        (INFO, DecisionEvent.ANSWER_INFO, PENDING),
        (PENDING, DecisionEvent.CONSENT, CONSENTED),
        (INFO, DecisionEvent.CONSENT, CONSENTED),
        (PENDING, DecisionEvent.OBJECT, OBJECTED),
        (INFO, DecisionEvent.OBJECT, OBJECTED),
        (PENDING, DecisionEvent.TACIT, TACIT),
        (CONSENTED, DecisionEvent.WITHDRAW, WITHDRAWN),
        (TACIT, DecisionEvent.WITHDRAW, WITHDRAWN),
    ],
)
def test_allowed_decision_steps(
    status: DecisionStatus, event: DecisionEvent, expected: DecisionStatus
) -> None:
    assert decide(status, event) is expected


REFUSED_PAIRS = [
    (s, e) for s in DecisionStatus for e in DecisionEvent if (s, e) not in DECISION_TRANSITIONS
]


@pytest.mark.parametrize(("status", "event"), REFUSED_PAIRS)
def test_every_other_decision_step_is_refused(status: DecisionStatus, event: DecisionEvent) -> None:
    with pytest.raises(InvalidTransition) as caught:
        decide(status, event)
    error = caught.value
    assert f"'{status.value}'" in error.detail
    assert f"'{event.value}'" in error.detail
    allowed = [e.value for e in DecisionEvent if (status, e) in DECISION_TRANSITIONS]
    assert error.extra["allowed"] == allowed
    assert error.extra["current_status"] == status.value


def test_a_final_decision_says_nothing_is_allowed() -> None:
    with pytest.raises(InvalidTransition, match="final state"):
        decide(OBJECTED, DecisionEvent.CONSENT)


# --- who consents ------------------------------------------------------------------------------


def test_required_capacities() -> None:
    assert required_capacities(BASEL) == {TRANSIT, IMPORT}
    assert required_capacities(EU) == {EXPORT, TRANSIT, IMPORT}
    assert required_capacities(OECD) == {EXPORT, TRANSIT, IMPORT}


# --- validity ----------------------------------------------------------------------------------


def test_validity_must_not_end_before_it_starts() -> None:
    with pytest.raises(InvalidInput) as caught:
        check_validity(date(2025, 5, 1), date(2025, 4, 30), pre_consented=False, regime=EU)
    assert caught.value.rule == "consent.validity_order"
    assert caught.value.errors[0].field == "valid_to"


@pytest.mark.parametrize(
    ("pre_consented", "longest_to", "maximum"),
    [(False, date(2026, 1, 1), 365), (True, date(2028, 1, 1), 1095)],
)
def test_validity_maximum(pre_consented: bool, longest_to: date, maximum: int) -> None:
    start = date(2025, 1, 1)
    check_validity(start, longest_to, pre_consented=pre_consented, regime=EU)
    too_long = date.fromordinal(longest_to.toordinal() + 1)
    with pytest.raises(InvalidInput) as caught:
        check_validity(start, too_long, pre_consented=pre_consented, regime=EU, field="consent")
    error = caught.value
    assert error.rule == "consent.validity_max"
    assert error.errors[0].field == "consent"
    assert str(maximum) in error.detail
    assert "eu-2024-1157" in error.detail


def test_basel_consents_last_at_most_one_year_as_a_service_default() -> None:
    check_validity(date(2025, 1, 1), date(2026, 1, 1), pre_consented=False, regime=BASEL)
    with pytest.raises(InvalidInput) as caught:
        check_validity(date(2025, 1, 1), date(2030, 1, 1), pre_consented=False, regime=BASEL)
    assert caught.value.errors[0].rule == "consent.validity_max"


def test_eu_allows_one_request_and_two_further() -> None:
    for so_far in range(3):
        check_info_request_allowed(EXPORT, EU, so_far)
    with pytest.raises(RuleViolation) as caught:
        check_info_request_allowed(EXPORT, EU, 3)
    assert caught.value.rule == "consent.info_requests_max"
    assert "at most 3" in caught.value.detail


def test_basel_does_not_limit_requests_for_information() -> None:
    check_info_request_allowed(IMPORT, BASEL, 10)


# --- tacit consent and decision deadlines ------------------------------------------------------


@pytest.mark.parametrize(
    ("regime_code", "capacity", "opted_in", "expected"),
    [
        ("basel", TRANSIT, True, True),
        ("basel", TRANSIT, False, False),
        ("basel", IMPORT, True, False),
        ("eu-2024-1157", TRANSIT, False, True),
        ("eu-2024-1157", IMPORT, False, False),
        ("eu-2024-1157", EXPORT, False, False),
        ("oecd", IMPORT, False, True),
        ("oecd", EXPORT, False, True),
    ],
)
def test_tacit_consent_allowed(
    regime_code: str, capacity: Capacity, opted_in: bool, expected: bool
) -> None:
    view = decision(capacity, allows_tacit_transit=opted_in)
    assert tacit_consent_allowed(view, get_regime(regime_code)) is expected


def test_basel_transit_decision_is_due_60_days_after_acknowledgement() -> None:
    assert decision_due(decision(TRANSIT), BASEL, ACK) == date(2025, 5, 2)


def test_basel_sets_no_deadline_for_the_state_of_import() -> None:
    assert decision_due(decision(IMPORT), BASEL, ACK) is None


@pytest.mark.parametrize("capacity", list(Capacity))
def test_eu_decisions_are_due_30_days_after_acknowledgement(capacity: Capacity) -> None:
    assert decision_due(decision(capacity), EU, ACK) == date(2025, 4, 2)


def test_a_request_for_information_extends_the_decision_due_date() -> None:
    assert decision_due(decision(IMPORT, paused_days=9), EU, ACK) == date(2025, 4, 11)


def test_pre_consented_facility_shortens_the_oecd_period_to_7_working_days() -> None:
    assert decision_due(decision(TRANSIT, pre_consented=True), OECD, ACK) == date(2025, 3, 12)
    assert decision_due(decision(TRANSIT, pre_consented=True), BASEL, ACK) == date(2025, 5, 2)


def test_basel_tacit_transit_only_for_opt_in_states_after_60_days() -> None:
    opted_in = decision(TRANSIT, allows_tacit_transit=True)
    not_opted = decision(TRANSIT, country="CH")
    both = [opted_in, not_opted, decision(IMPORT)]
    assert tacit_due(both, BASEL, ACK, date(2025, 5, 2)) == []  # last day of the period
    assert tacit_due(both, BASEL, ACK, date(2025, 5, 3)) == [opted_in]


def test_eu_tacit_transit_always_after_30_days_but_never_for_import() -> None:
    transit = decision(TRANSIT)
    views = [transit, decision(IMPORT), decision(EXPORT)]
    assert tacit_due(views, EU, ACK, date(2025, 4, 2)) == []
    assert tacit_due(views, EU, ACK, date(2025, 4, 3)) == [transit]


def test_oecd_tacit_consent_for_every_state() -> None:
    views = [decision(c) for c in Capacity]
    assert tacit_due(views, OECD, ACK, date(2025, 4, 3)) == views


def test_pre_consented_facility_shortens_the_tacit_period_too() -> None:
    fast = decision(IMPORT, pre_consented=True)
    assert tacit_due([fast], OECD, ACK, date(2025, 3, 12)) == []
    assert tacit_due([fast], OECD, ACK, date(2025, 3, 13)) == [fast]


def test_no_tacit_consent_while_information_is_awaited_or_after_a_decision() -> None:
    views = [decision(TRANSIT, INFO), decision(TRANSIT, OBJECTED), decision(TRANSIT, CONSENTED)]
    assert tacit_due(views, EU, ACK, date(2026, 1, 1)) == []


def test_a_pause_delays_tacit_consent() -> None:
    paused = decision(TRANSIT, paused_days=5)
    assert tacit_due([paused], EU, ACK, date(2025, 4, 7)) == []
    assert tacit_due([paused], EU, ACK, date(2025, 4, 8)) == [paused]


# --- completeness, objections, window ----------------------------------------------------------


def test_basel_complete_without_transit_and_without_export() -> None:
    assert consent_complete([decision(IMPORT, CONSENTED)], BASEL)
    assert consent_complete([decision(IMPORT, CONSENTED), decision(EXPORT)], BASEL)


def test_basel_every_transit_state_must_consent() -> None:
    views = [decision(IMPORT, CONSENTED), decision(TRANSIT, TACIT), decision(TRANSIT)]
    assert not consent_complete(views, BASEL)
    views[2] = decision(TRANSIT, CONSENTED)
    assert consent_complete(views, BASEL)


def test_eu_needs_the_export_consent_too() -> None:
    assert not consent_complete([decision(IMPORT, CONSENTED)], EU)
    assert consent_complete([decision(IMPORT, CONSENTED), decision(EXPORT, CONSENTED)], EU)


def test_no_import_decision_is_not_complete() -> None:
    assert not consent_complete([decision(TRANSIT, CONSENTED)], BASEL)
    assert not consent_complete([], BASEL)


def test_withdrawn_consent_is_not_complete() -> None:
    assert not consent_complete([decision(IMPORT, WITHDRAWN)], BASEL)


def test_blocking_objection_is_a_required_state_objecting() -> None:
    objecting = decision(TRANSIT, OBJECTED)
    assert blocking_objection([decision(IMPORT, CONSENTED), objecting], BASEL) is objecting
    assert blocking_objection([decision(IMPORT, CONSENTED)], BASEL) is None
    assert blocking_objection([decision(EXPORT, OBJECTED)], BASEL) is None
    assert blocking_objection([decision(EXPORT, OBJECTED)], EU) is not None


def test_consented_window_is_the_intersection_of_explicit_consents() -> None:
    views = [
        consent(IMPORT, date(2025, 4, 1), date(2026, 3, 31)),
        consent(EXPORT, date(2025, 5, 1), date(2026, 4, 30)),
        decision(TRANSIT, TACIT),
    ]
    assert consented_window(views) == (date(2025, 5, 1), date(2026, 3, 31))


def test_consented_window_none_without_dates_or_overlap() -> None:
    assert consented_window([decision(TRANSIT, TACIT)]) is None
    disjoint = [
        consent(IMPORT, date(2025, 1, 1), date(2025, 2, 1)),
        consent(EXPORT, date(2025, 3, 1), date(2025, 4, 1)),
    ]
    assert consented_window(disjoint) is None
