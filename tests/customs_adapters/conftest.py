from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from customs_adapters.declaration import ConsentMessage, RouteState, Trader


@pytest.fixture
def consent() -> ConsentMessage:
    return ConsentMessage(
        notification_number="DE-2025-0001",
        exporter=Trader(name="Acme Recycling GmbH", country="DE", identifier="DE123"),
        consignee=Trader(name="Batt Recovery NV", country="BE", identifier="BE456"),
        states=(
            RouteState(country="DE", role="export", customs_office_exit="DE004250"),
            RouteState(country="NL", role="transit", customs_office_entry="NL000396"),
            RouteState(country="BE", role="import", customs_office_entry="BE101000"),
        ),
        waste_codes=("A1160", "Y31"),
        hs_code="8549.11",
        total_quantity=Decimal("100"),
        unit="t",
        shipments_consented=10,
        valid_from=date(2025, 1, 1),
        valid_to=date(2025, 12, 31),
        status="consented",
    )
