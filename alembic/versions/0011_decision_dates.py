"""Decisions keep their date on the deciding authority's calendar

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 01:00:00

The notification document prints when consent was given (block 20); from the UTC timestamp,
a consent given at 08:00 in Seoul would print the day before. Existing decisions get their
timestamp's UTC date, the only date they have.
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op
from app.core.migrate import fill_dates

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("decisions", sa.Column("decided_on", sa.Date(), nullable=True))
    fill_dates("decisions", {"decided_on": "decided_at"})


def downgrade() -> None:
    op.drop_column("decisions", "decided_on")
