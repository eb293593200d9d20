"""Movement search columns (states of export and import, flag count) and covering indexes

Movement searches counted their facets over up to 10,000 movements joined to their
notifications (120-230 ms at a million shipments); with the states copied onto the movement and
indexes that carry every search column, a search reads one index instead.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy import Text  # noqa: F401  (used by JSONB columns)

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: As in app/movements/models.py (a migration keeps its own copy: models change later).
SEARCH_COLUMNS = (
    "notification_id",
    "shipment_date",
    "id",
    "status",
    "export_country",
    "import_country",
    "flag_count",
)
SEARCH_INDEXES = {
    "ix_movements_search_notification": ("notification_id", "shipment_date", "id"),
    "ix_movements_search_date": ("shipment_date", "id"),
    "ix_movements_search_status": ("status", "shipment_date", "id"),
    "ix_movements_search_flagged": ("shipment_date", "id"),
}
FLAGGED = sa.text("flag_count > 0")


def upgrade() -> None:
    # no column change that would make SQLite rebuild the table (the states stay nullable)
    with op.batch_alter_table("movements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("export_country", sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column("import_country", sa.String(length=2), nullable=True))
        batch_op.add_column(
            sa.Column("flag_count", sa.Integer(), server_default="0", nullable=False)
        )
    # backfill: as app/movements/service.py and app/screening/service.py fill them from now on
    op.execute(
        "UPDATE movements SET export_country = n.export_country, "
        "import_country = n.import_country "
        "FROM notifications AS n WHERE n.id = movements.notification_id"
    )
    op.execute(
        "UPDATE movements SET flag_count = f.n "
        "FROM (SELECT movement_id, count(*) AS n FROM flags "
        "WHERE movement_id IS NOT NULL GROUP BY movement_id) AS f "
        "WHERE f.movement_id = movements.id"
    )
    with op.batch_alter_table("movements", schema=None) as batch_op:
        # the single-column indexes are the leading columns of the search indexes
        batch_op.drop_index("ix_movements_notification_id")
        batch_op.drop_index("ix_movements_status")
        batch_op.drop_index("ix_movements_shipment_date")
        for name, keys in SEARCH_INDEXES.items():
            flagged = name == "ix_movements_search_flagged"
            batch_op.create_index(
                name,
                list(keys),
                unique=False,
                postgresql_include=[c for c in SEARCH_COLUMNS if c not in keys],
                postgresql_where=FLAGGED if flagged else None,
                sqlite_where=FLAGGED if flagged else None,
            )

    with op.batch_alter_table("states_concerned", schema=None) as batch_op:
        batch_op.drop_index("ix_states_concerned_authority_id")
        batch_op.create_index(
            "ix_states_concerned_authority", ["authority_id", "notification_id"], unique=False
        )

    op.create_index(
        "ix_notifications_basel_code", "notifications", [sa.text("(waste ->> 'basel_code')")]
    )


def downgrade() -> None:
    op.drop_index("ix_notifications_basel_code", table_name="notifications")

    with op.batch_alter_table("states_concerned", schema=None) as batch_op:
        batch_op.drop_index("ix_states_concerned_authority")
        batch_op.create_index("ix_states_concerned_authority_id", ["authority_id"], unique=False)

    with op.batch_alter_table("movements", schema=None) as batch_op:
        for name in SEARCH_INDEXES:
            batch_op.drop_index(name)
        batch_op.create_index("ix_movements_shipment_date", ["shipment_date"], unique=False)
        batch_op.create_index("ix_movements_status", ["status"], unique=False)
        batch_op.create_index("ix_movements_notification_id", ["notification_id"], unique=False)
    # ALTER TABLE ... DROP COLUMN, also on SQLite (a batch would rebuild the table, which the
    # rows of flags and crossings referring to movements do not allow)
    for column in ("flag_count", "import_country", "export_country"):
        op.drop_column("movements", column)
