"""The time of day where someone works.

The server keeps time in UTC; a person judges dates on their own calendar. At 07:00 in Kuala
Lumpur it is still yesterday in UTC, so a receipt dated "today" there would look like the future,
and a consent that ended yesterday there would still look valid.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo


class Located(Protocol):
    """Whoever acts somewhere: an account, with the IANA zone where it works."""

    time_zone: str


def local_date(time_zone: str, at: datetime) -> date:
    """The calendar date at ``at`` (aware) where ``time_zone`` keeps time."""
    return at.astimezone(ZoneInfo(time_zone)).date()


#: UTC−12, the last calendar on Earth: a day is over everywhere once it is over here.
ANYWHERE_ON_EARTH = "Etc/GMT+12"


def date_anywhere_on_earth(at: datetime) -> date:
    """The earliest date still current somewhere at ``at`` (UTC−12, as conference deadlines
    say "anywhere on Earth"). Jobs that act on no one's calendar (tacit consents, expiries,
    screening a file) take it as "today", so that nothing falls due early for any state: a
    tacit consent is not applied in Lima while it is still the deadline day there."""
    return local_date(ANYWHERE_ON_EARTH, at)


def date_for(actor: Located | None, at: datetime) -> date:
    """The date of something done at ``at``: on the calendar of the account that did it, or,
    for a job acting for no one, anywhere on Earth."""
    return local_date(actor.time_zone, at) if actor else date_anywhere_on_earth(at)
