"""CSV, WCO JSON and ASYCUDA XML files: good declarations reach the canonical model, bad ones are
reported with their position and a reason, and hostile XML is refused cleanly."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import defusedxml.ElementTree as SafeET
import pytest

from app.core.errors import InvalidInput
from customs_adapters.asycuda_xml import AsycudaXmlAdapter
from customs_adapters.base import ConsentRenderer, DeclarationAdapter, ParsedDeclaration, RowError
from customs_adapters.csv_batch import COLUMNS, CsvBatchAdapter
from customs_adapters.declaration import ConsentMessage, CustomsDeclaration
from customs_adapters.registry import ADAPTERS, get_adapter
from customs_adapters.wco_json import WcoJsonAdapter


def split(rows: list[Any]) -> tuple[list[CustomsDeclaration], list[RowError]]:
    good = [r.declaration for r in rows if isinstance(r, ParsedDeclaration)]
    return good, [r for r in rows if isinstance(r, RowError)]


# --- CSV -----------------------------------------------------------------------------------------

CSV_BASE = {
    "declared_on": "2025-03-01",
    "customs_office": "DE004250",
    "office_country": "DE",
    "direction": "export",
    "declarant_name": "Zoll Agent KG",
    "declarant_country": "DE",
    "declarant_id": "",
    "consignor_name": "Acme Recycling GmbH",
    "consignor_country": "DE",
    "consignor_id": "DE123",
    "consignee_name": "Batt Recovery NV",
    "consignee_country": "BE",
    "consignee_id": "BE456",
    "dispatch_country": "DE",
    "destination_country": "BE",
    "transit_countries": "NL",
    "hs_code": "8549.11",
    "description": "Waste lead-acid batteries",
    "net_mass_kg": "10000",
    "packages": "20",
    "containers": "MSKU1234565;TGHU7654321",
    "transport_mode": "R",
    "carrier": "Rhein Trans GmbH",
    "notification_number": "DE-2025-0001",
    "movement_id": "MD-1",
}


def csv_bytes(rows: Sequence[dict[str, str] | list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(row if isinstance(row, list) else [row.get(c, "") for c in COLUMNS])
    return out.getvalue().encode()


def csv_row(**changes: str) -> dict[str, str]:
    return {**CSV_BASE, **changes}


def test_csv_groups_lines_and_reports_bad_rows_by_line_number() -> None:
    data = csv_bytes(
        [
            csv_row(declaration_id="A"),  # line 2
            csv_row(declaration_id="A", hs_code="262019", net_mass_kg="500.5"),  # line 3
            csv_row(declaration_id="B", net_mass_kg="-5"),  # line 4
            csv_row(declaration_id="C", hs_code="85A1"),  # line 5
            ["D", "2025-03-01", "DE004250"],  # line 6: short row
            csv_row(declaration_id="E", consignee_country="Belgium"),  # line 7
            csv_row(declaration_id="F", transit_countries=""),  # line 8
        ]
    )
    good, errors = split(list(CsvBatchAdapter().parse(io.BytesIO(data))))
    assert [d.declaration_id for d in good] == ["A", "F"]
    a = good[0]
    assert [line.hs_code for line in a.goods] == ["854911", "262019"]
    assert a.total_net_mass_kg == Decimal("10500.5")
    assert a.containers == ("MSKU1234565", "TGHU7654321")
    assert good[1].transit_countries == ()
    assert [e.position for e in errors] == [4, 5, 6, 7]
    assert "net_mass_kg" in errors[0].reason and "greater than 0" in errors[0].reason
    assert "hs_code" in errors[1].reason and "85A1" in errors[1].reason
    assert "3 columns" in errors[2].reason
    assert "consignee.country" in errors[3].reason and "Belgium" in errors[3].reason
    assert "'B' is not passed on" in errors[0].reason


def test_csv_without_required_columns_is_refused_at_the_header() -> None:
    (error,) = CsvBatchAdapter().parse(io.BytesIO(b"declaration_id,hs_code\nA,8549\n"))
    assert isinstance(error, RowError) and error.position == 1
    assert "movement_id" in error.reason


# --- WCO JSON ------------------------------------------------------------------------------------


def wco(reference: str, *, hs: str = "85491100", mass: object = None) -> dict[str, Any]:
    return {
        "Declaration": {
            "FunctionalReferenceID": reference,
            "TypeCode": "EXA",
            "IssueDateTime": {"DateTimeString": "20250301"},
            "ExitOffice": {"ID": "DE004250"},
            "BorderTransportMeans": {"ModeCode": "3"},
            "Declarant": {"Name": "Zoll Agent KG", "Address": {"CountryCode": "DE"}},
            "Exporter": {
                "Name": "Acme Recycling GmbH",
                "ID": "DE123",
                "Address": {"CountryCode": "DE"},
            },
            "GoodsShipment": {
                "Consignee": {"Name": "Batt Recovery NV", "Address": {"CountryCode": "BE"}},
                "ExportCountry": {"ID": "DE"},
                "Destination": {"CountryCode": "BE"},
                "Consignment": {
                    "Carrier": {"Name": "Rhein Trans GmbH"},
                    "Itinerary": [{"RoutingCountryCode": c} for c in ("DE", "NL", "BE")],
                    "TransportEquipment": [{"SequenceNumeric": 1, "ID": "MSKU1234565"}],
                },
                "AdditionalDocument": [
                    {"TypeCode": "BNT", "ID": "DE-2025-0001"},
                    {"TypeCode": "BMD", "ID": "MD-1"},
                ],
                "GovernmentAgencyGoodsItem": [
                    {
                        "Commodity": {
                            "Description": "Waste lead-acid batteries",
                            "Classification": [
                                {"ID": "10", "IdentificationTypeCode": "TRC"},
                                {"ID": hs, "IdentificationTypeCode": "TSP"},
                            ],
                            "GoodsMeasure": {
                                "NetNetWeightMeasure": mass or {"value": "10.5", "unitCode": "TNE"}
                            },
                        },
                        "Packaging": [{"QuantityQuantity": 12}, {"QuantityQuantity": 8}],
                    }
                ],
            },
        }
    }


def test_wco_json_maps_data_model_elements_and_reports_bad_elements() -> None:
    document = [
        wco("LRN-1"),
        wco("LRN-2", mass={"value": "-3", "unitCode": "KGM"}),
        wco("LRN-3", hs="ABCD"),
        {"NotADeclaration": {}},
        wco("LRN-5", mass={"value": "3", "unitCode": "LTR"}),
    ]
    rows = list(WcoJsonAdapter().parse(io.BytesIO(json.dumps(document).encode())))
    good, errors = split(rows)
    (declaration,) = good
    assert declaration.declaration_id == "LRN-1"
    assert declaration.direction == "export" and declaration.office_country == "DE"
    assert declaration.transit_countries == ("NL",)
    assert declaration.transport_mode == "R"
    assert declaration.goods[0].net_mass_kg == Decimal("10500.0")
    assert declaration.goods[0].packages == 20
    assert (declaration.notification_number, declaration.movement_id) == ("DE-2025-0001", "MD-1")
    assert [e.position for e in errors] == [2, 3, 4, 5]
    assert "net_mass_kg" in errors[0].reason
    assert "hs_code" in errors[1].reason
    assert "Declaration" in errors[2].reason
    assert "LTR" in errors[3].reason


def test_wco_json_refuses_oversized_or_broken_documents() -> None:
    (too_big,) = WcoJsonAdapter(max_bytes=100).parse(io.BytesIO(json.dumps([wco("X")]).encode()))
    assert isinstance(too_big, RowError) and "limit of 100 bytes" in too_big.reason
    (broken,) = WcoJsonAdapter().parse(io.BytesIO(b'[{"Declaration": '))
    assert isinstance(broken, RowError) and "not valid JSON" in broken.reason


# --- ASYCUDA XML ---------------------------------------------------------------------------------


def sad(number: str, *, hs: str = "85491100", mass: str = "10000") -> str:
    return f"""
