"""Inspector pages: the flag search (with facets, pages and CSV), one case and its steps, and the
dashboard of quantities and flags that inspectors and authorities share.

Every read and step is the search, case or statistics service with the signed-in account, so the
jurisdiction rules are the API's: inspectors of the flag's country act, route states read. A
refused step is shown on the case page with the service's own message.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from app.accounts.models import Account, Role
from app.cases import service as cases
from app.cases.domain import ART9_GROUNDS
from app.cases.schemas import AssignIn, ClearIn, CommentIn, ConfirmIn
from app.core.deps import SessionDep
from app.core.errors import BaselTrackError, NotFound
from app.search import service as search
from app.search.schemas import FlagFilters
from app.statistics import service as statistics
from app.statistics.domain import MEASURES
from app.web import service
from app.web.charts import bar_chart
from app.web.forms import FormErrors, flat_values, parse, run_step, validate, version_of
from app.web.session import CheckedForm, PageAccount, PageRoute, render

router = APIRouter(route_class=PageRoute)

PAGE_SIZE = 50
FILTERS = tuple(FlagFilters.model_fields)
FACETS = ("rule", "severity", "status", "country")


# --- search ------------------------------------------------------------------------------------


def _chosen(request: Request) -> dict[str, str]:
    """The filters in the query string that have a value (an empty form field is no filter)."""
    return {k: v.strip() for k in FILTERS if (v := request.query_params.get(k, "")).strip()}


def _link(path: str, chosen: dict[str, str], **changes: str) -> str:
    query = {**chosen, **changes}
    return f"{path}?{urlencode(query)}" if query else path


@router.get("/ui/flags")
def flag_search(request: Request, session: SessionDep, account: PageAccount) -> Response:
    service.require_role(account, Role.INSPECTOR)
    chosen = _chosen(request)
    cursor = request.query_params.get("cursor") or None
    page: dict[str, Any] = {"items": [], "next_cursor": None, "facets": {}}
    errors, status_code = FormErrors(), 200
    try:
        filters = validate(FlagFilters, chosen)
        page = search.search_flags(
            session=session, account=account, filters=filters, cursor=cursor, limit=PAGE_SIZE
        )
    except BaselTrackError as error:
        errors, status_code = FormErrors.of(error), error.status
    return render(
        request,
        "flags.html",
        account,
        status_code=status_code,
        page=page,
        values=chosen,
        errors=errors,
        facet_names=FACETS,
        facet_link=lambda name, value: _link("/ui/flags", chosen, **{name: value}),
        next_link=page["next_cursor"] and _link("/ui/flags", chosen, cursor=page["next_cursor"]),
        csv_link=_link("/ui/flags.csv", chosen),
        here=_link("/ui/flags", chosen),
    )


@router.get("/ui/flags.csv")
def flag_search_csv(request: Request, session: SessionDep, account: PageAccount) -> Response:
    """The same search as the page, every row, streamed like the API's export."""
    service.require_role(account, Role.INSPECTOR)
    filters = validate(FlagFilters, _chosen(request))
    search.search_flags(
        session=session, account=account, filters=filters, cursor=None, limit=1, facets=False
    )  # refuses before the stream starts
    lines = search.stream_csv(
        factory=request.app.state.session_factory,
        account_id=account.id,
        kind="flags",
        filters=filters,
    )
    return StreamingResponse(
        lines,
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="flags.csv"'},
    )


# --- one case ----------------------------------------------------------------------------------

Step = Callable[[Session, Account, int, int | None, FormData], object]


def _confirm(s: Session, a: Account, case_id: int, v: int | None, form: FormData) -> object:
    data = parse(ConfirmIn, form, "confirm.")
    return cases.confirm(session=s, account=a, case_id=case_id, data=data, version=v)


def _clear(s: Session, a: Account, case_id: int, v: int | None, form: FormData) -> object:
    reason = parse(ClearIn, form, "clear.").reason
    return cases.clear(session=s, account=a, case_id=case_id, reason=reason, version=v)


def _assign(s: Session, a: Account, case_id: int, v: int | None, form: FormData) -> object:
    inspector_id = parse(AssignIn, form, "assign.").inspector_id
    return cases.assign(session=s, account=a, case_id=case_id, inspector_id=inspector_id, version=v)


def _comment(s: Session, a: Account, case_id: int, v: int | None, form: FormData) -> object:
    body = parse(CommentIn, form, "comment.").body
    return cases.comment(session=s, account=a, case_id=case_id, body=body)


