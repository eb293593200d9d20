from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Index, Numeric, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, utcnow

#: What a movement search filters, sorts and counts on.
SEARCH_COLUMNS = (
    "notification_id",
    "shipment_date",
    "id",
    "status",
    "export_country",
    "import_country",
    "flag_count",
)


def _search_index(name: str, *keys: str, **options: Any) -> Index:
    """An index a search starts from (its notifications, the shipment date, a status, the
    flagged shipments) that carries every other search column too (INCLUDE, on PostgreSQL): a
    search's page and its facet counts then read the index alone, never the wide rows."""
    carried = [c for c in SEARCH_COLUMNS if c not in keys]
    return Index(name, *keys, postgresql_include=carried, **options)


class Movement(Base):
    """The movement document of shipment n of N, at its current revision."""

    __tablename__ = "movements"
    __table_args__ = (
        UniqueConstraint("notification_id", "shipment_no"),
        Index(
            "ix_movements_document_no_pattern",
            "document_no",
            postgresql_ops={"document_no": "varchar_pattern_ops"},
        ),
        _search_index("ix_movements_search_notification", "notification_id", "shipment_date", "id"),
        _search_index("ix_movements_search_date", "shipment_date", "id"),
        _search_index("ix_movements_search_status", "status", "shipment_date", "id"),
        _search_index(
            "ix_movements_search_flagged",
            "shipment_date",
            "id",
            postgresql_where=text("flag_count > 0"),
            sqlite_where=text("flag_count > 0"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Printed and signed identifier: ``<notification number>/<shipment no>`` (block 1 + 2).
    document_no: Mapped[str] = mapped_column(String(40), unique=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id"))
    shipment_no: Mapped[int]
    revision: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(default=1)
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 3))  # block 5
    unit: Mapped[str] = mapped_column(String(3))
    shipment_date: Mapped[date]  # block 6
    packaging: Mapped[list[Any]] = mapped_column(default=list)  # block 7
    packages: Mapped[int] = mapped_column(default=0)
    special_handling: Mapped[str | None] = mapped_column(String(500))
    carriers: Mapped[list[Any]] = mapped_column(default=list)  # block 8, in order
    containers: Mapped[list[Any]] = mapped_column(default=list)
    additional_information: Mapped[str | None] = mapped_column(String(2000))  # block 16
    declaration: Mapped[dict[str, Any] | None]  # block 15
    announced_at: Mapped[datetime | None]
    departed_at: Mapped[datetime | None]
    #: The day it left: at the border of exit (scan) or where the first carrier took it over.
    departed_on: Mapped[date | None]
    received_on: Mapped[date | None]  # block 18
    received_quantity: Mapped[Decimal | None] = mapped_column(Numeric(14, 3))
    accepted: Mapped[bool | None]
    rejection_reason: Mapped[str | None] = mapped_column(String(2000))
    treatment_expected_on: Mapped[date | None]
    receipt_recorded_at: Mapped[datetime | None]
    completed_on: Mapped[date | None]  # block 19
    certificate: Mapped[dict[str, Any] | None]
    certified_at: Mapped[datetime | None]
    return_kind: Mapped[str | None] = mapped_column(String(20))  # Basel Art. 8 / Art. 9
    return_reason: Mapped[str | None] = mapped_column(String(2000))
    return_due: Mapped[date | None]
    returned_as_id: Mapped[int | None] = mapped_column(ForeignKey("movements.id"))
    issuer: Mapped[str] = mapped_column(String(40))
    qr_text: Mapped[str] = mapped_column(String(4096))
    created_by: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # denormalised for search, so that a movement search reads this table alone: the states of
    # export and import copied from the notification (fixed once it is consented, before any
    # movement; nullable only so that they could be added to a filled table without rebuilding
    # it on SQLite), and the number of flags raised on this shipment (kept by the screening
    # service)
    export_country: Mapped[str | None] = mapped_column(String(2))
    import_country: Mapped[str | None] = mapped_column(String(2))
    flag_count: Mapped[int] = mapped_column(default=0, server_default="0")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class MovementRevision(Base):
    """A correction: who, when, why, what changed, and the QR text of that revision."""

    __tablename__ = "movement_revisions"
    __table_args__ = (UniqueConstraint("movement_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    movement_id: Mapped[int] = mapped_column(ForeignKey("movements.id"), index=True)
    revision: Mapped[int]
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_by: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    reason: Mapped[str] = mapped_column(String(2000))
    changes: Mapped[dict[str, Any]]
    qr_text: Mapped[str] = mapped_column(String(4096))


class Crossing(Base):
    """A border crossing recorded by a valid customs scan (blocks 20–22)."""

    __tablename__ = "crossings"
    __table_args__ = (Index("ix_crossings_movement_country", "movement_id", "country"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    movement_id: Mapped[int] = mapped_column(ForeignKey("movements.id"))
    country: Mapped[str] = mapped_column(String(2))
    office: Mapped[str] = mapped_column(String(40))
    direction: Mapped[str] = mapped_column(String(20))
    crossed_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The date at the border when it was crossed (block 20–22): receipt deadlines count from it.
    crossed_on: Mapped[date]
    scan_id: Mapped[int | None] = mapped_column(ForeignKey("scans.id"))


class DocumentRevocation(Base):
    """A cancelled document or superseded revision, published for offline verifiers."""

    __tablename__ = "document_revocations"
    __table_args__ = (UniqueConstraint("doc_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_id: Mapped[str] = mapped_column(String(40), index=True)
    revision: Mapped[int | None]
    reason: Mapped[str] = mapped_column(String(20))
    revoked_at: Mapped[datetime] = mapped_column(default=utcnow)
