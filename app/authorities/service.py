"""Authorities and their policies. Admins register them; each authority keeps its own policy and
its state's import prohibitions."""

from sqlalchemy.orm import Session

from app.accounts.models import Account, Role
from app.audit import service as audit
from app.authorities import repository
from app.authorities.models import Authority, ImportProhibitionRecord
from app.authorities.schemas import AuthorityIn, AuthorityPolicy, ProhibitionIn
from app.core.errors import Forbidden, InvalidInput, NotFound


def create_authority(*, session: Session, actor: Account | None, data: AuthorityIn) -> Authority:
    if not data.code.startswith(f"{data.country}-"):
        raise InvalidInput.on(
            "code",
            "authority.code_country",
            f"The code must start with the country, e.g. {data.country}-...",
        )
    authority = Authority(**data.model_dump(mode="json"))
    session.add(authority)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="authority.create",
        object_type="authority",
        object_id=authority.id,
        after=data.model_dump(mode="json"),
    )
    return authority


def get_authority(*, session: Session, authority_id: int) -> Authority:
    authority = session.get(Authority, authority_id)
    if authority is None:
        raise NotFound(f"No competent authority {authority_id}.")
    return authority


def _may_govern(actor: Account, country: str, authority_id: int | None = None) -> None:
    if actor.role == Role.ADMIN:
        return
    if (
        actor.role == Role.AUTHORITY
        and actor.country == country
        and (authority_id is None or actor.authority_id == authority_id)
    ):
        return
    raise Forbidden(
        f"Only an administrator or a competent authority of {country} may do this.",
        rule="jurisdiction.country",
    )


def update_policy(
    *, session: Session, actor: Account, authority_id: int, data: AuthorityPolicy
) -> Authority:
    authority = get_authority(session=session, authority_id=authority_id)
    _may_govern(actor, authority.country, authority.id)
    before = AuthorityPolicy.model_validate(authority, from_attributes=True).model_dump(mode="json")
    for key, value in data.model_dump(mode="json").items():
        setattr(authority, key, value)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="authority.policy",
        object_type="authority",
        object_id=authority.id,
        before=before,
        after=data.model_dump(mode="json"),
    )
    return authority


def add_prohibition(
    *, session: Session, actor: Account, data: ProhibitionIn
) -> ImportProhibitionRecord:
    _may_govern(actor, data.country)
    needs_value = data.scope in ("code", "y_code", "category", "operation")
    if needs_value != bool(data.value):
        raise InvalidInput.on(
            "value",
            "prohibition.value",
            f"Scope {data.scope} " + ("needs a value." if needs_value else "takes no value."),
        )
    record = ImportProhibitionRecord(**data.model_dump())
    session.add(record)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="prohibition.create",
        object_type="prohibition",
        object_id=record.id,
        after=data.model_dump(),
    )
    return record


def remove_prohibition(*, session: Session, actor: Account, prohibition_id: int) -> None:
    record = session.get(ImportProhibitionRecord, prohibition_id)
    if record is None:
        raise NotFound(f"No import prohibition {prohibition_id}.")
    _may_govern(actor, record.country)
    audit.record(
        session=session,
        actor=actor,
        action="prohibition.delete",
        object_type="prohibition",
        object_id=record.id,
        before={"country": record.country, "scope": record.scope, "value": record.value},
    )
    session.delete(record)
    session.flush()


def list_authorities(*, session: Session, country: str | None) -> list[Authority]:
    return repository.list_authorities(session, country)


def list_prohibitions(*, session: Session, country: str | None) -> list[ImportProhibitionRecord]:
    return repository.list_prohibitions(session, country)
