"""What the pages read beyond a single service call: inbox rows, demo accounts.

Every notification comes from the notification service's jurisdiction-checked queries, so the
pages inherit the API's rules; this module only selects, sorts and shapes for display.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.accounts.auth import hash_token
from app.accounts.domain import capacities, is_notifier
from app.accounts.models import Account, Role
from app.core.errors import Forbidden, InvalidInput
from app.demo import demo_tokens
from app.notifications import service as notifications
from app.notifications.models import Notification
from app.parties.models import Party, PartyKind
from app.parties.service import list_parties
from manifests.errors import ManifestError
from manifests.payload import PREFIX
from manifests.scan import decode_qr

#: How many notifications a list page shows (newest first).
LIST_LIMIT = 200
MAX_PHOTO_BYTES = 10_000_000


@dataclass(frozen=True)
class DemoAccount:
    token: str
    name: str
    role: str
    country: str


def demo_accounts(session: Session) -> list[DemoAccount]:
    """The demo accounts present in this database (their tokens are public by design)."""
    tokens = {hash_token(t): t for t in demo_tokens().values()}
    rows = session.scalars(
        select(Account).where(Account.token_hash.in_(tokens), Account.active.is_(True))
    )
    found = [DemoAccount(tokens[a.token_hash], a.name, a.role, a.country) for a in rows]
    order = list(tokens.values())
    return sorted(found, key=lambda d: order.index(d.token))


def require_role(account: Account, *roles: Role) -> None:
    if account.role not in roles:
        allowed = ", ".join(r.value for r in roles)
        raise Forbidden(
            f"This page is for the role(s) {allowed}; your account is {account.role}.",
            rule="role",
        )


def my_actors(account: Account, n: Notification) -> set[str]:
    """The actor names (as in next_actions) this account answers for on this notification."""
    caller, scope = notifications.caller_of(account), notifications.scope_of(n)
    actors = {f"{capacity}_authority" for capacity in capacities(caller, scope)}
    if is_notifier(caller, scope):
        actors.add("notifier")
    return actors


@dataclass(frozen=True)
class Row:
    """One notification as a list shows it, with the next actions and whose they are."""

    view: dict[str, Any]
    mine: list[dict[str, Any]]

    @property
    def first_due(self) -> str | None:
        dues = [a["due"] for a in (self.mine or self.view["next_actions"]) if a["due"]]
        return min(dues) if dues else None

    @property
    def overdue(self) -> bool:
        return any(a["overdue"] for a in (self.mine or self.view["next_actions"]))


def row_of(session: Session, account: Account, n: Notification, today: date) -> Row:
    view = notifications.present(session=session, n=n, today=today)
    actors = my_actors(account, n)
    return Row(view, [a for a in view["next_actions"] if a["actor"] in actors])


def notification_rows(session: Session, account: Account, today: date | None = None) -> list[Row]:
    today = today or account.today()
    found = notifications.list_notifications(
        session=session, account=account, status=None, after_id=None, limit=LIST_LIMIT
    )
    return [row_of(session, account, n, today) for n in _with_route(session, found)]


def _with_route(session: Session, found: list[Notification]) -> list[Notification]:
    """The same notifications with their states and decisions loaded (``lazy="raise"``)."""
    stmt = (
        select(Notification)
        .where(Notification.id.in_([n.id for n in found]))
        .options(selectinload(Notification.states), selectinload(Notification.decisions))
        .order_by(Notification.id.desc())
        .execution_options(populate_existing=True)
    )
    return list(session.scalars(stmt))


def inbox(session: Session, account: Account, today: date | None = None) -> list[Row]:
    """An authority's notifications awaiting its own action, earliest deadline first."""
    require_role(account, Role.AUTHORITY)
    rows = [row for row in notification_rows(session, account, today) if row.mine]
    return sorted(rows, key=lambda r: (r.first_due is None, r.first_due or "", r.view["id"]))


def parties_by_kind(session: Session) -> dict[str, list[Party]]:
    return {
        kind.value: list_parties(session=session, kind=kind.value, country=None)
        for kind in PartyKind
    }


def party_options(parties: dict[str, list[Party]]) -> dict[str, list[tuple[str, str]]]:
    """Choices for the party fields of the filing form: (id, "name (country)")."""
    return {
        kind: [(str(p.id), f"{p.name} ({p.country})") for p in found]
        for kind, found in parties.items()
    }


def party_names(session: Session, view: dict[str, Any]) -> dict[int, str]:
    ids = {view["notifier_id"], view["consignee_id"], view["facility_id"]}
    ids |= {int(g["party_id"]) for g in view["generators"]}
    ids |= {int(c["party_id"]) for c in view["carriers"]}
    rows = session.scalars(select(Party).where(Party.id.in_(ids)))
    return {p.id: p.name for p in rows}


def qr_text_from_photo(data: bytes) -> str:
    """The movement document's QR text in an uploaded photo, PDF or scan."""
    if len(data) > MAX_PHOTO_BYTES:
        raise InvalidInput.on(
            "photo", "photo.size", f"The file is larger than {MAX_PHOTO_BYTES // 1_000_000} MB."
        )
    try:
        texts = decode_qr(data)
    except ManifestError as error:
        raise InvalidInput.on(
            "photo", "photo.unreadable", f"The file cannot be read: {error}."
        ) from None
    found = [t for t in texts if t.startswith(PREFIX)]
    if not found:
        raise InvalidInput.on(
            "photo",
            "photo.no_qr",
            f"No BaselTrack QR code ({PREFIX}…) was found in the file; take a sharper, "
            "closer photo of the code or type its text.",
        )
    return found[0]
