"""Admission control: no more requests inside a worker than it has database connections.

A request holds its one database connection from authentication to commit, but runs on the
thread pool in several hops (dependencies, route, commit). When more requests are in flight than
the pool has connections, threads that wait for a connection can occupy every thread-pool slot
while the requests that hold connections wait for a slot: nothing moves until the pool's 30 s
timeout (measured with bench/load_test.py: 100 concurrent clients on 2 workers gave ~1 request/s
and 500s). Letting at most that many requests in at once — the rest wait here, asynchronously,
without a thread — keeps every admitted request able to finish.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import Engine
from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.loop_local import LoopLocal

#: Threads of the thread pool that runs sync routes and dependencies (AnyIO's default).
THREAD_POOL_SIZE = 40


def admission_limit(engine: Engine) -> int:
    """The connections one process may open (pool size + overflow), at most the thread pool."""
    pool = engine.pool
    size = getattr(pool, "size", THREAD_POOL_SIZE)
    size = size() if callable(size) else int(size)  # QueuePool.size() / SingletonThreadPool.size
    overflow = max(0, int(getattr(pool, "_max_overflow", 0)))
    return max(1, min(THREAD_POOL_SIZE, size + overflow))


class Slots:
    """``async with slots:`` lets at most ``limit`` tasks in at once; the rest wait, without a
    thread, in arrival order.

    One semaphore per event loop (``LoopLocal``): an ``asyncio.Semaphore`` binds itself to the
    first loop that waits on it.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._semaphores = LoopLocal(lambda: asyncio.Semaphore(limit))

    async def __aenter__(self) -> None:
        await self._semaphores.get().acquire()

    async def __aexit__(self, *_: object) -> None:
        self._semaphores.get().release()


class AdmissionLimit:
    """ASGI middleware: HTTP requests beyond ``limit`` queue until one finishes."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.slots = Slots(limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        async with self.slots:
            await self.app(scope, receive, send)
