from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, utcnow


class OutboxMessage(Base):
    """One message to one target, committed with its cause; delivered at least once, and the
    ``idempotency_key`` lets the receiver drop repeats (so nothing arrives twice)."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))  # "customs" | "webhook"
    topic: Mapped[str] = mapped_column(String(60))  # customs path ("consents") or event type
    endpoint_id: Mapped[int | None] = mapped_column(ForeignKey("customs_endpoints.id"))
    subscription_id: Mapped[int | None] = mapped_column(ForeignKey("webhook_subscriptions.id"))
    payload: Mapped[dict[str, Any]]
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_status: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]
