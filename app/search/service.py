"""Searches as SQL built from filters; keyset (cursor) pagination; facet counts; CSV streams.

Flags carry denormalised search columns (waste code, HS code, office, document number, party
names), so a flag search touches one table. Movements carry theirs too (states of export and
import, flag count): a movement search resolves its notification filters (jurisdiction, route,
waste, party) to ids first, then finds the page and counts the facets on movements alone, from
indexes that carry every search column."""

from __future__ import annotations

import base64
import csv
import io
import json
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Integer,
    Select,
    and_,
    any_,
    case,
    exists,
    false,
    func,
    literal,
    or_,
    select,
    text,
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
#: What a movement search shows of each movement (the CSV columns too), read as plain columns:
#: loading whole movement and notification objects cost more than the statements themselves.
MOVEMENT_FIELDS: dict[str, Any] = {
    "id": Movement.id,
    "document_no": Movement.document_no,
    "status": Movement.status,
    "shipment_date": Movement.shipment_date,
    "quantity": Movement.quantity,
    "unit": Movement.unit,
    "notification": Notification.number,
    "export_country": Notification.export_country,
    "import_country": Notification.import_country,
    "waste_code": Notification.waste["basel_code"].as_string(),
    "flags": Movement.flag_count,
}
MOVEMENT_COLUMNS = tuple(MOVEMENT_FIELDS)


def _cursor(values: tuple[Any, ...]) -> str:
    raw = json.dumps([v.isoformat() if isinstance(v, date) else v for v in values])
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
    elif isinstance(value, str) and key is Movement.shipment_date:
        value = date.fromisoformat(value)
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


def _party_notifications(session: Session, text: str) -> ColumnElement[bool]:
    """Notifications naming a party whose name contains ``text``. Party names are matched first,
    in their own small table, so the query gets plain id lists the planner can estimate (a
    correlated name match made it walk every movement)."""
    ids = list(
        session.scalars(
            select(Party.id)
            .where(func.lower(Party.name).like(_like(text), escape="\\"))
            .limit(1000)
        )
    )
    if not ids:
        return false()
    return or_(
        Notification.notifier_id.in_(ids),
        Notification.consignee_id.in_(ids),
        Notification.facility_id.in_(ids),
    )


#: Up to this many notifications, a movement search first resolves the notification-level
#: filters (jurisdiction, route, waste, party) to ids and hands them to the movement statements
#: as one array: the planner then starts from those notifications' movements instead of walking
#: every movement by date (measured at 1M movements: seconds → milliseconds for rare filters).
#: More than that: a semi-join the database hashes (planning a longer array costs more).
NOTIFICATION_IDS_LIMIT = 2_000


def _one_of(session: Session, column: Any, ids: list[int]) -> ColumnElement[bool]:
    """``column IN ids``: on PostgreSQL one array parameter (hashed by the server, one statement
    whatever the number), elsewhere a plain IN list."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(literal(ids, type_=ARRAY(Integer)))
    return column.in_(ids)


def _notifications_where(
    session: Session, column: Any, conditions: list[ColumnElement[bool]]
) -> ColumnElement[bool]:
    """``column`` names a notification meeting ``conditions``: as an id list when there are not
    too many, else as a semi-join."""
    matching = select(Notification.id).where(and_(*conditions))
    ids = list(session.scalars(matching.limit(NOTIFICATION_IDS_LIMIT + 1)))
    if len(ids) > NOTIFICATION_IDS_LIMIT:
        return column.in_(matching)
    return _one_of(session, column, ids) if ids else false()


def _movement_conditions(
    session: Session, account: Account, f: MovementFilters
) -> list[ColumnElement[bool]]:
    about_notification: list[ColumnElement[bool]] = [
        notifications.visible_filter(caller_of(account))
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
        about_notification.append(_party_notifications(session, f.party))
    where = [_notifications_where(session, Movement.notification_id, about_notification)]
    if f.status:
        where.append(Movement.status == f.status)
    if f.date_from:
        where.append(Movement.shipment_date >= f.date_from)
    if f.date_to:
        where.append(Movement.shipment_date <= f.date_to)
    if f.flagged is not None:
        where.append(Movement.flag_count > 0 if f.flagged else Movement.flag_count == 0)
    if f.q:
        naming = _party_notifications(session, f.q)
        where.append(
            or_(
                Movement.document_no.startswith(f.q.upper()),
                _notifications_where(session, Movement.notification_id, [naming]),
            )
        )
    return where


def _walked_page(
    session: Session,
    where: list[ColumnElement[bool]],
    descending: bool,
    cursor: str | None,
    limit: int,
) -> tuple[list[int], str | None]:
    """The ids of a page, from movements alone (their indexes cover the filters): the planner
    walks the shipment date index (or the status or flagged one) until the page is full."""
    keys: list[Any] = [Movement.shipment_date, Movement.id]
    return _page(
        session, select(Movement.id, *keys).where(and_(*where)), keys, descending, cursor, limit
    )


def _sorted_page(
    session: Session, where: list[ColumnElement[bool]], descending: bool, limit: int
) -> tuple[list[int], str | None]:
    """The ids of a first page when there are few matches (the facets counted them all): every
    match sorted. Matches far down the date index (an old waste code, a party's old shipments)
    made a walk read hundreds of thousands of entries before the first one."""
    matches = (
        select(Movement.id, Movement.shipment_date)
        .where(and_(*where))
        .cte("matches")
        .prefix_with("MATERIALIZED", dialect="postgresql")  # sorted here, not walked to
    )
    keys = [matches.c.shipment_date, matches.c.id]
    return _page(session, select(matches.c.id, *keys), keys, descending, None, limit)


@contextmanager
def _hash_joins(session: Session) -> Iterator[None]:
    """Statements that read every match use hash joins on PostgreSQL. The planner underestimates
    how many notifications a jurisdiction and a route filter leave together (they are
    correlated: Korea's authority and a Singapore transit) and then probes the movements once per
    notification: 5,000 index probes, 20-40 ms, where hashing them takes 5 ms."""
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        session.execute(text("SET LOCAL enable_nestloop = off"))
    yield  # no finally: after an error the transaction is rolled back, and the setting with it
    if postgres:
        session.execute(text("RESET enable_nestloop"))


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
    descending = filters.sort == "newest"
    counts: dict[str, dict[str, int]] = {}
    complete, page = True, None
    if facets and not cursor:
        columns = {
            "status": Movement.status,
            "export_country": Movement.export_country,
            "import_country": Movement.import_country,
        }
        with _hash_joins(session):
            counts, complete = _facets(session, where, columns, Movement)
            page = _sorted_page(session, where, descending, limit) if complete else None
    ids, next_cursor = page or _walked_page(session, where, descending, cursor, limit)
    rows = session.execute(
        select(*(c.label(name) for name, c in MOVEMENT_FIELDS.items()))
        .join(Notification, Notification.id == Movement.notification_id)
        .where(Movement.id.in_(ids))
    ).mappings()
    by_id = {row["id"]: dict(row) for row in rows}
    return {
        "items": [by_id[i] for i in ids],
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
