from typing import Any

from fastapi import APIRouter

from app.accounts.auth import CurrentAccount
from app.core.deps import SessionDep
from app.keys.service import SignerDep
from app.scans import service
from app.scans.schemas import ScanIn, ScanVerdict

router = APIRouter(tags=["border"])


@router.post(
    "/scans",
    response_model=ScanVerdict,
    summary="Border scan of a movement document's QR code (customs): one verdict",
)
def scan(data: ScanIn, session: SessionDep, account: CurrentAccount, signer: SignerDep) -> Any:
    return service.scan(session=session, account=account, signer=signer, data=data)
