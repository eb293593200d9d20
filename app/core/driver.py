"""Prebuilt statements run on the session's own driver cursor: the border scan's two statements
and the audit sealer's four.

Why: a border scan makes one read and one write, and SQLAlchemy's work around each execution
(result metadata built from the driver's description of 24 columns, the expansion of
post-compiled literals, parameter and row objects) cost about as much CPU as the statement itself
took in the driver: the scan's read took 450 µs of CPU per transaction through
``Connection.execute`` and 270 µs on the cursor, BEGIN and COMMIT included, and a whole scan
1.18 ms against 0.96 ms (in-process, PostgreSQL). At 500 scans/s on two cores that difference
is a tenth of the machine. The sealer, which chains the scans' audit events many times a
second in each process, spent 0.25-0.45 ms of CPU per statement the same way.

What stays the same: the statement is built and compiled by SQLAlchemy (once per dialect),
typed parameters and result columns go through the same type processors, it runs on the
connection and in the transaction of the caller's session, so the unit of work and its single
commit are unchanged, and driver errors become SQLAlchemy's exceptions (a lost connection is
invalidated as SQLAlchemy would), which the problem handlers turn into 409/503 answers. What is
skipped: SQLAlchemy's cursor-execute events (nothing here listens to them). Drivers with
positional placeholders (SQLite's ``qmark``) run the statement through SQLAlchemy as usual.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import zip_longest
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import Executable

Processor = Callable[[Any], Any]

#: Paramstyles whose placeholders name their parameter, so a dict of parameters can be passed
#: to the driver as it is.
_NAMED = frozenset({"pyformat", "named"})
#: What to fetch after executing.
_FIRST, _ALL, _NONE = "first", "all", "none"


@dataclass(frozen=True)
class _Plan:
    """A statement compiled for one dialect, ready for the driver."""

    sql: str
    literals: dict[str, Any]  # parameters SQLAlchemy bound itself (separators, constants)
    binds: dict[str, Processor]  # type processors of the parameters that have one
    columns: tuple[str, ...]  # result column names (empty for a text statement)
    types: tuple[Any, ...]  # their SQLAlchemy types, for the result processors


#: The result's column names and each column's type processor (None: the value as it comes).
_Shape = tuple[tuple[str, ...], tuple[Processor | None, ...]]


def _result_shape(plan: _Plan, dialect: Dialect, description: Any) -> _Shape:
    """Column names, and each result column's type processor as SQLAlchemy picks it: by the
    column's type and the type code the driver reports for it (read once, from the first
    execution). A text statement has no types: its columns are named by the driver."""
    names = plan.columns or tuple(column[0] for column in description or ())
    processors = tuple(
        type_.dialect_impl(dialect).result_processor(dialect, column[1])
        for type_, column in zip(plan.types, description or (), strict=False)
    )
    return names, processors


def _plan(statement: Any, dialect: Dialect) -> _Plan:
    plain = statement.compile(dialect=dialect)
    if any(bind.expanding for bind in plain.binds.values()):
        raise ValueError("expanding (IN) parameters are not supported on the driver path")
    given = plain.params  # by the names in the SQL; None where the caller must pass a value
    to_fill = [name for name, value in given.items() if value is None]
    # render_postcompile writes literals such as aggregate_strings' separator into the SQL;
    # it needs a value for every parameter, and leaves the filled ones as placeholders.
    compiled = plain
    if plain.literal_execute_params:
        compiled = statement.params({name: None for name in to_fill}).compile(
            dialect=dialect, compile_kwargs={"render_postcompile": True}
        )
    binds = {
        name: processor
        for name, bind in compiled.binds.items()
        if name in given
        and (processor := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None
    }
    selected = list(getattr(statement, "exported_columns", ()))  # a SELECT or a RETURNING
    return _Plan(
        sql=compiled.string,
        literals={name: value for name, value in given.items() if value is not None},
        binds=binds,
        columns=tuple(column.key for column in selected),
        types=tuple(column.type for column in selected),
    )


class DriverStatement:
    """``statement`` (built with SQLAlchemy) executed on the driver cursor of a session's
    connection; see the module's docstring for why and what is kept."""

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._plans: dict[str, _Plan] = {}
        self._shapes: dict[str, _Shape] = {}

    def first(self, session: Session, params: dict[str, Any]) -> dict[str, Any] | None:
        """The first row as a dict of column name to value, or None."""
        names, rows = self._rows(session.connection(), params, _FIRST)
        return dict(zip(names, rows[0], strict=True)) if rows else None

    def all(self, session: Session, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Every row, each as a dict of column name to value."""
        names, rows = self._rows(session.connection(), params, _ALL)
        return [dict(zip(names, row, strict=True)) for row in rows]

    def scalar(self, session: Session, params: dict[str, Any]) -> Any:
        """The first column of the first row, or None when there is no row."""
        _, rows = self._rows(session.connection(), params, _FIRST)
        return rows[0][0] if rows else None

    def run(self, session: Session, params: dict[str, Any]) -> None:
        """Execute a statement that returns no rows."""
        self._rows(session.connection(), params, _NONE)

    def _rows(
        self, conn: Connection, params: dict[str, Any], fetch: str
    ) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
        """The column names and the rows ``fetch`` asks for, with result processors applied."""
        if conn.dialect.paramstyle not in _NAMED:
            result = conn.execute(self.statement, params)
            if fetch == _NONE:
                return (), []
            fetched = result.all() if fetch == _ALL else result.fetchmany(1)
            return tuple(result.keys()), [tuple(row) for row in fetched]
        names, results, rows = self._driver_rows(conn, params, fetch)
        return names, [
            tuple(
                value if process is None or value is None else process(value)
                for value, process in zip_longest(row, results)
            )
            for row in rows
        ]

    def _driver_rows(
        self, conn: Connection, params: dict[str, Any], fetch: str
    ) -> tuple[tuple[str, ...], tuple[Processor | None, ...], list[tuple[Any, ...]]]:
        """Run on the driver cursor: column names, result processors, raw rows."""
        dialect = conn.dialect
        plan = self._plans.get(dialect.name)
        if plan is None:
            plan = self._plans[dialect.name] = _plan(self.statement, dialect)
        values = {**plan.literals, **params}
        try:
            for name, process in plan.binds.items():
                values[name] = process(values[name])
        except Exception as error:  # as SQLAlchemy reports a value its type refuses
            raise StatementError(str(error), plan.sql, values, error) from error
        driver = conn.connection.dbapi_connection
        if driver is None:
            raise RuntimeError("the session's connection has been invalidated")
        cursor = None
        try:
            cursor = driver.cursor()
            cursor.execute(plan.sql, values)
            if fetch == _NONE:
                return (), (), []
            shape = self._shapes.get(dialect.name)
            if shape is None:  # .description once only: the driver builds it column by column
                shape = self._shapes[dialect.name] = _result_shape(
                    plan, dialect, cursor.description
                )
            if fetch == _ALL:
                rows = list(cursor.fetchall())
            else:
                row = cursor.fetchone()
                rows = [] if row is None else [row]
        except dialect.loaded_dbapi.Error as error:
            lost = dialect.is_disconnect(error, driver, cursor)
            if lost:
                conn.invalidate(error)
            raise DBAPIError.instance(
                plan.sql,
                values,
                error,
                dialect.loaded_dbapi.Error,
                connection_invalidated=lost,
                dialect=dialect,
            ) from error
        finally:
            if cursor is not None:
                cursor.close()
        return (*shape, rows)
