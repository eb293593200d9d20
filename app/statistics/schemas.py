"""What the statistics and the Art. 13 report answer (documented in the OpenAPI schema)."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer


class QuantityRow(BaseModel):
    """One group (a month ``YYYY-MM``, a country, a waste code or an operation, under the key
    the request's ``by`` names) and unit, with the quantity of each measure."""

    model_config = ConfigDict(extra="allow")

    unit: str
    notified: Decimal = Field(description="Submitted notifications, by submission day.")
    consented: Decimal = Field(description="Notifications whose consent became complete.")
    shipped: Decimal = Field(description="Movements, by the day they left.")
    received: Decimal = Field(description="Accepted receipts, by the day of receipt.")

    @model_serializer(mode="wrap")
    def _group_first(self, serialize: SerializerFunctionWrapHandler):
        """The group's key (an extra field) first, as a reader of a table expects it, not after
        the measures, where pydantic puts extra fields. (No return annotation: pydantic would
        document that type in OpenAPI instead of the fields above.)"""
        fields = serialize(self)
        group = {name: fields.pop(name) for name in self.model_extra or {}}
        return {**group, **fields}


class Art13Row(BaseModel):
    partner_country: str
    y_codes: str
    h_codes: str
    operation: str
    unit: str
    quantity: Decimal
    movements: int


class NotCompleted(BaseModel):
    document_no: str
    status: str
    reason: str
    quantity: Decimal
    unit: str


class IllegalTraffic(BaseModel):
    case: int
    rule: str
    ground: str | None
    action: str | None
    document_no: str


class Art13Report(BaseModel):
    """Basel Art. 13(3) tables of one state for one calendar year."""

    country: str
    year: int
    exports: list[Art13Row]
    imports: list[Art13Row]
    transit: list[Art13Row]
    not_completed: list[NotCompleted]
    illegal_traffic: list[IllegalTraffic]
    accidents: list[dict[str, str]]
    notes: list[str]
