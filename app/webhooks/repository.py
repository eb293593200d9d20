from collections.abc import Sequence

from sqlalchemy import Row, exists, select
from sqlalchemy.orm import Session

from app.webhooks.models import Subscription

_ACTIVE = select(Subscription.id, Subscription.account_id, Subscription.events).where(
    Subscription.active.is_(True)
)

#: Whether anyone subscribed to anything: when no one did, publishing an event is skipped
#: without a look at the subscriptions (the border scan reads this in its one read).
ANYONE_SUBSCRIBED = exists().where(Subscription.active.is_(True))


def active_subscriptions(session: Session) -> Sequence[Row[tuple[int, int, list[str]]]]:
    """Id, account and events of every active subscription, as plain rows: read on every
    published event (every border crossing among them), so without building ORM objects."""
    return session.connection().execute(_ACTIVE).all()
