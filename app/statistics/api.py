from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from app.accounts.auth import CurrentAccount
from app.core.deps import SessionDep
from app.statistics import service
from app.statistics.schemas import Art13Report, QuantityRow

router = APIRouter(tags=["statistics"])
Year = Annotated[int, Query(ge=1992, le=2100)]


@router.get(
    "/statistics/quantities",
    summary="Quantities notified, consented, shipped and received, grouped",
    response_model=list[QuantityRow],
)
def quantities(
    session: SessionDep,
    account: CurrentAccount,
    year: Year,
    by: Literal["month", "export_country", "import_country", "waste_code", "operation"] = "month",
) -> Any:
    return service.quantities(session=session, account=account, year=year, by=by)


@router.get(
    "/reports/art13",
    summary="Basel Art. 13(3) national report tables of your state (JSON, or CSV)",
    response_model=Art13Report,
    responses={200: {"content": {"application/json": {}, "text/csv": {}}}},
)
def art13(
    session: SessionDep,
    account: CurrentAccount,
    year: Year,
    format: Literal["json", "csv"] = "json",
) -> Any:
    report = service.art13(session=session, account=account, year=year)
    if format == "csv":
        return StreamingResponse(
            service.art13_csv(report),
            media_type="text/csv",
            headers={
                "Content-Disposition": (
                    f'attachment; filename="art13-{report["country"]}-{year}.csv"'
                )
            },
        )
    return report
