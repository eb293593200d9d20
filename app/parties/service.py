from sqlalchemy.orm import Session

from app.accounts.models import Account
from app.audit import service as audit
from app.core.errors import InvalidInput, NotFound
from app.parties import repository
from app.parties.models import Party, PartyKind
from app.parties.schemas import PartyIn


def create_party(*, session: Session, actor: Account | None, data: PartyIn) -> Party:
    if (data.pre_consented or data.interim) and data.kind != PartyKind.FACILITY:
        raise InvalidInput.on(
            "pre_consented",
            "party.facility_only",
            "Only a disposal/recovery facility can be pre-consented or interim.",
        )
    party = Party(**data.model_dump())
    session.add(party)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="party.create",
        object_type="party",
        object_id=party.id,
        after=data.model_dump(mode="json"),
    )
    return party


def get_party(*, session: Session, party_id: int) -> Party:
    party = session.get(Party, party_id)
    if party is None:
        raise NotFound(f"No party {party_id}.")
    return party


def list_parties(*, session: Session, kind: str | None, country: str | None) -> list[Party]:
    return repository.list_parties(session, kind, country)
