"""Movement routes: parse, authorise (in the service), call one service, return."""

from typing import Any

from fastapi import APIRouter, Response, UploadFile, status

from app.accounts.auth import CurrentAccount
from app.core.deps import SessionDep
from app.keys.service import SignerDep
from app.movements import documents, service
from app.movements.batch import MAX_BATCH_BYTES
from app.movements.schemas import (
    BatchResult,
    CancelIn,
    CertificateIn,
    CorrectionIn,
    HandOverIn,
    MovementIn,
    MovementRead,
    OverdueRead,
    ReceiptIn,
    ReturnIn,
    RevisionRead,
)

router = APIRouter(tags=["movements"])


@router.post(
    "/notifications/{notification_id}/movements",
    response_model=MovementRead,
    status_code=status.HTTP_201_CREATED,
    summary="Create the movement document of the next shipment (notifier)",
)
def create(
    notification_id: int,
    data: MovementIn,
    session: SessionDep,
    account: CurrentAccount,
    signer: SignerDep,
) -> Any:
    m = service.create_movement(
        session=session, account=account, signer=signer, notification_id=notification_id, data=data
    )
    return service.present(session=session, m=m)


@router.get("/notifications/{notification_id}/movements", response_model=list[MovementRead])
def list_(notification_id: int, session: SessionDep, account: CurrentAccount) -> Any:
    return [
        service.present(session=session, m=m)
        for m in service.list_for_notification(
            session=session, account=account, notification_id=notification_id
        )
    ]


@router.get(
    "/movements/overdue",
    response_model=list[OverdueRead],
    summary="Prior notices, receipts, certificates and returns past their deadline",
)
def overdue(session: SessionDep, account: CurrentAccount) -> Any:
    return service.overdue(session=session, account=account)


@router.get("/movements/{movement_id}", response_model=MovementRead)
def get(movement_id: int, session: SessionDep, account: CurrentAccount) -> Any:
    return service.present(
        session=session,
        m=service.get_movement(session=session, account=account, movement_id=movement_id),
    )


@router.get("/movements/{movement_id}/revisions", response_model=list[RevisionRead])
def revisions(movement_id: int, session: SessionDep, account: CurrentAccount) -> Any:
    return service.revisions(session=session, account=account, movement_id=movement_id)


@router.patch(
    "/movements/{movement_id}",
    response_model=MovementRead,
    summary="Correct the document: a new revision, re-signed (notifier)",
)
def correct(
    movement_id: int,
    data: CorrectionIn,
    session: SessionDep,
    account: CurrentAccount,
    signer: SignerDep,
) -> Any:
    return service.present(
        session=session,
        m=service.correct(
            session=session, account=account, signer=signer, movement_id=movement_id, data=data
        ),
    )


@router.post(
    "/movements/{movement_id}/announce",
    response_model=MovementRead,
    summary="Prior notice of the actual shipment (notifier)",
)
def announce(movement_id: int, session: SessionDep, account: CurrentAccount) -> Any:
    return service.present(
        session=session,
        m=service.announce(session=session, account=account, movement_id=movement_id),
    )


@router.post(
    "/movements/{movement_id}/hand-over",
    response_model=MovementRead,
    summary="A listed carrier takes the shipment over (that carrier or the notifier)",
)
def hand_over(
    movement_id: int, data: HandOverIn, session: SessionDep, account: CurrentAccount
) -> Any:
    return service.present(
        session=session,
        m=service.hand_over(session=session, account=account, movement_id=movement_id, data=data),
    )


@router.post(
    "/movements/{movement_id}/receipt",
    response_model=MovementRead,
    summary="Receipt at the facility: accepted or rejected (facility)",
)
def receipt(movement_id: int, data: ReceiptIn, session: SessionDep, account: CurrentAccount) -> Any:
    return service.present(
        session=session,
        m=service.record_receipt(
            session=session, account=account, movement_id=movement_id, data=data
        ),
    )


@router.post(
    "/movements/{movement_id}/certificate",
    response_model=MovementRead,
    summary="Certificate of recovery or disposal (facility)",
)
def certificate(
    movement_id: int, data: CertificateIn, session: SessionDep, account: CurrentAccount
) -> Any:
    return service.present(
        session=session,
        m=service.certify(session=session, account=account, movement_id=movement_id, data=data),
    )


@router.post(
    "/movements/{movement_id}/cancel",
    response_model=MovementRead,
    summary="Cancel before departure (notifier); the document is revoked",
)
def cancel(movement_id: int, data: CancelIn, session: SessionDep, account: CurrentAccount) -> Any:
    return service.present(
        session=session,
        m=service.cancel(
            session=session, account=account, movement_id=movement_id, reason=data.reason
        ),
    )


@router.post(
    "/movements/{movement_id}/return",
    response_model=MovementRead,
    summary="Cannot be completed: take-back or alternative, Basel Art. 8/9 (authority)",
)
def require_return(
    movement_id: int, data: ReturnIn, session: SessionDep, account: CurrentAccount
) -> Any:
    return service.present(
        session=session,
        m=service.require_return(
            session=session, account=account, movement_id=movement_id, data=data
        ),
    )


@router.get(
    "/movements/{movement_id}/document.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
    summary="The movement document (blocks 1-22, EN/中文) with its signed QR code",
)
def movement_pdf(movement_id: int, session: SessionDep, account: CurrentAccount) -> Response:
    pdf, name = documents.movement_pdf(session=session, account=account, movement_id=movement_id)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )


@router.get(
    "/notifications/{notification_id}/document.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
    summary="The notification document (blocks 1-21, EN/中文), signed once consented",
)
def notification_pdf(
    notification_id: int, session: SessionDep, account: CurrentAccount, signer: SignerDep
) -> Response:
    pdf, name = documents.notification_pdf(
        session=session, account=account, signer=signer, notification_id=notification_id
    )
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )


@router.get(
    "/notifications/{notification_id}/movements/documents.zip",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}}},
    summary="Every movement document of a notification, as PDFs in one ZIP",
)
def movement_pdfs(notification_id: int, session: SessionDep, account: CurrentAccount) -> Response:
    data, name = documents.movement_zip(
        session=session, account=account, notification_id=notification_id
    )
    return Response(
        data,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post(
    "/notifications/{notification_id}/movements/batch",
    response_model=BatchResult,
    summary="Create many movements from an uploaded CSV file, each row validated and reported",
)
def batch(
    notification_id: int,
    file: UploadFile,
    session: SessionDep,
    account: CurrentAccount,
    signer: SignerDep,
) -> Any:
    raw = file.file.read(MAX_BATCH_BYTES + 1)
    return service.create_batch(
        session=session, account=account, signer=signer, notification_id=notification_id, raw=raw
    )
