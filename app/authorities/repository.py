from sqlalchemy import select
from sqlalchemy.orm import Session

from app.authorities.models import Authority, ImportProhibitionRecord


def list_authorities(session: Session, country: str | None) -> list[Authority]:
    stmt = select(Authority).order_by(Authority.id)
    if country:
        stmt = stmt.where(Authority.country == country.upper())
    return list(session.scalars(stmt))


def list_prohibitions(session: Session, country: str | None) -> list[ImportProhibitionRecord]:
    stmt = select(ImportProhibitionRecord).order_by(ImportProhibitionRecord.id)
    if country:
        stmt = stmt.where(ImportProhibitionRecord.country == country.upper())
    return list(session.scalars(stmt))
