"""SQL over JSON columns that SQLite and PostgreSQL spell differently, as one expression.

Jurisdiction filters must run in SQL, not on rows already fetched: a page of results filtered
afterwards comes back short or empty while matching rows exist further on.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class json_array_has_id(FunctionElement[bool]):
    """True where the JSON array in ``column`` holds an object whose ``key`` is the integer
    ``value``: ``json_array_has_id(Notification.carriers, "party_id", 7)``."""

    type = Boolean()
    inherit_cache = True
    name = "json_array_has_id"

    def __init__(self, column: Any, key: str, value: int) -> None:
        super().__init__(column, literal(key), literal(value))


def _parts(element: json_array_has_id, compiler: SQLCompiler, **kw: Any) -> list[str]:
    return [compiler.process(clause, **kw) for clause in element.clauses]


@compiles(json_array_has_id, "postgresql")
def _postgresql(element: json_array_has_id, compiler: SQLCompiler, **kw: Any) -> str:
    column, key, value = _parts(element, compiler, **kw)
    # JSONB containment, which a GIN index on the column could serve.
    member = f"jsonb_build_object(CAST({key} AS text), CAST({value} AS bigint))"
    return f"({column} @> jsonb_build_array({member}))"


@compiles(json_array_has_id, "sqlite")
def _sqlite(element: json_array_has_id, compiler: SQLCompiler, **kw: Any) -> str:
    column, key, value = _parts(element, compiler, **kw)
    return (
        f"EXISTS (SELECT 1 FROM json_each({column}) AS member "
        f"WHERE json_extract(member.value, '$.' || {key}) = {value})"
    )