CASE_STEPS: dict[str, Step] = {
    "investigate": lambda s, a, i, v, _: cases.investigate(
        session=s, account=a, case_id=i, version=v
    ),
    "confirm": _confirm,
    "clear": _clear,
    "reopen": lambda s, a, i, v, _: cases.reopen(session=s, account=a, case_id=i, version=v),
    "assign": _assign,
    "comment": _comment,
}


def _names(session: Session, view: dict[str, Any]) -> dict[int, str]:
    """The names of the accounts the case shows: its assignee, comment authors, and whom the
    history's steps assigned it to (all inspectors the case's readers may already see)."""
    ids = {view["assigned_to"], *(c["account_id"] for c in view["comments"])}
    ids |= {(h["after"] or {}).get("assigned_to") for h in view["history"]}
    found = (session.get(Account, i) for i in ids if isinstance(i, int))
    return {a.id: a.name for a in found if a is not None}


def _case_page(
    request: Request,
    session: Session,
    account: Account,
    case_id: int,
    *,
    errors: FormErrors | None = None,
    failed: str | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    flag = cases.get_case(session=session, account=account, case_id=case_id)
    view = cases.present(session=session, flag=flag)
    may_act = account.role == Role.INSPECTOR and account.country == flag.country
    assignees = (
        cases.assignees(session=session, account=account, case_id=case_id) if may_act else []
    )
    route = sorted(cases.route_countries(session, flag.notification_id) | {flag.country})
    return render(
        request,
        "case.html",
        account,
        status_code=status_code,
        c=view,
        may_act=may_act,
        names=_names(session, view),
        assignees=[(str(a.id), a.name) for a in assignees],
        grounds=[(k, f"({k}) {text}") for k, text in ART9_GROUNDS.items()],
        values={
            "confirm.states_notified": ", ".join(route),
            "assign.inspector_id": view["assigned_to"] or "",
            **(values or {}),
        },
        errors=errors or FormErrors(),
        failed=failed,
        done=request.query_params.get("done"),
        here=f"/ui/cases/{case_id}",
    )


@router.get("/ui/cases/{case_id}")
def case_page(
    case_id: int, request: Request, session: SessionDep, account: PageAccount
) -> Response:
    return _case_page(request, session, account, case_id)


@router.post("/ui/cases/{case_id}/{action}")
def case_step(
    case_id: int,
    action: str,
    request: Request,
    session: SessionDep,
    account: PageAccount,
    form: CheckedForm,
) -> Response:
    step = CASE_STEPS.get(action)
    if step is None:
        raise NotFound(f"No case step {action!r}; the steps are: {', '.join(CASE_STEPS)}.")
    return run_step(
        session,
        lambda: step(session, account, case_id, version_of(form), form),
        done=f"/ui/cases/{case_id}?done=case_{action}",
        page=partial(_case_page, request, session, account, case_id),
        failed=action,
        prefix=f"{action}.",
        values=flat_values(form),
    )


# --- dashboard ---------------------------------------------------------------------------------


def _months(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The quantity rows per unit (a chart cannot add tonnes to cubic metres)."""
    units: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        units.setdefault(str(row["unit"]), []).append(row)
    return units


@router.get("/ui/dashboard")
def dashboard(request: Request, session: SessionDep, account: PageAccount) -> Response:
    service.require_role(account, Role.INSPECTOR, Role.AUTHORITY)
    raw_year = request.query_params.get("year", "")
    year = int(raw_year) if raw_year.isdigit() and 2000 <= int(raw_year) <= 2100 else None
    year = year or account.today().year
    rows = statistics.quantities(session=session, account=account, year=year, by="month")
    units = _months(rows)
    charts = {
        unit: bar_chart([(r["month"], float(Decimal(r["notified"]))) for r in found])
        for unit, found in units.items()
    }
    flag_chart = None
    if account.role == Role.INSPECTOR:
        facets = search.search_flags(
            session=session, account=account, filters=FlagFilters(), cursor=None, limit=1
        )["facets"]
        flag_chart = bar_chart(sorted(facets.get("rule", {}).items()))
    return render(
        request,
        "dashboard.html",
        account,
        year=year,
        rows=rows,
        measures=MEASURES,
        charts=charts,
        flag_chart=flag_chart,
        here=f"/ui/dashboard?year={year}",
    )
