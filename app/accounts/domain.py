"""Jurisdiction as pure rules: which caller may see a notification, and in which capacity.

Kept free of the database so every role × object combination can be tested directly, and so
list queries (repositories) and single-object checks (services) follow the same rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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
