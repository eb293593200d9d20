"""Whose calendar a date is judged on."""

from __future__ import annotations

from datetime import UTC, date, datetime

from app.accounts.models import Account
from app.core.clock import date_anywhere_on_earth, date_for, local_date

NEW_YEARS_EVE_LATE = datetime(2026, 12, 31, 20, 0, tzinfo=UTC)


def test_the_local_date_is_the_calendar_where_the_account_works() -> None:
    assert local_date("Asia/Kuala_Lumpur", NEW_YEARS_EVE_LATE) == date(2027, 1, 1)
    assert local_date("Europe/Berlin", NEW_YEARS_EVE_LATE) == date(2026, 12, 31)
    assert local_date("America/Los_Angeles", datetime(2027, 1, 1, 5, tzinfo=UTC)) == date(
        2026, 12, 31
    )


def test_a_day_is_over_anywhere_on_earth_only_once_it_is_over_in_the_last_time_zone() -> None:
    # At 11:59 UTC on 1 January it is still New Year's Eve at UTC−12 (Baker Island) ...
    assert date_anywhere_on_earth(datetime(2027, 1, 1, 11, 59, tzinfo=UTC)) == date(2026, 12, 31)
    # ... and at noon the old year is over everywhere.
    assert date_anywhere_on_earth(datetime(2027, 1, 1, 12, 0, tzinfo=UTC)) == date(2027, 1, 1)
    # Never later than any state's own date, so nothing a job applies falls due early.
    for zone in ("Pacific/Pago_Pago", "America/Lima", "Asia/Seoul", "Pacific/Kiritimati"):
        assert date_anywhere_on_earth(NEW_YEARS_EVE_LATE) <= local_date(zone, NEW_YEARS_EVE_LATE)


def test_an_account_today_is_the_date_where_it_works() -> None:
    ahead = Account(time_zone="Pacific/Kiritimati")  # UTC+14
    behind = Account(time_zone="Pacific/Pago_Pago")  # UTC−11
    # Whatever the hour, the two are one or two days apart, never the same day.
    assert 1 <= (ahead.today() - behind.today()).days <= 2


def test_a_step_is_dated_where_its_actor_works_and_a_jobs_anywhere_on_earth() -> None:
    assert date_for(Account(time_zone="Asia/Seoul"), NEW_YEARS_EVE_LATE) == date(2027, 1, 1)
    assert date_for(None, NEW_YEARS_EVE_LATE) == date(2026, 12, 31)  # 08:00 at UTC−12
