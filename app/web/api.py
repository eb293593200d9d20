"""The web interface's routes under /ui: sign-in, home, language, static files.

The role pages live in ``notification_pages`` (exporters, authorities and every reader of a
notification), ``border_pages`` (customs officers) and ``inspector_pages`` (the inspectors'
search and cases, the dashboard); this router gathers them.
None of these routes appear in the OpenAPI schema: the API is the contract, these are its pages.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, Response

from app.accounts.models import Role
from app.core.deps import SessionDep
from app.core.errors import NotAuthenticated, NotFound
from app.web import border_pages, inspector_pages, notification_pages
from app.web.i18n import LANG_COOKIE, LANGUAGES
from app.web.service import demo_accounts
from app.web.session import (
    SESSION_COOKIE,
    SIGN_IN,
    STATIC,
    CheckedForm,
    PageAccount,
    PageRoute,
    account_for_token,
    redirect,
    render,
    set_cookie,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)

HOME_OF_ROLE = {
    Role.EXPORTER: "/ui/notifications",
    Role.AUTHORITY: "/ui/inbox",
    Role.CUSTOMS: "/ui/scan",
    Role.INSPECTOR: "/ui/flags",
}
STATIC_FILES = frozenset(p.name for p in STATIC.iterdir() if p.is_file())


@router.get("/")
def root() -> Response:
    return redirect("/ui")


@router.get("/ui")
def home(account: PageAccount) -> Response:
    return redirect(HOME_OF_ROLE.get(Role(account.role), "/ui/notifications"))


@router.get("/ui/static/{name}")
def static(name: str) -> Response:
    if name not in STATIC_FILES:
        raise NotFound(f"No static file {name!r}.")
    return FileResponse(STATIC / name, headers={"Cache-Control": "public, max-age=3600"})


def _local(url: str) -> str:
    """Only a path of this site (no scheme, no host): never an open redirect."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith("/ui"):
        return "/ui"
    return parts.path + (f"?{parts.query}" if parts.query else "")


@router.get("/ui/lang/{code}")
def switch_language(code: str, next_: Annotated[str, Query(alias="next")] = "/ui") -> Response:
    if code not in LANGUAGES:
        raise NotFound(f"No language {code!r}; choose one of {', '.join(LANGUAGES)}.")
    response = redirect(_local(next_))
    response.set_cookie(LANG_COOKIE, code, samesite="lax", path="/")
    return response


@router.get("/ui/sign-in")
def sign_in_page(request: Request, session: SessionDep) -> Response:
    return render(request, "sign_in.html", demo=demo_accounts(session))


@router.post("/ui/sign-in")
def sign_in(request: Request, session: SessionDep, form: CheckedForm) -> Response:
    token = str(form.get("token") or "").strip()
    try:
        account_for_token(session, token)
    except NotAuthenticated:
        return render(
            request,
            "sign_in.html",
            status_code=401,
            demo=demo_accounts(session),
            failed=True,
            here=SIGN_IN,
        )
    response = redirect("/ui")
    set_cookie(response, request, SESSION_COOKIE, token)
    return response


@router.post("/ui/sign-out")
def sign_out(form: CheckedForm) -> Response:
    response = redirect(SIGN_IN)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


router.include_router(notification_pages.router)
router.include_router(border_pages.router)
router.include_router(inspector_pages.router)
