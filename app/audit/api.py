from typing import Any

from fastapi import APIRouter

from app.accounts.auth import AdminAccount
from app.audit import service
from app.core.deps import SessionDep

router = APIRouter(prefix="/admin/audit", tags=["admin"])


@router.get("/verify", summary="Is the audit hash chain intact? (admin)")
def verify(session: SessionDep, admin: AdminAccount) -> Any:
    return service.verify(session=session).as_dict()


@router.get("/events", summary="Audit events of one object (admin)")
def events(object_type: str, object_id: str, session: SessionDep, admin: AdminAccount) -> Any:
    return [
        {
            "id": e.id,
            "at": e.at,
            "actor": e.actor,
            "action": e.action,
            "before": e.before,
            "after": e.after,
            "hash": e.hash,
        }
        for e in service.history(session=session, object_type=object_type, object_id=object_id)
    ]
