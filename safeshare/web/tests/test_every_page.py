"""Every page a person can reach by following links, for every role, in a real browser.

Issue #6 item 7: axe-core finds no WCAG 2.2 A/AA violation on any page, and
every page works with JavaScript off. The walks (`test_walk_*.py`) check the
screens of whole jobs; this test goes wide instead. On the demo partnership
(`demo/partnership.py`: agencies, staff of every role, families, decisions, shares,
requests, consents), it signs in one member of staff of each role and follows
every link from their home page, breadth first, opening each kind of page
once per role (`/people/<id>/` is one kind, whichever person). Each page is
opened twice: with JavaScript, where axe runs and no script error may occur;
and without, where it must answer 200 with one heading, and every form on it
must have a submit button (a form only a script could send is broken without
JavaScript).

Not followed: the Django admin (administrators' own tool, with Django's
markup), the API, static files, sign-out, and files that download rather than
show (FHIR and other JSON exports).
"""

import re
from collections import deque
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.conf import settings
from django.db.models import Count
from django.test import Client

from safeshare.agencies.models import Role, User
from safeshare.decisions.models import Decision
from safeshare.demo.partnership import demo_load
from safeshare.demo.testing import sign_in_verified
from safeshare.web.tests.walk import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOT_FOLLOWED = ("/admin/", "/api/", "/static/", "/sign-out/", "/signed-out/", "/sign-in/")
PAGES_PER_ROLE = 80  # far above what any role reaches today; a bound, not a target
_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d+")


def kind_of_page(path_and_query: str) -> str:
    """`/people/<id>/?page=<n>` for every person and page number: one kind of page."""
    parts = urlsplit(path_and_query)
    query = "&".join(sorted(f"{k}=" for k, _ in parse_qsl(parts.query)))
    return _ID.sub("<id>", parts.path) + (f"?{query}" if query else "")


def links_on(page, base_url: str, here: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    found = []
    for href in hrefs:
        target = urlsplit(urljoin(f"{base_url}{here}", href))
        if f"{target.scheme}://{target.netloc}" != base_url or target.path.startswith(NOT_FOLLOWED):
            continue
        found.append(target.path + (f"?{target.query}" if target.query else ""))
    return found


def without_javascript_problems(page, url: str) -> list[str]:
    """What a person without JavaScript could not do on the page at `url`."""
    response = page.goto(url)
    if response is None or response.status != 200:
        return [f"{url}: answered {response.status if response else 'nothing'} without JavaScript"]
    problems = []
    if page.locator("h1").count() != 1:
        problems.append(f"{url}: {page.locator('h1').count()} main headings without JavaScript")
    forms = page.locator("form")
    for index in range(forms.count()):
        submit = forms.nth(index).locator(
            "button:not([type=button]):not([type=reset]), input[type=submit]"
        )
        if submit.count() == 0:
            problems.append(f"{url}: form {index + 1} has no submit button without JavaScript")
    return problems


def crawl(browser, base_url: str, user: User) -> tuple[list[str], list[str]]:
    """The pages reached from `user`'s home page, and every problem found on them."""
    client = Client()
    sign_in_verified(client, user)
    cookie = {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": base_url,
    }
    scripted = browser.new_context()
    plain = browser.new_context(java_script_enabled=False)
    for context in (scripted, plain):
        context.add_cookies([cookie])
    page, page_without = scripted.new_page(), plain.new_page()
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))

    queue, kinds, visited, problems = deque(["/"]), set(), [], []
    while queue and len(visited) < PAGES_PER_ROLE:
        path = queue.popleft()
        if kind_of_page(path) in kinds:
            continue
        kinds.add(kind_of_page(path))
        url = f"{base_url}{path}"
        with page.expect_response(lambda r, url=url: r.url == url) as answer:
            try:
                page.goto(url)
            except Exception as error:  # a download: Playwright refuses to show it
                if "Download is starting" in str(error):
                    continue
                raise
        response = answer.value
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue
        if response.status != 200:
            problems.append(f"{path}: answered {response.status}")
            continue
        visited.append(path)
        try:
            assert_accessible(page, base_url)
        except AssertionError as error:
            problems.append(str(error))
        problems += [f"{path}: script error {e}" for e in script_errors]
        script_errors.clear()
        problems += without_javascript_problems(page_without, url)
        queue.extend(links_on(page, base_url, path))
    scripted.close()
    plain.close()
    return visited, problems


def test_every_page_reached_by_links_is_accessible_and_works_without_javascript(
    live_server, browser, settings
):
    settings.SAFESHARE_DEMO = True
    demo_load()
    reached: dict[str, list[str]] = {}
    problems: list[str] = []
    # Each role as a member of staff of the agency with the most decisions, so
    # their lists have rows to follow.
    decided = dict(
        Decision.objects.values("agency").annotate(n=Count("id")).values_list("agency", "n")
    )
    for role in Role:
        users = User.objects.filter(membership__role_grants__role=role, is_active=True)
        assert users, f"the demo has no {role}"
        user = max(
            users.select_related("membership"),
            key=lambda u: (decided.get(u.membership.agency_id, 0), u.username),
        )
        reached[role], found = crawl(browser, live_server.url, user)
        problems += [f"{role}: {p}" for p in found]
    kinds = {kind_of_page(path) for paths in reached.values() for path in paths}
    print(f"pages checked: {sum(map(len, reached.values()))} ({len(kinds)} kinds of page)")
    assert problems == [], "\n".join(problems)
    # Not a crawl of nothing: a practitioner reaches the case pages. (A data
    # protection officer's home has no links yet: rights requests, breaches and
    # complaints are not built.)
    assert len(reached[Role.PRACTITIONER]) >= 10, reached[Role.PRACTITIONER]
    for expected in (
        "/people/<id>/",
        "/decisions/<id>/",
        "/exchange/requests/<id>/",
        "/exchange/shares/<id>/",
    ):
        assert expected in kinds, (expected, sorted(kinds))
