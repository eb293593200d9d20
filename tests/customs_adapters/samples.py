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


def klang_export(**changes: Any) -> dict[str, Any]:
    """An export declaration at Port Klang (MYPKG) on the demo route, Malaysia to Korea through
    Singapore, between the demo's battery recycler and smelter."""
    return canonical(
        **{
            "customs_office": "MYPKG",
            "office_country": "MY",
            "declarant": {"name": "Klang Forwarding", "country": "MY"},
            "consignor": {"name": "Pulau Battery Recyclers Sdn Bhd", "country": "MY"},
            "consignee": {"name": "Onsan Lead Smelting Co., Ltd.", "country": "KR"},
            "dispatch_country": "MY",
            "destination_country": "KR",
            "transit_countries": ["SG"],
            **changes,
        }
    )
