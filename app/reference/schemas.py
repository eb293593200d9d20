from datetime import date

from pydantic import BaseModel


class CodeListRead(BaseModel):
    name: str
    title: str
    count: int


class CodeRead(BaseModel):
    code: str
    title: str
    list_name: str
    valid_from: date | None
    valid_to: date | None
    in_force: bool
    source: str
    extra: dict[str, str]


class DeadlineRead(BaseModel):
    step: str
    amount: int | None
    unit: str
    counted_from: str
    source: str
    verified: bool


class RegimeRead(BaseModel):
    code: str
    title: str
    source: str
    export_state_consents: bool
    tacit_transit: str
    tacit_import: bool
    max_further_info_requests: int
    deadlines: list[DeadlineRead]
