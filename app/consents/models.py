from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base


class Decision(Base):
    """The decision of one state concerned: consent (with conditions), objection, tacit consent."""

    __tablename__ = "decisions"
    __table_args__ = (UniqueConstraint("notification_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(
        ForeignKey("notifications.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    country: Mapped[str] = mapped_column(String(2))
    capacity: Mapped[str] = mapped_column(String(10))
    authority_id: Mapped[int] = mapped_column(ForeignKey("authorities.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    conditions: Mapped[str | None] = mapped_column(String(4000))  # block 21
    reasons: Mapped[str | None] = mapped_column(String(4000))
    valid_from: Mapped[date | None]  # block 20
    valid_to: Mapped[date | None]
    decided_at: Mapped[datetime | None]
    #: The day of the decision where the deciding authority works (block 20's "given on").
    decided_on: Mapped[date | None]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    info_requested_on: Mapped[date | None]
    info_requests: Mapped[int] = mapped_column(default=0)
    paused_days: Mapped[int] = mapped_column(default=0)


class InformationRequest(Base):
    """A request for further information; it stops the asking authority's clock until answered."""

    __tablename__ = "information_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(
        ForeignKey("notifications.id", ondelete="CASCADE"), index=True
    )
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id", ondelete="CASCADE"))
    question: Mapped[str] = mapped_column(String(4000))
    requested_at: Mapped[datetime]
    requested_by: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    answer: Mapped[str | None] = mapped_column(String(8000))
    answered_at: Mapped[datetime | None]
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
