"""Case routes (inspectors): read, investigate, confirm illegal traffic, clear, assign, comment."""

from typing import Any

from fastapi import APIRouter

from app.accounts.auth import CurrentAccount
from app.cases import service
from app.cases.schemas import AssignIn, CaseRead, ClearIn, CommentIn, ConfirmIn
from app.core.deps import SessionDep
from app.core.http import Version

router = APIRouter(prefix="/cases", tags=["cases"])


@router.get("/{case_id}", response_model=CaseRead, summary="A flag as a case: evidence, history")
def get(case_id: int, session: SessionDep, account: CurrentAccount) -> Any:
    return service.present(
        session=session, flag=service.get_case(session=session, account=account, case_id=case_id)
    )


@router.post("/{case_id}/investigate", response_model=CaseRead)
def investigate(
    case_id: int, session: SessionDep, account: CurrentAccount, version: Version
) -> Any:
    return service.present(
        session=session,
        flag=service.investigate(
            session=session, account=account, case_id=case_id, version=version
        ),
    )


@router.post(
    "/{case_id}/confirm",
    response_model=CaseRead,
    summary="Confirm illegal traffic (Basel Art. 9): ground, responsibility, states told",
)
def confirm(
    case_id: int, data: ConfirmIn, session: SessionDep, account: CurrentAccount, version: Version
) -> Any:
    return service.present(
        session=session,
        flag=service.confirm(
            session=session, account=account, case_id=case_id, data=data, version=version
        ),
    )


@router.post("/{case_id}/clear", response_model=CaseRead, summary="Clear as a false positive")
def clear(
    case_id: int, data: ClearIn, session: SessionDep, account: CurrentAccount, version: Version
) -> Any:
    return service.present(
        session=session,
        flag=service.clear(
            session=session, account=account, case_id=case_id, reason=data.reason, version=version
        ),
    )


@router.post("/{case_id}/reopen", response_model=CaseRead)
def reopen(case_id: int, session: SessionDep, account: CurrentAccount, version: Version) -> Any:
    return service.present(
        session=session,
        flag=service.reopen(session=session, account=account, case_id=case_id, version=version),
    )


@router.post("/{case_id}/assign", response_model=CaseRead)
def assign(
    case_id: int, data: AssignIn, session: SessionDep, account: CurrentAccount, version: Version
) -> Any:
    return service.present(
        session=session,
        flag=service.assign(
            session=session,
            account=account,
            case_id=case_id,
            inspector_id=data.inspector_id,
            version=version,
        ),
    )


@router.post("/{case_id}/comments", response_model=CaseRead)
def comment(case_id: int, data: CommentIn, session: SessionDep, account: CurrentAccount) -> Any:
    return service.present(
        session=session,
        flag=service.comment(session=session, account=account, case_id=case_id, body=data.body),
    )
