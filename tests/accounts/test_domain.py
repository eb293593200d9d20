"""Where an account works decides its today."""

from __future__ import annotations

from datetime import UTC, datetime

from app.accounts.domain import country_time_zones, default_time_zone

NEW_YEARS_EVE_LATE = datetime(2026, 12, 31, 20, 0, tzinfo=UTC)


def test_a_country_that_keeps_one_time_has_a_default_zone() -> None:
    assert default_time_zone("MY", NEW_YEARS_EVE_LATE) == "Asia/Kuala_Lumpur"  # Kuching: also +8
    assert default_time_zone("KR", NEW_YEARS_EVE_LATE) == "Asia/Seoul"


def test_a_country_that_keeps_several_times_has_none() -> None:
    assert default_time_zone("US", NEW_YEARS_EVE_LATE) is None
    assert default_time_zone("ID", NEW_YEARS_EVE_LATE) is None
    assert "Asia/Shanghai" in country_time_zones()["CN"]
