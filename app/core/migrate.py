"""Run Alembic migrations from code (CLI start-up and tests)."""

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.config import Config

from alembic import command, op

ROOT = Path(__file__).resolve().parents[2]


def alembic_config(url: str) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "alembic"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def built_here(dialect: str) -> Any:
    """Alembic's ``include_object`` for a database of ``dialect``: leaves out the indexes made
    only on another database (``app.core.db.postgresql_only``), so that autogenerate and the
    schema test do not ask SQLite for a GIN index."""

    def include(obj: Any, _name: str | None, type_: str, _reflected: bool, _other: Any) -> bool:
        return type_ != "index" or obj.info.get("dialect", dialect) == dialect

    return include


def utc_date(column: Any, dialect: str) -> Any:
    """SQL for the UTC date of a timestamp column, for migrations that date past rows: SQLite
    keeps UTC text; PostgreSQL a timestamptz, which would otherwise be read in the session's
    time zone."""
    if dialect == "sqlite":
        return sa.func.date(column)
    return sa.cast(sa.func.timezone("UTC", column), sa.Date)


def fill_dates(table: str, pairs: dict[str, str]) -> None:
    """In a migration, set each date column of ``pairs`` (date column → timestamp column) of
    ``table`` to the UTC date of its timestamp: the only date past rows have."""
    t = sa.table(
        table,
        *(sa.column(at, sa.DateTime(timezone=True)) for at in pairs.values()),
        *(sa.column(on, sa.Date()) for on in pairs),
    )
    dialect = op.get_bind().dialect.name
    op.execute(t.update().values({t.c[on]: utc_date(t.c[at], dialect) for on, at in pairs.items()}))


def upgrade(url: str, revision: str = "head") -> None:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(url), revision)
