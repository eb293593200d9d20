"""Jurisdiction as pure rules: which caller may see a notification, and in which capacity.

Kept free of the database so every role × object combination can be tested directly, and so
list queries (repositories) and single-object checks (services) follow the same rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib.resources import files
from zoneinfo import ZoneInfo

from app.accounts.models import Role


@dataclass(frozen=True)
class Caller:
    id: int
    role: Role
    country: str
    party_id: int | None = None
    authority_id: int | None = None


@dataclass(frozen=True)
class RouteEntry:
    country: str
    capacity: str  # "export" | "transit" | "import"
    authority_id: int


@dataclass(frozen=True)
class NotificationScope:
    notifier_id: int
    facility_id: int
    carrier_ids: frozenset[int]
    route: Sequence[RouteEntry]

    @property
    def countries(self) -> frozenset[str]:
        return frozenset(entry.country for entry in self.route)


def capacities(caller: Caller, scope: NotificationScope) -> frozenset[str]:
    """The capacities (export/transit/import) in which an authority account acts on it."""
    if caller.role != Role.AUTHORITY:
        return frozenset()
    return frozenset(e.capacity for e in scope.route if e.authority_id == caller.authority_id)


def can_view(caller: Caller, scope: NotificationScope) -> bool:
    match caller.role:
        case Role.EXPORTER:
            return scope.notifier_id == caller.party_id
        case Role.AUTHORITY:
            return bool(capacities(caller, scope))
        case Role.CUSTOMS | Role.INSPECTOR:
            return caller.country in scope.countries
        case Role.FACILITY:
            return scope.facility_id == caller.party_id
        case Role.CARRIER:
            return caller.party_id in scope.carrier_ids
        case _:
            return False


def is_notifier(caller: Caller, scope: NotificationScope) -> bool:
    return caller.role == Role.EXPORTER and scope.notifier_id == caller.party_id


# --- where an account works: its time zone, hence its "today" ----------------------------------


@cache
def country_time_zones() -> dict[str, tuple[str, ...]]:
    """IANA time zones by ISO country code, from the tz database's ``zone.tab`` (the ``tzdata``
    package, so it is the same on every machine), in its order."""
    zones: dict[str, list[str]] = {}
    for line in (files("tzdata.zoneinfo") / "zone.tab").read_text().splitlines():
        if line and not line.startswith("#"):
            country, _, zone = line.split("\t")[:3]
            zones.setdefault(country, []).append(zone)
    return {country: tuple(found) for country, found in zones.items()}


def default_time_zone(country: str, at: datetime) -> str | None:
    """The country's time zone when all of its zones keep one time at ``at``; None when they
    differ (the account must then say where it works)."""
    zones = country_time_zones().get(country, ())
    offsets = {ZoneInfo(zone).utcoffset(at) for zone in zones}
    return zones[0] if len(offsets) == 1 else None
