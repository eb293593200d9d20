"""Bearer-token authentication and role checks, as FastAPI dependencies."""

import hashlib
import secrets
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import Account, Role
from app.core.deps import SessionDep
from app.core.errors import Forbidden, NotAuthenticated

_bearer = HTTPBearer(auto_error=False, description="API token of a BaselTrack account")


def new_token() -> str:
    return "bt_" + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """Tokens carry 256 random bits, so a plain SHA-256 is enough to store them safely."""
    return hashlib.sha256(token.encode()).hexdigest()


BearerToken = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def current_account(session: SessionDep, credentials: BearerToken) -> Account:
    return authenticate(session, credentials)


def authenticate(session: Session, credentials: HTTPAuthorizationCredentials | None) -> Account:
    """The active account whose token was sent, or 401."""
    token_hash = sent_token_hash(credentials)
    return active(session.scalars(select(Account).where(Account.token_hash == token_hash)).first())


def sent_token_hash(credentials: HTTPAuthorizationCredentials | None) -> str:
    """The stored form of the bearer token sent, or 401 if none was sent."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise NotAuthenticated("Send your API token as 'Authorization: Bearer <token>'.")
    return hash_token(credentials.credentials)


def active(account: Account | None) -> Account:
    """The account found by a token, or 401 if there is none or it is disabled. (The border
    scan reads the account in its own one statement and checks it here.)"""
    if account is None or not account.active:
        raise NotAuthenticated("This API token is unknown or its account is disabled.")
    return account


CurrentAccount = Annotated[Account, Depends(current_account)]


def require_roles(*roles: Role) -> Callable[[Account], Account]:
    allowed = ", ".join(r.value for r in roles)

    def check(account: CurrentAccount) -> Account:
        if account.role not in roles:
            raise Forbidden(
                f"This action is for the role(s) {allowed}; your account is {account.role}.",
                rule="role",
            )
        return account

    return check


AdminAccount = Annotated[Account, Depends(require_roles(Role.ADMIN))]
