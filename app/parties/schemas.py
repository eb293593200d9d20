from datetime import datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from app.parties.models import PartyKind
from app.reference.domain import require_country


class PartyIn(BaseModel):
    kind: PartyKind
    name: str = Field(min_length=1, max_length=300, examples=["Batterie Recycling GmbH"])
    country: str = Field(examples=["DE"])
    registration_no: str | None = Field(None, max_length=100)
    address: str = Field("", max_length=500)
    contact_person: str | None = Field(None, max_length=200)
    phone: str | None = Field(None, max_length=50)
    fax: str | None = Field(None, max_length=50)
    email: EmailStr | None = None
    pre_consented: bool = False
    interim: bool = False

    @field_validator("country")
    @classmethod
    def _country(cls, v: str) -> str:
        return require_country(v, field="country")


class PartyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: PartyKind
    name: str
    country: str
    registration_no: str | None
    address: str
    contact_person: str | None
    phone: str | None
    fax: str | None
    email: str | None
    pre_consented: bool
    interim: bool
    created_at: datetime
