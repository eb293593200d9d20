"""Triage and close flags. Inspectors of the state where a flag was raised act on it; customs
and inspectors of that state, and of the states on the route, may read it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import Account, Role
from app.audit import service as audit
from app.cases import repository
from app.cases.domain import ART9_GROUNDS, RESPONSIBLE, CaseEvent, CaseStatus, transition
from app.cases.schemas import CaseRead, CommentRead, ConfirmIn
from app.core.clock import date_for
from app.core.db import utcnow
from app.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.notifications import repository as notifications
from app.notifications.models import Notification, StateConcerned
from app.parties.models import Party
from app.regimes.domain import get_regime
from app.screening.models import FlagComment, FlagRecord

READERS = (Role.INSPECTOR, Role.CUSTOMS)


def route_countries(session: Session, notification_id: int | None) -> set[str]:
    if notification_id is None:
        return set()
    rows = session.scalars(
        select(StateConcerned.country).where(StateConcerned.notification_id == notification_id)
    )
    return set(rows)


def load(session: Session, account: Account, case_id: int) -> FlagRecord:
    flag = session.get(FlagRecord, case_id)
    if (
        flag is None
        or account.role not in READERS
        or (
            account.country != flag.country
            and account.country not in route_countries(session, flag.notification_id)
        )
    ):
        raise NotFound(f"No case {case_id} in your jurisdiction.", rule="jurisdiction")
    return flag


def _acting(session: Session, account: Account, case_id: int, version: int | None) -> FlagRecord:
    flag = load(session, account, case_id)
    if account.role != Role.INSPECTOR or account.country != flag.country:
        raise Forbidden(
            f"Cases are handled by the inspectors of {flag.country}, where the flag was raised.",
            rule="jurisdiction.case",
        )
    if version is not None and version != flag.version:
        raise Conflict(
            f"Case {case_id} is at version {flag.version}, not {version}; reload it.",
            rule="optimistic_concurrency",
        )
    return flag


def _record(
    session: Session,
    account: Account,
    flag: FlagRecord,
    action: str,
    before: dict[str, Any],
    after: dict[str, Any],
) -> None:
    session.flush()  # the UPDATE bumps the flag's version (optimistic lock)
    audit.record(
        session=session,
        actor=account,
        action=f"case.{action}",
        object_type="case",
        object_id=flag.id,
        before=before,
        after=after,
    )


def _step(
    session: Session,
    account: Account,
    case_id: int,
    version: int | None,
    event: CaseEvent,
    **values: Any,
) -> FlagRecord:
    flag = _acting(session, account, case_id, version)
    before = {"status": flag.status, "assigned_to": flag.assigned_to}
    flag.status = transition(CaseStatus(flag.status), event).value
    for key, value in values.items():
        setattr(flag, key, value)
    if event == CaseEvent.INVESTIGATE and flag.assigned_to is None:
        flag.assigned_to = account.id
    _record(
        session,
        account,
        flag,
        event.value,
        before,
        {"status": flag.status, "assigned_to": flag.assigned_to, **values},
    )
    return flag


def _closing(account: Account) -> dict[str, Any]:
    """When a case closes: now, and the day on the closing inspector's calendar."""
    now = utcnow()
    return {"closed_at": now, "closed_on": date_for(account, now)}


def investigate(
    *, session: Session, account: Account, case_id: int, version: int | None = None
) -> FlagRecord:
    return _step(session, account, case_id, version, CaseEvent.INVESTIGATE)


def clear(
    *, session: Session, account: Account, case_id: int, reason: str, version: int | None = None
) -> FlagRecord:
    return _step(
        session,
        account,
        case_id,
        version,
        CaseEvent.CLEAR,
        outcome={"cleared": True, "reason": reason},
        **_closing(account),
    )


def reopen(
    *, session: Session, account: Account, case_id: int, version: int | None = None
) -> FlagRecord:
    return _step(
        session, account, case_id, version, CaseEvent.REOPEN, closed_at=None, closed_on=None
    )


def _default_parties(session: Session, n: Notification | None) -> list[str]:
    if n is None:
        return []
    return [p.name for pid in (n.notifier_id, n.consignee_id) if (p := session.get(Party, pid))]


