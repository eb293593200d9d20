from typing import Any

from fastapi import APIRouter, Response, status

from app.accounts.auth import AdminAccount, CurrentAccount
from app.authorities import service
from app.authorities.schemas import (
    AuthorityIn,
    AuthorityPolicy,
    AuthorityRead,
    ProhibitionIn,
    ProhibitionRead,
)
from app.core.deps import SessionDep

router = APIRouter(tags=["authorities"])


@router.get("/authorities", response_model=list[AuthorityRead], summary="Competent authorities")
def list_(session: SessionDep, account: CurrentAccount, country: str | None = None) -> Any:
    return service.list_authorities(session=session, country=country)


@router.get("/authorities/{authority_id}", response_model=AuthorityRead)
def get(authority_id: int, session: SessionDep, account: CurrentAccount) -> Any:
    return service.get_authority(session=session, authority_id=authority_id)


@router.post(
    "/authorities",
    response_model=AuthorityRead,
    status_code=status.HTTP_201_CREATED,
    summary="Register a competent authority (admin)",
)
def create(data: AuthorityIn, session: SessionDep, admin: AdminAccount) -> Any:
    return service.create_authority(session=session, actor=admin, data=data)


@router.put(
    "/authorities/{authority_id}/policy",
    response_model=AuthorityRead,
    summary="Working days, holidays, tacit transit consent, prior notice (admin or itself)",
)
def update_policy(
    authority_id: int, data: AuthorityPolicy, session: SessionDep, account: CurrentAccount
) -> Any:
    return service.update_policy(
        session=session, actor=account, authority_id=authority_id, data=data
    )


@router.get("/prohibitions", response_model=list[ProhibitionRead], summary="Import prohibitions")
def list_prohibitions(
    session: SessionDep, account: CurrentAccount, country: str | None = None
) -> Any:
    return service.list_prohibitions(session=session, country=country)


@router.post(
    "/prohibitions",
    response_model=ProhibitionRead,
    status_code=status.HTTP_201_CREATED,
    summary="Record an import prohibition (admin or an authority of that state)",
)
def add_prohibition(data: ProhibitionIn, session: SessionDep, account: CurrentAccount) -> Any:
    return service.add_prohibition(session=session, actor=account, data=data)


@router.delete("/prohibitions/{prohibition_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_prohibition(
    prohibition_id: int, session: SessionDep, account: CurrentAccount
) -> Response:
    service.remove_prohibition(session=session, actor=account, prohibition_id=prohibition_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
