from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.clock import local_date
from app.core.db import Base, utcnow


class Role(StrEnum):
    EXPORTER = "exporter"
    AUTHORITY = "authority"
    CUSTOMS = "customs"
    INSPECTOR = "inspector"
    FACILITY = "facility"
    CARRIER = "carrier"
    ADMIN = "admin"


class Account(Base):
    """A user or system of an organisation in one country. Tokens are stored only as SHA-256."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    country: Mapped[str] = mapped_column(String(2))
    #: IANA time zone where the account works: the calendar of every date it checks or enters.
    time_zone: Mapped[str] = mapped_column(String(64))
    #: The organisation an exporter, facility or carrier account acts for.
    party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"), index=True)
    #: The competent authority an authority account acts for.
    authority_id: Mapped[int | None] = mapped_column(ForeignKey("authorities.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token_hint: Mapped[str] = mapped_column(String(12))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def today(self) -> date:
        """The date where the account works: the "today" of every check on the dates it enters
        (a shipment not in the past, a receipt not in the future) and of what is overdue for it."""
        return local_date(self.time_zone, utcnow())
