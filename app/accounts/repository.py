from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import Account


def get(session: Session, account_id: int) -> Account | None:
    return session.get(Account, account_id)


def list_all(session: Session) -> list[Account]:
    return list(session.scalars(select(Account).order_by(Account.id)))
