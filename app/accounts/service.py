"""Account administration. Creating an account issues its token, shown once."""

from sqlalchemy.orm import Session

from app.accounts import repository
from app.accounts.auth import hash_token, new_token
from app.accounts.models import Account, Role
from app.accounts.schemas import AccountCreate
from app.audit import service as audit
from app.authorities.models import Authority
from app.core.errors import InvalidInput, NotFound
from app.parties.models import Party, PartyKind

#: Which kind of organisation each party-bound role acts for.
_ROLE_PARTY_KINDS = {
    Role.EXPORTER: {PartyKind.EXPORTER},
    Role.FACILITY: {PartyKind.FACILITY},
    Role.CARRIER: {PartyKind.CARRIER},
}


def _check_links(session: Session, data: AccountCreate) -> None:
    if data.party_id is not None:
        party = session.get(Party, data.party_id)
        kinds = _ROLE_PARTY_KINDS.get(data.role)
        if party is None:
            raise InvalidInput.on("party_id", "reference.unknown", f"No party {data.party_id}.")
        if kinds is None or party.kind not in kinds or party.country != data.country:
            raise InvalidInput.on(
                "party_id",
                "account.party_mismatch",
                f"Party {party.id} is a {party.kind} in {party.country}; a {data.role.value} "
                f"account in {data.country} cannot act for it.",
            )
    if data.authority_id is not None:
        authority = session.get(Authority, data.authority_id)
        if authority is None or data.role != Role.AUTHORITY or authority.country != data.country:
            raise InvalidInput.on(
                "authority_id",
                "account.authority_mismatch",
                "authority_id must name a competent authority of the account's country, "
                "for an authority account only.",
            )


def create_account(
    *, session: Session, actor: Account | None, data: AccountCreate, token: str | None = None
) -> tuple[Account, str]:
    """Create an account and its token (a given token is for the published demo accounts only)."""
    _check_links(session, data)
    token = token or new_token()
    account = Account(
        name=data.name,
        role=data.role.value,
        country=data.country,
        time_zone=data.time_zone,
        party_id=data.party_id,
        authority_id=data.authority_id,
        token_hash=hash_token(token),
        token_hint=token[:10],
        active=True,
    )
    session.add(account)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="account.create",
        object_type="account",
        object_id=account.id,
        after={
            "name": account.name,
            "role": account.role,
            "country": account.country,
            "time_zone": account.time_zone,
        },
    )
    return account, token


def set_active(*, session: Session, actor: Account, account_id: int, active: bool) -> Account:
    account = repository.get(session, account_id)
    if account is None:
        raise NotFound(f"No account {account_id}.")
    before = {"active": account.active}
    account.active = active
    audit.record(
        session=session,
        actor=actor,
        action="account.update",
        object_type="account",
        object_id=account.id,
        before=before,
        after={"active": active},
    )
    return account


def list_accounts(*, session: Session) -> list[Account]:
    return repository.list_all(session)
