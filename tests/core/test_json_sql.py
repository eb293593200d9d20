"""json_array_has_id on the real database: the same answers on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from sqlalchemy import cast, literal, select
from sqlalchemy.dialects.postgresql import JSONB

from app.core.json_sql import json_array_has_id


@pytest.mark.parametrize(
    ("array", "found"),
    [
        ('[{"party_id": 7}]', True),
        ('[{"party_id": 8}, {"party_id": 7, "means_of_transport": ["R"]}]', True),
        ('[{"party_id": 77}, {"party_id": 8}]', False),
        ('[{"party_id": "7"}]', False),  # ids are stored as numbers; a string is another value
        ('[{"carrier": 7}]', False),
        ("[]", False),
    ],
)
def test_finds_an_object_with_the_id_in_a_json_array(app: FastAPI, array: str, found: bool) -> None:
    with app.state.engine.connect() as conn:
        column = (
            cast(literal(array), JSONB) if conn.dialect.name == "postgresql" else literal(array)
        )
        assert conn.scalar(select(json_array_has_id(column, "party_id", 7))) is found
