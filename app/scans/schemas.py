from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

Direction = Literal["exit", "entry", "transit_entry", "transit_exit"]


class ScanIn(BaseModel):
    qr_text: str = Field(min_length=1, max_length=8192, examples=["BT1:6BFOXN*TS0BI$ZD..."])
    office: str = Field(
        pattern=r"^[A-Z0-9]{2,17}$",
        examples=["KRPUS"],
        description="Customs office code where the scan happens",
    )
    direction: Direction


class ScanVerdict(BaseModel):
    """One answer for the officer: may this shipment pass here, and if not, why."""

    scan_id: int
    verdict: Literal["valid", "flagged"]
    authentic: bool
    signature_status: str
    document_no: str | None = None
    revision: int | None = None
    current_revision: int | None = None
    notification_no: str | None = None
    shipment: str | None = None
    notification_status: str | None = None
    consent_valid_from: date | None = None
    consent_valid_to: date | None = None
    consent_valid_today: bool = False
    on_route: bool = False
    capacity_here: str | None = None
    movement_status: str | None = None
    expected_here: bool = False
    quantity: Decimal | None = None
    unit: str | None = None
    crossing_recorded: bool = False
    reasons: list[str] = Field(default_factory=list)
    scanned_at: datetime
