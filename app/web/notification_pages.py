"""Notification pages: lists, the authority's inbox, filing, one notification and its steps, PDFs.

Every read and every step goes through the notification, consent and movement services with the
signed-in account, so jurisdiction, capacity, state and version are checked as for the API. A
refused step is shown on the page it came from: the problem's detail on top, field errors next to
their fields. Each step runs in a savepoint, so a refused one leaves nothing behind.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from app.accounts.models import Account, Role
from app.consents import service as consents
from app.core.deps import SessionDep
from app.core.errors import BaselTrackError, NotFound
from app.keys.service import SignerDep
from app.movements import documents
from app.movements import service as movements
from app.notifications import service as notifications
from app.notifications.domain import NotificationStatus
from app.notifications.schemas import NotificationIn
from app.web import service
from app.web.actions import ACTIONS, Context
from app.web.forms import FormErrors, flat_values, lead_acid_defaults, parse, run_step, version_of
from app.web.session import CheckedForm, PageAccount, PageRoute, redirect, render

router = APIRouter(route_class=PageRoute)

#: Statuses in which the notifier may still record the contract and the guarantee.
RECORDABLE = {"draft", "submitted", "transmitted", "acknowledged"}


@router.get("/ui/notifications")
def notification_list(request: Request, session: SessionDep, account: PageAccount) -> Response:
    rows = service.notification_rows(session, account)
    return render(request, "notifications.html", account, rows=rows, inbox=False)


@router.get("/ui/inbox")
def inbox(request: Request, session: SessionDep, account: PageAccount) -> Response:
    rows = service.inbox(session, account)
    return render(request, "notifications.html", account, rows=rows, inbox=True)


# --- filing ------------------------------------------------------------------------------------


def _filing_page(
    request: Request,
    session: Session,
    account: Account,
    values: dict[str, Any],
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "notification_form.html",
        account,
        status_code=status_code,
        values=values,
        errors=errors or FormErrors(),
        parties=service.party_options(service.parties_by_kind(session)),
        here="/ui/notifications/new",
    )


@router.get("/ui/notifications/new")
def new_notification(request: Request, session: SessionDep, account: PageAccount) -> Response:
    service.require_role(account, Role.EXPORTER)
    values = lead_acid_defaults(service.parties_by_kind(session), account.country, account.today())
    values["declaration.name"] = ""
    return _filing_page(request, session, account, values)


@router.post("/ui/notifications/new")
def file_notification(
    request: Request, session: SessionDep, account: PageAccount, form: CheckedForm
) -> Response:
    service.require_role(account, Role.EXPORTER)
    try:
        with session.begin_nested():
            data = parse(NotificationIn, form)
            n = notifications.create_notification(session=session, account=account, data=data)
    except BaselTrackError as error:
        values = flat_values(form)
        return _filing_page(request, session, account, values, FormErrors.of(error), error.status)
    return redirect(f"/ui/notifications/{n.id}?done=filed")


# --- one notification --------------------------------------------------------------------------


def _defaults(view: dict[str, Any], today: date) -> dict[str, Any]:
    """Starting values of the step forms on a notification's page."""
    start = max(today, date.fromisoformat(view["valid_from"] or view["first_departure"]))
    first = view["carriers"][0] if view["carriers"] else {}
    modes = list(first.get("means_of_transport", []))
    return {
        "consent.valid_from": today.isoformat(),
        "consent.valid_to": view["last_departure"],
        "contract.concluded_on": today.isoformat(),
        "guarantee.kind": "bond",
        "guarantee.currency": "USD",
        "guarantee.valid_until": (
            date.fromisoformat(view["last_departure"]) + timedelta(days=90)
        ).isoformat(),
        "movement.quantity": "20",
        "movement.unit": view["unit"],
        "movement.shipment_date": start.isoformat(),
        "movement.packaging.0.code": (view["packaging"] or ["1"])[0],
        "movement.packaging.0.count": "20",
        "movement.carriers.0.party_id": str(first.get("party_id", "")),
        "movement.carriers.0.means_of_transport": modes[0] if modes else "R",
    }


