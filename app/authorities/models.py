from datetime import datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, utcnow


class Authority(Base):
    """A competent authority (Basel Art. 5) with the policy that shapes its deadlines."""

    __tablename__ = "authorities"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    country: Mapped[str] = mapped_column(String(2), index=True)
    name: Mapped[str] = mapped_column(String(300))
    address: Mapped[str] = mapped_column(String(500), default="")
    email: Mapped[str | None] = mapped_column(String(200))
    #: Weekday numbers (Monday = 0) on which the authority does not work.
    weekend: Mapped[list[Any]] = mapped_column(default=lambda: [5, 6])
    #: ISO dates of public holidays.
    holidays: Mapped[list[Any]] = mapped_column(default=list)
    #: Basel Art. 6(4): this state does not require prior written consent for transit.
    tacit_transit_consent: Mapped[bool] = mapped_column(default=False)
    #: Working days of prior notice the authority requires before a shipment departs.
    prior_notice_working_days: Mapped[int] = mapped_column(default=3)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ImportProhibitionRecord(Base):
    """A prohibition notified under Basel Art. 4(1)(a) by the state of import."""

    __tablename__ = "import_prohibitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    country: Mapped[str] = mapped_column(String(2), index=True)
    scope: Mapped[str] = mapped_column(String(20))
    value: Mapped[str | None] = mapped_column(String(100))
    source: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
