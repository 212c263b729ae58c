from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import staff
from safeshare.ledger.models import Entry

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


@pytest.fixture
def practitioner(db):
    return staff(Role.PRACTITIONER)


@pytest.fixture
def administrator(db):
    return staff(Role.ADMINISTRATOR)


def entries(kind: str, user=None) -> list[Entry]:
    """Ledger entries of one kind, about one member of staff if given."""
    queryset = Entry.objects.filter(kind=kind).order_by("seq")
    if user is not None:
        queryset = queryset.filter(subject_ref=f"user:{user.pk}")
    return list(queryset)


@pytest.fixture
def browser(monkeypatch):
    """Debian's Chromium, headless, driven by Playwright; fails (never skips) when missing."""
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
    """A page that collects uncaught script errors in `page.errors`."""
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors  # type: ignore[attr-defined]
    return page