<ASYCUDA>
  <Identification>
    <Office_segment><Customs_clearance_office_code>TGLOME</Customs_clearance_office_code>
    </Office_segment>
    <Type><Type_of_declaration>IM</Type_of_declaration></Type>
    <Registration><Number>{number}</Number><Date>01/03/2025</Date></Registration>
  </Identification>
  <Traders>
    <Exporter><Exporter_code>DE123</Exporter_code><Exporter_name>Acme Recycling GmbH</Exporter_name>
    </Exporter>
    <Consignee><Consignee_code><null/></Consignee_code>
      <Consignee_name>Lome Metals SARL</Consignee_name>
    </Consignee>
  </Traders>
  <Declarant><Declarant_code>TG77</Declarant_code><Declarant_name>Transit Togo</Declarant_name>
  </Declarant>
  <General_information><Country>
    <Export><Export_country_code>DE</Export_country_code></Export>
    <Destination><Destination_country_code>TG</Destination_country_code></Destination>
  </Country></General_information>
  <Transport><Means_of_transport><Border_information><Mode>1</Mode></Border_information>
  </Means_of_transport></Transport>
  <Container><Item_Number>1</Item_Number><Container_identity>MSKU1234565</Container_identity>
  </Container>
  <Item>
    <Attached_documents><Attached_document_code>BNT</Attached_document_code>
      <Attached_document_reference>DE-2025-0009</Attached_document_reference></Attached_documents>
    <Packages><Number_of_packages>40</Number_of_packages></Packages>
    <Tarification><HScode><Commodity_code>{hs}</Commodity_code></HScode></Tarification>
    <Goods_description><Description_of_goods>Used computers</Description_of_goods>
    </Goods_description>
    <Valuation_item><Weight_itm><Net_weight_itm>{mass}</Net_weight_itm></Weight_itm>
    </Valuation_item>
  </Item>
