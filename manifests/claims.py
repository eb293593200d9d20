"""The claims a BT1 QR code carries: identifiers, not names, so the code stays small.

The CBOR map uses small integer keys (table in docs/qr-payload.md). Dates are ISO strings
("2026-03-01"), ``issued_at`` is whole seconds since the Unix epoch (like a CWT ``iat``), and the
quantity is a decimal string so no float rounding can change a declared tonnage.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

import cbor2

from manifests.errors import InvalidClaims, MalformedPayload

Kind = Literal["N", "M"]
Unit = Literal["t", "m3"]

KINDS = ("N", "M")
UNITS = ("t", "m3")

# CBOR map keys (docs/qr-payload.md). Never renumber: printed codes live for years.
K_KIND = 1
K_DOC_ID = 2
K_REVISION = 3
K_NOTIFICATION_NO = 4
K_SHIPMENT_NO = 5
K_SHIPMENTS_TOTAL = 6
K_WASTE_CODES = 7
K_QUANTITY = 8
K_UNIT = 9
K_ROUTE = 10
K_VALID_FROM = 11
K_VALID_TO = 12
K_ISSUER = 13
K_ISSUED_AT = 14

_COUNTRY = re.compile(r"[A-Z]{2}")
_PRINTABLE_ID = re.compile(r"[\x21-\x7e](?:[\x20-\x7e]{0,62}[\x21-\x7e])?")
_MAX_CODES = 32
_MAX_ROUTE = 12


def _require_id(field: str, value: object) -> None:
    if not isinstance(value, str) or not _PRINTABLE_ID.fullmatch(value):
        raise InvalidClaims(
            field, f"must be 1–64 printable ASCII characters without edge spaces, got {value!r}"
        )


def _require_count(field: str, value: object, minimum: int) -> None:
    if type(value) is not int or not minimum <= value <= 1_000_000:
        raise InvalidClaims(
            field, f"must be a whole number from {minimum} to 1000000, got {value!r}"
        )


@dataclass(frozen=True)
class ManifestClaims:
    """What a customs officer or facility can check offline against the paper in front of them.

    ``kind`` is "N" for a notification (consent) and "M" for a movement document. ``route`` lists
    ISO 3166-1 alpha-2 codes in travel order: state of export first, state of import last.
    """

    kind: Kind
    doc_id: str
    revision: int
    notification_no: str
    shipment_no: int | None
    shipments_total: int | None
    waste_codes: tuple[str, ...]
    quantity: Decimal
    unit: Unit
    route: tuple[str, ...]
    valid_from: date
    valid_to: date
    issuer: str
    issued_at: datetime

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise InvalidClaims(
                "kind", f"must be 'N' (notification) or 'M' (movement), got {self.kind!r}"
            )
        _require_id("doc_id", self.doc_id)
        _require_count("revision", self.revision, 0)
        _require_id("notification_no", self.notification_no)
        _require_id("issuer", self.issuer)
        self._check_shipments()
        self._check_codes()
        self._check_quantity()
        self._check_route()
        self._check_dates()

    def _check_shipments(self) -> None:
        if self.shipments_total is not None:
            _require_count("shipments_total", self.shipments_total, 1)
        if self.shipment_no is not None:
            _require_count("shipment_no", self.shipment_no, 1)
            if self.shipments_total is None or self.shipment_no > self.shipments_total:
                raise InvalidClaims(
                    "shipment_no",
                    f"shipment {self.shipment_no} needs a total of at least {self.shipment_no}, "
                    f"got shipments_total={self.shipments_total!r}",
                )
        if self.kind == "M" and self.shipment_no is None:
            raise InvalidClaims(
                "shipment_no", "a movement document (kind 'M') needs its serial n of N"
            )

    def _check_codes(self) -> None:
        codes = self.waste_codes
        if not isinstance(codes, tuple) or not 1 <= len(codes) <= _MAX_CODES:
            raise InvalidClaims(
                "waste_codes", f"must be a tuple of 1–{_MAX_CODES} codes, got {codes!r}"
            )
        for index, code in enumerate(codes):
            _require_id(f"waste_codes.{index}", code)

    def _check_quantity(self) -> None:
        q = self.quantity
        if not isinstance(q, Decimal) or not q.is_finite() or q <= 0 or q >= 10**9:
            raise InvalidClaims("quantity", f"must be a Decimal above 0 and below 1e9, got {q!r}")
        if self.unit not in UNITS:
            raise InvalidClaims(
                "unit", f"must be 't' (tonnes) or 'm3' (cubic metres), got {self.unit!r}"
            )

    def _check_route(self) -> None:
        route = self.route
        if not isinstance(route, tuple) or not 2 <= len(route) <= _MAX_ROUTE:
            raise InvalidClaims(
                "route",
                f"must be a tuple of 2–{_MAX_ROUTE} countries (export … import), got {route!r}",
            )
        for index, country in enumerate(route):
            if not isinstance(country, str) or not _COUNTRY.fullmatch(country):
                raise InvalidClaims(
                    f"route.{index}",
                    f"must be an ISO 3166-1 alpha-2 code like 'DE', got {country!r}",
                )

    def _check_dates(self) -> None:
        for name in ("valid_from", "valid_to"):
            value = getattr(self, name)
            if type(value) is not date:
                raise InvalidClaims(name, f"must be a date (not a datetime), got {value!r}")
        if self.valid_from > self.valid_to:
            raise InvalidClaims(
                "valid_to", f"{self.valid_to} is before valid_from {self.valid_from}"
            )
        at = self.issued_at
        if not isinstance(at, datetime) or at.tzinfo is None:
            raise InvalidClaims("issued_at", f"must be a timezone-aware datetime, got {at!r}")
        # Normalise to UTC, whole seconds: that is all the payload carries.
        object.__setattr__(self, "issued_at", at.astimezone(UTC).replace(microsecond=0))

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form for API answers and the CLI."""
        return {
            "kind": self.kind,
            "doc_id": self.doc_id,
            "revision": self.revision,
            "notification_no": self.notification_no,
            "shipment_no": self.shipment_no,
            "shipments_total": self.shipments_total,
            "waste_codes": list(self.waste_codes),
            "quantity": format(self.quantity, "f"),
            "unit": self.unit,
            "route": list(self.route),
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat(),
            "issuer": self.issuer,
            "issued_at": self.issued_at.isoformat().replace("+00:00", "Z"),
        }


