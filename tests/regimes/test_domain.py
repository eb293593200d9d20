"""The regimes table and the working-day arithmetic its deadlines rely on."""

from __future__ import annotations

from datetime import date

import pytest

from app.core.errors import InvalidInput
from app.regimes.domain import (
    STEPS,
    DayUnit,
    Deadline,
    RegimeCode,
    WorkCalendar,
    all_regimes,
    due_date,
    get_regime,
)

MON_SUN = WorkCalendar()
FRI_SAT = WorkCalendar(weekend=frozenset({4, 5}))
FRIDAY = date(2025, 1, 3)


def deadline(amount: int | None, unit: DayUnit) -> Deadline:
    return Deadline("test", amount, unit, "acknowledgement", "test source", True)


# --- the table ---------------------------------------------------------------------------------


def test_every_regime_is_loaded_with_every_step() -> None:
    regimes = all_regimes()
    assert {r.code for r in regimes} == set(RegimeCode)
    for regime in regimes:
        assert set(regime.deadlines) == set(STEPS)
        for step, d in regime.deadlines.items():
            assert d.step == step
            assert d.amount is None or d.amount >= 0
            assert d.source, f"{regime.code} {step} has no source"


def test_get_regime_accepts_the_code_as_text_or_enum() -> None:
    assert get_regime("basel") is get_regime(RegimeCode.BASEL)


def test_unknown_regime_names_the_known_ones() -> None:
    with pytest.raises(InvalidInput) as caught:
        get_regime("mars")
    error = caught.value
    assert error.rule == "regime.unknown"
    assert error.errors[0].field == "regime"
    for code in ("basel", "eu-2024-1157", "oecd"):
        assert code in error.detail


def test_unknown_step_is_a_value_error_naming_it() -> None:
    with pytest.raises(ValueError, match="decision_mars"):
        get_regime("basel").deadline("decision_mars")


@pytest.mark.parametrize(
    ("code", "export_consents", "tacit_transit", "tacit_import", "further"),
    [
        ("basel", False, "opt_in", False, 0),
        ("eu-2024-1157", True, "always", False, 2),
        ("oecd", True, "always", True, 0),
    ],
)
def test_regime_policy(
    code: str, export_consents: bool, tacit_transit: str, tacit_import: bool, further: int
) -> None:
    regime = get_regime(code)
    assert regime.export_state_consents is export_consents
    assert regime.tacit_transit == tacit_transit
    assert regime.tacit_import is tacit_import
    assert regime.max_further_info_requests == further


@pytest.mark.parametrize(
    ("code", "step", "amount", "unit"),
    [
        ("basel", "decision_import", None, DayUnit.CALENDAR),
        ("basel", "decision_transit", 60, DayUnit.CALENDAR),
        ("basel", "reimport", 90, DayUnit.CALENDAR),
        ("basel", "illegal_takeback", 30, DayUnit.CALENDAR),
        ("eu-2024-1157", "decision_import", 30, DayUnit.CALENDAR),
        ("eu-2024-1157", "export_info_request", 10, DayUnit.WORKING),
        ("eu-2024-1157", "notifier_answer", 10, DayUnit.WORKING),
        ("eu-2024-1157", "further_info_request", 7, DayUnit.WORKING),
        ("eu-2024-1157", "receipt_confirmation_interim", 2, DayUnit.WORKING),
        ("eu-2024-1157", "consent_validity", 365, DayUnit.CALENDAR),
        ("eu-2024-1157", "consent_validity_preconsented", 1095, DayUnit.CALENDAR),
        ("oecd", "acknowledge", 3, DayUnit.WORKING),
        ("oecd", "decision_export", 30, DayUnit.CALENDAR),
        ("oecd", "tacit_import", 30, DayUnit.CALENDAR),
        ("oecd", "decision_preconsented", 7, DayUnit.WORKING),
    ],
)
def test_deadline_figures(code: str, step: str, amount: int | None, unit: DayUnit) -> None:
    d = get_regime(code).deadline(step)
    assert (d.amount, d.unit) == (amount, unit)


def test_decisions_count_from_the_acknowledgement() -> None:
    for regime in all_regimes():
        for capacity in ("export", "transit", "import"):
            assert regime.deadline(f"decision_{capacity}").counted_from == "acknowledgement"


