"""Group commit: requests that arrive while the database is busy share the next transaction.

Why: a border post's scans come in bursts, and each scan on its own pays for a thread hop, a
session, BEGIN and COMMIT, and the wake-ups of the database round trips around its two
statements. While a transaction is running, later scans wait on the event loop anyway; when
one finishes, everything that queued meanwhile goes into the next transaction together. Under a
light load every batch holds one scan and nothing changes; under a burst the batches grow, so
the fixed cost per scan falls just when the backlog needs it to (the database does the same
for WAL flushes).

``GroupCommit`` knows nothing about scans: it runs a sync function over a list of items on the
thread pool, at most ``at_once`` lists at a time, and hands each caller its own result or its
own exception.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from starlette.concurrency import run_in_threadpool

from app.core.loop_local import LoopLocal

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class _Queue(Generic[T, R]):
    """One event loop's waiting items and running batches (futures belong to one loop:
    ``LoopLocal``)."""

    waiting: deque[tuple[T, asyncio.Future[R]]] = field(default_factory=deque)
    running: int = 0


class GroupCommit(Generic[T, R]):
    """``await batches.submit(item)``: runs ``run_batch`` over the items that queued together.

    ``run_batch`` gets up to ``max_batch`` items and returns, in their order, each one's result
    or the exception to raise in its caller."""

    def __init__(
        self,
        run_batch: Callable[[list[T]], Sequence[R | Exception]],
        *,
        at_once: int,
        max_batch: int,
    ) -> None:
        self.run_batch = run_batch
        self.at_once = at_once
        self.max_batch = max_batch
        self._queues: LoopLocal[_Queue[T, R]] = LoopLocal(_Queue)

    async def submit(self, item: T) -> R:
        queue = self._queues.get()
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        queue.waiting.append((item, future))
        self._start(queue)
        return await future

    def _start(self, queue: _Queue[T, R]) -> None:
        while queue.waiting and queue.running < self.at_once:
            count = min(self.max_batch, len(queue.waiting))
            batch = [queue.waiting.popleft() for _ in range(count)]
            queue.running += 1
            asyncio.get_running_loop().create_task(self._run(queue, batch))

    async def _run(self, queue: _Queue[T, R], batch: list[tuple[T, asyncio.Future[R]]]) -> None:
        try:
            outcomes = await run_in_threadpool(self.run_batch, [item for item, _ in batch])
        except Exception as error:  # the batch as a whole failed: every caller hears why
            outcomes = [error] * len(batch)
        finally:
            queue.running -= 1
            self._start(queue)
        for (_, future), outcome in zip(batch, outcomes, strict=True):
            if future.done():  # the caller went away (client disconnected)
                continue
            if isinstance(outcome, Exception):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)
