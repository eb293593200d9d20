from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.accounts.models import Role
from app.reference.domain import require_country


class AccountCreate(BaseModel):
    name: str = Field(
        min_length=1, max_length=200, examples=["Batterie Recycling GmbH — shipping desk"]
    )
    role: Role
    country: str = Field(examples=["DE"])
    party_id: int | None = Field(
        None, description="Organisation of an exporter, facility or carrier"
    )
    authority_id: int | None = Field(
        None, description="Competent authority of an authority account"
    )

    @field_validator("country")
    @classmethod
    def _country(cls, v: str) -> str:
        return require_country(v, field="country")

    @model_validator(mode="after")
    def _links(self) -> "AccountCreate":
        needs_party = self.role in (Role.EXPORTER, Role.FACILITY, Role.CARRIER)
        if needs_party and self.party_id is None:
            raise ValueError(f"a {self.role.value} account needs party_id (its organisation)")
        if self.role == Role.AUTHORITY and self.authority_id is None:
            raise ValueError("an authority account needs authority_id")
        return self


class AccountRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    role: Role
    country: str
    party_id: int | None
    authority_id: int | None
    token_hint: str
    active: bool
    created_at: datetime


class AccountCreated(AccountRead):
    token: str = Field(description="Shown once; only its hash is stored.")


class AccountUpdate(BaseModel):
    active: bool
