"""Consent and departure keep their date on the calendar of whoever took the step

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 02:00:00

The statistics and the Art. 13 report count a notification as consented, and a shipment as
shipped, on a day: from the UTC timestamps, a consent given at 07:00 on 1 January in Beijing,
or a shipment leaving then, would be counted in the year before. A notification gets the day
its consent became complete (on the calendar of the authority whose decision completed it), a
movement the day it left (at the border of exit, or where the first carrier took it over).
Existing rows get the UTC date of their timestamp, the only date they have.
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op
from app.core.migrate import fill_dates

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("notifications", sa.Column("consented_on", sa.Date(), nullable=True))
    fill_dates("notifications", {"consented_on": "consented_at"})
    op.add_column("movements", sa.Column("departed_on", sa.Date(), nullable=True))
    fill_dates("movements", {"departed_on": "departed_at"})


def downgrade() -> None:
    # Dropped in place (SQLite 3.35+): a batch rebuild would lose the expression and partial
    # indexes of both tables, which it cannot reflect.
    op.drop_column("movements", "departed_on")
    op.drop_column("notifications", "consented_on")
