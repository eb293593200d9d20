"""Steps and border crossings keep their date on the calendar of whoever took them

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 00:30:00

Deadlines count from the day a step was taken where it was taken, not from the UTC date of
its timestamp: an acknowledgment at 08:00 in Seoul is dated that day, while in UTC it is
still the day before, which would end every decision period (and start tacit consent) one
day early; likewise the receipt deadline counts from the day of entry at the border.
Notifications get the dates of submission, transmission and acknowledgment; crossings the
date at the border. Existing rows get the UTC date of their timestamp, the only date they have.
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op
from app.core.migrate import fill_dates

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STEPS = ("submitted", "transmitted", "acknowledged")


def upgrade() -> None:
    for step in STEPS:
        op.add_column("notifications", sa.Column(f"{step}_on", sa.Date(), nullable=True))
    fill_dates("notifications", {f"{s}_on": f"{s}_at" for s in STEPS})
    # Added with a placeholder default, then filled (see 0009 for why not NOT NULL at once).
    op.add_column(
        "crossings",
        sa.Column("crossed_on", sa.Date(), nullable=False, server_default="1970-01-01"),
    )
    fill_dates("crossings", {"crossed_on": "crossed_at"})
    if op.get_bind().dialect.name != "sqlite":  # SQLite cannot drop a default without a rebuild
        op.alter_column("crossings", "crossed_on", server_default=None)


def downgrade() -> None:
    # Dropped in place (SQLite 3.35+): a batch rebuild would lose the expression index.
    op.drop_column("crossings", "crossed_on")
    for step in STEPS:
        op.drop_column("notifications", f"{step}_on")
