"""One place that turns every failure into RFC 9457 ``application/problem+json``.

Typed errors render themselves; request-validation errors are translated field by field; database
conflicts become 409 and a lost database becomes 503, so no caller ever sees a bare 500 trace.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from sqlalchemy.exc import (
    DataError,
    DBAPIError,
    IntegrityError,
    InterfaceError,
    OperationalError,
)
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.core.errors import (
    BaselTrackError,
    Conflict,
    FieldError,
    InvalidInput,
    ServiceUnavailable,
)

log = logging.getLogger("baseltrack")
PROBLEM_JSON = "application/problem+json"


class ProblemFieldError(BaseModel):
    """One broken rule on one input field (``field`` is a dotted path: ``route.1.country``)."""

    field: str
    rule: str
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details: the body of every error response (documentation only).

    Extra members (``step``, ``actor``, ``may_trigger``...) are allowed, as RFC 9457 permits.
    """

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    rule: str | None = None
    source: str | None = None
    errors: list[ProblemFieldError] = []


def _problem(description: str) -> dict[str, Any]:
    return {
        "model": Problem,
        "description": description,
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


#: Error responses every operation may give; passed to ``FastAPI(responses=...)`` so the schema
#: documents them (status, ``application/problem+json`` and the body) for every route.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _problem("The body is not parseable (e.g. not UTF-8 JSON)"),
    401: _problem("No valid token: send `Authorization: Bearer <token>`"),
    403: _problem("Your role or jurisdiction does not allow this"),
    404: _problem("No such object (or not visible to you)"),
    409: _problem("Stale version, repeated unique value or step not allowed in this state"),
    422: _problem("Invalid input or refused by a legal rule; `errors` names each field"),
    503: _problem("The database is not reachable; nothing was saved"),
}


def problem_response(error: BaselTrackError, request: Request) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else None
    return JSONResponse(
        error.problem(instance=request.url.path),
        status_code=error.status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def _field_path(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def validation_problem(exc: RequestValidationError) -> InvalidInput:
    errors = []
    for err in exc.errors():
        message = str(err.get("msg", "invalid value"))
        if message.startswith("Value error, "):
            message = message.removeprefix("Value error, ")
        errors.append(
            FieldError(_field_path(tuple(err.get("loc", ()))), str(err.get("type")), message)
        )
    fields = ", ".join(e.field for e in errors[:5])
    return InvalidInput(f"The request has {len(errors)} invalid field(s): {fields}.", errors=errors)


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(BaselTrackError)
    async def _typed(request: Request, exc: BaselTrackError) -> JSONResponse:
        return problem_response(exc, request)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return problem_response(validation_problem(exc), request)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        error = BaselTrackError(str(exc.detail))
        body = error.problem(instance=request.url.path)
        body.update(status=exc.status_code, title=str(exc.detail), type="about:blank")
        return JSONResponse(body, status_code=exc.status_code, media_type=PROBLEM_JSON)

    @app.exception_handler(StaleDataError)
    async def _stale(request: Request, exc: StaleDataError) -> JSONResponse:
        return problem_response(
            Conflict(
                "Someone else changed this record at the same moment; nothing of your request "
                "was saved. Reload it and try again.",
                rule="optimistic_concurrency",
            ),
            request,
        )

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError) -> JSONResponse:
        log.info("integrity error: %s", exc.orig)
        return problem_response(
            Conflict(
                "The request conflicts with a record saved at the same moment (a unique value is "
                "already taken); nothing of your request was saved. Reload and try again.",
                rule="unique",
            ),
            request,
        )

    @app.exception_handler(DataError)
    @app.exception_handler(OverflowError)
    async def _unstorable(request: Request, exc: Exception) -> JSONResponse:
        log.info("value the database cannot store: %s", getattr(exc, "orig", exc))
        return problem_response(
            InvalidInput(
                "A value in the request cannot be stored: ids and counts must lie between "
                "-2147483648 and 2147483647, text must not contain the NUL character (\\u0000) "
                "and must fit its field's maximum length. Nothing was saved.",
                rule="storable_value",
            ),
            request,
        )

    @app.exception_handler(InterfaceError)  # psycopg: a connection closed under the request
    @app.exception_handler(OperationalError)
    async def _db_down(request: Request, exc: DBAPIError) -> JSONResponse:
        log.warning("database unavailable: %s", exc.orig)
        return problem_response(
            ServiceUnavailable(
                "The database is not reachable right now; nothing was saved. Try again shortly."
            ),
            request,
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error")
        error = BaselTrackError(
            "An unexpected error occurred; nothing was saved. It has been logged."
        )
        body = error.problem(instance=request.url.path)
        body.update(status=500, title="Internal error", type="about:blank")
        return JSONResponse(body, status_code=500, media_type=PROBLEM_JSON)