</ASYCUDA>"""


def batch(*declarations: str) -> io.BytesIO:
    body = "".join(declarations)
    return io.BytesIO(f'<?xml version="1.0"?><ASYCUDA_batch>{body}</ASYCUDA_batch>'.encode())


def test_asycuda_xml_streams_declarations_and_reports_bad_elements() -> None:
    rows = list(
        AsycudaXmlAdapter(office_country="TG").parse(
            batch(sad("I-1"), sad("I-2", hs="12"), sad("I-3", mass="-1"), sad("I-4"))
        )
    )
    good, errors = split(rows)
    assert [d.declaration_id for d in good] == ["I-1", "I-4"]
    first = good[0]
    assert first.direction == "import" and first.customs_office == "TGLOME"
    assert str(first.declared_on) == "2025-03-01"
    assert first.consignee.identifier is None and first.transport_mode == "S"
    assert first.notification_number == "DE-2025-0009" and first.containers == ("MSKU1234565",)
    assert [e.position for e in errors] == [2, 3]
    assert "hs_code" in errors[0].reason and "'12'" in errors[0].reason
    assert "net_mass_kg" in errors[1].reason


def test_asycuda_xml_single_declaration_without_wrapper() -> None:
    (row,) = AsycudaXmlAdapter(office_country="TG").parse(io.BytesIO(sad("I-9").encode()))
    assert isinstance(row, ParsedDeclaration) and row.position == 1


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<ASYCUDA><Identification>&lol9;</Identification></ASYCUDA>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<ASYCUDA><Traders><Exporter><Exporter_name>&secret;</Exporter_name></Exporter></Traders></ASYCUDA>"""


@pytest.mark.parametrize("hostile", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["bomb", "xxe"])
def test_asycuda_xml_refuses_dtd_entities_cleanly(hostile: bytes) -> None:
    (row,) = AsycudaXmlAdapter(office_country="TG").parse(io.BytesIO(hostile))
    assert isinstance(row, RowError) and row.position == 1
    assert row.reason.startswith("XML refused")


def test_asycuda_xml_input_cap_and_broken_xml_keep_earlier_declarations() -> None:
    oversized = list(AsycudaXmlAdapter(max_bytes=2000).parse(batch(sad("I-1"), sad("I-2"))))
    assert isinstance(oversized[-1], RowError) and "limit of 2000 bytes" in oversized[-1].reason
    broken = io.BytesIO(b"<ASYCUDA_batch>" + sad("I-1").encode() + b"<ASYCUDA><Item></ASYCUDA>")
    rows = list(AsycudaXmlAdapter(office_country="TG").parse(broken))
    assert isinstance(rows[0], ParsedDeclaration)
    assert isinstance(rows[1], RowError) and rows[1].position == 2
    assert "not well-formed" in rows[1].reason


def test_asycuda_renders_consent_as_xml(consent: ConsentMessage) -> None:
    root = SafeET.fromstring(AsycudaXmlAdapter().render_consent(consent))
    assert root.findtext("Notification_number") == "DE-2025-0001"
    states = root.findall("Route/State")
    assert [s.findtext("Country_code") for s in states] == ["DE", "NL", "BE"]
    assert states[0].findtext("Office_of_exit_code") == "DE004250"
    assert states[0].find("Office_of_entry_code/null") is not None
    assert root.findtext("HScode/Commodity_code") == "854911"


# --- registry ------------------------------------------------------------------------------------


def test_registry_builds_every_format_behind_one_interface() -> None:
    for name in ADAPTERS:
        adapter = get_adapter(name)
        assert isinstance(adapter, DeclarationAdapter) and adapter.name == name
    assert isinstance(get_adapter("asycuda_xml", office_country="GH"), ConsentRenderer)
    with pytest.raises(InvalidInput) as caught:
        get_adapter("edifact_cusdec")
    assert "csv_batch" in str(caught.value) and "edifact_cusdec" in str(caught.value)
