from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, utcnow


class Scan(Base):
    """Every scan is kept, valid or not: flagged ones are evidence for inspectors.

    Scans are written on the hottest path and read only through their flags and by id, so the
    table carries no index for queries nobody makes (each cost every scan a B-tree insert; see
    migration 0008); one on ``movement_id`` serves the foreign key and a movement's history.
    """

    __tablename__ = "scans"

    id: Mapped[int] = mapped_column(primary_key=True)
    scanned_at: Mapped[datetime] = mapped_column(default=utcnow)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    country: Mapped[str] = mapped_column(String(2))
    office: Mapped[str] = mapped_column(String(40))
    direction: Mapped[str] = mapped_column(String(20))
    doc_id: Mapped[str | None] = mapped_column(String(40))
    revision: Mapped[int | None]
    movement_id: Mapped[int | None] = mapped_column(ForeignKey("movements.id"), index=True)
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notifications.id"))
    authentic: Mapped[bool]
    signature_status: Mapped[str] = mapped_column(String(30))
    flagged: Mapped[bool]
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    qr_digest: Mapped[str] = mapped_column(String(64))
