"""Searches as SQL built from filters; keyset (cursor) pagination; facet counts; CSV streams.

Flags carry denormalised search columns (waste code, HS code, office, document number, party
names), so a flag search touches one table; movement searches join the notification."""

from __future__ import annotations

import base64
import csv
import io
import json
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    exists,
    false,
    func,
    literal,
    or_,
    select,
    tuple_,
)
from sqlalchemy.orm import Session, sessionmaker

from app.accounts.models import Account, Role
from app.core.db import UTC
from app.core.errors import Forbidden, InvalidInput
from app.movements.models import Movement
from app.notifications import repository as notifications
from app.notifications.models import Notification, StateConcerned
from app.notifications.service import caller_of
from app.parties.models import Party
from app.screening.models import FlagRecord
from app.search.schemas import FlagFilters, MovementFilters

SEVERITY_RANK = case(
    {"critical": 4, "high": 3, "medium": 2, "low": 1}, value=FlagRecord.severity, else_=0
)
FLAG_COLUMNS = (
    "id",
    "created_at",
    "country",
    "rule_id",
    "severity",
    "status",
    "source",
    "document_no",
    "waste_code",
    "hs_code",
    "office",
    "explanation",
)
MOVEMENT_COLUMNS = (
    "id",
    "document_no",
    "status",
    "shipment_date",
    "quantity",
    "unit",
    "notification",
    "export_country",
    "import_country",
    "waste_code",
    "flags",
)


