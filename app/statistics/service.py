"""Statistics and the Art. 13 national report tables, read within the caller's jurisdiction."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from app.accounts.models import Account, Role
from app.core.errors import Forbidden
from app.movements.domain import MovementStatus
from app.movements.models import Movement
from app.notifications import repository as notifications
from app.notifications.models import Notification, StateConcerned
from app.notifications.service import caller_of
from app.screening.models import FlagRecord
from app.statistics.domain import Fact, Shipment, art13_table, group

SHIPPED = [
    s.value for s in MovementStatus if s not in (MovementStatus.CREATED, MovementStatus.CANCELLED)
]


def _dims(n: Notification) -> dict[str, str]:
    return {
        "export_country": n.export_country,
        "import_country": n.import_country,
        "waste_code": n.waste.get("basel_code") or n.waste.get("oecd_code") or "—",
        "operation": "+".join(n.operations),
    }


def _year(column: Any, year: int) -> Any:
    return and_(column >= date(year, 1, 1), column <= date(year, 12, 31))


def quantities(*, session: Session, account: Account, year: int, by: str) -> list[dict[str, Any]]:
    """Quantities notified (submission date: a draft is not yet notified), consented (consent
    date), shipped (shipment date) and received (receipt date) in the year, grouped by month,
    country, waste code or operation."""
    if account.role == Role.ADMIN:
        raise Forbidden("Admins manage the service; they do not read shipments.", rule="role")
    visible = notifications.visible_filter(caller_of(account))
    facts: list[Fact] = []
    for n in session.scalars(select(Notification).where(visible)):  # type: ignore[arg-type]
        dims = _dims(n)
        if n.submitted_on and n.submitted_on.year == year:
            facts.append(Fact("notified", n.submitted_on, n.quantity, n.unit, **dims))
        if n.consented_at and n.consented_at.year == year:
            facts.append(Fact("consented", n.consented_at.date(), n.quantity, n.unit, **dims))
    rows = session.execute(
        select(Movement, Notification)
        .join(Notification, Notification.id == Movement.notification_id)
        .where(visible, Movement.status.in_(SHIPPED))  # type: ignore[arg-type]
    )
    for m, n in rows:
        dims = _dims(n)
        shipped_on = m.departed_at.date() if m.departed_at else m.shipment_date
        if shipped_on.year == year:
            facts.append(Fact("shipped", shipped_on, m.quantity, m.unit, **dims))
        if m.received_on and m.received_on.year == year and m.accepted:
            facts.append(
                Fact("received", m.received_on, m.received_quantity or Decimal(0), m.unit, **dims)
            )
    return group(facts, by)


def _report_country(account: Account) -> str:
    if account.role not in (Role.AUTHORITY, Role.INSPECTOR):
        raise Forbidden(
            "The national report is for competent authorities and inspectors.", rule="role"
        )
    return account.country


def art13(*, session: Session, account: Account, year: int) -> dict[str, Any]:
    """The Art. 13(3) tables of the caller's state for a year, from the recorded movements."""
    country = _report_country(account)
    base = (
        select(Movement, Notification)
        .join(Notification, Notification.id == Movement.notification_id)
        .where(_year(Movement.shipment_date, year), Movement.status.in_(SHIPPED))
    )

    def shipments(where: Any, partner: str) -> list[Shipment]:
        return [
            Shipment(
                partner=getattr(n, partner),
                y_codes=" ".join(n.waste.get("y_codes", [])),
                h_codes=" ".join(n.waste.get("h_codes", [])),
                operation=" ".join(n.operations),
                quantity=m.quantity,
                unit=m.unit,
            )
            for m, n in session.execute(base.where(where))
        ]

    through = exists(
        select(StateConcerned.id).where(
            StateConcerned.notification_id == Notification.id,
            StateConcerned.country == country,
            StateConcerned.capacity == "transit",
        )
    )
    not_completed = [
        {
            "document_no": m.document_no,
            "status": m.status,
            "reason": m.return_reason or m.rejection_reason or "",
            "quantity": m.quantity,
            "unit": m.unit,
        }
        for m, n in session.execute(
            base.where(
                Movement.status.in_(["rejected", "return_required"]),
                (Notification.export_country == country) | (Notification.import_country == country),
            )
        )
    ]
    illegal = [
        {
            "case": f.id,
            "rule": f.rule_id,
            "ground": (f.outcome or {}).get("ground"),
            "action": (f.outcome or {}).get("action"),
            "document_no": f.document_no or "",
        }
        for f in session.scalars(
            select(FlagRecord).where(
                FlagRecord.country == country,
                FlagRecord.status == "confirmed",
                FlagRecord.closed_at >= datetime(year, 1, 1, tzinfo=UTC),
                FlagRecord.closed_at < datetime(year + 1, 1, 1, tzinfo=UTC),
            )
        )
    ]
    return {
        "country": country,
        "year": year,
        "exports": art13_table(shipments(Notification.export_country == country, "import_country")),
        "imports": art13_table(shipments(Notification.import_country == country, "export_country")),
        "transit": art13_table(shipments(through, "export_country")),
        "not_completed": not_completed,
        "illegal_traffic": illegal,
        "accidents": [],
        "notes": [
            "Accidents during movements are not recorded by this service: report them "
            "separately (Art. 13(3)(e))."
        ],
    }


def art13_csv(report: dict[str, Any]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "table",
            "partner_country",
            "y_codes",
            "h_codes",
            "operation",
            "quantity",
            "unit",
            "movements",
        ]
    )
    for table in ("exports", "imports", "transit"):
        for row in report[table]:
            writer.writerow(
                [
                    table,
                    row["partner_country"],
                    row["y_codes"],
                    row["h_codes"],
                    row["operation"],
                    row["quantity"],
                    row["unit"],
                    row["movements"],
                ]
            )
    for row in report["not_completed"]:
        writer.writerow(
            ["not_completed", "", "", "", row["status"], row["quantity"], row["unit"], 1]
        )
    yield buffer.getvalue()
