"""The canonical customs declaration and the outbound consent and movement messages.

Every adapter turns its country's format into ``CustomsDeclaration`` so screening and storage see
one shape. Validation messages name the field and the reason so a row error read by a customs
officer or a broker says what to fix (``describe_validation_error``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar

import pycountry
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

ISO_ALPHA2: frozenset[str] = frozenset(c.alpha_2 for c in pycountry.countries)

Direction = Literal["export", "import", "transit"]
TransportMode = Literal["R", "T", "S", "A", "W"]
"""Means of transport as printed on the Basel forms: road, train, sea, air, inland waterways."""


def _country(value: str) -> str:
    code = value.strip().upper()
    if code not in ISO_ALPHA2:
        raise ValueError(f"'{value}' is not an ISO 3166-1 alpha-2 country code")
    return code


def _hs_code(value: object) -> str:
    """Accept '8549.11', '8549 11' or '854911'; keep the digits (4 to 10 of them)."""
    text = str(value).replace(".", "").replace(" ", "")
    if not text.isdigit() or not 4 <= len(text) <= 10 or not text.isascii():
        raise ValueError(f"HS code must be 4 to 10 digits (dots allowed), got '{value}'")
    return text


def _office_code(value: str) -> str:
    code = value.strip().upper()
    if not (4 <= len(code) <= 17 and code.isalnum() and code.isascii()):
        raise ValueError(f"customs office code must be 4 to 17 letters or digits, got '{value}'")
    return code


CountryCode = Annotated[str, AfterValidator(_country)]
HsCode = Annotated[str, BeforeValidator(_hs_code)]
OfficeCode = Annotated[str, AfterValidator(_office_code)]
Text = Annotated[str, Field(min_length=1, max_length=512)]


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Trader(Model):
    name: Text
    country: CountryCode
    identifier: str | None = Field(default=None, max_length=64)


class GoodsLine(Model):
    hs_code: HsCode
    description: Text
    net_mass_kg: Decimal = Field(gt=0, max_digits=15, decimal_places=3)
    packages: int = Field(ge=0)


class CustomsDeclaration(Model):
    declaration_id: Annotated[str, Field(min_length=1, max_length=64)]
    declared_on: date
    customs_office: OfficeCode
    office_country: CountryCode
    direction: Direction
    declarant: Trader
    consignor: Trader
    consignee: Trader
    dispatch_country: CountryCode
    destination_country: CountryCode
    transit_countries: tuple[CountryCode, ...] = ()
    goods: tuple[GoodsLine, ...] = Field(min_length=1)
    containers: tuple[str, ...] = ()
    transport_mode: TransportMode
    carrier: str | None = Field(default=None, max_length=256)
    notification_number: str | None = Field(default=None, max_length=64)
    movement_id: str | None = Field(default=None, max_length=64)

    @property
    def total_net_mass_kg(self) -> Decimal:
        return sum((line.net_mass_kg for line in self.goods), Decimal(0))


class RouteState(Model):
    """One state concerned, in route order, with the customs offices the waste passes."""

    country: CountryCode
    role: Literal["export", "transit", "import"]
    customs_office_exit: OfficeCode | None = None
    customs_office_entry: OfficeCode | None = None


class ConsentMessage(Model):
    """What customs must know of a consent to clear (or stop) a shipment."""

    notification_number: Annotated[str, Field(min_length=1, max_length=64)]
    exporter: Trader
    consignee: Trader
    states: tuple[RouteState, ...] = Field(min_length=2)
    waste_codes: tuple[str, ...] = Field(min_length=1)
    hs_code: HsCode | None = None
    total_quantity: Decimal = Field(gt=0)
    unit: Literal["kg", "t", "m3"]
    shipments_consented: int = Field(ge=1)
    valid_from: date
    valid_to: date
    status: Literal["consented", "withdrawn", "revoked", "expired"]

    @model_validator(mode="after")
    def _period_is_ordered(self) -> ConsentMessage:
        if self.valid_to < self.valid_from:
            raise ValueError(f"valid_to {self.valid_to} is before valid_from {self.valid_from}")
        return self


class MovementMessage(Model):
    movement_id: Annotated[str, Field(min_length=1, max_length=64)]
    notification_number: Annotated[str, Field(min_length=1, max_length=64)]
    shipment_number: int = Field(ge=1)
    shipments_total: int = Field(ge=1)
    quantity_kg: Decimal = Field(gt=0)
    planned_date: date
    carriers: tuple[str, ...] = Field(min_length=1)
    status: Literal["announced", "in_transit", "received", "completed", "cancelled"]

    @model_validator(mode="after")
    def _serial_within_total(self) -> MovementMessage:
        if self.shipment_number > self.shipments_total:
            raise ValueError(
                f"shipment {self.shipment_number} of {self.shipments_total}: n must not exceed N"
            )
        return self


def describe_validation_error(error: ValidationError) -> str:
    """One part per broken field: ``goods.0.net_mass_kg: Input should be greater than 0``."""
    parts = []
    for item in error.errors(include_url=False):
        where = ".".join(str(p) for p in item["loc"]) or "declaration"
        message = str(item["msg"]).removeprefix("Value error, ")
        got = item.get("input")
        shown = "" if isinstance(got, dict | list | tuple) else f" (got {got!r})"
        parts.append(f"{where}: {message}{shown}")
    return "; ".join(parts)


_M = TypeVar("_M", bound=BaseModel)


def trusted(model: type[_M], values: dict[str, Any]) -> _M:
    """The instance ``model.model_validate(values)`` returns, for ``values`` that give every
    field already in its validated form, checked by the caller against the model's constraints
    (``csv_plain`` does, for plainly valid rows). What ``model_construct`` does, minus its
    per-field alias and default handling, which costs about as much as the validation saved;
    tests/customs_adapters/test_csv_plain.py checks the result against ``model_validate``."""
    instance = model.__new__(model)
    object.__setattr__(instance, "__dict__", values)
    object.__setattr__(instance, "__pydantic_fields_set__", set(values))
    object.__setattr__(instance, "__pydantic_extra__", None)
    object.__setattr__(instance, "__pydantic_private__", None)
    return instance
