"""A browser without JavaScript for page tests: a TestClient with its own cookies and CSRF token."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.web.session import CSRF_COOKIE


class Visitor:
    """One person at one browser: signs in with a token, then gets pages and posts forms."""

    def __init__(self, app: FastAPI, token: str | None = None, **headers: str) -> None:
        self.client = TestClient(app, raise_server_exceptions=False, headers=headers)
        if token is not None:
            response = self.sign_in(token)
            assert response.status_code == 303, response.text

    @property
    def csrf(self) -> str:
        token = self.client.cookies.get(CSRF_COOKIE)
        if token is None:
            self.get("/ui/sign-in")
            token = self.client.cookies.get(CSRF_COOKIE)
        assert token
        return token

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.get(path, **kwargs)

    def post(
        self, path: str, data: dict[str, Any] | None = None, *, csrf: bool = True, **kwargs: Any
    ) -> httpx.Response:
        body = dict(data or {})
        if csrf:
            body["csrf"] = self.csrf
        return self.client.post(path, data=body, follow_redirects=False, **kwargs)

    def sign_in(self, token: str) -> httpx.Response:
        return self.post("/ui/sign-in", {"token": token})


def text_of(html: str) -> str:
    """The page's visible text, tags removed, whitespace collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def field_errors(html: str, name: str) -> list[str]:
    """The error messages shown inside the label, fieldset or cell of the field ``name``."""
    for found in re.finditer(r"<(label|fieldset|td)[^>]*has-error[^>]*>(.*?)</\1>", html, re.S):
        if re.search(r'name="' + re.escape(name) + r'(\[\])?"', found.group(2)):
            return [unescape(m) for m in re.findall(r'field-error">([^<]*)<', found.group(2))]
    return []
