"""Where an account works decides its today."""

from __future__ import annotations

from datetime import UTC, date, datetime

from app.accounts.domain import country_time_zones, default_time_zone, local_date

NEW_YEARS_EVE_LATE = datetime(2026, 12, 31, 20, 0, tzinfo=UTC)


def test_a_country_that_keeps_one_time_has_a_default_zone() -> None:
    assert default_time_zone("MY", NEW_YEARS_EVE_LATE) == "Asia/Kuala_Lumpur"  # Kuching: also +8
    assert default_time_zone("KR", NEW_YEARS_EVE_LATE) == "Asia/Seoul"


def test_a_country_that_keeps_several_times_has_none() -> None:
    assert default_time_zone("US", NEW_YEARS_EVE_LATE) is None
    assert default_time_zone("ID", NEW_YEARS_EVE_LATE) is None
    assert "Asia/Shanghai" in country_time_zones()["CN"]


def test_the_local_date_is_the_calendar_where_the_account_works() -> None:
    assert local_date("Asia/Kuala_Lumpur", NEW_YEARS_EVE_LATE) == date(2027, 1, 1)
    assert local_date("Europe/Berlin", NEW_YEARS_EVE_LATE) == date(2026, 12, 31)
    assert local_date("America/Los_Angeles", datetime(2027, 1, 1, 5, tzinfo=UTC)) == date(
        2026, 12, 31
    )
