"""A person signs in with password and TOTP code in a real browser; axe finds nothing.

Drives Debian's Chromium through Playwright against the live server. The
test fails (never skips) when Chromium is missing: run `make browsers`.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import PASSWORD, staff
from safeshare.web.testing import code_for, totp_device

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_FILE = Path(settings.BASE_DIR) / "frontend" / "dist" / "axe" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture
def browser(monkeypatch):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Browser tests need Chromium at {CHROMIUM}: run `make browsers`.")
    if not AXE_FILE.exists():
        pytest.fail(f"{AXE_FILE} is missing: run `make assets`.")
    # Playwright's sync API runs an event loop in this thread; the test's own
    # database reads are still synchronous, so Django may allow them.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            # Database reads made while Playwright ran used their own
            # connection (its event loop gives them a separate context).
            connections.close_all()


@pytest.fixture
def browser_page(browser):
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors  # type: ignore[attr-defined]
    return page


def assert_accessible(page, base_url: str) -> None:
    """Run axe-core (served by the app, as the CSP allows) for WCAG 2.x A and AA."""
    page.add_script_tag(url=f"{base_url}/static/axe/axe.min.js")
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    violations = [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} elements)" for v in result["violations"]
    ]
    assert violations == [], f"{page.url}: " + "; ".join(violations)


def test_sign_in_with_password_and_code_then_home_is_accessible(live_server, browser_page):
    user = staff(Role.PRACTITIONER, Role.SAFEGUARDING_LEAD)
    totp_device(user)
    page = browser_page

    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/sign-in/")
    assert page.title() == "Sign in – safeshare"
    assert_accessible(page, live_server.url)

    # An empty form shows the error summary, itself accessible.
    page.click("button[type=submit]")
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.title() == "Error: Sign in – safeshare"
    assert_accessible(page, live_server.url)

    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    assert page.url == f"{live_server.url}/sign-in/code/"
    assert_accessible(page, live_server.url)

    page.fill("#id_code", code_for(user))
    page.click("button[type=submit]")
    assert page.url == f"{live_server.url}/"
    assert page.locator("h1").inner_text() == "Your work in safeshare"
    assert user.agency.name in page.locator("header").inner_text()
    # GOV.UK Frontend started from static/init.js despite the strict CSP.
    body_classes = page.evaluate("document.body.className")
    assert "govuk-frontend-supported" in body_classes
    assert_accessible(page, live_server.url)
    assert page.errors == []  # type: ignore[attr-defined]

    page.click("text=Sign out")
    assert page.url == f"{live_server.url}/signed-out/"
    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/sign-in/")


def test_pages_work_with_javascript_off(live_server, browser):
    user = staff(Role.PRACTITIONER)
    totp_device(user)
    page = browser.new_context(java_script_enabled=False).new_page()
    page.goto(f"{live_server.url}/sign-in/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.fill("#id_code", code_for(user))
    page.click("button[type=submit]")
    assert page.url == f"{live_server.url}/"
    assert page.locator("h1").inner_text() == "Your work in safeshare"
    page.click("text=Sign out")
    assert page.url == f"{live_server.url}/signed-out/"