def claims_to_cbor(claims: ManifestClaims) -> bytes:
    """The CBOR map signed inside the COSE_Sign1 payload; absent shipment numbers are left out."""
    body: dict[int, Any] = {
        K_KIND: claims.kind,
        K_DOC_ID: claims.doc_id,
        K_REVISION: claims.revision,
        K_NOTIFICATION_NO: claims.notification_no,
    }
    if claims.shipment_no is not None:
        body[K_SHIPMENT_NO] = claims.shipment_no
    if claims.shipments_total is not None:
        body[K_SHIPMENTS_TOTAL] = claims.shipments_total
    body[K_WASTE_CODES] = list(claims.waste_codes)
    body[K_QUANTITY] = format(claims.quantity, "f")
    body[K_UNIT] = claims.unit
    body[K_ROUTE] = list(claims.route)
    body[K_VALID_FROM] = claims.valid_from.isoformat()
    body[K_VALID_TO] = claims.valid_to.isoformat()
    body[K_ISSUER] = claims.issuer
    body[K_ISSUED_AT] = int(claims.issued_at.timestamp())
    return cbor2.dumps(body)


def _text(body: Mapping[Any, Any], key: int, name: str) -> str:
    value = body.get(key)
    if not isinstance(value, str):
        raise MalformedPayload(f"claim {key} ({name}) must be a text string, got {value!r:.40}")
    return value


def _texts(body: Mapping[Any, Any], key: int, name: str) -> tuple[str, ...]:
    value = body.get(key)
    if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
        raise MalformedPayload(f"claim {key} ({name}) must be an array of text strings")
    return tuple(value)


def _date(body: Mapping[Any, Any], key: int, name: str) -> date:
    text = _text(body, key, name)
    if len(text) != 10:
        raise MalformedPayload(f"claim {key} ({name}) must be a date YYYY-MM-DD, got {text!r:.40}")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise MalformedPayload(f"claim {key} ({name}) is not a date: {text!r}") from None


def _optional_int(body: Mapping[Any, Any], key: int, name: str) -> int | None:
    value = body.get(key)
    if value is not None and type(value) is not int:
        raise MalformedPayload(f"claim {key} ({name}) must be an integer, got {value!r:.40}")
    return value


def claims_from_cbor(data: bytes) -> ManifestClaims:
    """Parse and validate a claims map; raise MalformedPayload or InvalidClaims, nothing else."""
    try:
        body = cbor2.loads(data, allow_duplicate_keys=False, max_depth=8)
    except Exception as error:  # cbor2 raises several types on hostile bytes
        raise MalformedPayload(f"claims are not valid CBOR ({type(error).__name__})") from None
    if not isinstance(body, Mapping):
        raise MalformedPayload("claims must be a CBOR map")
    issued = body.get(K_ISSUED_AT)
    if type(issued) is not int or not 0 <= issued < 2**33:
        raise MalformedPayload(f"claim {K_ISSUED_AT} (issued_at) must be epoch seconds")
    quantity_text = _text(body, K_QUANTITY, "quantity")
    try:
        quantity = Decimal(quantity_text)
    except InvalidOperation:
        raise MalformedPayload(f"claim {K_QUANTITY} (quantity) is not a decimal") from None
    revision = _optional_int(body, K_REVISION, "revision")
    if revision is None:
        raise MalformedPayload(f"claim {K_REVISION} (revision) is missing")
    return ManifestClaims(
        kind=_text(body, K_KIND, "kind"),  # type: ignore[arg-type]  # checked in __post_init__
        doc_id=_text(body, K_DOC_ID, "doc_id"),
        revision=revision,
        notification_no=_text(body, K_NOTIFICATION_NO, "notification_no"),
        shipment_no=_optional_int(body, K_SHIPMENT_NO, "shipment_no"),
        shipments_total=_optional_int(body, K_SHIPMENTS_TOTAL, "shipments_total"),
        waste_codes=_texts(body, K_WASTE_CODES, "waste_codes"),
        quantity=quantity,
        unit=_text(body, K_UNIT, "unit"),  # type: ignore[arg-type]  # checked in __post_init__
        route=_texts(body, K_ROUTE, "route"),
        valid_from=_date(body, K_VALID_FROM, "valid_from"),
        valid_to=_date(body, K_VALID_TO, "valid_to"),
        issuer=_text(body, K_ISSUER, "issuer"),
        issued_at=datetime.fromtimestamp(issued, UTC),
    )
