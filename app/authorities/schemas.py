from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.reference.domain import require_country


def _weekend(days: list[int]) -> list[int]:
    if len(days) >= 7 or any(d < 0 or d > 6 for d in days):
        raise ValueError("weekend lists weekday numbers 0 (Monday) to 6 (Sunday), fewer than 7")
    return sorted(set(days))


class AuthorityPolicy(BaseModel):
    weekend: list[int] = Field(default_factory=lambda: [5, 6], examples=[[5, 6]])
    holidays: list[date] = Field(default_factory=list, max_length=400)
    tacit_transit_consent: bool = Field(
        False, description="Basel Art. 6(4): no prior written consent required for transit"
    )
    prior_notice_working_days: int = Field(3, ge=0, le=30)

    _check_weekend = field_validator("weekend")(_weekend)


class AuthorityIn(AuthorityPolicy):
    code: str = Field(pattern=r"^[A-Z]{2}-[A-Z0-9-]{1,30}$", examples=["DE-UBA"])
    country: str = Field(examples=["DE"])
    name: str = Field(min_length=1, max_length=300)
    address: str = Field("", max_length=500)
    email: str | None = Field(None, max_length=200)

    @field_validator("country")
    @classmethod
    def _country(cls, v: str) -> str:
        return require_country(v, field="country")


class AuthorityRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    country: str
    name: str
    address: str
    email: str | None
    weekend: list[int]
    holidays: list[date]
    tacit_transit_consent: bool
    prior_notice_working_days: int
    created_at: datetime


class ProhibitionIn(BaseModel):
    """Basel Art. 4(1)(a): a prohibition of import notified by a Party."""

    country: str = Field(examples=["MY"])
    scope: Literal["code", "y_code", "category", "operation", "all_hazardous", "all"]
    value: str | None = Field(None, max_length=100, examples=["A1160"])
    source: str = Field(
        min_length=3,
        max_length=500,
        examples=["Notification of import prohibition under Art. 4(1)(a), 2024"],
    )

    @field_validator("country")
    @classmethod
    def _country(cls, v: str) -> str:
        return require_country(v, field="country")


class ProhibitionRead(ProhibitionIn):
    model_config = ConfigDict(from_attributes=True)

    id: int
    created_at: datetime
