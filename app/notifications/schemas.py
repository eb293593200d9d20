"""Request and response shapes of a notification (Basel/OECD notification document, Annex V A).

Shape rules (types, ranges, enumerations) live here; rules that need reference data or other
records (codes in force, parties, route, prohibitions) are checked by ``validation``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.regimes.domain import RegimeCode

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
#: Packaging codes printed on the forms: 1 drum … 9 other.
PackagingCode = Literal["1", "2", "3", "4", "5", "6", "7", "8", "9"]
#: Means of transport: road, train/rail, sea, air, inland waterways.
TransportMode = Literal["R", "T", "S", "A", "W"]
#: Physical characteristics: 1 powdery … 7 other.
PhysicalCode = Literal["1", "2", "3", "4", "5", "6", "7"]


class GeneratorIn(BaseModel):
    party_id: int
    site: Text = Field(examples=["Werk Braubach, Rheinstraße 1"])
    process: Text = Field(examples=["Collection of spent starter batteries"])


class CarrierIn(BaseModel):
    party_id: int
    means_of_transport: list[TransportMode] = Field(min_length=1, examples=[["R"]])


class StateIn(BaseModel):
    country: str = Field(examples=["DE"], description="ISO 3166-1 alpha-2")
    authority_id: int | None = Field(
        None, description="Competent authority; may be left out where the state has only one"
    )
    point_of_exit: str | None = Field(None, max_length=200)
    point_of_entry: str | None = Field(None, max_length=200)


class WasteIn(BaseModel):
    """Block 14: waste identification."""

    basel_code: str | None = Field(None, examples=["A1160"], description="Annex VIII or IX entry")
    oecd_code: str | None = None
    eu_code: str | None = Field(None, examples=["16 06 01*"])
    national_export_code: str | None = Field(None, max_length=50)
    national_import_code: str | None = Field(None, max_length=50)
    other_code: str | None = Field(None, max_length=50)
    y_codes: list[str] = Field(default_factory=list, examples=[["Y31"]])
    h_codes: list[str] = Field(default_factory=list, examples=[["H8", "H11"]])
    un_class: str | None = Field(None, examples=["8"])
    un_number: str | None = Field(None, examples=["2794"])
    un_shipping_name: str | None = Field(None, max_length=300)
    hs_code: str | None = Field(None, examples=["854911"])


class CustomsOfficesIn(BaseModel):
    """Block 16."""

    entry: str | None = Field(None, max_length=100)
    exit: str | None = Field(None, max_length=100)
    export: str | None = Field(None, max_length=100)


class GuaranteeIn(BaseModel):
    kind: Literal["bond", "insurance", "bank_guarantee", "other"]
    amount: Decimal = Field(gt=0, le=Decimal("1e12"), decimal_places=2)
    currency: str = Field(pattern=r"^[A-Z]{3}$", examples=["EUR"])
    reference: Text
    valid_until: date


class InsuranceIn(BaseModel):
    insurer: Text
    policy_no: Text
    valid_until: date


class DeclarationIn(BaseModel):
    """Block 17: the exporter's and generator's declaration."""

    name: Text
    signed_on: date


class NotificationIn(BaseModel):
    regime: RegimeCode = Field(examples=["basel"])
    consignee_id: int = Field(
        description="Block 2: importer–consignee (party in the state of import)"
    )
    facility_id: int = Field(description="Block 10: disposal/recovery facility")
    generators: list[GeneratorIn] = Field(min_length=1, max_length=20)
    carriers: list[CarrierIn] = Field(min_length=1, max_length=20)
    shipment_type: Literal["single", "multiple"]
    purpose: Literal["disposal", "recovery"]
    intended_shipments: int = Field(ge=1, le=100_000)
    quantity: Decimal = Field(gt=0, le=Decimal("10000000"), decimal_places=3)
    unit: Literal["t", "m3"]
    first_departure: date
    last_departure: date
    packaging: list[PackagingCode] = Field(min_length=1)
    special_handling: str | None = Field(None, max_length=500)
    operations: list[str] = Field(min_length=1, max_length=10, examples=[["R4"]])
    technology: LongText = ""
    reason_for_export: str | None = Field(None, max_length=1000)
    designation: Text = Field(examples=["Spent lead-acid batteries, whole, undrained"])
    composition: LongText = ""
    physical_characteristics: list[PhysicalCode] = Field(min_length=1)
    waste: WasteIn
    route: list[StateIn] = Field(
        min_length=2,
        max_length=12,
        description="Block 15 in route order: state of export first, state of import last, "
        "transit states between",
    )
    customs_offices: CustomsOfficesIn = Field(default_factory=CustomsOfficesIn)
    guarantee: GuaranteeIn | None = None
    insurance: InsuranceIn | None = None
    declaration: DeclarationIn | None = None
    annexes: int = Field(0, ge=0, le=100)


class ContractIn(BaseModel):
    """Basel Art. 6(3)(b): the contract between exporter and disposer."""

    reference: Text
    concluded_on: date
    valid_until: date | None = None


class ReasonIn(BaseModel):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=4000)]


class StateRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    position: int
    country: str
    capacity: str
    authority_id: int
    point_of_exit: str | None
    point_of_entry: str | None


class DecisionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    country: str
    capacity: str
    authority_id: int
    status: str
    conditions: str | None
    reasons: str | None
    valid_from: date | None
    valid_to: date | None
    decided_at: datetime | None
    decided_on: date | None
    info_requests: int
    paused_days: int


class NextActionRead(BaseModel):
    actor: str
    country: str | None
    action: str
    due: date | None
    overdue: bool
    note: str


class NotificationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    number: str
    regime: str
    status: str
    version: int
    export_country: str
    import_country: str
    notifier_id: int
    consignee_id: int
    facility_id: int
    generators: list[dict[str, object]]
    carriers: list[dict[str, object]]
    shipment_type: str
    purpose: str
    pre_consented: bool
    intended_shipments: int
    quantity: Decimal
    unit: str
    first_departure: date
    last_departure: date
    packaging: list[str]
    special_handling: str | None
    operations: list[str]
    technology: str
    reason_for_export: str | None
    designation: str
    composition: str
    physical_characteristics: list[str]
    waste: dict[str, object]
    customs_offices: dict[str, object]
    guarantee: dict[str, object] | None
    insurance: dict[str, object] | None
    declaration: dict[str, object] | None
    annexes: int
    contract: dict[str, object] | None
    contract_recorded_at: datetime | None
    guarantee_recorded_at: datetime | None
    submitted_at: datetime | None
    transmitted_at: datetime | None
    acknowledged_at: datetime | None
    #: The dates the deadlines count from, on the calendar of the authority that took the step.
    submitted_on: date | None
    transmitted_on: date | None
    acknowledged_on: date | None
    consented_at: datetime | None
    consented_on: date | None
    closed_at: datetime | None
    valid_from: date | None
    valid_to: date | None
    status_reason: str | None
    created_at: datetime
    updated_at: datetime
    states: list[StateRead]
    decisions: list[DecisionRead]
    next_actions: list[NextActionRead] = Field(default_factory=list)


class NotificationSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    number: str
    regime: str
    status: str
    export_country: str
    import_country: str
    quantity: Decimal
    unit: str
    designation: str
    valid_to: date | None
    updated_at: datetime
