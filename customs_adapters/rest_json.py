"""A customs system that speaks the canonical model as JSON over HTTP.

``RestJsonAdapter`` reads NDJSON files (one canonical declaration per line) and renders consents as
canonical JSON. ``RestJsonClient`` pushes consents and movements to the customs API and pulls
declarations page by page.

Delivery is at-least-once on our side and exactly-once on theirs: every push carries an
``Idempotency-Key`` so a retry after a timeout or a dropped connection (where the first attempt
may have arrived) is recognised by customs as the same message. Retried: connection errors,
timeouts, 5xx, 408 and 429, with exponential backoff and full jitter, ``Retry-After`` (seconds or
HTTP date) taking precedence. Any other 4xx is permanent: the message itself is wrong and sending
it again cannot help.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import IO, Any

import httpx

from app.core.errors import ServiceUnavailable
from customs_adapters.base import ParsedRow, RowError, to_row
from customs_adapters.declaration import ConsentMessage, CustomsDeclaration

RETRYABLE_STATUS = frozenset({408, 429})
RETRYABLE_ERRORS = (httpx.TransportError,)
"""Connect errors, timeouts, read errors and dropped connections (RemoteProtocolError)."""


class RestJsonAdapter:
    name = "rest_json"

    def parse(self, stream: IO[bytes]) -> Iterator[ParsedRow]:
        for line_number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except (ValueError, UnicodeDecodeError) as error:
                yield RowError(line_number, f"not valid JSON: {error}")
                continue
            if not isinstance(data, dict):
                yield RowError(line_number, "line is not a JSON object")
                continue
            yield to_row(line_number, data)

    def render_consent(self, msg: ConsentMessage) -> bytes:
        return msg.model_dump_json().encode()


@dataclass(frozen=True)
class PushResult:
    delivered: bool
    status_code: int | None
    attempts: int
    error: str | None = None
    #: Seconds the receiver asked us to wait (``Retry-After``), for a caller that retries later.
    retry_after: float | None = None


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` is either delta-seconds or an HTTP date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _retryable(response: httpx.Response) -> bool:
    return response.status_code >= 500 or response.status_code in RETRYABLE_STATUS


class RestJsonClient:
    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 10.0,
        max_attempts: int = 5,
        backoff_base: float = 0.5,
        backoff_cap: float = 30.0,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.client = client or httpx.Client(timeout=timeout)
        self.timeout = timeout
        self.sleep = sleep
        self.rng = rng or random.Random()

    def backoff(self, attempt: int) -> float:
        """Full jitter: uniform in [0, min(cap, base * 2^(attempt-1)))."""
        return self.rng.uniform(0, min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1)))

    def _send(
        self, request: Callable[[], httpx.Response]
    ) -> tuple[httpx.Response | None, int, str | None]:
        """Run ``request`` until it succeeds, fails for good, or attempts run out."""
        error: str | None = None
        response: httpx.Response | None = None
        for attempt in range(1, self.max_attempts + 1):
            delay: float | None = None
            try:
                response = request()
            except RETRYABLE_ERRORS as exc:
                response, error = None, f"{type(exc).__name__}: {exc}"
            else:
                if not _retryable(response):
                    return response, attempt, None
                error = f"HTTP {response.status_code}"
                delay = retry_after_seconds(response.headers.get("Retry-After"))
            if attempt < self.max_attempts:
                self.sleep(self.backoff(attempt) if delay is None else delay)
        return response, self.max_attempts, error

    def push(self, kind: str, payload: dict[str, Any], idempotency_key: str) -> PushResult:
        """POST ``payload`` to ``/{kind}`` (e.g. ``consents``, ``movements``)."""
        url = f"{self.base_url}/{kind}"
        headers = {"Idempotency-Key": idempotency_key}
        response, attempts, error = self._send(
            lambda: self.client.post(url, json=payload, headers=headers, timeout=self.timeout)
        )
        status = response.status_code if response is not None else None
        if response is not None and response.is_success:
            return PushResult(True, status, attempts)
        if response is not None and not _retryable(response):
            error = f"HTTP {status}: refused by customs, not retried: {response.text[:200]}"
        wait = retry_after_seconds(response.headers.get("Retry-After")) if response else None
        return PushResult(False, status, attempts, error, wait)

    def pull(self, cursor: str | None) -> tuple[list[CustomsDeclaration | RowError], str | None]:
        """One page of ``GET /declarations?cursor=``; bad items come back as RowError (index)."""
        params = {"cursor": cursor} if cursor else {}
        url = f"{self.base_url}/declarations"
        response, attempts, error = self._send(
            lambda: self.client.get(url, params=params, timeout=self.timeout)
        )
        if response is None or not response.is_success:
            status = response.status_code if response is not None else "no response"
            raise ServiceUnavailable(
                f"customs API {url} failed after {attempts} attempts ({error or status})",
                source=url,
            )
        body = response.json()
        items: list[CustomsDeclaration | RowError] = []
        for index, data in enumerate(body.get("declarations", []), start=1):
            row = (
                to_row(index, data) if isinstance(data, dict) else RowError(index, "not an object")
            )
            items.append(row if isinstance(row, RowError) else row.declaration)
        return items, body.get("next_cursor")
