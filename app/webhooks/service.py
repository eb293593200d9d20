"""Subscriptions and event publication. Publishing only writes outbox messages (same
transaction as the change); the worker delivers them, signed."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.domain import can_view
from app.accounts.models import Account, Role
from app.audit import service as audit
from app.core.config import Settings
from app.core.db import utcnow
from app.core.errors import NotFound
from app.notifications.models import Notification
from app.outbox.service import enqueue
from app.webhooks import repository
from app.webhooks.domain import check_target
from app.webhooks.models import Subscription
from app.webhooks.schemas import SubscriptionIn


def subscribe(
    *, session: Session, account: Account, data: SubscriptionIn, settings: Settings
) -> Subscription:
    check_target(data.url, allow_private=settings.allow_private_targets)
    sub = Subscription(
        account_id=account.id, url=data.url, events=data.events, secret=secrets.token_urlsafe(32)
    )
    session.add(sub)
    session.flush()
    audit.record(
        session=session,
        actor=account,
        action="webhook.subscribe",
        object_type="subscription",
        object_id=sub.id,
        after={"url": sub.url, "events": sub.events},
    )
    return sub


def own(*, session: Session, account: Account) -> list[Subscription]:
    stmt = (
        select(Subscription).where(Subscription.account_id == account.id).order_by(Subscription.id)
    )
    return list(session.scalars(stmt))


def unsubscribe(*, session: Session, account: Account, subscription_id: int) -> None:
    sub = session.get(Subscription, subscription_id)
    if sub is None or sub.account_id != account.id:
        raise NotFound(f"No subscription {subscription_id} of yours.")
    sub.active = False
    session.flush()
    audit.record(
        session=session,
        actor=account,
        action="webhook.unsubscribe",
        object_type="subscription",
        object_id=sub.id,
    )


def _may_see(account: Account, notification: Notification | None, country: str | None) -> bool:
    """Whoever may see the notification; and customs and inspectors of the state where a flag
    was raised, even when that state is not on the route (that is the point of the flag)."""
    from app.notifications.service import caller_of, scope_of

    if notification is not None and can_view(caller_of(account), scope_of(notification)):
        return True
    return country == account.country and account.role in (Role.CUSTOMS, Role.INSPECTOR)


def publish(
    *,
    session: Session,
    event: str,
    data: dict[str, Any],
    notification: Notification | None = None,
    notification_id: int | None = None,
    country: str | None = None,
    dedupe: str | None = None,
) -> int:
    """Queue ``event`` for every active subscriber that may see its object; returns how many.

    Pass the ``notification`` if it is loaded, else its id: it is then loaded only when someone
    subscribed to the event (a border scan usually has no one to tell, and must stay cheap).
    """
    queued = 0
    subs = [sub for sub in repository.active_subscriptions(session) if event in sub.events]
    if subs and notification is None and notification_id is not None:
        from app.notifications.repository import get as get_notification

        notification = get_notification(session, notification_id)
    for sub in subs:
        account = session.get(Account, sub.account_id)
        if account is None or not account.active or not _may_see(account, notification, country):
            continue
        event_id = str(
            uuid.uuid5(uuid.NAMESPACE_URL, f"{sub.id}:{dedupe}") if dedupe else uuid.uuid4()
        )
        body = {"id": event_id, "type": event, "occurred_at": utcnow().isoformat(), "data": data}
        if enqueue(
            session=session,
            channel="webhook",
            topic=event,
            payload=body,
            key=f"webhook:{sub.id}:{event_id}",
            subscription_id=sub.id,
        ):
            queued += 1
    return queued
