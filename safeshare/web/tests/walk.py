"""Walking safeshare's pages in a real browser: sign in, check every screen with axe, count.

Test support only. A `Walk` opens one browser context per person (their own
sessions, as on their own computers), runs axe-core on every screen it
reaches and counts the screens and the seconds. `Walk.finish()` asserts that
no page loaded without being checked, so a click that lands somewhere
unexpected cannot slip past the accessibility check.

With `javascript=False` every person's browser runs no page script, as with
JavaScript turned off. Playwright's `evaluate` still runs there, but timers
never fire, so `axe.run` (which waits on them) cannot finish in such a page:
axe checks a copy of the screen instead, the served HTML as the browser
parsed it, less its scripts, in a separate page that runs only axe.
"""

import re
import time
from dataclasses import dataclass, field

from django_otp.oath import TOTP
from playwright.sync_api import Browser, Locator, Page

from safeshare.agencies.models import User
from safeshare.agencies.tests.factories import PASSWORD
from safeshare.demo.testing import totp_device

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.DOTALL | re.IGNORECASE)


def assert_accessible(page: Page, base_url: str, *, checker: Page | None = None) -> None:
    """Run axe-core (served by the app, as the CSP allows) for WCAG 2.x A and AA.

    Given a `checker` page (JavaScript on), axe runs there on a copy of `page`
    without its scripts: for a page whose own scripts are off.
    """
    # A click that submits a form returns once the next page's navigation has
    # committed, before its document is parsed: wait for it, or axe's script tag
    # may find no <head> to go in.
    page.wait_for_load_state("load")
    target = page
    if checker is not None:
        copy = SCRIPT.sub("", page.content()).replace(
            "<head>", f'<head><base href="{page.url}">', 1
        )
        checker.set_content(copy, wait_until="load")
        target = checker
    target.add_script_tag(url=f"{base_url}/static/axe/axe.min.js")
    result = target.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    violations = [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} elements)" for v in result["violations"]
    ]
    assert violations == [], f"{page.url}: " + "; ".join(violations)


def fresh_code(user: User) -> tuple[str, float]:
    """A code the user's authenticator shows that the server has not accepted yet.

    A code is good once (its time step must be later than the last one used),
    so a second sign-in within the same 30 seconds waits for the next code, as
    a person would. Returns the code and the seconds spent waiting.
    """
    waited = 0.0
    while True:
        device = totp_device(user)
        device.refresh_from_db()
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        if totp.t() > device.last_t:
            return f"{totp.token():0{device.digits}d}", waited
        pause = device.step - (time.time() - device.t0) % device.step + 0.2
        time.sleep(pause)
        waited += pause


@dataclass
class Walk:
    """Screens visited by one or more people, each checked with axe, counted and timed."""

    browser: Browser
    base_url: str
    javascript: bool = True
    screens: int = 0
    waited: float = 0.0
    visited: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    _loads: dict[int, int] = field(default_factory=dict)
    _checked: dict[int, int] = field(default_factory=dict)
    _pages: list[Page] = field(default_factory=list)
    _checker: Page | None = None

    # --- people and screens --------------------------------------------------------------

    def person(self) -> Page:
        """A new browser (context) for one person: own cookies, own session."""
        page = self.browser.new_context(java_script_enabled=self.javascript).new_page()
        page.errors = []  # type: ignore[attr-defined]
        page.on("pageerror", lambda error: page.errors.append(str(error)))  # type: ignore[attr-defined]
        self._loads[id(page)] = 0
        self._checked[id(page)] = 0
        page.on("load", lambda: self._count_load(page))
        self._pages.append(page)
        return page

    def _count_load(self, page: Page) -> None:
        self._loads[id(page)] += 1

    def screen(self, page: Page, *, path: str | None = None, heading: str | None = None) -> None:
        """The screen now shown: check where it is, its heading, and its accessibility."""
        page.wait_for_load_state("load")
        if path is not None:
            # A form sent by GET with no fields leaves a bare "?" on the address.
            assert page.url.removesuffix("?") == f"{self.base_url}{path}", page.url
        if heading is not None:
            assert page.locator("h1").inner_text().strip() == heading, page.url
        assert self._loads[id(page)] == self._checked[id(page)] + 1, (
            f"{page.url}: expected one new page since {self.visited[-1:]}"
        )
        assert_accessible(page, self.base_url, checker=self._axe_page())
        self.screens += 1
        self.visited.append(page.url.removeprefix(self.base_url))
        self._checked[id(page)] = self._loads[id(page)]

    def _axe_page(self) -> Page | None:
        """With page scripts off, the one page (scripts on) where axe checks copies."""
        if self.javascript:
            return None
        if self._checker is None:
            self._checker = self.browser.new_context().new_page()
        return self._checker

    def goto(self, page: Page, path: str, **expect) -> None:
        page.goto(f"{self.base_url}{path}")
        self.screen(page, **expect)

    def click(self, page: Page, target: str | Locator, **expect) -> None:
        """Click (a selector or locator) and check the screen it leads to."""
        locator = page.locator(target) if isinstance(target, str) else target
        with page.expect_navigation():
            locator.click()
        self.screen(page, **expect)

    def follow(self, page: Page, link: str, **expect) -> None:
        """Follow the link with exactly this accessible name."""
        self.click(page, page.get_by_role("link", name=link, exact=True), **expect)

    def press(self, page: Page, button: str, **expect) -> None:
        """Press the button with exactly this accessible name."""
        self.click(page, page.get_by_role("button", name=button, exact=True), **expect)

    # --- sign-in -------------------------------------------------------------------------

    def sign_in(self, page: Page, user: User) -> None:
        """Password, then the code from the authenticator app, then home."""
        self.goto(page, "/")
        assert page.url.startswith(f"{self.base_url}/sign-in/"), page.url
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        self.press(page, "Continue", path="/sign-in/code/")
        code, waited = fresh_code(user)
        self.waited += waited
        page.fill("#id_code", code)
        self.press(page, "Sign in", path="/", heading="Your work in safeshare")

    def sign_out(self, page: Page) -> None:
        self.press(page, "Sign out", path="/signed-out/")

    # --- the end -------------------------------------------------------------------------

    @property
    def seconds(self) -> float:
        """Wall-clock seconds so far, less any wait for a fresh sign-in code."""
        return time.monotonic() - self.started - self.waited

    def finish(self) -> None:
        """Every page load was checked, and no page raised a script error."""
        for page in self._pages:
            assert self._loads[id(page)] == self._checked[id(page)], (
                f"a page loaded without being checked (last checked: {self.visited[-1:]})"
            )
            assert page.errors == [], page.errors  # type: ignore[attr-defined]
