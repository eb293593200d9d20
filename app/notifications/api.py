"""Notification routes: parse, authorise (in the service), call one service, return."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

from app.accounts.auth import CurrentAccount
from app.accounts.models import Role
from app.audit import service as audit
from app.core.deps import SessionDep
from app.core.errors import Forbidden
from app.core.http import IdempotencyKey, Version
from app.idempotency.service import run_once
from app.notifications import service
from app.notifications.domain import Actor, NotificationEvent
from app.notifications.schemas import (
    ContractIn,
    GuaranteeIn,
    NotificationIn,
    NotificationRead,
    NotificationSummary,
    ReasonIn,
)

router = APIRouter(prefix="/notifications", tags=["notifications"])


@router.post(
    "",
    response_model=NotificationRead,
    status_code=status.HTTP_201_CREATED,
    summary="File a notification (draft)",
)
def create(
    data: NotificationIn,
    session: SessionDep,
    account: CurrentAccount,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    if account.role != Role.EXPORTER:
        raise Forbidden("Only an exporter (notifier) files notifications.", rule="role")
    body, _ = run_once(
        session=session,
        account=account,
        key=idempotency_key,
        endpoint="POST /notifications",
        body=data,
        create=lambda: service.present(
            session=session,
            n=service.create_notification(session=session, account=account, data=data),
            today=account.today(),
        ),
    )
    return body


@router.get(
    "", response_model=list[NotificationSummary], summary="Notifications in your jurisdiction"
)
def list_(
    session: SessionDep,
    account: CurrentAccount,
    status_: Annotated[str | None, Query(alias="status")] = None,
    before_id: int | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Any:
    return service.list_notifications(
        session=session, account=account, status=status_, after_id=before_id, limit=limit
    )


@router.get("/{notification_id}", response_model=NotificationRead)
def get(
    notification_id: int, session: SessionDep, account: CurrentAccount, response: Response
) -> Any:
    n = service.get_notification(session=session, account=account, notification_id=notification_id)
    response.headers["ETag"] = f'"{n.version}"'
    return service.present(session=session, n=n, today=account.today())


@router.put("/{notification_id}", response_model=NotificationRead, summary="Edit a draft")
def update(
    notification_id: int,
    data: NotificationIn,
    session: SessionDep,
    account: CurrentAccount,
    version: Version,
) -> Any:
    n = service.update_draft(
        session=session,
        account=account,
        notification_id=notification_id,
        data=data,
        expected_version=version,
    )
    return service.present(session=session, n=n, today=account.today())


@router.post(
    "/{notification_id}/submit",
    response_model=NotificationRead,
    summary="Submit to the authority of export (notifier)",
)
def submit(
    notification_id: int, session: SessionDep, account: CurrentAccount, version: Version
) -> Any:
    n = service.submit(
        session=session, account=account, notification_id=notification_id, expected_version=version
    )
    return service.present(session=session, n=n, today=account.today())


def _step_route(
    event: NotificationEvent, actors: tuple[Actor, ...], summary: str, with_reason: bool = False
) -> None:
    path = f"/{{notification_id}}/{event.value}"

    if with_reason:

        @router.post(path, response_model=NotificationRead, summary=summary)
        def with_reason_step(
            notification_id: int,
            data: ReasonIn,
            session: SessionDep,
            account: CurrentAccount,
            version: Version,
        ) -> Any:
            n = service.step(
                session=session,
                account=account,
                notification_id=notification_id,
                event=event,
                allowed=actors,
                expected_version=version,
                reason=data.reason,
            )
            return service.present(session=session, n=n, today=account.today())
    else:

        @router.post(path, response_model=NotificationRead, summary=summary)
        def plain_step(
            notification_id: int, session: SessionDep, account: CurrentAccount, version: Version
        ) -> Any:
            n = service.step(
                session=session,
                account=account,
                notification_id=notification_id,
                event=event,
                allowed=actors,
                expected_version=version,
            )
            return service.present(session=session, n=n, today=account.today())


_step_route(
    NotificationEvent.TRANSMIT,
    (Actor.EXPORT_AUTHORITY,),
    "Transmit to the states concerned (authority of export)",
)
_step_route(
    NotificationEvent.REFUSE,
    (Actor.EXPORT_AUTHORITY,),
    "Refuse to transmit, with reasons (authority of export)",
    with_reason=True,
)
_step_route(
    NotificationEvent.ACKNOWLEDGE,
    (Actor.IMPORT_AUTHORITY,),
    "Acknowledge receipt of a complete notification (authority of import)",
)
_step_route(
    NotificationEvent.CLOSE,
    (Actor.NOTIFIER, Actor.EXPORT_AUTHORITY),
    "Close the notification (notifier or authority of export)",
    with_reason=True,
)


@router.post(
    "/{notification_id}/contract",
    response_model=NotificationRead,
    summary="Record the exporter–disposer contract (notifier)",
)
def contract(
    notification_id: int,
    data: ContractIn,
    session: SessionDep,
    account: CurrentAccount,
    version: Version,
) -> Any:
    n = service.record_contract(
        session=session,
        account=account,
        notification_id=notification_id,
        data=data,
        expected_version=version,
    )
    return service.present(session=session, n=n, today=account.today())


@router.post(
    "/{notification_id}/guarantee",
    response_model=NotificationRead,
    summary="Record the financial guarantee or insurance in force (notifier)",
)
def guarantee(
    notification_id: int,
    data: GuaranteeIn,
    session: SessionDep,
    account: CurrentAccount,
    version: Version,
) -> Any:
    n = service.record_guarantee(
        session=session,
        account=account,
        notification_id=notification_id,
        data=data,
        expected_version=version,
    )
    return service.present(session=session, n=n, today=account.today())


@router.get("/{notification_id}/history", summary="Audit events of this notification")
def history(notification_id: int, session: SessionDep, account: CurrentAccount) -> Any:
    n = service.get_notification(session=session, account=account, notification_id=notification_id)
    return [
        {
            "id": e.id,
            "at": e.at,
            "actor": e.actor,
            "action": e.action,
            "before": e.before,
            "after": e.after,
        }
        for e in audit.history(session=session, object_type="notification", object_id=n.id)
    ]
