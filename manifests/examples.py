"""A typical movement and notification, used by the tests, the benchmark and docs/qr-payload.md.

Realistic sizes matter here: the QR version and the PDF speed are measured on these records.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from manifests.claims import ManifestClaims
from manifests.documents import (
    CarrierLeg,
    MovementDocument,
    NotificationDocument,
    Party,
    StateConcerned,
    WasteDescription,
    WasteIdentification,
)

EXPORTER = Party(
    name="Muster Recycling GmbH",
    registration_no="DE-HH-E12345",
    address="Hafenstraße 12, 20457 Hamburg, Germany",
    contact_person="Anna Schmidt",
    phone="+49 40 1234567",
    fax="+49 40 1234568",
    email="anna.schmidt@muster-recycling.example",
)
IMPORTER = Party(
    name="Selangor Metal Recovery Sdn Bhd",
    registration_no="MY-DOE-778899",
    address="Lot 5, Jalan Industri 3, 42000 Port Klang, Malaysia",
    contact_person="Tan Wei Ming 陈伟明",
    phone="+60 3 3168 0000",
    email="ops@smr.example",
)
FACILITY = Party(
    name="Selangor Metal Recovery Sdn Bhd – Plant 2",
    registration_no="MY-DOE-778899-P2",
    address="Lot 7, Jalan Industri 3, 42000 Port Klang, Malaysia",
)
CARRIERS = [
    CarrierLeg(Party("Nordtrans Logistik GmbH", "DE-TR-5566", "Hamburg, Germany"), "R",
               date(2026, 3, 2)),
    CarrierLeg(Party("Oceanic Lines B.V.", "NL-SEA-221", "Rotterdam, Netherlands"), "S",
               date(2026, 3, 4)),
    CarrierLeg(Party("Klang Haulage Sdn Bhd", "MY-TR-9012", "Port Klang, Malaysia"), "R"),
]  # fmt: skip
WASTE = WasteDescription(
    generators=[Party("Muster Batterie Werk GmbH", "DE-HH-G4411", "Billstraße 5, Hamburg")],
    generator_site_and_process="Hamburg plant; dismantling of spent lead-acid batteries",
    facility=FACILITY,
    facility_actual_site="Port Klang, Selangor, Malaysia",
    operations=["R4"],
    technology="Pyrometallurgical lead recovery in a rotary furnace",
    designation_and_composition="Spent lead-acid batteries, whole, undrained (Pb 60–70 %, "
    "H2SO4 10–20 %, PP casing 5 %)",
    physical_characteristics=["2", "5"],
    identification=WasteIdentification(
        basel_annex_viii_ix=["A1160"],
        eu_list_of_waste=["16 06 01*"],
        y_codes=["Y31", "Y34"],
        h_codes=["H8", "H11"],
        un_class=["8"],
        un_number=["UN2794"],
        un_shipping_name=["BATTERIES, WET, FILLED WITH ACID"],
        hs_code=["8549.11"],
    ),
)
ROUTE_STATES = [
    StateConcerned("export", "DE", "DE-UBA", point_of_exit="Hamburg port"),
    StateConcerned("transit", "NL", "NL-ILT", "Rotterdam port", "Rotterdam port"),
    StateConcerned("import", "MY", "MY-DOE", point_of_entry="Port Klang"),
]


def example_claims(shipment_no: int = 7) -> ManifestClaims:
    """Claims of a typical movement: UUID doc id, three codes, three countries."""
    return ManifestClaims(
        kind="M",
        doc_id="0b9d3c1e-5f7a-4c2b-9e8d-7a6b5c4d3e2f",
        revision=1,
        notification_no="DE-2026-000123",
        shipment_no=shipment_no,
        shipments_total=40,
        waste_codes=("A1160", "Y31", "16 06 01*"),
        quantity=Decimal("24.520"),
        unit="t",
        route=("DE", "NL", "MY"),
        valid_from=date(2026, 3, 1),
        valid_to=date(2027, 2, 28),
        issuer="DE-UBA",
        issued_at=datetime(2026, 2, 20, 9, 30, tzinfo=UTC),
    )


def example_movement_document(shipment_no: int = 7) -> MovementDocument:
    return MovementDocument(
        notification_no="DE-2026-000123",
        shipment_no=shipment_no,
        shipments_total=40,
        exporter=EXPORTER,
        importer=IMPORTER,
        actual_quantity=Decimal("24.520"),
        unit="t",
        actual_shipment_date=date(2026, 3, 2),
        packaging_types=["6", "8"],
        number_of_packages=22,
        special_handling=True,
        carriers=CARRIERS,
        waste=WASTE,
        exporter_declaration_name="Anna Schmidt",
        exporter_declaration_date=date(2026, 2, 27),
        additional_information="Batteries on pallets, shrink-wrapped; acid-resistant liners.",
        customs_export_exit="DE004850 Hamburg-Waltershof",
        customs_entry="MY Port Klang North",
        customs_transit_stamps=["NL000396 Rotterdam Maasvlakte"],
    )


def example_notification_document() -> NotificationDocument:
    return NotificationDocument(
        exporter=EXPORTER,
        importer=IMPORTER,
        notification_no="DE-2026-000123",
        multiple_shipments=True,
        recovery=True,
        pre_consented_facility=False,
        intended_shipments=40,
        intended_quantity=Decimal("980"),
        unit="t",
        first_departure=date(2026, 3, 1),
        last_departure=date(2027, 2, 28),
        packaging_types=["6", "8"],
        special_handling=True,
        carriers=CARRIERS,
        waste=WASTE,
        reason_for_export="No secondary lead smelter with free capacity in the state of export",
        states=ROUTE_STATES,
        customs_exit="DE004850 Hamburg-Waltershof",
        declaration_name="Anna Schmidt",
        declaration_date=date(2026, 1, 10),
        annexes=2,
        acknowledged_by="MY-DOE",
        acknowledged_on=date(2026, 1, 14),
        consent_given_on=date(2026, 2, 10),
        consent_valid_from=date(2026, 3, 1),
        consent_valid_until=date(2027, 2, 28),
        consent_conditions=True,
        conditions_or_objection="Shipments to be announced 3 working days in advance.",
    )
