"""Scans without the indexes no query reads

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 05:00:00

A valid border scan inserts one row into ``scans``; each secondary index on it is one more
B-tree insert (and its WAL) inside the busiest transaction of the service. The indexes on
``scanned_at``, ``country``, ``doc_id`` and ``flagged`` served no query: scans are read by id
(from their flags) only. Measured with pg_walinspect on PostgreSQL 15, 500 valid scans: B-tree
inserts per scan 20 → 16, WAL per scan besides full-page images 3.6-3.7 → 3.5 kB. An index
comes back with the query that needs it.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNREAD = ("scanned_at", "country", "doc_id", "flagged")


def upgrade() -> None:
    for column in UNREAD:
        op.drop_index(f"ix_scans_{column}", table_name="scans")


def downgrade() -> None:
    for column in UNREAD:
        op.create_index(f"ix_scans_{column}", "scans", [column])
