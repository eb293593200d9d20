"""Statistics and the Art. 13 national report tables, read within the caller's jurisdiction."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from app.accounts.models import Account, Role
from app.core.errors import Forbidden
from app.movements.models import Movement
from app.notifications.models import Notification
from app.notifications.service import caller_of
from app.statistics import repository
from app.statistics.domain import Fact, Shipment, art13_table, group


def _dims(n: Notification) -> dict[str, str]:
    return {
        "export_country": n.export_country,
        "import_country": n.import_country,
        "waste_code": n.waste.get("basel_code") or n.waste.get("oecd_code") or "—",
        "operation": "+".join(n.operations),
    }


def quantities(*, session: Session, account: Account, year: int, by: str) -> list[dict[str, Any]]:
    """Quantities notified (submission day: a draft is not yet notified), consented (the day
    consent became complete), shipped (the day the shipment left, else its document's date) and
    received (day of receipt) in the year, grouped by month, country, waste code or operation.
    Every day is on the calendar of whoever took the step, so a year's figures hold what was done
    in that year where it was done."""
    if account.role == Role.ADMIN:
        raise Forbidden("Admins manage the service; they do not read shipments.", rule="role")
    caller = caller_of(account)
    facts: list[Fact] = []
    for n in repository.notified_or_consented(session, caller, year):
        dims = _dims(n)
        for measure, day in (("notified", n.submitted_on), ("consented", n.consented_on)):
            if day and day.year == year:
                facts.append(Fact(measure, day, n.quantity, n.unit, **dims))
    for m, n, shipped_on in repository.shipped_or_received(session, caller, year):
        dims = _dims(n)
        if shipped_on.year == year:
            facts.append(Fact("shipped", shipped_on, m.quantity, m.unit, **dims))
        if m.received_on and m.received_on.year == year and m.accepted:
            received = m.received_quantity or Decimal(0)
            facts.append(Fact("received", m.received_on, received, m.unit, **dims))
    return group(facts, by)


def _report_country(account: Account) -> str:
    if account.role not in (Role.AUTHORITY, Role.INSPECTOR):
        raise Forbidden(
            "The national report is for competent authorities and inspectors.", rule="role"
        )
    return account.country


def _shipments(rows: list[tuple[Movement, Notification]], partner: str) -> list[Shipment]:
    return [
        Shipment(
            partner=getattr(n, partner),
            y_codes=" ".join(n.waste.get("y_codes", [])),
            h_codes=" ".join(n.waste.get("h_codes", [])),
            operation=" ".join(n.operations),
            quantity=m.quantity,
            unit=m.unit,
        )
        for m, n in rows
    ]


def art13(*, session: Session, account: Account, year: int) -> dict[str, Any]:
    """The Art. 13(3) tables of the caller's state for a year, from the movements shipped in it
    (by the day they left, as the statistics count them)."""
    country = _report_country(account)

    def table(where: Any, partner: str) -> list[dict[str, object]]:
        return art13_table(_shipments(repository.shipped_in_year(session, year, where), partner))

    return {
        "country": country,
        "year": year,
        "exports": table(Notification.export_country == country, "import_country"),
        "imports": table(Notification.import_country == country, "export_country"),
        "transit": table(repository.through(country), "export_country"),
        "not_completed": [
            {
                "document_no": m.document_no,
                "status": m.status,
                "reason": m.return_reason or m.rejection_reason or "",
                "quantity": m.quantity,
                "unit": m.unit,
            }
            for m in repository.not_completed(session, country, year)
        ],
        "illegal_traffic": [
            {
                "case": f.id,
                "rule": f.rule_id,
                "ground": (f.outcome or {}).get("ground"),
                "action": (f.outcome or {}).get("action"),
                "document_no": f.document_no or "",
            }
            for f in repository.confirmed_flags(session, country, year)
        ],
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
