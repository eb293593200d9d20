"""The admission limit, on a bare ASGI app (no database): it holds, in every event loop."""

import asyncio

from starlette.types import Message, Receive, Scope, Send

from app.core.admission import AdmissionLimit


class CountingApp:
    """Answers after a short wait and records how many requests were inside at once."""

    def __init__(self) -> None:
        self.inside = 0
        self.peak = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.inside += 1
        self.peak = max(self.peak, self.inside)
        await asyncio.sleep(0.01)
        self.inside -= 1
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


async def _request(app: AdmissionLimit) -> int:
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await app({"type": "http", "method": "GET", "path": "/"}, receive, send)
    return int(sent[0]["status"])


async def _burst(app: AdmissionLimit, requests: int) -> list[int]:
    return await asyncio.gather(*(_request(app) for _ in range(requests)))


def test_requests_beyond_the_limit_wait_their_turn_and_all_are_answered() -> None:
    inner = CountingApp()
    app = AdmissionLimit(inner, limit=2)

    assert asyncio.run(_burst(app, 7)) == [200] * 7
    assert inner.peak == 2


def test_the_limit_holds_in_each_event_loop_that_drives_the_app() -> None:
    """One app, driven by one event loop after another (as each TestClient or embedding
    runner brings its own), with requests queueing in each: an asyncio.Semaphore made once
    binds to the first loop that waits on it and raises RuntimeError in the next."""
    inner = CountingApp()
    app = AdmissionLimit(inner, limit=1)

    for _ in range(2):
        assert asyncio.run(_burst(app, 3)) == [200] * 3
    assert inner.peak == 1
