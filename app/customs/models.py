from datetime import date, datetime
from typing import Any

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, utcnow


class CustomsEndpoint(Base):
    """A national customs system that receives consent and movement data (REST/JSON)."""

    __tablename__ = "customs_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    country: Mapped[str] = mapped_column(String(2), index=True)
    name: Mapped[str] = mapped_column(String(200))
    base_url: Mapped[str] = mapped_column(String(500))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DeclarationRecord(Base):
    """A customs declaration as received (canonical form), stored once per office country and id."""

    __tablename__ = "customs_declarations"
    __table_args__ = (UniqueConstraint("office_country", "declaration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_country: Mapped[str] = mapped_column(String(2))
    declaration_id: Mapped[str] = mapped_column(String(80))
    declared_on: Mapped[date] = mapped_column(index=True)
    office: Mapped[str] = mapped_column(String(40))
    direction: Mapped[str] = mapped_column(String(10))
    notification_number: Mapped[str | None] = mapped_column(String(40), index=True)
    movement_doc: Mapped[str | None] = mapped_column(String(40), index=True)
    received_via: Mapped[str] = mapped_column(String(20))
    payload: Mapped[dict[str, Any]]
    flag_count: Mapped[int] = mapped_column(default=0)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