def _cursor(values: tuple[Any, ...]) -> str:
    raw = json.dumps([v.isoformat() if isinstance(v, datetime) else v for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _uncursor(cursor: str, n: int) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        assert isinstance(values, list) and len(values) == n
        return values
    except Exception:
        raise InvalidInput.on(
            "cursor", "cursor.invalid", "The cursor is not one this service gave out."
        ) from None


def _typed(value: Any, key: Any) -> Any:
    """A cursor value bound with its column's type (backends store timestamps differently)."""
    if isinstance(value, str) and key is FlagRecord.created_at:
        value = datetime.fromisoformat(value)
    return literal(value, type_=key.type)


def _start(d: Any) -> datetime:
    return datetime.combine(d, time.min, tzinfo=UTC)


def _end(d: Any) -> datetime:
    return datetime.combine(d, time.max, tzinfo=UTC)


def _like(text: str) -> str:
    return "%" + text.lower().replace("\\", "").replace("%", "").replace("_", r"\_") + "%"


# --- flags -------------------------------------------------------------------------------------


def _flag_scope(account: Account) -> ColumnElement[bool]:
    """Flags raised in the caller's state, or concerning a notification routed through it."""
    if account.role not in (Role.INSPECTOR, Role.CUSTOMS):
        raise Forbidden("Flag searches are for inspectors and customs.", rule="role")
    on_route = exists(
        select(StateConcerned.id).where(
            StateConcerned.notification_id == FlagRecord.notification_id,
            StateConcerned.country == account.country,
        )
    )
    return or_(FlagRecord.country == account.country, on_route)


def _flag_conditions(account: Account, f: FlagFilters) -> list[ColumnElement[bool]]:
    where = [_flag_scope(account)]
    if f.country and f.role:
        where.append(
            exists(
                select(StateConcerned.id).where(
                    StateConcerned.notification_id == FlagRecord.notification_id,
                    StateConcerned.country == f.country,
                    StateConcerned.capacity == f.role,
                )
            )
        )
    elif f.country:
        where.append(FlagRecord.country == f.country)
    for column, value in (
        (FlagRecord.rule_id, f.rule),
        (FlagRecord.severity, f.severity),
        (FlagRecord.status, f.status),
        (FlagRecord.waste_code, f.waste_code),
        (FlagRecord.office, f.office),
    ):
        if value:
            where.append(column == value)
    if f.hs_code:
        where.append(FlagRecord.hs_code.startswith(f.hs_code))
    if f.party:
        where.append(FlagRecord.search_text.like(_like(f.party), escape="\\"))
    if f.q:
        where.append(
            or_(
                FlagRecord.document_no.startswith(f.q.upper()),
                FlagRecord.search_text.like(_like(f.q), escape="\\"),
            )
        )
    if f.date_from:
        where.append(FlagRecord.created_at >= _start(f.date_from))
    if f.date_to:
        where.append(FlagRecord.created_at <= _end(f.date_to))
    return where


def _flag_order(f: FlagFilters) -> tuple[list[Any], list[Any], bool]:
    """Sort keys, their values' columns, and whether the order is descending."""
    if f.sort == "severity":
        return [SEVERITY_RANK, FlagRecord.id], [SEVERITY_RANK, FlagRecord.id], True
    descending = f.sort == "newest"
    return (
        [FlagRecord.created_at, FlagRecord.id],
        [FlagRecord.created_at, FlagRecord.id],
        descending,
    )


def _flag_row(flag: FlagRecord) -> dict[str, Any]:
    return {c: getattr(flag, c) for c in FLAG_COLUMNS}


def _page(
    session: Session,
    stmt: Select[Any],
    keys: list[Any],
    descending: bool,
    cursor: str | None,
    limit: int,
) -> tuple[list[Any], str | None]:
    if cursor:
        values = [_typed(v, k) for v, k in zip(_uncursor(cursor, len(keys)), keys, strict=True)]
        bound, after = tuple_(*keys), tuple_(*values)
        stmt = stmt.where(bound < after if descending else bound > after)
    stmt = stmt.order_by(*[k.desc() if descending else k.asc() for k in keys]).limit(limit + 1)
    rows = list(session.execute(stmt).all())
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = _cursor(tuple(rows[-1][1:])) if more and rows else None
    return [r[0] for r in rows], next_cursor


#: Facets count at most this many matches (one more tells that there are more), in one
#: statement; beyond it they say so (``facets_complete: false``): such a broad search is
#: refined, not tallied exactly.
FACET_LIMIT = 10_000


def _facets(
    session: Session, where: list[ColumnElement[bool]], columns: dict[str, Any], base: Any
) -> tuple[dict[str, dict[str, int]], bool]:
    capped = (
        select(*(c.label(name) for name, c in columns.items()))
        .select_from(base)
        .where(and_(*where))
        .limit(FACET_LIMIT + 1)
        .subquery()
    )
    counts: dict[str, Counter[str]] = {name: Counter() for name in columns}
    if session.get_bind().dialect.name == "postgresql":
        # one pass, counted in the database: GROUPING SETS gives every facet at once
        keys = [capped.c[name] for name in columns]
        stmt = select(*keys, *(func.grouping(k) for k in keys), func.count()).group_by(
            func.grouping_sets(*keys)
        )
        for row in session.execute(stmt):
            values, flags, n = row[: len(keys)], row[len(keys) : 2 * len(keys)], row[-1]
            for name, value, rolled_up in zip(columns, values, flags, strict=True):
                if not rolled_up and value is not None:
                    counts[name][str(value)] += int(n)
    else:
        for row in session.execute(select(capped)):
            for name, value in zip(columns, row, strict=True):
                if value is not None:
                    counts[name][str(value)] += 1
    # the first facet is never empty (rule, status), so its counts add up to the rows seen
    complete = sum(next(iter(counts.values())).values()) <= FACET_LIMIT
    return {name: dict(c.most_common()) for name, c in counts.items()}, complete


def search_flags(
    *,
    session: Session,
    account: Account,
    filters: FlagFilters,
    cursor: str | None,
    limit: int,
    facets: bool = True,
) -> dict[str, Any]:
    where = _flag_conditions(account, filters)
    keys, _, descending = _flag_order(filters)
    stmt = select(FlagRecord, *keys).where(and_(*where))
    items, next_cursor = _page(session, stmt, keys, descending, cursor, limit)
    columns = {
        "rule": FlagRecord.rule_id,
        "severity": FlagRecord.severity,
        "status": FlagRecord.status,
        "country": FlagRecord.country,
    }
    counts, complete = (
        _facets(session, where, columns, FlagRecord) if facets and not cursor else ({}, True)
    )
    return {
        "items": [_flag_row(f) for f in items],
        "next_cursor": next_cursor,
        "facets": counts,
        "facets_complete": complete,
    }


# --- movements ---------------------------------------------------------------------------------


def _party_or_document(session: Session, text: str, with_documents: bool) -> ColumnElement[bool]:
    """Party names are matched first, in their own small table, so the movement query gets plain
    id lists the planner can estimate (a correlated name match made it walk every movement)."""
    ids = list(
        session.scalars(
            select(Party.id)
            .where(func.lower(Party.name).like(_like(text), escape="\\"))
            .limit(1000)
        )
    )
    match = (
        or_(
            Notification.notifier_id.in_(ids),
            Notification.consignee_id.in_(ids),
            Notification.facility_id.in_(ids),
        )
        if ids
        else false()
    )
    return or_(match, Movement.document_no.startswith(text.upper())) if with_documents else match


#: Up to this many notifications, a movement search first resolves the notification-level
#: filters to ids: the planner then starts from those notifications' movements instead of walking
#: every movement by date (measured at 1M movements: seconds → milliseconds for rare filters).
NOTIFICATION_IDS_LIMIT = 2_000


def _movement_conditions(
    session: Session, account: Account, f: MovementFilters
) -> list[ColumnElement[bool]]:
    about_notification: list[ColumnElement[bool]] = [
        notifications.visible_filter(caller_of(account))  # type: ignore[list-item]
    ]
    if f.country:
        route = select(StateConcerned.id).where(
            StateConcerned.notification_id == Notification.id, StateConcerned.country == f.country
        )
        if f.role:
            route = route.where(StateConcerned.capacity == f.role)
        about_notification.append(exists(route))
    if f.waste_code:
        about_notification.append(
            Notification.waste["basel_code"].as_string() == f.waste_code.upper()
        )
    if f.party:
        about_notification.append(_party_or_document(session, f.party, with_documents=False))
    ids = list(
        session.scalars(
            select(Notification.id)
            .where(and_(*about_notification))
            .limit(NOTIFICATION_IDS_LIMIT + 1)
        )
    )
    notification_ids: Any = (
        ids
        if len(ids) <= NOTIFICATION_IDS_LIMIT
        # many: one semi-join the database can hash, not a check per movement
        else select(Notification.id).where(and_(*about_notification))
    )
    where: list[ColumnElement[bool]] = [Movement.notification_id.in_(notification_ids)]
    if f.status:
        where.append(Movement.status == f.status)
    if f.date_from:
        where.append(Movement.shipment_date >= f.date_from)
    if f.date_to:
        where.append(Movement.shipment_date <= f.date_to)
    if f.flagged is not None:
        flagged = exists(select(FlagRecord.id).where(FlagRecord.movement_id == Movement.id))
        where.append(flagged if f.flagged else ~flagged)
    if f.q:
        where.append(_party_or_document(session, f.q, with_documents=True))
    return where


def _movement_row(m: Movement, n: Notification, flags: int) -> dict[str, Any]:
    return {
        "id": m.id,
        "document_no": m.document_no,
        "status": m.status,
        "shipment_date": m.shipment_date,
        "quantity": m.quantity,
        "unit": m.unit,
        "notification": n.number,
        "export_country": n.export_country,
        "import_country": n.import_country,
        "waste_code": n.waste.get("basel_code"),
        "flags": flags,
    }


def _flag_count() -> Any:
    return (
        select(func.count(FlagRecord.id))
        .where(FlagRecord.movement_id == Movement.id)
        .correlate(Movement)
        .scalar_subquery()
    )


def search_movements(
    *,
    session: Session,
    account: Account,
    filters: MovementFilters,
    cursor: str | None,
    limit: int,
    facets: bool = True,
) -> dict[str, Any]:
    if account.role == Role.ADMIN:
        raise Forbidden("Admins manage the service; they do not read shipments.", rule="role")
    where = _movement_conditions(session, account, filters)
    keys = [Movement.shipment_date, Movement.id]
    stmt = (
        select(Movement, *keys, Notification, _flag_count())
        .join(Notification, Notification.id == Movement.notification_id)
        .where(and_(*where))
    )
    descending = filters.sort == "newest"
    if cursor:
        day, last_id = _uncursor(cursor, 2)
        after = tuple_(
            literal(date.fromisoformat(day), type_=Movement.shipment_date.type),
            literal(last_id, type_=Movement.id.type),
        )
        bound = tuple_(*keys)
        stmt = stmt.where(bound < after if descending else bound > after)
    stmt = stmt.order_by(*[k.desc() if descending else k.asc() for k in keys]).limit(limit + 1)
    rows: list[Any] = list(session.execute(stmt).all())
    more, rows = len(rows) > limit, rows[:limit]
    next_cursor = _cursor((rows[-1][1].isoformat(), rows[-1][2])) if more and rows else None
    joined = Movement.__table__.join(
        Notification.__table__, Notification.id == Movement.notification_id
    )
    columns = {
        "status": Movement.status,
        "export_country": Notification.export_country,
        "import_country": Notification.import_country,
    }
    counts, complete = (
        _facets(session, where, columns, joined) if facets and not cursor else ({}, True)
    )
    return {
        "items": [_movement_row(r[0], r[3], r[4]) for r in rows],
        "next_cursor": next_cursor,
        "facets": counts,
        "facets_complete": complete,
    }


# --- CSV ---------------------------------------------------------------------------------------


def _csv_lines(header: tuple[str, ...], rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row[c] for c in header])
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def stream_csv(
    *,
    factory: sessionmaker[Session],
    account_id: int,
    kind: str,
    filters: FlagFilters | MovementFilters,
) -> Iterator[str]:
    """Every row of a search, page by page in its own session (memory stays flat)."""
    header = FLAG_COLUMNS if kind == "flags" else MOVEMENT_COLUMNS

    def rows() -> Iterator[dict[str, Any]]:
        cursor = None
        while True:
            with factory() as session:
                account = session.get(Account, account_id)
                assert account is not None
                if isinstance(filters, FlagFilters):
                    page = search_flags(
                        session=session,
                        account=account,
                        filters=filters,
                        cursor=cursor,
                        limit=1000,
                        facets=False,
                    )
                else:
                    page = search_movements(
                        session=session,
                        account=account,
                        filters=filters,
                        cursor=cursor,
                        limit=1000,
                        facets=False,
                    )
            yield from page["items"]
            cursor = page["next_cursor"]
            if not cursor:
                return

    return _csv_lines(header, rows())