def confirm(
    *,
    session: Session,
    account: Account,
    case_id: int,
    data: ConfirmIn,
    today: date | None = None,
    version: int | None = None,
) -> FlagRecord:
    """Illegal traffic confirmed: the Art. 9 ground, who must act and by when, who was told."""
    today = today or account.today()
    flag = _acting(session, account, case_id, version)
    n = notifications.get(session, flag.notification_id) if flag.notification_id else None
    days = get_regime(n.regime if n else "basel").deadline("illegal_takeback").amount or 30
    outcome = {
        "ground": data.ground,
        "ground_text": ART9_GROUNDS[data.ground],
        "responsible": data.responsible,
        "action": RESPONSIBLE[data.responsible],
        "due": (today + timedelta(days=days)).isoformat(),
        "states_notified": sorted(set(data.states_notified)),
        "parties": data.parties or _default_parties(session, n),
        "note": data.note,
    }
    return _step(
        session, account, case_id, version, CaseEvent.CONFIRM, outcome=outcome, **_closing(account)
    )


def assign(
    *,
    session: Session,
    account: Account,
    case_id: int,
    inspector_id: int,
    version: int | None = None,
) -> FlagRecord:
    """Hand the case to an active inspector of the flag's state; the page's list uses the same
    rule (``repository.assignees``), so it never offers someone this would refuse."""
    flag = _acting(session, account, case_id, version)
    inspector = repository.assignee(session, flag.country, inspector_id)
    if inspector is None:
        raise InvalidInput.on(
            "inspector_id",
            "case.assignee",
            f"Assign the case to an active inspector of {flag.country}.",
        )
    before = {"assigned_to": flag.assigned_to}
    flag.assigned_to = inspector.id
    _record(session, account, flag, "assign", before, {"assigned_to": inspector.id})
    return flag


def assignees(*, session: Session, account: Account, case_id: int) -> list[Account]:
    """Whom the account may assign the case to: only those who act on a case see the list."""
    flag = _acting(session, account, case_id, None)
    return repository.assignees(session, flag.country)


def comment(*, session: Session, account: Account, case_id: int, body: str) -> FlagRecord:
    """A note in the case file, by those who handle the case (the page offers it to no one
    else); states on the route read the case but do not write in it."""
    flag = _acting(session, account, case_id, None)
    row = FlagComment(flag_id=flag.id, account_id=account.id, body=body)
    session.add(row)
    session.flush()
    audit.record(
        session=session,
        actor=account,
        action="case.comment",
        object_type="case",
        object_id=flag.id,
        after={"comment_id": row.id, "body": body},
    )
    return flag


def present(*, session: Session, flag: FlagRecord) -> dict[str, Any]:
    n = session.get(Notification, flag.notification_id) if flag.notification_id else None
    comments = session.scalars(
        select(FlagComment).where(FlagComment.flag_id == flag.id).order_by(FlagComment.id)
    )
    history = audit.history(session=session, object_type="case", object_id=flag.id)
    due = (flag.outcome or {}).get("due")
    read = CaseRead(
        id=flag.id,
        source=flag.source,
        rule_id=flag.rule_id,
        severity=flag.severity,
        explanation=flag.explanation,
        evidence=flag.evidence,
        country=flag.country,
        status=flag.status,
        version=flag.version,
        assigned_to=flag.assigned_to,
        outcome=flag.outcome,
        closed_at=flag.closed_at,
        closed_on=flag.closed_on,
        created_at=flag.created_at,
        notification_id=flag.notification_id,
        notification_number=n.number if n else None,
        movement_id=flag.movement_id,
        document_no=flag.document_no,
        declaration_pk=flag.declaration_pk,
        scan_id=flag.scan_id,
        take_back_due=date.fromisoformat(due) if due else None,
        comments=[
            CommentRead(id=c.id, account_id=c.account_id, body=c.body, created_at=c.created_at)
            for c in comments
        ],
        history=[
            {"at": e.at, "actor": e.actor, "action": e.action, "before": e.before, "after": e.after}
            for e in history
        ],
    )
    return read.model_dump(mode="json")


def get_case(*, session: Session, account: Account, case_id: int) -> FlagRecord:
    return load(session, account, case_id)
