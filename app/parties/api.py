from typing import Any

from fastapi import APIRouter, status

from app.accounts.auth import AdminAccount, CurrentAccount
from app.core.deps import SessionDep
from app.parties import service
from app.parties.models import PartyKind
from app.parties.schemas import PartyIn, PartyRead

router = APIRouter(prefix="/parties", tags=["parties"])


@router.get("", response_model=list[PartyRead], summary="Registered organisations")
def list_(
    session: SessionDep,
    account: CurrentAccount,
    kind: PartyKind | None = None,
    country: str | None = None,
) -> Any:
    return service.list_parties(session=session, kind=kind, country=country)


@router.get("/{party_id}", response_model=PartyRead)
def get(party_id: int, session: SessionDep, account: CurrentAccount) -> Any:
    return service.get_party(session=session, party_id=party_id)


@router.post(
    "",
    response_model=PartyRead,
    status_code=status.HTTP_201_CREATED,
    summary="Register an organisation (admin)",
)
def create(data: PartyIn, session: SessionDep, admin: AdminAccount) -> Any:
    return service.create_party(session=session, actor=admin, data=data)
