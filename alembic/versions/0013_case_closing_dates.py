"""Cases keep the day they were closed on the closing inspector's calendar

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 02:10:00

The Art. 13 report lists the cases of illegal traffic confirmed in the year; from the UTC
timestamp, a case confirmed at 03:00 on 1 January in Bangkok would be reported in the year
before. Existing closed cases get their timestamp's UTC date, the only date they have.
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op
from app.core.migrate import fill_dates

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("flags", sa.Column("closed_on", sa.Date(), nullable=True))
    fill_dates("flags", {"closed_on": "closed_at"})


def downgrade() -> None:
    # Dropped in place (SQLite 3.35+), as 0010-0012 do, not by rebuilding the table.
    op.drop_column("flags", "closed_on")
