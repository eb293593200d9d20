from datetime import date
from typing import Annotated, Any, Literal

from fastapi import Query
from pydantic import BaseModel, Field

Code = Annotated[str | None, Query(max_length=40)]


class FlagFilters(BaseModel):
    """Filters of a flag search (all optional, combined with AND)."""

    country: str | None = Field(
        None,
        pattern=r"^[A-Z]{2}$",
        description="State where raised, or with role: a state on the route",
    )
    role: Literal["export", "transit", "import"] | None = None
    rule: str | None = Field(None, max_length=10)
    severity: Literal["low", "medium", "high", "critical"] | None = None
    status: Literal["open", "under_investigation", "confirmed", "cleared"] | None = None
    waste_code: str | None = Field(None, max_length=20)
    hs_code: str | None = Field(None, pattern=r"^\d{2,10}$")
    party: str | None = Field(None, min_length=2, max_length=100)
    office: str | None = Field(None, max_length=40)
    date_from: date | None = None
    date_to: date | None = None
    q: str | None = Field(
        None, min_length=2, max_length=100, description="Party names, document numbers"
    )
    sort: Literal["newest", "oldest", "severity"] = "newest"


class MovementFilters(BaseModel):
    country: str | None = Field(None, pattern=r"^[A-Z]{2}$")
    role: Literal["export", "transit", "import"] | None = None
    status: str | None = Field(None, max_length=20)
    waste_code: str | None = Field(None, max_length=20)
    party: str | None = Field(None, min_length=2, max_length=100)
    date_from: date | None = None
    date_to: date | None = None
    flagged: bool | None = None
    q: str | None = Field(None, min_length=2, max_length=100)
    sort: Literal["newest", "oldest"] = "newest"


class Page(BaseModel):
    items: list[dict[str, Any]]
    next_cursor: str | None
    facets: dict[str, dict[str, int]]
    facets_complete: bool = Field(
        True,
        description="False when the search matched more rows than the facets count "
        "(10,000): refine the filters for exact counts",
    )
