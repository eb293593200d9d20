from sqlalchemy import select
from sqlalchemy.orm import Session

from app.consents.models import InformationRequest
from app.notifications.models import Notification
from app.notifications.repository import _with_children


def information_requests(session: Session, notification_id: int) -> list[InformationRequest]:
    stmt = (
        select(InformationRequest)
        .where(InformationRequest.notification_id == notification_id)
        .order_by(InformationRequest.id)
    )
    return list(session.scalars(stmt))


def get_request(
    session: Session, notification_id: int, request_id: int
) -> InformationRequest | None:
    req = session.get(InformationRequest, request_id)
    return req if req is not None and req.notification_id == notification_id else None


def awaiting_decisions(session: Session) -> list[Notification]:
    """Acknowledged notifications (tacit consent may fall due) and consented ones (may expire)."""
    stmt = _with_children(
        select(Notification).where(Notification.status.in_(["acknowledged", "consented"]))
    )
    return list(session.scalars(stmt))


def open_procedures(session: Session) -> list[Notification]:
    """Notifications in which someone still has to act before a deadline."""
    stmt = _with_children(
        select(Notification).where(
            Notification.status.in_(["submitted", "transmitted", "acknowledged"])
        )
    )
    return list(session.scalars(stmt))