def _notification_page(
    request: Request,
    session: Session,
    account: Account,
    notification_id: int,
    *,
    errors: FormErrors | None = None,
    failed: str | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    today = account.today()
    n = notifications.get_notification(
        session=session, account=account, notification_id=notification_id
    )
    row = service.row_of(session, account, n, today)
    view = row.view
    mine = {a["action"] for a in row.mine}
    notifier = "notifier" in service.my_actors(account, n)
    questions = (
        [
            q
            for q in consents.information_requests(
                session=session, account=account, notification_id=n.id
            )
            if q.answered_at is None
        ]
        if notifier
        else []
    )
    moves = [
        movements.present(session=session, m=m)
        for m in movements.list_for_notification(
            session=session, account=account, notification_id=n.id
        )
    ]
    names = service.party_names(session, view)
    return render(
        request,
        "notification.html",
        account,
        status_code=status_code,
        n=view,
        row=row,
        mine=mine,
        notifier=notifier,
        may_record=notifier and view["status"] in RECORDABLE,
        may_ship=notifier and view["status"] == NotificationStatus.CONSENTED,
        questions=questions,
        movements=moves,
        names=names,
        carrier_choices=[
            (str(c["party_id"]), names.get(int(c["party_id"]), "")) for c in view["carriers"]
        ],
        values={**_defaults(view, today), **(values or {})},
        errors=errors or FormErrors(),
        failed=failed,
        done=request.query_params.get("done"),
        here=f"/ui/notifications/{n.id}",
    )


@router.get("/ui/notifications/{notification_id}")
def notification_page(
    notification_id: int, request: Request, session: SessionDep, account: PageAccount
) -> Response:
    return _notification_page(request, session, account, notification_id)


@router.post("/ui/notifications/{notification_id}/{action}")
def take_step(
    notification_id: int,
    action: str,
    request: Request,
    session: SessionDep,
    account: PageAccount,
    signer: SignerDep,
    form: CheckedForm,
) -> Response:
    step = ACTIONS.get(action)
    if step is None:
        raise NotFound(f"No step {action!r}; the steps are: {', '.join(ACTIONS)}.")
    prefix = f"{action}."
    context = Context(session, account, signer, notification_id, version_of(form))

    def run() -> None:
        step.run(context, parse(step.schema, form, prefix) if step.schema else None)

    return run_step(
        session,
        run,
        done=f"/ui/notifications/{notification_id}?done={action}",
        page=partial(_notification_page, request, session, account, notification_id),
        failed=action,
        prefix=prefix,
        values=flat_values(form),
    )


@router.post("/ui/movements/{movement_id}/announce")
def announce_movement(
    movement_id: int, request: Request, session: SessionDep, account: PageAccount, form: CheckedForm
) -> Response:
    """Prior notice of the actual shipment, from the notification's list of movements."""
    m = movements.get_movement(session=session, account=account, movement_id=movement_id)
    return run_step(
        session,
        lambda: movements.announce(session=session, account=account, movement_id=movement_id),
        done=f"/ui/notifications/{m.notification_id}?done=announce",
        page=partial(_notification_page, request, session, account, m.notification_id),
        failed="announce",
    )


# --- documents ---------------------------------------------------------------------------------


def _pdf(pdf: bytes, name: str) -> Response:
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )


@router.get("/ui/notifications/{notification_id}/document.pdf")
def notification_pdf(
    notification_id: int, session: SessionDep, account: PageAccount, signer: SignerDep
) -> Response:
    return _pdf(
        *documents.notification_pdf(
            session=session, account=account, signer=signer, notification_id=notification_id
        )
    )


@router.get("/ui/movements/{movement_id}/document.pdf")
def movement_pdf(movement_id: int, session: SessionDep, account: PageAccount) -> Response:
    return _pdf(*documents.movement_pdf(session=session, account=account, movement_id=movement_id))
