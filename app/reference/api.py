from datetime import date
from typing import Any

from fastapi import APIRouter

from app.accounts.auth import CurrentAccount
from app.reference import service
from app.reference.schemas import CodeListRead, CodeRead, RegimeRead

router = APIRouter(prefix="/reference", tags=["reference"])


@router.get(
    "/lists", response_model=list[CodeListRead], summary="Code lists shipped with the service"
)
def lists(account: CurrentAccount) -> Any:
    return service.lists()


@router.get(
    "/lists/{name}",
    response_model=list[CodeRead],
    summary="Codes of one list; with ?on=DATE only those in force that day",
)
def codes(name: str, account: CurrentAccount, on: date | None = None) -> Any:
    return service.codes(name, on, today=account.today())


@router.get("/lists/{name}/{code}", response_model=CodeRead)
def code(name: str, code: str, account: CurrentAccount, on: date | None = None) -> Any:
    return service.code(name, code, on or account.today())


@router.get(
    "/regimes",
    response_model=list[RegimeRead],
    summary="Legal regimes and their deadlines (one table of data)",
)
def regimes(account: CurrentAccount) -> Any:
    return service.regimes()
