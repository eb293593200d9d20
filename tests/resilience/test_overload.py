"""More concurrent requests than a worker has database connections: all are answered.

Before the admission limit (app/core/admission.py) 100 concurrent clients on two workers
stalled: threads waiting for a connection filled the thread pool while the requests holding the
connections waited for a thread, until the pool's 30 s timeout turned them into errors.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from app.core.admission import admission_limit
from app.core.db import make_engine
from tests.factories import bearer
from tests.resilience.processes import ServerProcess, running, seed_demo

TIMEOUT_S = 25.0  # below the pool's 30 s wait: a stalled request fails here, not as a slow pass


async def _at_once(url: str, token: str, count: int) -> list[int]:
    limits = httpx.Limits(max_connections=count)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=TIMEOUT_S) as client:
        answers = await asyncio.gather(
            *(client.get("/notifications", headers=bearer(token)) for _ in range(count))
        )
    return [r.status_code for r in answers]


def test_many_more_concurrent_requests_than_connections_are_all_answered(
    own_database: str, key_dir: Path, logs: Path
) -> None:
    world = seed_demo(own_database)
    capacity = admission_limit(make_engine(own_database))
    requests = 4 * capacity + 40  # beyond connections + threads of the one worker
    server = ServerProcess(own_database, key_dir, logs / "overload.log")
    with running([server]):
        statuses = asyncio.run(_at_once(server.url, world.tokens["exporter_my"], requests))
    assert statuses == [200] * requests
