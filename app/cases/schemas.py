from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

Prose = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=4000)]


class ConfirmIn(BaseModel):
    """Basel Art. 9: the ground, who is at fault, what was ordered, which states were told."""

    ground: Literal["a", "b", "c", "d", "e"] = Field(description="Art. 9(1) (a)–(e)")
    responsible: Literal["exporter", "importer", "both"]
    states_notified: list[Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]] = Field(
        min_length=1, examples=[["MY", "KR"]]
    )
    parties: list[Annotated[str, StringConstraints(min_length=1, max_length=300)]] = Field(
        default_factory=list, description="Parties found at fault (default: from the documents)"
    )
    note: Prose


class ClearIn(BaseModel):
    reason: Prose


class AssignIn(BaseModel):
    inspector_id: int


class CommentIn(BaseModel):
    body: Prose


class CommentRead(BaseModel):
    id: int
    account_id: int
    body: str
    created_at: datetime


class CaseRead(BaseModel):
    id: int
    source: str
    rule_id: str
    severity: str
    explanation: str
    evidence: dict[str, Any]
    country: str
    status: str
    version: int
    assigned_to: int | None
    outcome: dict[str, Any] | None
    closed_at: datetime | None
    closed_on: date | None
    created_at: datetime
    notification_id: int | None
    notification_number: str | None = None
    movement_id: int | None
    document_no: str | None
    declaration_pk: int | None
    scan_id: int | None
    take_back_due: date | None = None
    comments: list[CommentRead] = Field(default_factory=list)
    history: list[dict[str, Any]] = Field(default_factory=list)
