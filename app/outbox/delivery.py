"""How a message reaches its target: customs systems through the REST/JSON client, webhooks as
signed POSTs. One attempt per call; the outbox decides when to try again."""

from __future__ import annotations

import json
import time

import httpx
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.core.errors import InvalidInput
from app.customs.models import CustomsEndpoint
from app.outbox.models import OutboxMessage
from app.outbox.service import Attempt, Deliver
from app.webhooks.domain import check_target, sign
from app.webhooks.models import Subscription
from customs_adapters.rest_json import RestJsonClient, retry_after_seconds


def _permanent(status: int | None) -> bool:
    return status is not None and 400 <= status < 500 and status not in (408, 429)


def make_deliver(settings: Settings, client: httpx.Client) -> Deliver:
    def to_customs(session: Session, message: OutboxMessage) -> Attempt:
        endpoint = session.get(CustomsEndpoint, message.endpoint_id)
        if endpoint is None or not endpoint.active:
            return Attempt(False, None, "the customs endpoint is gone or inactive", permanent=True)
        result = RestJsonClient(
            endpoint.base_url, max_attempts=1, client=client, timeout=settings.delivery_timeout
        ).push(message.topic, message.payload, message.idempotency_key)
        return Attempt(
            result.delivered,
            result.status_code,
            result.error,
            result.retry_after,
            _permanent(result.status_code),
        )

    def to_webhook(session: Session, message: OutboxMessage) -> Attempt:
        sub = session.get(Subscription, message.subscription_id)
        if sub is None or not sub.active:
            return Attempt(False, None, "the subscription was cancelled", permanent=True)
        try:  # checked again: the name may resolve elsewhere now (DNS rebinding)
            check_target(sub.url, allow_private=settings.allow_private_targets)
        except InvalidInput as exc:
            return Attempt(False, None, exc.detail, permanent=True)
        body = json.dumps(message.payload, separators=(",", ":")).encode()
        stamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "X-BaselTrack-Event": message.topic,
            "X-BaselTrack-Event-Id": str(message.payload.get("id")),
            "X-BaselTrack-Timestamp": stamp,
            "X-BaselTrack-Signature": sign(sub.secret, stamp, body),
        }
        try:
            response = client.post(
                sub.url,
                content=body,
                headers=headers,
                timeout=settings.delivery_timeout,
                follow_redirects=False,
            )
        except httpx.HTTPError as exc:
            return Attempt(False, None, f"{type(exc).__name__}: {exc}")
        if response.is_success:
            return Attempt(True, response.status_code)
        return Attempt(
            False,
            response.status_code,
            f"HTTP {response.status_code}",
            retry_after_seconds(response.headers.get("Retry-After")),
            _permanent(response.status_code),
        )

    def deliver(session: Session, message: OutboxMessage) -> Attempt:
        if message.channel == "customs":
            return to_customs(session, message)
        return to_webhook(session, message)

    return deliver
