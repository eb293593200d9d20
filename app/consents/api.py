"""Decision routes of the competent authorities (and the notifier's answers to their questions)."""

from typing import Any

from fastapi import APIRouter

from app.accounts.auth import AdminAccount, CurrentAccount
from app.consents import service
from app.consents.schemas import (
    ConsentIn,
    InformationAnswerIn,
    InformationRequestIn,
    InformationRequestRead,
    ObjectionIn,
    WithdrawalIn,
)
from app.core.deps import SessionDep
from app.core.http import Version
from app.notifications import service as notifications
from app.notifications.schemas import NotificationRead

router = APIRouter(prefix="/notifications/{notification_id}", tags=["decisions"])


@router.post(
    "/consent",
    response_model=NotificationRead,
    summary="Consent, optionally with conditions (authority concerned)",
)
def consent(
    notification_id: int,
    data: ConsentIn,
    session: SessionDep,
    account: CurrentAccount,
    version: Version,
) -> Any:
    n = service.consent(
        session=session,
        account=account,
        notification_id=notification_id,
        data=data,
        expected_version=version,
    )
    return notifications.present(session=session, n=n, today=account.today())


@router.post("/objection", response_model=NotificationRead, summary="Object, with reasons")
def objection(
    notification_id: int,
    data: ObjectionIn,
    session: SessionDep,
    account: CurrentAccount,
    version: Version,
) -> Any:
    n = service.object_to(
        session=session,
        account=account,
        notification_id=notification_id,
        reasons=data.reasons,
        expected_version=version,
    )
    return notifications.present(session=session, n=n, today=account.today())


@router.post(
    "/withdrawal", response_model=NotificationRead, summary="Withdraw or revoke a consent given"
)
def withdrawal(
    notification_id: int,
    data: WithdrawalIn,
    session: SessionDep,
    account: CurrentAccount,
    version: Version,
) -> Any:
    n = service.withdraw(
        session=session,
        account=account,
        notification_id=notification_id,
        reason=data.reason,
        expected_version=version,
    )
    return notifications.present(session=session, n=n, today=account.today())


@router.post(
    "/information-requests",
    response_model=NotificationRead,
    summary="Ask the notifier for information (stops your clock)",
)
def request_information(
    notification_id: int,
    data: InformationRequestIn,
    session: SessionDep,
    account: CurrentAccount,
    version: Version,
) -> Any:
    n = service.request_information(
        session=session,
        account=account,
        notification_id=notification_id,
        question=data.question,
        expected_version=version,
    )
    return notifications.present(session=session, n=n, today=account.today())


@router.get("/information-requests", response_model=list[InformationRequestRead])
def list_information_requests(
    notification_id: int, session: SessionDep, account: CurrentAccount
) -> Any:
    return service.information_requests(
        session=session, account=account, notification_id=notification_id
    )


@router.post(
    "/information-requests/{request_id}/answer",
    response_model=NotificationRead,
    summary="Answer a request for information (notifier)",
)
def answer_information(
    notification_id: int,
    request_id: int,
    data: InformationAnswerIn,
    session: SessionDep,
    account: CurrentAccount,
    version: Version,
) -> Any:
    n = service.answer_information(
        session=session,
        account=account,
        notification_id=notification_id,
        request_id=request_id,
        answer=data.answer,
        expected_version=version,
    )
    return notifications.present(session=session, n=n, today=account.today())


jobs = APIRouter(prefix="/admin/jobs", tags=["admin"])


@jobs.post("/deadlines", summary="Apply tacit consents and expiries that fell due (admin)")
def run_deadlines(session: SessionDep, admin: AdminAccount) -> Any:
    return service.apply_due(session=session)
