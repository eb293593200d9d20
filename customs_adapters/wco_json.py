"""Declarations in JSON following the WCO Data Model (DEC) class and element names.

The element names are those of the WCO DM declaration information package as used in the
published DEC-DMS XML of customs systems (e.g. HMRC CDS samples: ``Declaration``,
``FunctionalReferenceID``, ``GoodsShipment``, ``Consignment``, ``Itinerary/RoutingCountryCode``,
``TransportEquipment/ID``, ``GovernmentAgencyGoodsItem``, ``Commodity/Classification/ID`` with
``IdentificationTypeCode``, ``GoodsMeasure/NetNetWeightMeasure``, ``ExitOffice/ID``), written as
JSON objects: a child element is a key, a repeated element is a list, an attribute such as
``unitCode`` sits next to the value as ``{"value": "50", "unitCode": "KGM"}`` or the plain value
is given (kilograms then).

Input: one ``{"Declaration": {...}}`` object or a list of them; ``position`` is the 1-based index.

| canonical field | WCO DM path (under Declaration) |
|---|---|
| declaration_id | FunctionalReferenceID |
| declared_on | IssueDateTime/DateTimeString (format 102 CCYYMMDD, or ISO date) |
| direction | TypeCode: EX… export, IM… import, T… transit (T1, T2, TIR) |
| customs_office | ExitOffice/ID, else PresentationOffice/ID |
| office_country | first two letters of the office ID (EU-style reference numbers) |
| declarant | Declarant/Name, Declarant/ID, Declarant/Address/CountryCode |
| consignor | Exporter/(Name, ID, Address/CountryCode) |
| consignee | GoodsShipment/Consignee/(Name, ID, Address/CountryCode) |
| dispatch_country | GoodsShipment/ExportCountry/ID |
| destination_country | GoodsShipment/Destination/CountryCode |
| transit_countries | GoodsShipment/Consignment/Itinerary/RoutingCountryCode (not dispatch/dest.) |
| containers | GoodsShipment/Consignment/TransportEquipment/ID |
| transport_mode | BorderTransportMeans/ModeCode (UN/ECE Rec. 19: 1 S, 2 T, 3 R, 4 A, 8 W) |
| carrier | GoodsShipment/Consignment/Carrier/Name |
| goods[].hs_code | GovernmentAgencyGoodsItem/Commodity/Classification/ID (type TSP, HS, CN) |
| goods[].description | GovernmentAgencyGoodsItem/Commodity/Description |
| goods[].net_mass_kg | GovernmentAgencyGoodsItem/Commodity/GoodsMeasure/NetNetWeightMeasure |
| goods[].packages | sum of GovernmentAgencyGoodsItem/Packaging/QuantityQuantity |
| notification_number | GoodsShipment/AdditionalDocument with TypeCode ``BNT`` → ID |
| movement_id | GoodsShipment/AdditionalDocument with TypeCode ``BMD`` → ID |

``BNT`` / ``BMD``: see ``customs_adapters.base.NOTIFICATION_DOCUMENT_TYPE``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from customs_adapters.base import (
    DEFAULT_MAX_BYTES,
    MODE_CODES,
    MOVEMENT_DOCUMENT_TYPE,
    NOTIFICATION_DOCUMENT_TYPE,
    InputTooLarge,
    ParsedRow,
    RowError,
    read_capped,
    to_row,
)

HS_CLASSIFICATION_TYPES = ("TSP", "HS", "CN")
UNIT_TO_KG = {"KGM": Decimal(1), "TNE": Decimal(1000)}


def _get(node: Any, *path: str) -> Any:
    for key in path:
        if isinstance(node, list):
            node = node[0] if node else None
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def _many(node: Any) -> list[Any]:
    if node is None:
        return []
    return node if isinstance(node, list) else [node]


def _direction(type_code: str) -> str:
    code = type_code.upper()
    if code.startswith("EX"):
        return "export"
    if code.startswith("IM"):
        return "import"
    if code.startswith("T"):
        return "transit"
    return code


def _date(value: Any) -> Any:
    text = str(_get(value, "DateTimeString") if isinstance(value, dict) else value or "")
    if len(text) >= 8 and text[:8].isdigit():
        return f"{text[:4]}-{text[4:6]}-{text[6:8]}"
    return text


def _kilograms(measure: Any) -> Any:
    if isinstance(measure, dict):
        unit = str(measure.get("unitCode", "KGM")).upper()
        if unit not in UNIT_TO_KG:
            raise ValueError(f"NetNetWeightMeasure unitCode '{unit}' is not KGM or TNE")
        try:
            return Decimal(str(measure.get("value"))) * UNIT_TO_KG[unit]
        except InvalidOperation as error:
            raise ValueError(
                f"NetNetWeightMeasure '{measure.get('value')}' is not a number"
            ) from error
    return measure


def _party(node: Any) -> dict[str, Any]:
    return {
        "name": _get(node, "Name"),
        "identifier": _get(node, "ID"),
        "country": _get(node, "Address", "CountryCode"),
    }


def _hs_code(commodity: Any) -> Any:
    for classification in _many(_get(commodity, "Classification")):
        if str(_get(classification, "IdentificationTypeCode")).upper() in HS_CLASSIFICATION_TYPES:
            return _get(classification, "ID")
    return None


def _goods_item(item: Any) -> dict[str, Any]:
    commodity = _get(item, "Commodity")
    return {
        "hs_code": _hs_code(commodity),
        "description": _get(commodity, "Description"),
        "net_mass_kg": _kilograms(_get(commodity, "GoodsMeasure", "NetNetWeightMeasure")),
        "packages": sum(
            int(_get(p, "QuantityQuantity") or 0) for p in _many(_get(item, "Packaging"))
        ),
    }


def _document_id(shipment: Any, type_code: str) -> Any:
    for document in _many(_get(shipment, "AdditionalDocument")):
        if _get(document, "TypeCode") == type_code:
            return _get(document, "ID")
    return None


def to_canonical(declaration: dict[str, Any]) -> dict[str, Any]:
    """Map one WCO DM ``Declaration`` object to canonical fields (validated afterwards)."""
    shipment = _get(declaration, "GoodsShipment")
    consignment = _get(shipment, "Consignment")
    office = str(
        _get(declaration, "ExitOffice", "ID") or _get(declaration, "PresentationOffice", "ID") or ""
    )
    dispatch = _get(shipment, "ExportCountry", "ID")
    destination = _get(shipment, "Destination", "CountryCode")
    routing = [_get(leg, "RoutingCountryCode") for leg in _many(_get(consignment, "Itinerary"))]
    return {
        "declaration_id": _get(declaration, "FunctionalReferenceID"),
        "declared_on": _date(_get(declaration, "IssueDateTime")),
        "direction": _direction(str(_get(declaration, "TypeCode") or "")),
        "customs_office": office,
        "office_country": office[:2],
        "declarant": _party(_get(declaration, "Declarant")),
        "consignor": _party(_get(declaration, "Exporter")),
        "consignee": _party(_get(shipment, "Consignee")),
        "dispatch_country": dispatch,
        "destination_country": destination,
        "transit_countries": [c for c in routing if c and c not in (dispatch, destination)],
        "containers": [_get(e, "ID") for e in _many(_get(consignment, "TransportEquipment"))],
        "transport_mode": MODE_CODES.get(
            str(_get(declaration, "BorderTransportMeans", "ModeCode"))
        ),
        "carrier": _get(consignment, "Carrier", "Name"),
        "goods": [_goods_item(i) for i in _many(_get(shipment, "GovernmentAgencyGoodsItem"))],
        "notification_number": _document_id(shipment, NOTIFICATION_DOCUMENT_TYPE),
        "movement_id": _document_id(shipment, MOVEMENT_DOCUMENT_TYPE),
    }


class WcoJsonAdapter:
    name = "wco_json"

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.max_bytes = max_bytes

    def parse(self, stream: IO[bytes]) -> Iterator[ParsedRow]:
        try:
            document = json.loads(read_capped(stream, self.max_bytes))
        except InputTooLarge as error:
            yield RowError(0, str(error))
            return
        except (ValueError, UnicodeDecodeError) as error:
            yield RowError(0, f"not valid JSON: {error}")
            return
        for position, element in enumerate(_many(document), start=1):
            declaration = _get(element, "Declaration")
            if not isinstance(declaration, dict):
                yield RowError(position, "element has no 'Declaration' object")
                continue
            try:
                data = to_canonical(declaration)
            except (TypeError, ValueError, AttributeError) as error:
                yield RowError(position, f"does not follow the WCO DM mapping: {error}")
                continue
            yield to_row(position, data)
