"""The REST client against a live customs simulator: outages, Retry-After, refusals, paging."""

from __future__ import annotations

import io
import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from app.core.errors import ServiceUnavailable
from customs_adapters.base import ParsedDeclaration, RowError
from customs_adapters.declaration import ConsentMessage, CustomsDeclaration
from customs_adapters.rest_json import RestJsonAdapter, RestJsonClient, retry_after_seconds
from tests.customs_adapters.samples import canonical
from tests.customs_adapters.simulator import CustomsSimulator, serve


@pytest.fixture
def simulator() -> CustomsSimulator:
    return CustomsSimulator(
        declarations=[
            canonical(declaration_id=f"EX-{n}") if n != 3 else canonical(declared_on="yesterday")
            for n in range(1, 6)
        ]
    )


@pytest.fixture
def base_url(simulator: CustomsSimulator) -> Iterator[str]:
    with serve(simulator) as url:
        yield url


def client(base_url: str, sleeps: list[float], **options: float) -> RestJsonClient:
    settings = {"timeout": 0.3, "max_attempts": 6, "backoff_base": 0.1, "backoff_cap": 1.0}
    settings.update(options)
    return RestJsonClient(
        base_url,
        timeout=settings["timeout"],
        max_attempts=int(settings["max_attempts"]),
        backoff_base=settings["backoff_base"],
        backoff_cap=settings["backoff_cap"],
        sleep=sleeps.append,
        rng=random.Random(7),
    )


def test_messages_survive_an_outage_without_loss_or_duplicates(
    simulator: CustomsSimulator, base_url: str
) -> None:
    simulator.fail_next(2, "500")
    simulator.fail_next(1, "drop")
    simulator.fail_next(1, "slow", 0.8)
    sleeps: list[float] = []
    pusher = client(base_url, sleeps)
    results = [
        pusher.push("movements", {"notification_number": "DE-2025-0001", "n": n}, f"mv-{n}")
        for n in range(5)
    ]
    assert all(r.delivered for r in results)
    assert results[0].attempts >= 4
    assert sorted(key for _, key, _ in simulator.stored) == [f"mv-{n}" for n in range(5)]
    assert simulator.attempts > 5
    assert simulator.duplicates_refused >= 1  # the dropped attempt had arrived; its retry did not
    assert all(0 <= s <= 1.0 for s in sleeps) and len(sleeps) == results[0].attempts - 1


def test_retry_after_in_seconds_is_honoured(simulator: CustomsSimulator, base_url: str) -> None:
    simulator.fail_next(1, "429", 7)
    sleeps: list[float] = []
    result = client(base_url, sleeps).push("consents", {"notification_number": "N1"}, "c-1")
    assert result.delivered and result.attempts == 2
    assert sleeps == [7.0]


def test_retry_after_as_http_date() -> None:
    now = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("Sat, 01 Mar 2025 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds("soon") is None


def test_permanent_refusal_is_not_retried(simulator: CustomsSimulator, base_url: str) -> None:
    sleeps: list[float] = []
    result = client(base_url, sleeps).push("consents", {"status": "consented"}, "c-bad")
    assert not result.delivered
    assert result.status_code == 422 and result.attempts == 1
    assert result.error is not None and "not retried" in result.error
    assert sleeps == [] and simulator.attempts == 1


def test_gives_up_after_max_attempts(simulator: CustomsSimulator, base_url: str) -> None:
    simulator.fail_next(10, "500")
    sleeps: list[float] = []
    result = client(base_url, sleeps, max_attempts=3).push(
        "consents", {"notification_number": "N1"}, "c-2"
    )
    assert not result.delivered and result.attempts == 3 and result.status_code == 500
    assert simulator.stored == [] and len(sleeps) == 2


def test_pull_pages_through_all_declarations(base_url: str) -> None:
    puller = client(base_url, [])
    cursor: str | None = None
    seen: list[CustomsDeclaration | RowError] = []
    pages = 0
    while True:
        items, cursor = puller.pull(cursor)
        seen.extend(items)
        pages += 1
        if cursor is None:
            break
    assert pages == 3
    ids = [d.declaration_id for d in seen if isinstance(d, CustomsDeclaration)]
    assert ids == ["EX-1", "EX-2", "EX-4", "EX-5"]
    (error,) = [e for e in seen if isinstance(e, RowError)]
    assert error.position == 1 and "declared_on" in error.reason


def test_pull_reports_an_unreachable_customs_api() -> None:
    sleeps: list[float] = []
    puller = client("http://127.0.0.1:9", sleeps, max_attempts=2)
    with pytest.raises(ServiceUnavailable) as caught:
        puller.pull(None)
    assert "2 attempts" in str(caught.value)


def test_ndjson_file_reports_bad_lines_and_passes_good_ones() -> None:
    lines = [
        json.dumps(canonical()),
        "{not json",
        json.dumps(canonical(declaration_id="EX-2", direction="sideways")),
        json.dumps(canonical(declaration_id="EX-3")),
    ]
    rows = list(RestJsonAdapter().parse(io.BytesIO("\n".join(lines).encode())))
    assert [r.declaration.declaration_id for r in rows if isinstance(r, ParsedDeclaration)] == [
        "EX-1",
        "EX-3",
    ]
    errors = [r for r in rows if isinstance(r, RowError)]
    assert [e.position for e in errors] == [2, 3]
    assert "direction" in errors[1].reason and "sideways" in errors[1].reason


def test_consent_renders_as_canonical_json(consent: ConsentMessage) -> None:
    rendered = RestJsonAdapter().render_consent(consent)
    assert ConsentMessage.model_validate_json(rendered) == consent
