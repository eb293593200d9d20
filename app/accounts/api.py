from fastapi import APIRouter, status

from app.accounts import service
from app.accounts.auth import AdminAccount, CurrentAccount
from app.accounts.schemas import AccountCreate, AccountCreated, AccountRead, AccountUpdate
from app.core.deps import SessionDep

router = APIRouter(tags=["accounts"])


@router.get("/me", response_model=AccountRead, summary="The account behind the token")
def me(account: CurrentAccount) -> object:
    return account


@router.get("/accounts", response_model=list[AccountRead])
def list_accounts(session: SessionDep, admin: AdminAccount) -> object:
    return service.list_accounts(session=session)


@router.post("/accounts", response_model=AccountCreated, status_code=status.HTTP_201_CREATED)
def create_account(data: AccountCreate, session: SessionDep, admin: AdminAccount) -> object:
    account, token = service.create_account(session=session, actor=admin, data=data)
    return AccountCreated.model_validate(
        {**AccountRead.model_validate(account).model_dump(), "token": token}
    )


@router.patch("/accounts/{account_id}", response_model=AccountRead)
def update_account(
    account_id: int, data: AccountUpdate, session: SessionDep, admin: AdminAccount
) -> object:
    return service.set_active(
        session=session, actor=admin, account_id=account_id, active=data.active
    )
