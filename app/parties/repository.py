from sqlalchemy import select
from sqlalchemy.orm import Session

from app.parties.models import Party


def list_parties(session: Session, kind: str | None, country: str | None) -> list[Party]:
    stmt = select(Party).order_by(Party.id)
    if kind:
        stmt = stmt.where(Party.kind == kind)
    if country:
        stmt = stmt.where(Party.country == country.upper())
    return list(session.scalars(stmt))
