from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from app.accounts.auth import BearerToken, sent_token_hash
from app.core.admission import Slots
from app.core.db import unit_of_work
from app.keys.service import SignerDep
from app.scans import service
from app.scans.schemas import ScanIn, ScanVerdict

router = APIRouter(tags=["border"])

#: Scans one process runs at once; the rest wait their turn on the event loop, where waiting
#: costs nothing. Each running scan holds a thread and a transaction, and on two cores more
#: than a few at once only add contention (GIL hand-offs, PostgreSQL backends queueing for the
#: WAL lock): with up to 30 at once per process, 500 scans/s offered were answered at ~300/s
#: (bench/bench_scans.py; the machine spent twice the CPU per scan).
SCANS_AT_ONCE = 4
_running = Slots(SCANS_AT_ONCE)


@router.post(
    "/scans",
    response_model=ScanVerdict,
    summary="Border scan of a movement document's QR code (customs): one verdict",
)
async def scan(
    data: ScanIn, request: Request, token: BearerToken, signer: SignerDep
) -> ScanVerdict:
    """The busiest route (a border post scans hundreds of loads a second). A thread-pool hop
    costs ~0.2 ms of CPU here, and FastAPI makes two for a sync route (the endpoint, then the
    serialisation of its answer): this route is async and makes one, for its unit of work,
    which authenticates the caller in the scan's own read. Same rules as every route: one
    commit after the service returns, before the verdict is sent."""
    token_hash = sent_token_hash(token)
    factory = request.app.state.session_factory

    def scan_in_one_transaction() -> ScanVerdict:
        with unit_of_work(factory) as session:
            return service.scan(session=session, token_hash=token_hash, signer=signer, data=data)

    async with _running:
        return await run_in_threadpool(scan_in_one_transaction)
