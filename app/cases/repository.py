"""Queries for cases: who a case may be assigned to.

One rule for the API's check and the page's list, so the page never offers an inspector the
service would refuse: an active inspector account of the state where the flag was raised.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from app.accounts.models import Account, Role


def _assignable(country: str) -> ColumnElement[bool]:
    return and_(
        Account.role == Role.INSPECTOR, Account.country == country, Account.active.is_(True)
    )


def assignees(session: Session, country: str) -> list[Account]:
    """The inspectors a case raised in ``country`` may be assigned to, by name."""
    stmt = select(Account).where(_assignable(country)).order_by(Account.name, Account.id)
    return list(session.scalars(stmt))


def assignee(session: Session, country: str, account_id: int) -> Account | None:
    """That account if a case raised in ``country`` may be assigned to it, else None."""
    stmt = select(Account).where(Account.id == account_id, _assignable(country))
    return session.scalars(stmt).first()
