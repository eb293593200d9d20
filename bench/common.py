"""Pieces every benchmark needs: a throwaway migrated database, percentiles, a clean SIGTERM."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from app.core.migrate import upgrade


@contextmanager
def fresh_database(server_url: str, prefix: str, keep: bool = False) -> Iterator[str]:
    """A new, migrated database on the server of ``server_url``; dropped when the block ends
    (also on failure or Ctrl-C), unless ``keep``."""
    server = make_url(server_url)
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = server.set(database=name).render_as_string(hide_password=False)
        upgrade(url)
        yield url
    finally:
        if keep:
            print(f"kept database {name} (re-run the queries with --database {name})")
        else:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            print(f"dropped database {name}")
        admin.dispose()


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), round(p / 100 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


def terminate_as_exit(signum: int, _frame: object) -> None:
    """SIGTERM ends a benchmark like Ctrl-C does: the ``finally`` blocks clean up."""
    raise SystemExit(128 + signum)
