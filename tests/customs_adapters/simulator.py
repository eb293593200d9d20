"""A national customs API stand-in: records what arrives, serves declarations, fails on demand.

Failures are queued with ``fail_next``: ``"500"``, ``"429"`` (value = Retry-After seconds),
``"slow"`` (value = seconds to wait before answering; the message is then recorded, as a real
server would that finishes after the client gave up) and ``"drop"`` (the message is recorded,
then the connection is cut mid-response). Raw attempts are counted separately from messages
stored, which are de-duplicated by ``Idempotency-Key``.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class CustomsSimulator:
    def __init__(self, declarations: list[dict[str, Any]] | None = None, page_size: int = 2):
        self.declarations = declarations or []
        self.page_size = page_size
        self.stored: list[tuple[str, str, dict[str, Any]]] = []
        self.keys: set[str] = set()
        self.duplicates_refused = 0
        self.attempts = 0
        self.failures: deque[tuple[str, float]] = deque()
        routes = [
            Route("/declarations", self.list_declarations, methods=["GET"]),
            Route("/{kind}", self.receive_message, methods=["POST"]),
        ]
        self.app: ASGIApp = FailureInjector(Starlette(routes=routes), self)

    def fail_next(self, count: int, mode: str, value: float = 0.0) -> None:
        self.failures.extend([(mode, value)] * count)

    async def receive_message(self, request: Request) -> JSONResponse:
        key = request.headers.get("Idempotency-Key")
        if not key:
            return JSONResponse({"detail": "Idempotency-Key header is required"}, 400)
        payload = await request.json()
        if not payload.get("notification_number"):
            return JSONResponse({"detail": "notification_number is required"}, 422)
        if key in self.keys:
            self.duplicates_refused += 1
            return JSONResponse({"status": "already received"}, 200)
        self.keys.add(key)
        self.stored.append((request.path_params["kind"], key, payload))
        return JSONResponse({"status": "received"}, 201)

    async def list_declarations(self, request: Request) -> JSONResponse:
        start = int(request.query_params.get("cursor") or 0)
        end = start + self.page_size
        page = self.declarations[start:end]
        next_cursor = str(end) if end < len(self.declarations) else None
        return JSONResponse({"declarations": page, "next_cursor": next_cursor})


class FailureInjector:
    """Raw ASGI wrapper: counts attempts and plays the queued failures."""

    def __init__(self, app: ASGIApp, simulator: CustomsSimulator) -> None:
        self.app = app
        self.simulator = simulator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.simulator.attempts += 1
        mode, value = self.simulator.failures.popleft() if self.simulator.failures else ("", 0)
        if mode == "500":
            await self._answer(send, 500, [])
        elif mode == "429":
            await self._answer(send, 429, [(b"retry-after", str(int(value)).encode())])
        elif mode == "slow":
            await asyncio.sleep(value)
            await self.app(scope, receive, send)
        elif mode == "drop":
            await self.app(scope, receive, self._swallow)
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-length", b"100")],
                }
            )
            await send({"type": "http.response.body", "body": b"{", "more_body": True})
            raise ConnectionAbortedError("simulated dropped connection")
        else:
            await self.app(scope, receive, send)

    @staticmethod
    async def _answer(send: Send, status: int, headers: list[tuple[bytes, bytes]]) -> None:
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b""})

    @staticmethod
    async def _swallow(message: Message) -> None:
        return None


@contextmanager
def serve(simulator: CustomsSimulator) -> Iterator[str]:
    """Run the simulator with uvicorn on 127.0.0.1, on a free port, in a background thread."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(simulator.app, log_level="critical", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
