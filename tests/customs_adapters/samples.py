"""A canonical declaration as plain data, shared by the format tests."""

from __future__ import annotations

from typing import Any


def canonical(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "declaration_id": "EX-1",
        "declared_on": "2025-03-01",
        "customs_office": "DE004250",
        "office_country": "DE",
        "direction": "export",
        "declarant": {"name": "Zoll Agent KG", "country": "DE"},
        "consignor": {"name": "Acme Recycling GmbH", "country": "DE", "identifier": "DE123"},
        "consignee": {"name": "Batt Recovery NV", "country": "BE", "identifier": "BE456"},
        "dispatch_country": "DE",
        "destination_country": "BE",
        "transit_countries": ["NL"],
        "goods": [
            {
                "hs_code": "85491100",
                "description": "Waste lead-acid batteries",
                "net_mass_kg": "10000",
                "packages": 20,
            }
        ],
        "containers": ["MSKU1234565"],
        "transport_mode": "R",
        "carrier": "Rhein Trans GmbH",
        "notification_number": "DE-2025-0001",
        "movement_id": "MD-1",
    }
    data.update(changes)
    return data
