from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Prose = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=4000)]


class ConsentIn(BaseModel):
    """Block 20 (consent given, valid from–until) and block 21 (conditions)."""

    valid_from: date = Field(examples=["2026-12-01"])
    valid_to: date = Field(examples=["2027-11-30"])
    conditions: str | None = Field(
        None, max_length=4000, examples=["Transport by road only via the A3 motorway."]
    )


class ObjectionIn(BaseModel):
    reasons: Prose = Field(examples=["The facility's permit does not cover R4 for lead."])


class InformationRequestIn(BaseModel):
    question: Prose = Field(examples=["Provide the facility's permit for operation R4."])


class InformationAnswerIn(BaseModel):
    answer: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=8000)]


class WithdrawalIn(BaseModel):
    reason: Prose


class InformationRequestRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    decision_id: int
    question: str
    requested_at: datetime
    answer: str | None
    answered_at: datetime | None
