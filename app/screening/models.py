from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, utcnow


class FlagRecord(Base):
    """A red flag (from declaration screening or a border scan) and the case it becomes."""

    __tablename__ = "flags"
    __table_args__ = (
        Index("ix_flags_country_status", "country", "status"),
        # free text: a trigram index on PostgreSQL (LIKE '%x%'), prefix search on document numbers
        Index(
            "ix_flags_search_text_trgm",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ),
        Index(
            "ix_flags_document_no_pattern",
            "document_no",
            postgresql_ops={"document_no": "varchar_pattern_ops"},
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(12))  # "declaration" | "scan"
    declaration_pk: Mapped[int | None] = mapped_column(
        ForeignKey("customs_declarations.id"), index=True
    )
    scan_id: Mapped[int | None] = mapped_column(ForeignKey("scans.id"))
    rule_id: Mapped[str] = mapped_column(String(10), index=True)
    severity: Mapped[str] = mapped_column(String(10), index=True)
    explanation: Mapped[str] = mapped_column(String(2000))
    evidence: Mapped[dict[str, Any]]
    country: Mapped[str] = mapped_column(String(2))
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notifications.id"), index=True)
    movement_id: Mapped[int | None] = mapped_column(ForeignKey("movements.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # denormalised for search: what an inspector filters and types
    waste_code: Mapped[str | None] = mapped_column(String(20), index=True)
    hs_code: Mapped[str | None] = mapped_column(String(12), index=True)
    office: Mapped[str | None] = mapped_column(String(40), index=True)
    document_no: Mapped[str | None] = mapped_column(String(40), index=True)
    #: Party names and document numbers, lower-cased, for free-text search.
    search_text: Mapped[str] = mapped_column(String(2000), default="")
    # the case
    status: Mapped[str] = mapped_column(String(24), default="open")
    assigned_to: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    outcome: Mapped[dict[str, Any] | None]
    closed_at: Mapped[datetime | None]
    #: The day the case was closed where the closing inspector works (the Art. 13 report's year).
    closed_on: Mapped[date | None]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class FlagComment(Base):
    __tablename__ = "flag_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    flag_id: Mapped[int] = mapped_column(ForeignKey("flags.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    body: Mapped[str] = mapped_column(String(4000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
