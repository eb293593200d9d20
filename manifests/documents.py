"""Plain data for the printed notification (blocks 1–21) and movement document (blocks 1–22).

The service maps its records into these; the PDF module only lays them out. Values are strings,
lists, Decimals and dates, so this module needs no database and no validation beyond types. Code
lists are the ones printed on the Basel/OECD forms (domain.md section 3).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

PACKAGING_TYPES = {
    "1": "Drum",
    "2": "Wooden barrel",
    "3": "Jerrican",
    "4": "Box",
    "5": "Bag",
    "6": "Composite packaging",
    "7": "Pressure receptacle",
    "8": "Bulk",
    "9": "Other",
}
TRANSPORT_MEANS = {
    "R": "Road",
    "T": "Train/rail",
    "S": "Sea",
    "A": "Air",
    "W": "Inland waterways",
}
PHYSICAL_CHARACTERISTICS = {
    "1": "Powdery/powder",
    "2": "Solid",
    "3": "Viscous/paste",
    "4": "Sludgy",
    "5": "Liquid",
    "6": "Gaseous",
    "7": "Other",
}


@dataclass(frozen=True)
class Party:
    """Exporter, importer, generator, facility or carrier as printed in a form block."""

    name: str
    registration_no: str = ""
    address: str = ""
    contact_person: str = ""
    phone: str = ""
    fax: str = ""
    email: str = ""


@dataclass(frozen=True)
class WasteIdentification:
    """Block 14: every code list on the form; empty lists print as blank."""

    basel_annex_viii_ix: list[str] = field(default_factory=list)
    oecd: list[str] = field(default_factory=list)
    eu_list_of_waste: list[str] = field(default_factory=list)
    national_export: list[str] = field(default_factory=list)
    national_import: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)
    y_codes: list[str] = field(default_factory=list)
    h_codes: list[str] = field(default_factory=list)
    un_class: list[str] = field(default_factory=list)
    un_number: list[str] = field(default_factory=list)
    un_shipping_name: list[str] = field(default_factory=list)
    hs_code: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class StateConcerned:
    """Block 15: one state on the route with its competent authority and border points."""

    role: str  # "export", "transit" or "import"
    country: str
    authority_code: str = ""
    point_of_exit: str = ""
    point_of_entry: str = ""


@dataclass(frozen=True)
class CarrierLeg:
    """Movement block 8: one carrier with means of transport and date of transfer."""

    carrier: Party
    means_of_transport: str = ""  # code from TRANSPORT_MEANS
    date_of_transfer: date | None = None


@dataclass(frozen=True)
class WasteDescription:
    """Blocks shared by both forms: generator, facility, operation, designation, codes."""

    generators: list[Party]
    generator_site_and_process: str
    facility: Party
    facility_actual_site: str
    operations: list[str]  # D/R codes
    technology: str
    designation_and_composition: str
    physical_characteristics: list[str]  # codes from PHYSICAL_CHARACTERISTICS
    identification: WasteIdentification


@dataclass(frozen=True)
class NotificationDocument:
    """Notification document, blocks 1–21 of the Basel/OECD form."""

    exporter: Party  # 1
    importer: Party  # 2
    notification_no: str  # 3
    multiple_shipments: bool  # 3 A: individual (False) / multiple (True)
    recovery: bool  # 3 B: disposal (False) / recovery (True)
    pre_consented_facility: bool  # 3 C
    intended_shipments: int  # 4
    intended_quantity: Decimal  # 5
    unit: str  # 5: "t" or "m3"
    first_departure: date  # 6
    last_departure: date  # 6
    packaging_types: list[str]  # 7: codes from PACKAGING_TYPES
    special_handling: bool  # 7
    carriers: list[CarrierLeg]  # 8
    waste: WasteDescription  # 9–14
    reason_for_export: str  # 11
    states: list[StateConcerned]  # 15
    customs_entry: str = ""  # 16
    customs_exit: str = ""  # 16
    customs_export: str = ""  # 16
    declaration_name: str = ""  # 17
    declaration_date: date | None = None  # 17
    annexes: int = 0  # 18
    acknowledged_by: str = ""  # 19
    acknowledged_on: date | None = None  # 19
    consent_given_on: date | None = None  # 20
    consent_valid_from: date | None = None  # 20
    consent_valid_until: date | None = None  # 20
    consent_conditions: bool = False  # 20
    conditions_or_objection: str = ""  # 21


@dataclass(frozen=True)
class MovementDocument:
    """Movement document, blocks 1–22 of the Basel/OECD form."""

    notification_no: str  # 1
    shipment_no: int  # 2
    shipments_total: int  # 2
    exporter: Party  # 3
    importer: Party  # 4
    actual_quantity: Decimal  # 5
    unit: str  # 5
    actual_shipment_date: date  # 6
    packaging_types: list[str]  # 7
    number_of_packages: int  # 7
    special_handling: bool  # 7
    carriers: list[CarrierLeg]  # 8 (a) first, (b) second, (c) last; more go to an annex
    waste: WasteDescription  # 9–14
    exporter_declaration_name: str = ""  # 15
    exporter_declaration_date: date | None = None  # 15
    additional_information: str = ""  # 16
    received_by_importer_on: date | None = None  # 17
    received_at_facility_on: date | None = None  # 18
    facility_accepted: bool | None = None  # 18: None = not yet decided
    quantity_received: Decimal | None = None  # 18
    approximate_treatment_date: date | None = None  # 18
    certificate_of_completion_on: date | None = None  # 19
    customs_export_exit: str = ""  # 20
    customs_entry: str = ""  # 21
    customs_transit_stamps: list[str] = field(default_factory=list)  # 22
