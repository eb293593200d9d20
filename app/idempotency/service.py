"""Replay or record keyed requests. The record commits with the effect, or not at all."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from fastapi.encoders import jsonable_encoder
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import Account
from app.core.errors import Conflict, InvalidInput
from app.idempotency.models import IdempotencyRecord


def _fingerprint(endpoint: str, body: Any) -> str:
    canonical = json.dumps(jsonable_encoder(body), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{endpoint}\n{canonical}".encode()).hexdigest()


def run_once(
    *,
    session: Session,
    account: Account,
    key: str | None,
    endpoint: str,
    body: Any,
    create: Callable[[], Any],
) -> tuple[Any, bool]:
    """Return ``(response, replayed)``. Without a key the request simply runs."""
    if key is None:
        return jsonable_encoder(create()), False
    if not 1 <= len(key) <= 200:
        raise InvalidInput.on(
            "Idempotency-Key", "idempotency.key_length", "Use 1 to 200 characters."
        )
    fingerprint = _fingerprint(endpoint, body)
    existing = session.scalars(
        select(IdempotencyRecord).where(
            IdempotencyRecord.account_id == account.id, IdempotencyRecord.key == key
        )
    ).first()
    if existing is not None:
        if existing.endpoint != endpoint or existing.request_hash != fingerprint:
            raise Conflict(
                f"Idempotency-Key {key!r} was already used for a different request; "
                "use a new key for a new request.",
                rule="idempotency.key_reused",
            )
        return existing.response, True
    response = jsonable_encoder(create())
    session.add(
        IdempotencyRecord(
            account_id=account.id,
            key=key,
            endpoint=endpoint,
            request_hash=fingerprint,
            status_code=201,
            response=response,
        )
    )
    session.flush()
    return response, False
