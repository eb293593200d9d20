"""Public trust material for offline verifiers: no authentication, like a JWKS endpoint."""

from fastapi import APIRouter, Request, Response

from app.core.deps import SessionDep
from app.keys import service

router = APIRouter(prefix="/.well-known/baseltrack", tags=["verification"])


@router.get(
    "/keyset.json", summary="Public keys of the issuing authorities (kid, country, validity)"
)
def keyset(request: Request) -> Response:
    signer: service.Signer = request.app.state.signer
    return Response(
        signer.keyset().to_json(),
        media_type="application/json",
        headers={"Cache-Control": "public, max-age=300"},
    )


@router.get("/revocations.json", summary="Cancelled documents and superseded revisions")
def revocations(session: SessionDep) -> Response:
    return Response(
        service.revocation_list(session=session).to_json(),
        media_type="application/json",
        headers={"Cache-Control": "public, max-age=60"},
    )
