"""A GIN index on notifications.carriers (PostgreSQL)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 03:45:00

A carrier sees the notifications that name it in block 8, tested in SQL by JSONB containment
(``app.core.json_sql.json_array_has_id``). Without an index every carrier's list, search and
statistics read every notification; ``jsonb_path_ops`` serves ``@>`` with the smallest index.
SQLite has no index that could serve that test, so it gets none.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            "ix_notifications_carriers",
            "notifications",
            ["carriers"],
            postgresql_using="gin",
            postgresql_ops={"carriers": "jsonb_path_ops"},
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_notifications_carriers", table_name="notifications")
