from collections.abc import Sequence
from typing import NamedTuple

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session, sessionmaker

from app.accounts.auth import BearerToken, sent_token_hash
from app.core.db import unit_of_work
from app.core.group_commit import GroupCommit
from app.keys.service import Signer
from app.scans import service
from app.scans.schemas import ScanIn, ScanVerdict

router = APIRouter(tags=["border"])

#: Transactions of scans one process runs at once: one. Scans that arrive while it runs wait on
#: the event loop, where waiting costs nothing, and go together into the next (``GroupCommit``),
#: so a burst is drained by fewer, larger transactions rather than by more of them at once, which
#: on two cores only adds contention (GIL hand-offs, PostgreSQL backends queueing): with up to 30
#: at once per process, 500 scans/s offered were answered at ~300/s. Against 4 single-scan
#: transactions at once, five alternating pairs at 500/s gave a lower p99 in four
#: (bench/bench_scans.py; docs/evidence.md, session 10).
SCANS_AT_ONCE = 1
#: Scans one transaction takes at most: enough to drain a burst, few enough that one
#: transaction stays short.
SCANS_PER_TRANSACTION = 16


class ScanRequest(NamedTuple):
    token_hash: str
    data: ScanIn


class _ScanFailed(Exception):
    """One scan of a shared transaction raised: the transaction is rolled back."""


def _scan(session: Session, signer: Signer, request: ScanRequest) -> ScanVerdict:
    return service.scan(
        session=session, token_hash=request.token_hash, signer=signer, data=request.data
    )


def _scan_alone(
    factory: sessionmaker[Session], signer: Signer, request: ScanRequest
) -> ScanVerdict | Exception:
    try:
        with unit_of_work(factory) as session:
            return _scan(session, signer, request)
    except Exception as error:
        return error


def _scan_together(
    factory: sessionmaker[Session], signer: Signer, requests: list[ScanRequest]
) -> list[ScanVerdict | Exception] | None:
    """Every scan in one transaction; None (and nothing stored) if one of them raised after it
    may have written. A caller refused (unknown token, not customs) wrote nothing: that scan
    gets its error and the others go on. A failed commit raises."""
    try:
        with unit_of_work(factory) as session:
            outcomes: list[ScanVerdict | Exception] = []
            for request in requests:
                try:
                    outcomes.append(_scan(session, signer, request))
                except service.CALLER_REFUSED as refused:
                    outcomes.append(refused)
                except Exception as error:
                    raise _ScanFailed from error
    except _ScanFailed:
        return None
    return outcomes


def scans_in_one_transaction(
    factory: sessionmaker[Session], signer: Signer, requests: list[ScanRequest]
) -> Sequence[ScanVerdict | Exception]:
    """The unit of work of scans that queued together: each scan, then one commit.

    A refused caller (an unknown token, an account that is not customs) gets its error and the
    transaction goes on: such a scan raises before it writes. If a scan raises after it may have
    written (a shipment changed meanwhile), the whole transaction is rolled back and every scan
    runs again in a transaction of its own, so one caller's error never costs another caller's
    scan. A failed commit fails every scan of the transaction (nothing of it was stored)."""
    together = _scan_together(factory, signer, requests) if len(requests) > 1 else None
    if together is not None:
        return together
    return [_scan_alone(factory, signer, request) for request in requests]


def scan_batches(
    factory: sessionmaker[Session], signer: Signer
) -> GroupCommit[ScanRequest, ScanVerdict]:
    """The app's group commit for border scans (``app.state.scan_batches``)."""
    return GroupCommit(
        lambda requests: scans_in_one_transaction(factory, signer, requests),
        at_once=SCANS_AT_ONCE,
        max_batch=SCANS_PER_TRANSACTION,
    )


@router.post(
    "/scans",
    response_model=ScanVerdict,
    summary="Border scan of a movement document's QR code (customs): one verdict",
)
async def scan(data: ScanIn, request: Request, token: BearerToken) -> ScanVerdict:
    """The busiest route (a border post scans hundreds of loads a second). It is async and
    hands the scan to the app's group commit, which makes one thread hop and one transaction
    for the scans that arrived together (``scans_in_one_transaction``); the caller is
    authenticated in the scan's own read. As on every route, the verdict is sent only after the
    commit."""
    batches: GroupCommit[ScanRequest, ScanVerdict] = request.app.state.scan_batches
    return await batches.submit(ScanRequest(sent_token_hash(token), data))
