from typing import Any

from fastapi import APIRouter, Request

from app.accounts.auth import BearerToken, authenticate
from app.core.db import unit_of_work
from app.keys.service import SignerDep
from app.scans import service
from app.scans.schemas import ScanIn, ScanVerdict

router = APIRouter(tags=["border"])


@router.post(
    "/scans",
    response_model=ScanVerdict,
    summary="Border scan of a movement document's QR code (customs): one verdict",
)
def scan(data: ScanIn, request: Request, token: BearerToken, signer: SignerDep) -> Any:
    """The busiest route (a border post scans hundreds of loads a second): it opens its unit of
    work and authenticates inside the one thread-pool call FastAPI makes for a sync route,
    instead of one call per sync dependency (``SessionDep``, ``CurrentAccount``) as elsewhere.
    Same rules: one commit after the service returns, before the verdict is sent."""
    with unit_of_work(request.app.state.session_factory) as session:
        account = authenticate(session, token)
        return service.scan(session=session, account=account, signer=signer, data=data)
