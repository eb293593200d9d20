"""Customs exchange routes: declarations in (any of the four formats), flags, endpoints, outbox."""

import io
import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, status
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from app.accounts.auth import AdminAccount, CurrentAccount
from app.core.deps import SessionDep
from app.core.errors import Forbidden, InvalidInput
from app.customs import service
from app.customs.schemas import EndpointIn, EndpointRead, Format, IngestReport, OutboxRead
from app.outbox import service as outbox
from customs_adapters.base import to_row
from customs_adapters.registry import get_adapter

router = APIRouter(tags=["customs"])
MAX_BODY = 32 * 1024 * 1024
#: ``format`` query value → adapter name in customs_adapters.registry.
ADAPTER_OF = {
    "wco-json": "wco_json",
    "asycuda-xml": "asycuda_xml",
    "csv": "csv_batch",
    "ndjson": "rest_json",
}


@router.post(
    "/customs/declarations",
    response_model=IngestReport,
    summary="Receive customs declarations; each is stored once, screened and flagged",
)
async def receive(
    request: Request,
    session: SessionDep,
    account: CurrentAccount,
    format: Annotated[Format, Query(description="Body format")] = "json",
) -> Any:
    body = await request.body()
    if len(body) > MAX_BODY:
        raise InvalidInput.on(
            "body", "body.too_large", f"Send at most {MAX_BODY} bytes per request."
        )
    rows = _parse(body, format, account.country)
    return await run_in_threadpool(
        service.ingest, session=session, account=account, rows=rows, via=format
    )


def _parse(body: bytes, format: str, country: str) -> Any:
    """Canonical JSON (one object or a list) or one of the adapters' formats, row by row."""
    if format != "json":
        options = {"office_country": country} if format == "asycuda-xml" else {}
        return get_adapter(ADAPTER_OF[format], **options).parse(io.BytesIO(body))
    try:
        items = json.loads(body)
    except ValueError:
        raise InvalidInput.on("body", "json", "The body is not JSON.") from None
    items = items if isinstance(items, list) else [items]
    return [to_row(i, item if isinstance(item, dict) else {}) for i, item in enumerate(items, 1)]


@router.get("/customs/declarations/{declaration_pk}", summary="A stored declaration")
def get_declaration(declaration_pk: int, session: SessionDep, account: CurrentAccount) -> Any:
    from app.customs.models import DeclarationRecord

    record = session.get(DeclarationRecord, declaration_pk)
    if (
        record is None
        or account.role not in ("customs", "inspector")
        or record.office_country != account.country
    ):
        from app.core.errors import NotFound

        raise NotFound(f"No declaration {declaration_pk} in your jurisdiction.")
    return {
        "id": record.id,
        "declaration_id": record.declaration_id,
        "office_country": record.office_country,
        "received_at": record.received_at,
        "received_via": record.received_via,
        "flag_count": record.flag_count,
        "declaration": record.payload,
    }


@router.get("/admin/customs-endpoints", response_model=list[EndpointRead])
def list_endpoints(session: SessionDep, admin: AdminAccount) -> Any:
    return service.list_endpoints(session=session)


@router.post(
    "/admin/customs-endpoints",
    response_model=EndpointRead,
    status_code=status.HTTP_201_CREATED,
    summary="Register a national customs system that receives consent data (admin)",
)
def add_endpoint(
    data: EndpointIn, request: Request, session: SessionDep, admin: AdminAccount
) -> Any:
    from app.webhooks.domain import check_target

    check_target(data.base_url, allow_private=request.app.state.settings.allow_private_targets)
    return service.add_endpoint(session=session, actor=admin, data=data)


@router.get(
    "/admin/outbox",
    response_model=list[OutboxRead],
    summary="Outbound messages; ?status=parked lists what needs attention (admin)",
)
def list_outbox(
    session: SessionDep,
    admin: AdminAccount,
    status_: Annotated[
        str | None, Query(alias="status", pattern="^(pending|delivered|parked)$")
    ] = None,
) -> Any:
    return outbox.list_messages(session=session, status=status_)


@router.post(
    "/admin/outbox/{message_id}/replay",
    response_model=OutboxRead,
    summary="Retry a parked message (admin)",
)
def replay(message_id: int, session: SessionDep, admin: AdminAccount) -> Any:
    return outbox.replay(session=session, account=admin, message_id=message_id)


def _forbid_unless(account: Any, *roles: str) -> None:
    if account.role not in roles:
        raise Forbidden(f"For {', '.join(roles)} accounts.", rule="role")


@router.get("/flags", summary="Flags raised in your country (customs, inspectors)")
def list_flags(
    session: SessionDep, account: CurrentAccount, limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> Any:
    from app.customs.schemas import FlagRead
    from app.screening.models import FlagRecord

    _forbid_unless(account, "customs", "inspector")
    rows = session.scalars(
        select(FlagRecord)
        .where(FlagRecord.country == account.country)
        .order_by(FlagRecord.id.desc())
        .limit(limit)
    )
    return [FlagRead.model_validate(r).model_dump(mode="json") for r in rows]
