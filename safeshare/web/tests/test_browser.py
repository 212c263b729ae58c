"""A person signs in with password and TOTP code in a real browser; axe finds nothing.

Drives Debian's Chromium through Playwright against the live server. The
test fails (never skips) when Chromium is missing: run `make browsers`.
"""

import pytest

from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import PASSWORD, staff
from safeshare.demo.testing import code_for, totp_device
from safeshare.web.tests.walk import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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
