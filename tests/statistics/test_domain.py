from datetime import date
from decimal import Decimal

from app.statistics.domain import Fact, Shipment, art13_table, group


def fact(measure: str, day: date, q: str, unit: str = "t", **dims: str) -> Fact:
    base = {
        "export_country": "MY",
        "import_country": "KR",
        "waste_code": "A1160",
        "operation": "R4",
    } | dims
    return Fact(measure, day, Decimal(q), unit, **base)


def test_group_by_month_sums_each_measure_per_unit() -> None:
    rows = group(
        [
            fact("shipped", date(2026, 1, 5), "10"),
            fact("shipped", date(2026, 1, 20), "5"),
            fact("received", date(2026, 2, 1), "14.5"),
            fact("shipped", date(2026, 1, 9), "3", unit="m3"),
        ],
        "month",
    )
    assert rows == [
        {
            "month": "2026-01",
            "unit": "m3",
            "notified": 0,
            "consented": 0,
            "shipped": 3,
            "received": 0,
        },
        {
            "month": "2026-01",
            "unit": "t",
            "notified": 0,
            "consented": 0,
            "shipped": 15,
            "received": 0,
        },
        {
            "month": "2026-02",
            "unit": "t",
            "notified": 0,
            "consented": 0,
            "shipped": 0,
            "received": Decimal("14.5"),
        },
    ]


def test_group_by_a_dimension() -> None:
    rows = group(
        [
            fact("notified", date(2026, 3, 1), "240", import_country="KR"),
            fact("notified", date(2026, 3, 1), "60", import_country="FR"),
        ],
        "import_country",
    )
    assert [(r["import_country"], r["notified"]) for r in rows] == [("FR", 60), ("KR", 240)]


def test_art13_table_counts_movements_and_sums() -> None:
    ship = Shipment("KR", "Y31 Y34", "H8", "R4", Decimal("19.8"), "t")
    rows = art13_table([ship, ship, Shipment("SG", "Y31", "H8", "R4", Decimal("1"), "t")])
    assert rows[0] == {
        "partner_country": "KR",
        "y_codes": "Y31 Y34",
        "h_codes": "H8",
        "operation": "R4",
        "unit": "t",
        "quantity": Decimal("39.6"),
        "movements": 2,
    }
    assert len(rows) == 2
