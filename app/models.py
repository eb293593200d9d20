"""Every table, imported in one place so ``Base.metadata`` is complete (Alembic, tests)."""

from app.accounts.models import Account
from app.audit.models import AuditEvent
from app.authorities.models import Authority, ImportProhibitionRecord
from app.consents.models import Decision, InformationRequest
from app.core.db import Base
from app.customs.models import CustomsEndpoint, DeclarationRecord
from app.idempotency.models import IdempotencyRecord
from app.movements.models import Crossing, DocumentRevocation, Movement, MovementRevision
from app.notifications.models import Notification, NotificationCounter, StateConcerned
from app.outbox.models import OutboxMessage
from app.parties.models import Party
from app.scans.models import Scan
from app.screening.models import FlagComment, FlagRecord
from app.webhooks.models import Subscription

__all__ = [
    "Account",
    "AuditEvent",
    "Authority",
    "Base",
    "Crossing",
    "CustomsEndpoint",
    "Decision",
    "DeclarationRecord",
    "DocumentRevocation",
    "FlagComment",
    "FlagRecord",
    "IdempotencyRecord",
    "ImportProhibitionRecord",
    "InformationRequest",
    "Movement",
    "MovementRevision",
    "Notification",
    "NotificationCounter",
    "OutboxMessage",
    "Party",
    "Scan",
    "StateConcerned",
    "Subscription",
]
