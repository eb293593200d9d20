"""Queries for notifications. Relationships are loaded explicitly (they are ``lazy="raise"``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, false, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from app.accounts.domain import Caller
from app.accounts.models import Role
from app.authorities.domain import ImportProhibition
from app.authorities.models import Authority, ImportProhibitionRecord
from app.core.json_sql import json_array_has_id
from app.notifications.models import Notification, NotificationCounter, StateConcerned
from app.notifications.validation import AuthorityFacts, PartyFacts
from app.parties.models import Party


def _with_children(stmt: Select[Any]) -> Select[Any]:
    return stmt.options(selectinload(Notification.states), selectinload(Notification.decisions))


def get(session: Session, notification_id: int) -> Notification | None:
    stmt = _with_children(select(Notification).where(Notification.id == notification_id))
    return session.scalars(stmt).first()


def visible_filter(caller: Caller) -> ColumnElement[bool]:
    """SQL form of ``accounts.domain.can_view``."""
    on_route = select(StateConcerned.id).where(StateConcerned.notification_id == Notification.id)
    match caller.role:
        case Role.EXPORTER:
            return Notification.notifier_id == caller.party_id
        case Role.AUTHORITY:
            return exists(on_route.where(StateConcerned.authority_id == caller.authority_id))
        case Role.CUSTOMS | Role.INSPECTOR:
            return exists(on_route.where(StateConcerned.country == caller.country))
        case Role.FACILITY:
            return Notification.facility_id == caller.party_id
        case Role.CARRIER if caller.party_id is not None:
            return json_array_has_id(Notification.carriers, "party_id", caller.party_id)
        case _:
            return false()


def list_visible(
    session: Session, caller: Caller, *, status: str | None, after_id: int | None, limit: int
) -> list[Notification]:
    stmt = select(Notification).where(visible_filter(caller))
    if status:
        stmt = stmt.where(Notification.status == status)
    if after_id:
        stmt = stmt.where(Notification.id < after_id)
    return list(session.scalars(stmt.order_by(Notification.id.desc()).limit(limit)))


def next_number(session: Session, country: str, year: int) -> str:
    """Atomically take the next number for a country of export and year."""
    for _ in range(2):
        taken = session.execute(
            update(NotificationCounter)
            .where(NotificationCounter.country == country, NotificationCounter.year == year)
            .values(last=NotificationCounter.last + 1)
            .returning(NotificationCounter.last)
        ).scalar()
        if taken is not None:
            return f"{country}-{year}-{taken:06d}"
        try:
            with session.begin_nested():
                session.execute(
                    insert(NotificationCounter).values(country=country, year=year, last=0)
                )
        except IntegrityError:
            pass  # someone else created the counter first; take a number from it
    raise RuntimeError("could not allocate a notification number")


def party_facts(session: Session, ids: Iterable[int]) -> dict[int, PartyFacts]:
    rows = session.scalars(select(Party).where(Party.id.in_(set(ids))))
    return {p.id: PartyFacts(p.id, p.kind, p.country, p.pre_consented) for p in rows}


def authority_facts(session: Session, countries: Iterable[str]) -> list[AuthorityFacts]:
    upper = {c.upper() for c in countries}
    rows = session.scalars(select(Authority).where(Authority.country.in_(upper)))
    return [AuthorityFacts(a.id, a.country) for a in rows]


def authorities_by_id(session: Session, ids: Iterable[int]) -> dict[int, Authority]:
    return {a.id: a for a in session.scalars(select(Authority).where(Authority.id.in_(set(ids))))}


def prohibitions_for(session: Session, country: str) -> list[ImportProhibition]:
    rows = session.scalars(
        select(ImportProhibitionRecord).where(ImportProhibitionRecord.country == country)
    )
    return [ImportProhibition(r.country, r.scope, r.value, r.source) for r in rows]  # type: ignore[arg-type]
