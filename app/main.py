"""The FastAPI application factory."""

from __future__ import annotations

from fastapi import FastAPI

from app.accounts.api import router as accounts_router
from app.audit.api import router as audit_router
from app.authorities.api import router as authorities_router
from app.cases.api import router as cases_router
from app.consents.api import jobs as jobs_router
from app.consents.api import router as consents_router
from app.core.admission import AdmissionLimit, admission_limit
from app.core.config import Settings, get_settings
from app.core.db import make_engine, make_session_factory
from app.core.problems import PROBLEM_RESPONSES, install_problem_handlers
from app.customs.api import router as customs_router
from app.keys.api import router as keys_router
from app.keys.service import Signer
from app.movements.api import router as movements_router
from app.notifications.api import router as notifications_router
from app.parties.api import router as parties_router
from app.reference.api import router as reference_router
from app.scans.api import router as scans_router
from app.scans.api import scan_batches
from app.search.api import router as search_router
from app.statistics.api import router as statistics_router
from app.web.api import router as web_router
from app.webhooks.api import router as webhooks_router

DESCRIPTION = """
Electronic notifications, consents and movement documents for transboundary movements of
hazardous waste under the Basel Convention's prior-informed-consent procedure.

Authenticate with `Authorization: Bearer <token>`. Errors are RFC 9457 `application/problem+json`
naming the field and the rule broken. Creation endpoints honour `Idempotency-Key`; decisions
accept `If-Match` with the version (ETag) last read.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="BaselTrack", version="0.1.0", description=DESCRIPTION, responses=PROBLEM_RESPONSES
    )
    engine = make_engine(settings.database_url)
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    app.state.signer = Signer.at(settings.key_dir)
    app.state.scan_batches = scan_batches(app.state.session_factory, app.state.signer)
    install_problem_handlers(app)
    app.add_middleware(AdmissionLimit, limit=admission_limit(engine))

    @app.get("/health", tags=["meta"], summary="Liveness (no authentication)")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    # Routes are matched in order, and FastAPI walks every route of each router it passes:
    # border scans, the busiest route by far, come first.
    for router in (
        scans_router,
        accounts_router,
        parties_router,
        authorities_router,
        reference_router,
        notifications_router,
        consents_router,
        movements_router,
        keys_router,
        customs_router,
        webhooks_router,
        cases_router,
        search_router,
        statistics_router,
        jobs_router,
        audit_router,
        web_router,
    ):
        app.include_router(router)
    return app
