"""XML declarations in the style of ASYCUDA's SAD export (``<ASYCUDA>`` per declaration).

A file holds one ``<ASYCUDA>`` element or a wrapper with many; ``position`` is the 1-based index
of the ``<ASYCUDA>`` element. Parsing is streamed (iterparse; each declaration is dropped from
memory once mapped) and safe: via defusedxml any DTD, entity declaration or external reference
is refused, and the whole input is capped at ``max_bytes`` — so an XML bomb or an XXE attempt ends
as one clean RowError, never as memory growth or a file read. XML that stops being well-formed
ends the stream with a RowError at that element; declarations before it have gone through.

| canonical field | ASYCUDA path (under ``ASYCUDA``) |
|---|---|
| declaration_id | Identification/Registration/Number, else Declarant/Reference/Number |
| declared_on | Identification/Registration/Date (ISO or dd/mm/yyyy) |
| direction | Identification/Type/Type_of_declaration: EX export, IM import, TR transit |
| customs_office | Identification/Office_segment/Customs_clearance_office_code |
| office_country | the adapter's ``office_country`` (one ASYCUDA installation = one country) |
| declarant | Declarant/Declarant_name, Declarant_code (country = office country) |
| consignor | Traders/Exporter/Exporter_name, Exporter_code (country = export country) |
| consignee | Traders/Consignee/Consignee_name, Consignee_code (country = destination) |
| dispatch_country | General_information/Country/Export/Export_country_code |
| destination_country | General_information/Country/Destination/Destination_country_code |
| transit_countries | not carried by the SAD: always empty |
| transport_mode | Transport/Means_of_transport/Border_information/Mode (UN/ECE Rec. 19) |
| carrier | Transit/Principal/Name |
| containers | Container/Container_identity |
| goods[].hs_code | Item/Tarification/HScode/Commodity_code |
| goods[].description | Item/Goods_description/Description_of_goods |
| goods[].net_mass_kg | Item/Valuation_item/Weight_itm/Net_weight_itm |
| goods[].packages | Item/Packages/Number_of_packages |
| notification_number | Item/Attached_documents, Attached_document_code BNT → _reference |
| movement_id | Item/Attached_documents, Attached_document_code BMD → _reference |

An element holding only ``<null/>`` (ASYCUDA's empty marker) counts as empty.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import IO, Any

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from customs_adapters.base import (
    DEFAULT_MAX_BYTES,
    MODE_CODES,
    MOVEMENT_DOCUMENT_TYPE,
    NOTIFICATION_DOCUMENT_TYPE,
    InputTooLarge,
    LimitedReader,
    ParsedRow,
    RowError,
    to_row,
)
from customs_adapters.declaration import ConsentMessage

DECLARATION_TAG = "ASYCUDA"
DIRECTIONS = {"EX": "export", "IM": "import", "TR": "transit"}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text(element: ET.Element, path: str) -> str | None:
    found = element.find(path)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def _date(value: str | None) -> str | None:
    if value and len(value) == 10 and value[2] == "/" and value[5] == "/":
        return f"{value[6:]}-{value[3:5]}-{value[:2]}"
    return value


def _attached(items: list[ET.Element], code: str) -> str | None:
    for item in items:
        for document in item.iterfind("Attached_documents"):
            if _text(document, "Attached_document_code") == code:
                return _text(document, "Attached_document_reference")
    return None


def _goods(item: ET.Element) -> dict[str, Any]:
    return {
        "hs_code": _text(item, "Tarification/HScode/Commodity_code"),
        "description": _text(item, "Goods_description/Description_of_goods")
        or _text(item, "Goods_description/Commercial_Description"),
        "net_mass_kg": _text(item, "Valuation_item/Weight_itm/Net_weight_itm"),
        "packages": _text(item, "Packages/Number_of_packages") or 0,
    }


def _strip_namespaces(element: ET.Element) -> None:
    for node in element.iter():
        node.tag = _local(node.tag)


class AsycudaXmlAdapter:
    name = "asycuda_xml"

    def __init__(self, office_country: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES):
        self.office_country = office_country
        self.max_bytes = max_bytes

    def to_canonical(self, sad: ET.Element) -> dict[str, Any]:
        items = list(sad.iterfind("Item"))
        dispatch = _text(sad, "General_information/Country/Export/Export_country_code")
        destination = _text(sad, "General_information/Country/Destination/Destination_country_code")
        kind = (_text(sad, "Identification/Type/Type_of_declaration") or "").upper()
        direction = DIRECTIONS.get(kind, kind)
        office_country = self.office_country or (dispatch if direction == "export" else destination)
        return {
            "declaration_id": _text(sad, "Identification/Registration/Number")
            or _text(sad, "Declarant/Reference/Number"),
            "declared_on": _date(_text(sad, "Identification/Registration/Date")),
            "direction": direction,
            "customs_office": _text(
                sad, "Identification/Office_segment/Customs_clearance_office_code"
            ),
            "office_country": office_country,
            "declarant": {
                "name": _text(sad, "Declarant/Declarant_name"),
                "identifier": _text(sad, "Declarant/Declarant_code"),
                "country": office_country,
            },
            "consignor": {
                "name": _text(sad, "Traders/Exporter/Exporter_name"),
                "identifier": _text(sad, "Traders/Exporter/Exporter_code"),
                "country": dispatch,
            },
            "consignee": {
                "name": _text(sad, "Traders/Consignee/Consignee_name"),
                "identifier": _text(sad, "Traders/Consignee/Consignee_code"),
                "country": destination,
            },
            "dispatch_country": dispatch,
            "destination_country": destination,
            "transport_mode": MODE_CODES.get(
                _text(sad, "Transport/Means_of_transport/Border_information/Mode") or ""
            ),
            "carrier": _text(sad, "Transit/Principal/Name"),
            "containers": [
                c for c in (_text(e, "Container_identity") for e in sad.iterfind("Container")) if c
            ],
            "goods": [_goods(item) for item in items],
            "notification_number": _attached(items, NOTIFICATION_DOCUMENT_TYPE),
            "movement_id": _attached(items, MOVEMENT_DOCUMENT_TYPE),
        }

    def parse(self, stream: IO[bytes]) -> Iterator[ParsedRow]:
        reader = LimitedReader(stream, self.max_bytes)
        events = SafeET.iterparse(reader, events=("start", "end"), forbid_dtd=True)
        position = 0
        root: ET.Element | None = None
        try:
            for event, element in events:
                if root is None:
                    root = element
                if event != "end" or _local(element.tag) != DECLARATION_TAG:
                    continue
                position += 1
                _strip_namespaces(element)
                yield to_row(position, self.to_canonical(element))
                element.clear()
                if root is not element:
                    root.clear()
        except DefusedXmlException as error:
            yield RowError(position + 1, f"XML refused: {type(error).__name__} ({error})")
        except InputTooLarge as error:
            yield RowError(position + 1, f"XML refused: {error}")
        except ET.ParseError as error:
            yield RowError(position + 1, f"XML is not well-formed: {error}")

    def render_consent(self, msg: ConsentMessage) -> bytes:
        root = ET.Element("ASYCUDA_Basel_consent")

        def add(parent: ET.Element, tag: str, value: object | None) -> ET.Element:
            child = ET.SubElement(parent, tag)
            if value is None:
                ET.SubElement(child, "null")
            else:
                child.text = str(value)
            return child

        add(root, "Notification_number", msg.notification_number)
        add(root, "Status", msg.status)
        for tag, trader in (("Exporter", msg.exporter), ("Consignee", msg.consignee)):
            node = ET.SubElement(root, tag)
            add(node, f"{tag}_code", trader.identifier)
            add(node, f"{tag}_name", trader.name)
            add(node, f"{tag}_country_code", trader.country)
        route = ET.SubElement(root, "Route")
        for sequence, state in enumerate(msg.states, start=1):
            node = ET.SubElement(route, "State")
            add(node, "Sequence", sequence)
            add(node, "Country_code", state.country)
            add(node, "Role", state.role)
            add(node, "Office_of_exit_code", state.customs_office_exit)
            add(node, "Office_of_entry_code", state.customs_office_entry)
        codes = ET.SubElement(root, "Waste_codes")
        for code in msg.waste_codes:
            add(codes, "Waste_code", code)
        add(ET.SubElement(root, "HScode"), "Commodity_code", msg.hs_code)
        quantity = ET.SubElement(root, "Quantity")
        add(quantity, "Total", msg.total_quantity)
        add(quantity, "Unit", msg.unit)
        add(root, "Shipments_consented", msg.shipments_consented)
        validity = ET.SubElement(root, "Validity")
        add(validity, "Valid_from", msg.valid_from.isoformat())
        add(validity, "Valid_to", msg.valid_to.isoformat())
        return ET.tostring(root, encoding="utf-8", xml_declaration=True)
