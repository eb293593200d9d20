"""Accounts keep the time zone where they work

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 05:00:00

An account's "today" is the date where it works: a border scan at 07:00 in Kuala Lumpur is on a
different date from the server's in UTC, and a consent's validity is judged on the border's
date. Existing accounts get their country's zone; in a country that keeps several times, the
first the tz database lists for it (check such accounts).
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa

from alembic import op
from app.accounts.domain import country_time_zones, default_time_zone

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _zone_of(country: str) -> str:
    found = default_time_zone(country, datetime.now(UTC))
    return found or next(iter(country_time_zones().get(country, ())), "UTC")


def upgrade() -> None:
    # Added with a default, then filled: a NOT NULL column without one would make SQLite rebuild
    # the table, which the foreign keys pointing at accounts forbid while they hold rows.
    op.add_column(
        "accounts",
        sa.Column("time_zone", sa.String(length=64), nullable=False, server_default="UTC"),
    )
    accounts = sa.table("accounts", sa.column("country", sa.String), sa.column("time_zone"))
    connection = op.get_bind()
    for (country,) in connection.execute(sa.select(accounts.c.country).distinct()):
        zone = _zone_of(country)
        connection.execute(
            accounts.update().where(accounts.c.country == country).values(time_zone=zone)
        )
    if connection.dialect.name != "sqlite":  # SQLite cannot drop a default without a rebuild
        op.alter_column("accounts", "time_zone", server_default=None)


def downgrade() -> None:
    op.drop_column("accounts", "time_zone")