def test_unverified_defaults_are_flagged() -> None:
    eu = get_regime("eu-2024-1157")
    assert eu.deadline("consent_validity_preconsented").verified is False
    assert eu.deadline("prior_notice").verified is False
    assert get_regime("basel").deadline("decision_transit").verified is True


# --- working days ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("calendar", "start", "n", "expected"),
    [
        (MON_SUN, FRIDAY, 0, FRIDAY),
        (MON_SUN, FRIDAY, 1, date(2025, 1, 6)),  # Friday + 1 = Monday
        (MON_SUN, date(2025, 1, 4), 1, date(2025, 1, 6)),  # from a Saturday
        (MON_SUN, date(2025, 1, 6), 5, date(2025, 1, 13)),  # a full week
        (MON_SUN, date(2025, 1, 6), 10, date(2025, 1, 20)),
        (FRI_SAT, date(2025, 1, 2), 1, date(2025, 1, 5)),  # Thursday + 1 = Sunday
        (FRI_SAT, date(2025, 1, 2), 2, date(2025, 1, 6)),
    ],
)
def test_add_working_days(calendar: WorkCalendar, start: date, n: int, expected: date) -> None:
    assert calendar.add_working_days(start, n) == expected


def test_holidays_are_skipped() -> None:
    new_year = WorkCalendar(holidays=frozenset({date(2025, 1, 1)}))
    assert new_year.add_working_days(date(2024, 12, 31), 1) == date(2025, 1, 2)
    assert not new_year.is_working_day(date(2025, 1, 1))
    assert MON_SUN.is_working_day(date(2025, 1, 1))


def test_fri_sat_weekend_works_on_sunday() -> None:
    assert FRI_SAT.is_working_day(date(2025, 1, 5))  # Sunday
    assert not FRI_SAT.is_working_day(FRIDAY)


@pytest.mark.parametrize("calendar", [MON_SUN, FRI_SAT])
def test_working_days_between_is_the_inverse_of_adding(calendar: WorkCalendar) -> None:
    start = date(2025, 1, 1)
    for n in range(0, 40):
        end = calendar.add_working_days(start, n)
        assert calendar.working_days_between(start, end) == n
        assert calendar.working_days_between(end, start) == -n


def test_working_days_between_counts_after_start_up_to_end() -> None:
    assert MON_SUN.working_days_between(FRIDAY, date(2025, 1, 5)) == 0  # Sat, Sun
    assert MON_SUN.working_days_between(FRIDAY, date(2025, 1, 6)) == 1


def test_negative_working_days_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        MON_SUN.add_working_days(FRIDAY, -1)


@pytest.mark.parametrize("weekend", [frozenset(range(7)), frozenset({7})])
def test_impossible_weekends_are_refused(weekend: frozenset[int]) -> None:
    with pytest.raises(ValueError, match=r"[Ww]eekend"):
        WorkCalendar(weekend=weekend)


# --- due dates ---------------------------------------------------------------------------------


def test_no_deadline_means_no_due_date() -> None:
    assert due_date(FRIDAY, deadline(None, DayUnit.CALENDAR), MON_SUN) is None


def test_calendar_days_ignore_weekends() -> None:
    assert due_date(FRIDAY, deadline(30, DayUnit.CALENDAR), MON_SUN) == date(2025, 2, 2)


def test_working_days_follow_the_calendar() -> None:
    assert due_date(FRIDAY, deadline(3, DayUnit.WORKING), MON_SUN) == date(2025, 1, 8)
    assert due_date(FRIDAY, deadline(3, DayUnit.WORKING), FRI_SAT) == date(2025, 1, 7)


def test_a_pause_extends_a_calendar_deadline() -> None:
    d = deadline(30, DayUnit.CALENDAR)
    assert due_date(FRIDAY, d, MON_SUN, paused_days=12) == date(2025, 2, 14)


def test_a_pause_extends_a_working_day_deadline_to_a_working_day() -> None:
    d = deadline(3, DayUnit.WORKING)  # Wed 8 Jan without a pause
    assert due_date(FRIDAY, d, MON_SUN, paused_days=2) == date(2025, 1, 10)
    assert due_date(FRIDAY, d, MON_SUN, paused_days=3) == date(2025, 1, 13)  # Sat → Mon


def test_negative_pause_is_refused() -> None:
    with pytest.raises(ValueError, match="paused_days"):
        due_date(FRIDAY, deadline(3, DayUnit.WORKING), MON_SUN, paused_days=-1)
