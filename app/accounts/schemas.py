from datetime import UTC, datetime
from zoneinfo import available_timezones

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.accounts.domain import country_time_zones, default_time_zone
from app.accounts.models import Role
from app.core.errors import InvalidInput
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
    time_zone: str | None = Field(
        None,
        examples=["Asia/Kuala_Lumpur"],
        description="IANA time zone where the account works, one of its country's; it decides "
        "the account's today (e.g. whether a consent is valid at a border). Needed only where "
        "the country keeps several times.",
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

    @model_validator(mode="after")
    def _time_zone(self) -> "AccountCreate":
        zones = country_time_zones().get(self.country, ())
        if not zones:  # uninhabited (Bouvet Island, Heard Island): any zone the tz database has
            if self.time_zone not in available_timezones():
                raise InvalidInput.on(
                    "time_zone",
                    "account.time_zone_needed",
                    f"The tz database has no time zone for {self.country}: give time_zone, an "
                    "IANA name such as Etc/UTC.",
                )
        elif self.time_zone is None:
            self.time_zone = default_time_zone(self.country, datetime.now(UTC))
            if self.time_zone is None:
                raise InvalidInput.on(
                    "time_zone",
                    "account.time_zone_needed",
                    f"{self.country} keeps several times: give time_zone, one of "
                    f"{', '.join(zones)}.",
                )
        elif self.time_zone not in zones:
            raise InvalidInput.on(
                "time_zone",
                "account.time_zone",
                f"{self.time_zone!r} is not a time zone of {self.country}; use one of "
                f"{', '.join(zones)}.",
            )
        return self


class AccountRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    role: Role
    country: str
    time_zone: str
    party_id: int | None
    authority_id: int | None
    token_hint: str
    active: bool
    created_at: datetime


class AccountCreated(AccountRead):
    token: str = Field(description="Shown once; only its hash is stored.")


class AccountUpdate(BaseModel):
    active: bool
