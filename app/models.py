"""Every table, imported in one place so ``Base.metadata`` is complete (Alembic, tests)."""

from app.accounts.models import Account
from app.audit.models import AuditEvent
from app.authorities.models import Authority, ImportProhibitionRecord
from app.consents.models import Decision, InformationRequest
from app.core.db import Base
from app.idempotency.models import IdempotencyRecord
from app.notifications.models import Notification, NotificationCounter, StateConcerned
from app.parties.models import Party

__all__ = [
    "Account",
    "AuditEvent",
    "Authority",
    "Base",
    "Decision",
    "IdempotencyRecord",
    "ImportProhibitionRecord",
    "InformationRequest",
    "Notification",
    "NotificationCounter",
    "Party",
    "StateConcerned",
]
