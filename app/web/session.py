"""Cookie sign-in, CSRF, language and rendering: what every page shares.

The session cookie holds the account's API token itself (HttpOnly, SameSite=Strict), and each
request resolves it with the API's own ``current_account``, so a disabled account or a revoked
token stops working in the browser at once, exactly as for the API.

CSRF: a double-submit token. Every page sets a random ``bt_csrf`` cookie (SameSite=Strict) and
puts the same value in a hidden field of each form; a POST whose field does not match the cookie is
refused. Another site can neither read the cookie nor set it, so it cannot forge the field.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.datastructures import FormData

from app.accounts.auth import current_account
from app.accounts.models import Account
from app.core.deps import SessionDep
from app.core.errors import BaselTrackError, Forbidden, NotAuthenticated
from app.core.problems import validation_problem
from app.web.i18n import LANG_COOKIE, choose_language, translator

SESSION_COOKIE = "bt_session"
CSRF_COOKIE = "bt_csrf"
CSRF_FIELD = "csrf"
SIGN_IN = "/ui/sign-in"
TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"

templates = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)

#: Pages may load only their own CSS and script; no other site may frame them.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def set_cookie(response: Response, request: Request, name: str, value: str) -> None:
    response.set_cookie(
        name, value, httponly=True, samesite="strict", secure=_secure(request), path="/"
    )


def account_for_token(session: SessionDep, token: str) -> Account:
    """The API's own resolution: SHA-256 lookup of the token, account active."""
    return current_account(
        session, HTTPAuthorizationCredentials(scheme="Bearer", credentials=token)
    )


def page_account(request: Request, session: SessionDep) -> Account:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise NotAuthenticated("Sign in with your API token.")
    return account_for_token(session, token)


PageAccount = Annotated[Account, Depends(page_account)]


async def checked_form(request: Request) -> FormData:
    """The posted form, once its CSRF field matches the CSRF cookie (else 403, nothing done)."""
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    expected = request.cookies.get(CSRF_COOKIE)
    if not expected or not isinstance(sent, str) or not hmac.compare_digest(sent, expected):
        raise Forbidden(
            "The form's security token is missing or does not match: reload the page and send "
            "the form again.",
            rule="csrf",
        )
    return form


CheckedForm = Annotated[FormData, Depends(checked_form)]


def language(request: Request) -> str:
    return choose_language(
        request.query_params.get("lang"),
        request.cookies.get(LANG_COOKIE),
        request.headers.get("accept-language"),
    )


def render(
    request: Request,
    template: str,
    account: Account | None = None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """Render a page in the chosen language, with the CSRF token its forms need."""
    lang = language(request)
    csrf = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
    html = templates.get_template(template).render(
        request=request,
        account=account,
        lang=lang,
        t=translator(lang),
        csrf=csrf,
        csrf_field=CSRF_FIELD,
        **context,
    )
    response = HTMLResponse(html, status_code=status_code, headers=SECURITY_HEADERS)
    if request.cookies.get(CSRF_COOKIE) != csrf:
        set_cookie(response, request, CSRF_COOKIE, csrf)
    if request.query_params.get("lang") == lang and request.cookies.get(LANG_COOKIE) != lang:
        response.set_cookie(LANG_COOKIE, lang, samesite="lax", secure=_secure(request), path="/")
    return response


def redirect(url: str) -> RedirectResponse:
    """After a successful POST: see the result with GET (a reload does not repeat the step)."""
    return RedirectResponse(url, status_code=303)


def error_page(request: Request, error: BaselTrackError) -> Response:
    if isinstance(error, NotAuthenticated):
        return redirect(SIGN_IN)
    return render(request, "error.html", status_code=error.status, error=error)


Handler = Callable[[Request], Coroutine[Any, Any, Response]]


class PageRoute(APIRoute):
    """A page route: typed errors become an HTML page (or the sign-in page), never JSON."""

    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except BaselTrackError as error:
                return error_page(request, error)
            except RequestValidationError as error:
                return error_page(request, validation_problem(error))

        return page_handler
