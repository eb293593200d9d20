"""Border pages: the customs officer's scan (the inspector's pages are in ``inspector_pages``).

The scan page is built for a hardware scanner: the QR text field has the focus, the scanner types
the text and ends with Enter, which sends the form; the office and direction stay filled in for the
next load. A photo or PDF of the code works too (decoded on the server).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from app.accounts.models import Role
from app.core.deps import SessionDep
from app.core.errors import BaselTrackError
from app.keys.service import SignerDep
from app.scans import service as scans
from app.scans.schemas import ScanIn
from app.web import service
from app.web.forms import FormErrors, validate
from app.web.session import CheckedForm, PageAccount, PageRoute, render

router = APIRouter(route_class=PageRoute)

DIRECTIONS = ("exit", "entry", "transit_entry", "transit_exit")


@router.get("/ui/scan")
def scan_page(request: Request, account: PageAccount) -> Response:
    service.require_role(account, Role.CUSTOMS)
    return render(
        request,
        "scan.html",
        account,
        values={"direction": "exit"},
        errors=FormErrors(),
        directions=DIRECTIONS,
    )


def _qr_text(form: Any) -> str:
    """The uploaded photo's code if a file was sent, else the typed (scanned) text as is."""
    photo = form.get("photo")
    if isinstance(photo, UploadFile) and photo.filename:
        data = photo.file.read(service.MAX_PHOTO_BYTES + 1)
        if data:
            return service.qr_text_from_photo(data)
    text = form.get("qr_text")
    return text.strip("\r\n") if isinstance(text, str) else ""


@router.post("/ui/scan")
def scan(
    request: Request,
    session: SessionDep,
    account: PageAccount,
    signer: SignerDep,
    form: CheckedForm,
) -> Response:
    service.require_role(account, Role.CUSTOMS)
    office = str(form.get("office") or "").strip().upper()
    direction = str(form.get("direction") or "")
    values = {"office": office, "direction": direction}
    try:
        with session.begin_nested():
            data = validate(
                ScanIn, {"qr_text": _qr_text(form), "office": office, "direction": direction}
            )
            verdict = scans.scan(
                session=session, token_hash=account.token_hash, signer=signer, data=data
            )
    except BaselTrackError as error:
        return render(
            request,
            "scan.html",
            account,
            status_code=error.status,
            values=values,
            errors=FormErrors.of(error),
            directions=DIRECTIONS,
            here="/ui/scan",
        )
    return render(
        request,
        "scan.html",
        account,
        values=values,
        errors=FormErrors(),
        directions=DIRECTIONS,
        verdict=verdict,
        here="/ui/scan",
    )
