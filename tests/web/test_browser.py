"""End-to-end in headless Chromium: each user group's main task, against uvicorn on loopback.

Needs Debian's ``chromium`` (/usr/bin/chromium) and the ``playwright`` Python package (its own
browser download is not used). Without them these tests FAIL with the install lines, never skip.
A screenshot of every page visited is saved under test-artifacts/screenshots/.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient

from app.demo import DemoWorld
from tests.factories import file_notification, inspector
from tests.web.conftest import advance, announced_movement, flag_in_thailand

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
GREEN, RED = "rgb(18, 122, 58)", "rgb(179, 38, 30)"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail(
            "The Python package 'playwright' is missing: run `.venv/bin/pip install playwright` "
            "(pyproject's dev extras include it).",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        # Debian's chromium where installed (CI); else a browser Playwright installed itself
        # (`.venv/bin/python -m playwright install chromium`, which scripts/test runs if needed).
        path = os.environ.get("BASELTRACK_CHROMIUM") or (
            str(CHROMIUM) if CHROMIUM.exists() else None
        )
        try:
            launched = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        except Exception as exc:
            pytest.fail(
                f"No browser for the end-to-end tests ({exc}). Install Debian's chromium "
                "(`apt-get install -y chromium`) or run `.venv/bin/python -m playwright install "
                "chromium`.",
                pytrace=False,
            )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    opened = context.new_page()
    yield opened
    context.close()


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def sign_in(page: Page, base: str, who: str, world: DemoWorld) -> None:
    page.goto(f"{base}/ui/sign-in")
    page.click(f'button[data-token="{world.tokens[who]}"]')
    page.wait_for_load_state()


def scan_like_a_scanner(page: Page, qr_text: str) -> Locator:
    """A hardware scanner types into the focused field like a keyboard and ends with Enter."""
    page.keyboard.type(qr_text)
    with page.expect_navigation():  # the form posts; read the verdict of the new page only
        page.keyboard.press("Enter")
    return page.locator(".verdict")


def test_exporter_files_and_submits_a_notification(
    page: Page, live_server: str, world: DemoWorld
) -> None:
    page.goto(f"{live_server}/ui/sign-in")
    shot(page, "01-sign-in")
    sign_in(page, live_server, "exporter_my", world)
    assert page.url.endswith("/ui/notifications")
    page.click("text=File a notification >> nth=0")
    page.fill('input[name="waste.basel_code"]', "A9999")
    page.fill('input[name="declaration.name"]', "Aminah binti Yusof")
    page.click("button:has-text('Save the draft')")
    error = page.locator("label.has-error:has(input[name='waste.basel_code']) .field-error")
    assert "'A9999' is not a code of Basel Annex VIII" in error.inner_text()
    shot(page, "02-exporter-filing-inline-error")
    page.fill('input[name="waste.basel_code"]', "A1160")
    page.click("button:has-text('Save the draft')")
    assert "Draft saved." in page.inner_text(".done")
    shot(page, "03-exporter-draft")
    page.click("button:has-text('Submit to the authority of export')")
    assert page.inner_text("h1 .status") == "Submitted"
    assert "Authority of export (MY):" in page.inner_text("main")
    shot(page, "04-exporter-submitted")
    page.click("text=My notifications >> nth=0")
    assert "MY → SG → KR" in page.inner_text("table.list")
    shot(page, "05-exporter-list")


def test_authority_consents_from_its_inbox(
    page: Page, live_server: str, world: DemoWorld, client: TestClient
) -> None:
    n = file_notification(client, world)
    advance(
        client, world, n, "exporter_my:submit", "authority_my:transmit", "authority_kr:acknowledge"
    )
    sign_in(page, live_server, "authority_kr", world)
    assert page.url.endswith("/ui/inbox")
    assert "Authority of import (KR): consent or object" in page.inner_text("table.list")
    shot(page, "06-authority-inbox")
    page.goto(f"{live_server}/ui/inbox?lang=zh")
    assert "进口国主管当局 (KR): 同意或反对" in page.inner_text("table.list")
    shot(page, "07-authority-inbox-zh")
    page.goto(f"{live_server}/ui/inbox?lang=en")
    page.click(f"text={n['number']}")
    page.fill('textarea[name="consent.conditions"]', "Arrive via Busan only")
    shot(page, "08-authority-notification")
    page.click("form.step-consent button")
    assert "Consent recorded." in page.inner_text(".done")
    assert "Arrive via Busan only" in page.inner_text("main")
    shot(page, "09-authority-consented")


def test_customs_officer_scans_and_sees_green_then_red(
    page: Page, live_server: str, world: DemoWorld, client: TestClient
) -> None:
    movement = announced_movement(client, world)
    sign_in(page, live_server, "customs_my", world)
    assert page.url.endswith("/ui/scan")
    page.fill('input[name="office"]', "MYPKG")
    page.select_option('select[name="direction"]', "exit")
    page.focus('input[name="qr_text"]')
    verdict = scan_like_a_scanner(page, movement["qr_text"])
    assert verdict.inner_text().startswith("VALID")
    assert verdict.evaluate("e => getComputedStyle(e).backgroundColor") == GREEN
    shot(page, "10-customs-valid")
    assert page.evaluate("document.activeElement.name") == "qr_text"  # ready for the next load
    verdict = scan_like_a_scanner(page, movement["qr_text"])
    assert verdict.inner_text().startswith("FLAGGED")
    assert "already scanned" in verdict.inner_text()
    assert verdict.evaluate("e => getComputedStyle(e).backgroundColor") == RED
    shot(page, "11-customs-flagged")


def test_inspector_searches_opens_investigates_assigns_and_confirms_a_case(
    page: Page, live_server: str, world: DemoWorld, client: TestClient
) -> None:
    case = flag_in_thailand(client, world)
    colleague = "DIW Thailand — port inspections"
    inspector(client, world, "TH", colleague)
    document_no = case["movement"]["document_no"]
    sign_in(page, live_server, "inspector_th", world)
    assert page.url.endswith("/ui/flags")
    page.fill('input[name="q"]', document_no)
    page.select_option('select[name="status"]', "open")
    page.click("form.search button")
    results = page.inner_text("table.results")
    assert document_no in results and "Open" in results
    assert "By rule" in page.inner_text(".facets")
    shot(page, "12-inspector-search")
    page.click(f'table.results a[href="/ui/cases/{case["id"]}"] >> nth=0')
    assert "THLCH" in page.inner_text("main")
    shot(page, "13-inspector-case-open")
    page.click("form.step-investigate button")
    assert "Investigation started." in page.inner_text(".done")
    assert page.inner_text("h1 .status") == "Under investigation"
    page.select_option('select[name="assign.inspector_id"]', label=colleague)
    page.click("form.step-assign button")
    assert "Case assigned." in page.inner_text(".done")
    assert page.inner_text("dt:text-is('Assigned to') + dd") == colleague
    assert f"case.assign · Assigned to {colleague}" in page.inner_text("section.history")
    page.select_option('select[name="confirm.ground"]', "d")
    page.select_option('select[name="confirm.responsible"]', "exporter")
    page.fill('textarea[name="confirm.note"]', "Diverted to Laem Chabang; take-back ordered")
    shot(page, "14-inspector-case-investigating")
    page.click("form.step-confirm button")
    assert "Illegal traffic confirmed." in page.inner_text(".done")
    assert page.inner_text("h1 .status") == "Illegal traffic confirmed"
    assert "Art. 9(1)(d)" in page.inner_text("section.outcome")
    shot(page, "15-inspector-case-confirmed")
    page.click("text=Dashboard >> nth=0")
    assert page.locator("svg.chart rect.bar").count() >= 1
    shot(page, "16-inspector-dashboard")
