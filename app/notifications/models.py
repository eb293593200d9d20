from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, Index, Numeric, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import Base, postgresql_only, utcnow

if TYPE_CHECKING:
    from app.consents.models import Decision


class Notification(Base):
    """The notification document (Basel Annex V A, blocks 1–21) and its procedure state."""

    __tablename__ = "notifications"
    __table_args__ = (
        # movement searches by waste code (block 14) find the notifications first
        Index("ix_notifications_basel_code", text("(waste ->> 'basel_code')")),
        # a carrier's notifications (JSONB containment, ``app.core.json_sql``); SQLite has no
        # index type that could serve that test
        postgresql_only(
            Index(
                "ix_notifications_carriers",
                "carriers",
                postgresql_using="gin",
                postgresql_ops={"carriers": "jsonb_path_ops"},
            )
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)  # block 3
    regime: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), index=True)
    version: Mapped[int] = mapped_column(default=1)
    export_country: Mapped[str] = mapped_column(String(2), index=True)
    import_country: Mapped[str] = mapped_column(String(2), index=True)
    notifier_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)  # block 1
    consignee_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)  # block 2
    facility_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)  # block 10
    generators: Mapped[list[Any]] = mapped_column(default=list)  # block 9
    carriers: Mapped[list[Any]] = mapped_column(default=list)  # block 8
    shipment_type: Mapped[str] = mapped_column(String(10))  # block 3 A
    purpose: Mapped[str] = mapped_column(String(10))  # block 3 B
    pre_consented: Mapped[bool] = mapped_column(default=False)  # block 3 C
    intended_shipments: Mapped[int]  # block 4
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 3))  # block 5
    unit: Mapped[str] = mapped_column(String(3))
    first_departure: Mapped[date]  # block 6
    last_departure: Mapped[date]
    packaging: Mapped[list[Any]] = mapped_column(default=list)  # block 7
    special_handling: Mapped[str | None] = mapped_column(String(500))
    operations: Mapped[list[Any]] = mapped_column(default=list)  # block 11
    technology: Mapped[str] = mapped_column(String(1000), default="")
    reason_for_export: Mapped[str | None] = mapped_column(String(1000))
    designation: Mapped[str] = mapped_column(String(500))  # block 12
    composition: Mapped[str] = mapped_column(String(2000), default="")
    physical_characteristics: Mapped[list[Any]] = mapped_column(default=list)  # block 13
    waste: Mapped[dict[str, Any]]  # block 14
    customs_offices: Mapped[dict[str, Any]] = mapped_column(default=dict)  # block 16
    guarantee: Mapped[dict[str, Any] | None]
    insurance: Mapped[dict[str, Any] | None]
    declaration: Mapped[dict[str, Any] | None]  # block 17
    annexes: Mapped[int] = mapped_column(default=0)  # block 18
    contract: Mapped[dict[str, Any] | None]
    contract_recorded_at: Mapped[datetime | None]
    guarantee_recorded_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    transmitted_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]  # block 19
    #: The same three steps as dates on the acting authority's calendar: the days every
    #: deadline counts from (at 08:00 in Seoul, the UTC date is still yesterday).
    submitted_on: Mapped[date | None]
    transmitted_on: Mapped[date | None]
    acknowledged_on: Mapped[date | None]
    consented_at: Mapped[datetime | None]
    #: The day consent became complete, on the calendar of the authority whose decision
    #: completed it (UTC−12 for tacit consent given by the deadline job).
    consented_on: Mapped[date | None]
    closed_at: Mapped[datetime | None]
    valid_from: Mapped[date | None]  # block 20: the window every consent allows
    valid_to: Mapped[date | None]
    status_reason: Mapped[str | None] = mapped_column(String(2000))
    #: Signed QR payload of the consented notification, made once (stable PDFs).
    qr_text: Mapped[str | None] = mapped_column(String(4096))
    created_by: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    states: Mapped[list[StateConcerned]] = relationship(
        back_populates="notification",
        order_by="StateConcerned.position",
        cascade="all, delete-orphan",
        lazy="raise",
    )
    decisions: Mapped[list[Decision]] = relationship(
        order_by="Decision.position", cascade="all, delete-orphan", lazy="raise"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class StateConcerned(Base):
    """Block 15: one state on the route, in order, with its authority and border points."""

    __tablename__ = "states_concerned"
    __table_args__ = (
        UniqueConstraint("notification_id", "position"),
        Index("ix_states_concerned_route", "country", "capacity", "notification_id"),
        # an authority's notifications (its jurisdiction in searches) from the index alone
        Index("ix_states_concerned_authority", "authority_id", "notification_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(
        ForeignKey("notifications.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    country: Mapped[str] = mapped_column(String(2), index=True)
    capacity: Mapped[str] = mapped_column(String(10))
    authority_id: Mapped[int] = mapped_column(ForeignKey("authorities.id"))
    point_of_exit: Mapped[str | None] = mapped_column(String(200))
    point_of_entry: Mapped[str | None] = mapped_column(String(200))

    notification: Mapped[Notification] = relationship(back_populates="states", lazy="raise")


class NotificationCounter(Base):
    """Last number issued per country of export and year (``MY-2026-000123``)."""

    __tablename__ = "notification_counters"

    country: Mapped[str] = mapped_column(String(2), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last: Mapped[int] = mapped_column(default=0)
