"""Paged lists in headless Chromium: the request inbox with several paged lists on one page
(each navigation landmark named apart), moving through pages by the links alone (no
script), and the page a bad page number gets; axe-core checks every screen."""

import pytest

from safeshare.access.tests.helpers import person_for
from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.core.tests.paging import page_size_2  # noqa: F401
from safeshare.demo.testing import totp_device
from safeshare.exchange.tests.helpers import raise_request
from safeshare.web.tests.walk import Walk

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("page_size_2"),
]


def test_move_through_paged_request_lists_by_their_links(live_server, browser):
    home, other = AgencyFactory(), AgencyFactory()
    user, asker = staff(Role.PRACTITIONER, agency=home), staff(Role.PRACTITIONER, agency=other)
    totp_device(user)
    for _ in range(5):
        raise_request(asker, person_for(asker), home)
    for _ in range(3):
        raise_request(user, person_for(user), other)
    walk = Walk(browser, live_server.url)
    page = walk.person()
    walk.sign_in(page, user)

    walk.goto(page, "/exchange/requests/", heading="Information requests")
    inbox = page.get_by_role("navigation", name="Pages of Asked of your agency")
    walk.click(page, inbox.get_by_role("link", name="Next page"))
    assert page.url.endswith("/exchange/requests/?in_page=2#asked-of")
    assert "Showing 3 to 4 of 5 requests" in page.inner_text("#asked-of")
    outbox = page.get_by_role("navigation", name="Pages of Asked by your agency")
    walk.click(page, outbox.get_by_role("link", name="Asked by your agency, page 2"))
    assert page.url.endswith("/exchange/requests/?in_page=2&out_page=2#asked-by")
    assert "Showing 3 to 4 of 5 requests" in page.inner_text("#asked-of")  # still page 2

    walk.goto(page, "/exchange/requests/?in_page=9", heading="There is no such page of this list")
    assert "The page number (in_page) must be a whole number from 1 to 3." in page.inner_text(
        "main"
    )
    walk.follow(page, "Go to the first page", heading="Information requests")
    walk.finish()
