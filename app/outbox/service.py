"""Write messages with their cause; deliver them later, retrying with backoff, parking the
hopeless ones. Delivery is at least once; receivers de-duplicate by the idempotency key."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.accounts.models import Account
from app.audit import service as audit
from app.core.config import Settings
from app.core.db import unit_of_work, utcnow
from app.core.errors import Conflict, NotFound
from app.outbox.models import OutboxMessage


@dataclass(frozen=True)
class Attempt:
    delivered: bool
    status: int | None = None
    error: str | None = None
    retry_after: float | None = None
    permanent: bool = False  # the receiver refused it for good: retrying cannot help


Deliver = Callable[[Session, OutboxMessage], Attempt]


def enqueue(
    *,
    session: Session,
    channel: str,
    topic: str,
    payload: dict[str, Any],
    key: str,
    endpoint_id: int | None = None,
    subscription_id: int | None = None,
) -> bool:
    """Add a message in the caller's transaction; a message with the same key is not added twice."""
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key)):
        return False
    session.add(
        OutboxMessage(
            channel=channel,
            topic=topic,
            payload=payload,
            idempotency_key=key,
            endpoint_id=endpoint_id,
            subscription_id=subscription_id,
        )
    )
    session.flush()
    return True


def _claim_one(session: Session, now: datetime) -> OutboxMessage | None:
    stmt = (
        select(OutboxMessage)
        .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
    )
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)  # several workers never take the same one
    return session.scalars(stmt).first()


def backoff(attempts: int, settings: Settings, rng: random.Random) -> float:
    """Exponential with jitter: [0.5, 1) × min(cap, base × 2^(attempts−1))."""
    ceiling = min(settings.outbox_backoff_cap, settings.outbox_backoff_base * 2 ** (attempts - 1))
    return ceiling * rng.uniform(0.5, 1.0)


def record_attempt(
    message: OutboxMessage,
    attempt: Attempt,
    *,
    now: datetime,
    settings: Settings,
    rng: random.Random,
) -> None:
    message.attempts += 1
    message.last_status = attempt.status
    if attempt.delivered:
        message.status, message.delivered_at, message.last_error = "delivered", now, None
        return
    message.last_error = (attempt.error or "failed")[:1000]
    if attempt.permanent or message.attempts >= settings.outbox_max_attempts:
        message.status = "parked"
        return
    wait = (
        attempt.retry_after
        if attempt.retry_after is not None
        else backoff(message.attempts, settings, rng)
    )
    message.next_attempt_at = now + timedelta(seconds=wait)


@dataclass
class RunReport:
    delivered: int = 0
    retried: int = 0
    parked: int = 0
    errors: list[str] = field(default_factory=list)


def run_once(
    *,
    factory: sessionmaker[Session],
    deliver: Deliver,
    settings: Settings,
    now: datetime | None = None,
    limit: int = 1000,
    rng: random.Random | None = None,
) -> RunReport:
    """Deliver what is due, one message per transaction (a crash loses at most one attempt)."""
    rng = rng or random.Random()
    report = RunReport()
    for _ in range(limit):
        with unit_of_work(factory) as session:
            moment = now or utcnow()
            message = _claim_one(session, moment)
            if message is None:
                break
            try:
                attempt = deliver(session, message)
            except Exception as exc:  # a bug or an unreachable target: count it, keep going
                attempt = Attempt(False, None, f"{type(exc).__name__}: {exc}")
            record_attempt(message, attempt, now=moment, settings=settings, rng=rng)
            if message.status == "delivered":
                report.delivered += 1
            elif message.status == "parked":
                report.parked += 1
                report.errors.append(f"#{message.id}: {message.last_error}")
            else:
                report.retried += 1
    return report


def list_messages(*, session: Session, status: str | None, limit: int = 200) -> list[OutboxMessage]:
    stmt = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if status:
        stmt = stmt.where(OutboxMessage.status == status)
    return list(session.scalars(stmt))


def replay(*, session: Session, account: Account, message_id: int) -> OutboxMessage:
    """Give a parked message a fresh start (the admin fixed the cause), on the audit record:
    what the receiving system refused, and who sent it again."""
    message = session.get(OutboxMessage, message_id)
    if message is None:
        raise NotFound(f"No outbox message {message_id}.")
    if message.status != "parked":
        raise Conflict(
            f"Message {message_id} is {message.status}; only parked ones are replayed.",
            rule="outbox.replay",
        )
    before = {"status": message.status, "attempts": message.attempts, "error": message.last_error}
    message.status, message.attempts, message.next_attempt_at = "pending", 0, utcnow()
    session.flush()
    audit.record(
        session=session,
        actor=account,
        action="outbox.replay",
        object_type="outbox_message",
        object_id=message.id,
        before=before,
        after={"status": message.status, "attempts": message.attempts},
    )
    return message
