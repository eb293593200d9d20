"""Aggregation as pure functions over plain rows (so the sums are tested without a database)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

MEASURES = ("notified", "consented", "shipped", "received")


@dataclass(frozen=True)
class Fact:
    """One quantity counted under one measure on one day, with what it can be grouped by."""

    measure: str
    day: date
    quantity: Decimal
    unit: str
    export_country: str
    import_country: str
    waste_code: str
    operation: str


def group(facts: Iterable[Fact], by: str) -> list[dict[str, object]]:
    """Sum each measure per key (month ``YYYY-MM`` or a fact attribute) and unit."""
    sums: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(
        lambda: dict.fromkeys(MEASURES, Decimal(0))
    )
    for fact in facts:
        key = fact.day.strftime("%Y-%m") if by == "month" else str(getattr(fact, by))
        sums[(key, fact.unit)][fact.measure] += fact.quantity
    return [{by: key, "unit": unit, **values} for (key, unit), values in sorted(sums.items())]


@dataclass(frozen=True)
class Shipment:
    """A movement as the national report counts it."""

    partner: str
    y_codes: str
    h_codes: str
    operation: str
    quantity: Decimal
    unit: str


def art13_table(shipments: Iterable[Shipment]) -> list[dict[str, object]]:
    """Basel Art. 13(3)(b): amounts by partner state, Y and H categories and operation."""
    sums: dict[tuple[str, str, str, str, str], list[Decimal]] = defaultdict(
        lambda: [Decimal(0), Decimal(0)]
    )
    for s in shipments:
        row = sums[(s.partner, s.y_codes, s.h_codes, s.operation, s.unit)]
        row[0] += s.quantity
        row[1] += 1
    return [
        {
            "partner_country": k[0],
            "y_codes": k[1],
            "h_codes": k[2],
            "operation": k[3],
            "unit": k[4],
            "quantity": v[0],
            "movements": int(v[1]),
        }
        for k, v in sorted(sums.items())
    ]
