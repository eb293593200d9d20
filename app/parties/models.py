from datetime import datetime
from enum import StrEnum

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, utcnow


class PartyKind(StrEnum):
    EXPORTER = "exporter"
    GENERATOR = "generator"
    CONSIGNEE = "consignee"
    FACILITY = "facility"
    CARRIER = "carrier"


class Party(Base):
    """One organisation in one role (blocks 1, 2, 8, 9 and 10 of the notification form)."""

    __tablename__ = "parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(String(300))
    country: Mapped[str] = mapped_column(String(2), index=True)
    registration_no: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(500), default="")
    contact_person: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(50))
    fax: Mapped[str | None] = mapped_column(String(50))
    email: Mapped[str | None] = mapped_column(String(200))
    #: Facilities only: pre-consented (consent may then be valid for up to three years).
    pre_consented: Mapped[bool] = mapped_column(default=False)
    #: Facilities only: interim operations (R12/R13, D13–D15) have shorter receipt deadlines.
    interim: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
