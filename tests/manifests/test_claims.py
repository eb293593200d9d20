from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from manifests.claims import ManifestClaims, claims_from_cbor, claims_to_cbor
from manifests.errors import InvalidClaims


def test_cbor_round_trip_keeps_every_claim(claims: ManifestClaims) -> None:
    assert claims_from_cbor(claims_to_cbor(claims)) == claims


def test_notification_without_shipment_numbers_round_trips(claims: ManifestClaims) -> None:
    notification = replace(claims, kind="N", shipment_no=None, shipments_total=None)
    assert claims_from_cbor(claims_to_cbor(notification)) == notification


def test_issued_at_is_normalised_to_utc_whole_seconds(claims: ManifestClaims) -> None:
    local = datetime(2026, 2, 20, 11, 30, 0, 999_999, tzinfo=timezone(timedelta(hours=2)))
    assert replace(claims, issued_at=local).issued_at == datetime(2026, 2, 20, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "X"}, "kind"),
        ({"doc_id": ""}, "doc_id"),
        ({"revision": -1}, "revision"),
        ({"shipment_no": 41}, "shipment_no"),
        ({"shipment_no": None}, "shipment_no"),
        ({"waste_codes": ()}, "waste_codes"),
        ({"quantity": Decimal("0")}, "quantity"),
        ({"quantity": Decimal("NaN")}, "quantity"),
        ({"unit": "kg"}, "unit"),
        ({"route": ("DE",)}, "route"),
        ({"route": ("DE", "mys")}, "route.1"),
        ({"valid_to": date(2026, 2, 1)}, "valid_to"),
        ({"issued_at": datetime(2026, 2, 20)}, "issued_at"),
    ],
)
def test_each_broken_rule_names_its_field(
    claims: ManifestClaims, change: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidClaims) as caught:
        replace(claims, **change)  # type: ignore[arg-type]
    assert caught.value.field == field
