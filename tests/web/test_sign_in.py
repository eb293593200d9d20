"""Signing in and out, the session cookie, CSRF refusals, role homes and the language switch."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.demo import DemoWorld
from app.web.session import CSRF_COOKIE, SESSION_COOKIE
from tests.factories import bearer
from tests.web.visitors import Visitor, text_of


def test_sign_in_page_lists_the_demo_accounts_when_demo_data_is_loaded(
    app: FastAPI, world: DemoWorld
) -> None:
    page = Visitor(app).get("/ui/sign-in")
    assert page.status_code == 200
    assert "bt_demo_exporter_my" in page.text and "bt_demo_customs_my" in page.text
    assert "Pulau Battery Recyclers — compliance desk" in text_of(page.text)


def test_without_demo_data_no_token_is_shown(app: FastAPI) -> None:
    page = Visitor(app).get("/ui/sign-in")
    assert page.status_code == 200
    assert "bt_demo_" not in page.text and "Demo accounts" not in page.text


def test_sign_in_sets_an_httponly_strict_cookie_and_goes_to_the_role_home(
    app: FastAPI, world: DemoWorld
) -> None:
    homes = {
        "exporter_my": "/ui/notifications",
        "authority_kr": "/ui/inbox",
        "customs_my": "/ui/scan",
        "inspector_my": "/ui/flags",
        "facility_kr": "/ui/notifications",
    }
    for who, home in homes.items():
        visitor = Visitor(app)
        response = visitor.sign_in(world.tokens[who])
        assert response.status_code == 303 and response.headers["location"] == "/ui"
        cookie = next(
            c for c in response.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE)
        )
        assert "HttpOnly" in cookie and "samesite=strict" in cookie.lower()
        landing = visitor.get("/ui", follow_redirects=False)
        assert landing.headers["location"] == home, who
        assert visitor.get(home).status_code == 200, who


def test_unknown_token_is_refused_on_the_sign_in_page(app: FastAPI, world: DemoWorld) -> None:
    visitor = Visitor(app)
    response = visitor.sign_in("bt_not_a_token")
    assert response.status_code == 401
    assert "This token is unknown or its account is disabled." in text_of(response.text)
    assert visitor.client.cookies.get(SESSION_COOKIE) is None


def test_pages_need_a_session_and_send_you_to_sign_in(app: FastAPI, world: DemoWorld) -> None:
    visitor = Visitor(app)
    for path in ("/ui", "/ui/notifications", "/ui/inbox", "/ui/scan", "/ui/flags"):
        response = visitor.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/ui/sign-in"


def test_a_disabled_account_is_signed_out_at_once(
    app: FastAPI, world: DemoWorld, client: TestClient
) -> None:
    visitor = Visitor(app, world.tokens["exporter_my"])
    assert visitor.get("/ui/notifications").status_code == 200
    r = client.patch(
        f"/accounts/{world.accounts['exporter_my']}",
        json={"active": False},
        headers=bearer(world.tokens["admin"]),
    )
    assert r.status_code == 200, r.text
    response = visitor.get("/ui/notifications", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/ui/sign-in"


def test_sign_out_forgets_the_session(app: FastAPI, world: DemoWorld) -> None:
    visitor = Visitor(app, world.tokens["exporter_my"])
    response = visitor.post("/ui/sign-out")
    assert response.status_code == 303 and response.headers["location"] == "/ui/sign-in"
    assert visitor.get("/ui/notifications", follow_redirects=False).status_code == 303


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(
    app: FastAPI, world: DemoWorld, filing_form: dict[str, str]
) -> None:
    visitor = Visitor(app, world.tokens["exporter_my"])
    missing = visitor.post("/ui/notifications/new", filing_form, csrf=False)
    assert missing.status_code == 403
    assert "security token is missing or does not match" in text_of(missing.text)
    forged = visitor.post("/ui/notifications/new", {**filing_form, "csrf": "forged"}, csrf=False)
    assert forged.status_code == 403
    assert "No notifications to show." in text_of(visitor.get("/ui/notifications").text)


def test_sign_in_and_sign_out_need_the_csrf_token_too(app: FastAPI, world: DemoWorld) -> None:
    visitor = Visitor(app)
    refused = visitor.post("/ui/sign-in", {"token": world.tokens["admin"]}, csrf=False)
    assert refused.status_code == 403 and visitor.client.cookies.get(SESSION_COOKIE) is None
    signed_in = Visitor(app, world.tokens["exporter_my"])
    assert signed_in.post("/ui/sign-out", csrf=False).status_code == 403
    assert signed_in.get("/ui/notifications").status_code == 200


def test_every_page_sets_a_csrf_cookie_and_embeds_it_in_its_forms(
    app: FastAPI, world: DemoWorld
) -> None:
    visitor = Visitor(app)
    page = visitor.get("/ui/sign-in")
    token = visitor.client.cookies.get(CSRF_COOKIE)
    assert token and f'name="csrf" value="{token}"' in page.text


def test_language_switch_by_query_cookie_and_accept_language(
    app: FastAPI, world: DemoWorld
) -> None:
    visitor = Visitor(app, world.tokens["exporter_my"])
    english = text_of(visitor.get("/ui/notifications").text)
    assert "My notifications" in english and "File a notification" in english
    chinese = visitor.get("/ui/notifications?lang=zh")
    assert "我的通知" in text_of(chinese.text) and "提交新通知" in text_of(chinese.text)
    assert 'lang="zh-Hans"' in chinese.text
    assert "我的通知" in text_of(visitor.get("/ui/notifications").text)  # the cookie remembers
    back = visitor.get("/ui/lang/en?next=/ui/notifications", follow_redirects=False)
    assert back.headers["location"] == "/ui/notifications"
    assert "My notifications" in text_of(visitor.get("/ui/notifications").text)
    browser_zh = Visitor(app, **{"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
    assert "登录" in text_of(browser_zh.get("/ui/sign-in").text)


def test_language_switch_never_redirects_off_site(app: FastAPI, world: DemoWorld) -> None:
    visitor = Visitor(app)
    for target in ("https://evil.example/ui", "//evil.example/ui", "/docs"):
        response = visitor.get(f"/ui/lang/zh?next={target}", follow_redirects=False)
        assert response.headers["location"] == "/ui", target


def test_stylesheet_is_served_and_nothing_else(app: FastAPI) -> None:
    visitor = Visitor(app)
    assert visitor.get("/ui/static/app.css").headers["content-type"].startswith("text/css")
    assert visitor.get("/ui/static/..%2Fapi.py").status_code == 404
    assert visitor.get("/ui/static/api.py").status_code == 404


def test_pages_are_not_in_the_api_schema(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert not [p for p in paths if p.startswith("/ui") or p == "/"]


def test_visit_fixture_signs_in(visit: Callable[[str], Visitor]) -> None:
    assert visit("authority_sg").get("/ui/inbox").status_code == 200
