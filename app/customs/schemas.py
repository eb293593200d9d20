from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Format = Literal["json", "wco-json", "asycuda-xml", "csv", "ndjson"]


class EndpointIn(BaseModel):
    country: str = Field(pattern=r"^[A-Z]{2}$", examples=["KR"])
    name: str = Field(min_length=1, max_length=200, examples=["UNI-PASS consent gateway"])
    base_url: str = Field(max_length=500, examples=["https://unipass.example.kr/basel"])


class EndpointRead(EndpointIn):
    model_config = ConfigDict(from_attributes=True)

    id: int
    active: bool
    created_at: datetime


class FlagRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    source: str
    rule_id: str
    severity: str
    explanation: str
    evidence: dict[str, Any]
    country: str
    notification_id: int | None
    movement_id: int | None
    declaration_pk: int | None
    scan_id: int | None
    status: str
    created_at: datetime


class DeclarationResult(BaseModel):
    position: int
    declaration_id: str
    stored_id: int
    duplicate: bool
    flags: list[FlagRead]


class RowProblem(BaseModel):
    position: int
    reason: str


class IngestReport(BaseModel):
    received: int
    duplicates: int
    flagged: int
    errors: list[RowProblem]
    results: list[DeclarationResult]
    by_rule: dict[str, int] = Field(default_factory=dict)
    by_severity: dict[str, int] = Field(default_factory=dict)


class OutboxRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    channel: str
    topic: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_status: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
