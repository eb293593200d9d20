"""Search routes: JSON pages with facets, or the whole result as a streamed CSV."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse

from app.accounts.auth import CurrentAccount
from app.core.deps import SessionDep
from app.search import service
from app.search.schemas import FlagFilters, MovementFilters, Page

router = APIRouter(prefix="/search", tags=["search"])
Cursor = Annotated[str | None, Query(max_length=500, description="next_cursor of the last page")]
Limit = Annotated[int, Query(ge=1, le=200)]


@router.get(
    "/flags",
    response_model=Page,
    summary="Flagged shipments: filters, sorting, cursor pages, facet counts",
)
def flags(
    session: SessionDep,
    account: CurrentAccount,
    filters: Annotated[FlagFilters, Depends()],
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Any:
    return service.search_flags(
        session=session, account=account, filters=filters, cursor=cursor, limit=limit
    )


@router.get(
    "/flags.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}}},
    summary="The same search as CSV",
)
def flags_csv(
    request: Request,
    session: SessionDep,
    account: CurrentAccount,
    filters: Annotated[FlagFilters, Depends()],
) -> StreamingResponse:
    service.search_flags(
        session=session, account=account, filters=filters, cursor=None, limit=1, facets=False
    )  # checks the caller before the stream starts
    lines = service.stream_csv(
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


@router.get(
    "/movements",
    response_model=Page,
    summary="Movements in your jurisdiction: filters, cursor pages, facet counts",
)
def movements(
    session: SessionDep,
    account: CurrentAccount,
    filters: Annotated[MovementFilters, Depends()],
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Any:
    return service.search_movements(
        session=session, account=account, filters=filters, cursor=cursor, limit=limit
    )


@router.get(
    "/movements.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}}},
    summary="The same search as CSV",
)
def movements_csv(
    request: Request,
    session: SessionDep,
    account: CurrentAccount,
    filters: Annotated[MovementFilters, Depends()],
) -> StreamingResponse:
    service.search_movements(
        session=session, account=account, filters=filters, cursor=None, limit=1, facets=False
    )
    lines = service.stream_csv(
        factory=request.app.state.session_factory,
        account_id=account.id,
        kind="movements",
        filters=filters,
    )
    return StreamingResponse(
        lines,
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="movements.csv"'},
    )
