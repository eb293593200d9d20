"""Fuzz every operation of the OpenAPI schema with every role's token, on demo data.

For each operation and each role, Hypothesis (through schemathesis) generates valid requests and
requests that break the schema, half aimed at random ids and half at real objects. Every
response must be what the schema promises a client: no 5xx, a documented status code, the
documented content type, and a body that matches the documented model (problem+json included).

The run is bounded (a few examples per operation and role) and derandomized, so CI sees the same
requests every time; raise ``EXAMPLES`` locally to search harder.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.schemas import APIOperation, BaseSchema
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.core.config import Settings
from app.demo import DemoWorld
from app.main import create_app

#: The demo accounts whose tokens are used, plus a caller without a token.
ROLES = [
    "admin",
    "exporter_my",
    "authority_kr",
    "customs_my",
    "inspector_my",
    "facility_kr",
    "carrier_my",
    "anonymous",
]
#: Examples per operation and role, by kind of data.
EXAMPLES = {GenerationMode.POSITIVE: 4, GenerationMode.NEGATIVE: 2}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _operation_labels() -> list[str]:
    """Every operation the app declares, read at collection time (no database is touched)."""
    keys = Path(tempfile.gettempdir()) / "baseltrack-fuzz-keys"  # never read: no request is made
    spec = create_app(Settings(database_url="sqlite://", key_dir=keys)).openapi()
    return [f"{method.upper()} {path}" for path, ops in spec["paths"].items() for method in ops]


def _operation(schema: BaseSchema, label: str) -> APIOperation:
    method, path = label.split(" ", 1)
    for result in schema.get_all_operations():
        if isinstance(result, Ok):
            operation = result.ok()
            if operation.method.upper() == method and operation.path == path:
                return operation
    raise LookupError(f"{label} is not in the schema the app serves")


def _modes(operation: APIOperation) -> list[GenerationMode]:
    """Invalid data needs something to break: a path parameter, a query parameter or a body."""
    breakable = operation.path_parameters or operation.query or operation.body
    return (
        [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
        if breakable
        else [GenerationMode.POSITIVE]
    )


def _strategy(
    operation: APIOperation,
    mode: GenerationMode,
    known: list[dict[str, Any]],
    valid_body: Any | None,
) -> st.SearchStrategy[Any]:
    """Generated cases, the same aimed at each set of real objects, and (for valid data) the
    operation's valid body, if there is one, sent to each of them."""
    names = {p.name for p in operation.path_parameters}
    targets = [{k: v for k, v in ids.items() if k in names} for ids in known] if names else []
    bodies = [] if valid_body is None or mode is GenerationMode.NEGATIVE else [valid_body]
    return st.one_of(
        operation.as_strategy(mode),
        *(operation.as_strategy(mode, path_parameters=ids) for ids in targets),
        *(
            operation.as_strategy(mode, path_parameters=ids, body=body)
            for body in bodies
            for ids in targets or [{}]
        ),
    )


def _fuzz(strategy: st.SearchStrategy[Any], headers: dict[str, str], examples: int) -> None:
    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


@pytest.mark.parametrize("label", _operation_labels())
def test_operation_keeps_its_contract_for_every_role(
    label: str,
    api_schema: BaseSchema,
    world: DemoWorld,
    known_path_parameters: list[dict[str, Any]],
    valid_bodies: dict[str, Any],
    subtests: pytest.Subtests,
) -> None:
    operation = _operation(api_schema, label)
    for role in ROLES:
        token = world.tokens.get(role)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        for mode in _modes(operation):
            with subtests.test(role=role, data=mode.value):
                strategy = _strategy(
                    operation, mode, known_path_parameters, valid_bodies.get(label)
                )
                _fuzz(strategy, headers, EXAMPLES[mode])
