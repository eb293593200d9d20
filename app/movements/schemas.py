"""Request and response shapes of a movement document (Basel/OECD Annex V B)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.notifications.schemas import PackagingCode, TransportMode

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=2000)]


class PackagingIn(BaseModel):
    code: PackagingCode
    count: int = Field(ge=0, le=100_000)


class CarrierLegIn(BaseModel):
    party_id: int
    means_of_transport: TransportMode


class MovementIn(BaseModel):
    """One shipment: blocks 2 and 5–8 (the rest comes from the notification)."""

    quantity: Decimal = Field(gt=0, le=Decimal("100000"), decimal_places=3, examples=["19.800"])
    unit: Literal["t", "m3"] = "t"
    shipment_date: date = Field(examples=["2026-12-10"])
    packaging: list[PackagingIn] = Field(min_length=1, max_length=9)
    special_handling: str | None = Field(None, max_length=500)
    carriers: list[CarrierLegIn] = Field(
        min_length=1, max_length=10, description="In order: first, second, ..., last carrier"
    )
    containers: list[Annotated[str, StringConstraints(pattern=r"^[A-Z]{4}\d{7}$")]] = Field(
        default_factory=list, max_length=50, examples=[["MSKU1234565"]]
    )
    additional_information: str | None = Field(None, max_length=2000)


class CorrectionIn(BaseModel):
    """A correction of a submitted document: only the fields given change; a reason is required."""

    reason: Reason
    quantity: Decimal | None = Field(None, gt=0, le=Decimal("100000"), decimal_places=3)
    shipment_date: date | None = None
    packaging: list[PackagingIn] | None = Field(None, min_length=1, max_length=9)
    carriers: list[CarrierLegIn] | None = Field(None, min_length=1, max_length=10)
    containers: list[Annotated[str, StringConstraints(pattern=r"^[A-Z]{4}\d{7}$")]] | None = None
    additional_information: str | None = Field(None, max_length=2000)


class HandOverIn(BaseModel):
    party_id: int
    means_of_transport: TransportMode
    transferred_on: date


class ReceiptIn(BaseModel):
    """Block 18: shipment received at the facility."""

    received_on: date
    quantity_received: Decimal = Field(gt=0, le=Decimal("100000"), decimal_places=3)
    accepted: bool
    rejection_reason: str | None = Field(None, max_length=2000)
    treatment_expected_on: date | None = None


class CertificateIn(BaseModel):
    """Block 19: certificate of recovery or disposal."""

    completed_on: date
    operation: str = Field(examples=["R4"])
    remarks: str | None = Field(None, max_length=2000)


class ReturnIn(BaseModel):
    """Basel Art. 8 (cannot be completed as contracted) or Art. 9 (illegal traffic)."""

    kind: Literal["return", "alternative", "illegal_traffic"]
    reason: Reason


class CancelIn(BaseModel):
    reason: Reason


class CrossingRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    country: str
    office: str
    direction: str
    crossed_at: datetime
    crossed_on: date


class MovementRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    document_no: str
    notification_id: int
    shipment_no: int
    revision: int
    status: str
    version: int
    quantity: Decimal
    unit: str
    shipment_date: date
    packaging: list[dict[str, object]]
    packages: int
    special_handling: str | None
    carriers: list[dict[str, object]]
    containers: list[str]
    additional_information: str | None
    announced_at: datetime | None
    departed_at: datetime | None
    departed_on: date | None
    received_on: date | None
    received_quantity: Decimal | None
    accepted: bool | None
    rejection_reason: str | None
    treatment_expected_on: date | None
    completed_on: date | None
    certificate: dict[str, object] | None
    return_kind: str | None
    return_reason: str | None
    return_due: date | None
    issuer: str
    qr_text: str
    created_at: datetime
    updated_at: datetime
    crossings: list[CrossingRead] = Field(default_factory=list)


class RevisionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    revision: int
    changed_at: datetime
    changed_by: int
    reason: str
    changes: dict[str, object]
    qr_text: str


class OverdueRead(BaseModel):
    movement_id: int
    document_no: str
    what: Literal["prior_notice", "receipt", "certificate", "return"]
    due: date
    days_overdue: int


class BatchRowResult(BaseModel):
    line: int
    ok: bool
    movement_id: int | None = None
    document_no: str | None = None
    errors: list[dict[str, str]] = Field(default_factory=list)


class BatchResult(BaseModel):
    created: int
    failed: int
    rows: list[BatchRowResult]
