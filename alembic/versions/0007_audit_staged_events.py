"""Staged audit events: committed with their change, chained after the commit

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op
from app.core.db import JSONType, UTCDateTime

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_staged",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.String(length=60), nullable=False),
        sa.Column("before", JSONType, nullable=True),
        sa.Column("after", JSONType, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_staged")),
    )
    op.create_index("ix_audit_staged_object", "audit_staged", ["object_type", "object_id"])


def downgrade() -> None:
    op.drop_index("ix_audit_staged_object", table_name="audit_staged")
    op.drop_table("audit_staged")
