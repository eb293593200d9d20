"""CSV batch files full of odd values, the same for every run (a seeded generator)."""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Sequence
from typing import Any

from customs_adapters.base import ParsedDeclaration, ParsedRow, RowError
from customs_adapters.csv_batch import COLUMNS
from tests.customs_adapters.test_formats import CSV_BASE

#: The canonical row of the format tests, with the HS code in the plain 8-digit form.
PLAIN_ROW = {
    **CSV_BASE,
    "hs_code": "85491100",
    "description": "Waste lead-acid batteries, spent",
}
"""A row every check takes as it is (no conversion needed)."""

ODD_VALUES = {
    "declared_on": [
        "2025-3-1",
        "2025-02-30",
        "2025-02-28",
        " 2025-03-01",
        "20250301",
        "2025-03-01T00:00:00",
        "2025-03-01T10:00:00",
        "0000-01-01",
        "0001-01-01",
        "9999-12-31",
        "2024-02-29",
        "2023-02-29",
        "2025/03/01",
        "",
        "1700000000",
        "２０２５-03-01",
    ],
    "net_mass_kg": [
        "0",
        "00",
        "-1",
        "1e3",
        "1E3",
        "1_000",
        "0001.5",
        "1.2345",
        "1234567890123.5",
        "123456789012.123",
        "999999999999.999",
        "1234567890123",
        "+5",
        "NaN",
        "inf",
        " 5",
        "5.",
        ".5",
        "0.000",
        "0.001",
        "1.000",
        "100",
        "1,5",
        "٣",
        "12345678901234.5",
        "00000000000001",
        "5e-3",
        "-0",
        "20000.0",
    ],
    "packages": [
        "007",
        "+4",
        "4.0",
        "-0",
        "",
        "4_0",
        "٣",
        "-1",
        "0",
        "00",
        " 4",
        "4.5",
        "99999999999999999999999",
        "999999999999999999",
        "1e2",
        "0x10",
    ],
    "office_country": ["de", "XX", "D E", "", "DEU", "ß", "BE", "NL"],
    "consignee_country": ["de", "XX", "", "be", "FR"],
    "declarant_country": ["de", "XX", "AT"],
    "dispatch_country": ["de", "XX", "FR"],
    "transit_countries": ["NL;FR", "nl; fr", "NL;;FR", ";", "XX", "NL;XX", "NL FR", ""],
    "hs_code": [
        "8549.11",
        "85 49 11",
        "854",
        "٨٥٤٩",
        "85491100000",
        "8549.11.00",
        "",
        "85A1",
        "8549",
    ],
    "direction": ["Export", "import", "transit", "EXPORT", "out", ""],
    "transport_mode": ["r", "S", "X", "", "A", "W"],
    "customs_office": [
        "de004250",
        "DE-004250",
        "DE0",
        "D" * 17,
        "D" * 18,
        "DE00425ß",
        "",
        "ÄB1234",
    ],
    "consignor_name": ["", "x" * 513, "x" * 512, "Acme ß GmbH", "ACME-Recycling GmbH."],
    "consignor_id": ["", "x" * 65, "x" * 64],
    "declarant_name": ["", "Zoll"],
    "declarant_id": ["", "DE9", "y" * 65],
    "carrier": ["", "c" * 257, "c" * 256],
    "notification_number": ["", "n" * 65, "n" * 64, "X404"],
    "movement_id": ["", "m" * 65, "m" * 64, "MD-2"],
    "description": ["", 'Line one\nline two, "quoted"', "d" * 513, "d" * 512, "Used car parts"],
    "containers": ["", "A;B", ";;", " A ; B "],
    "declaration_id": ["", "i" * 65, "i" * 64],
}


def odd_rows(count: int, seed: int = 7) -> list[dict[str, str] | list[str]]:
    """``count`` rows: plain ones, rows with one or two odd values, multi-line declarations (the
    same id on consecutive rows), short rows and blank ones."""
    rnd = random.Random(seed)
    rows: list[dict[str, str] | list[str]] = []
    for i in range(count):
        row = dict(PLAIN_ROW, declaration_id=f"D{i // 3 if i % 7 == 0 else i}")
        for _ in range(rnd.choice([0, 0, 1, 1, 2])):
            column = rnd.choice(list(ODD_VALUES))
            row[column] = rnd.choice(ODD_VALUES[column])
        if i % 97 == 0:
            rows.append([row[c] for c in COLUMNS][:5])
        elif i % 89 == 0:
            rows.append([])
        else:
            rows.append(row)
    return rows


def csv_file(
    rows: Sequence[dict[str, str] | list[str]],
    line_end: str = "\r\n",
    header: tuple[str, ...] = COLUMNS,
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=line_end)
    writer.writerow(header)
    for row in rows:
        writer.writerow(row if isinstance(row, list) else [row.get(c, "") for c in COLUMNS])
    return out.getvalue().encode()


def comparable(rows: list[ParsedRow]) -> list[Any]:
    """What must be identical between two parses: positions, reasons and the models, down to
    their repr, JSON form and which fields were set."""
    out: list[Any] = []
    for row in rows:
        if isinstance(row, RowError):
            out.append(("error", row.position, row.reason))
            continue
        assert isinstance(row, ParsedDeclaration)
        d = row.declaration
        out.append(
            (
                row.position,
                d,
                repr(d),
                d.model_dump(mode="json"),
                d.model_fields_set,
                [(g.model_fields_set, repr(g)) for g in d.goods],
                [t.model_fields_set for t in (d.declarant, d.consignor, d.consignee)],
            )
        )
    return out
