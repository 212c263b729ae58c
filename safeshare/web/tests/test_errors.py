"""Error pages: 403, 404 and 500 in the GOV.UK layout, saying nothing they should not.

A record that is missing and one outside the user's scope answer exactly the
same (issue #3 item 6).
"""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.urls import include, path

from safeshare.core.errors import NotFound
from safeshare.web.testing import sign_in_verified

pytestmark = pytest.mark.django_db


# Views that fail in each way, for the error page tests.
def _missing(request):
    raise Http404("No Person matches the given query.")


def _not_yours(request):
    raise NotFound("person")


def _forbidden(request):
    raise PermissionDenied("practitioners only")


def _broken(request):
    raise RuntimeError("boom")


urlpatterns = [
    path("test/missing/", _missing),
    path("test/not-yours/", _not_yours),
    path("test/forbidden/", _forbidden),
    path("test/broken/", _broken),
    path("", include("safeshare.config.urls")),
]
handler403 = "safeshare.web.views.error_403"
handler404 = "safeshare.web.views.error_404"
handler500 = "safeshare.web.views.error_500"


def _without_tokens(body: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)


@pytest.mark.urls(__name__)
def test_missing_and_not_yours_answer_exactly_the_same(client, practitioner):
    sign_in_verified(client, practitioner)
    missing = client.get("/test/missing/")
    not_yours = client.get("/test/not-yours/")
    unknown = client.get("/no-such-page/")
    assert missing.status_code == not_yours.status_code == unknown.status_code == 404
    assert _without_tokens(missing.content.decode()) == _without_tokens(not_yours.content.decode())
    assert _without_tokens(missing.content.decode()) == _without_tokens(unknown.content.decode())
    body = missing.content.decode()
    assert "<title>Page not found – safeshare</title>" in body
    assert re.findall(r"<script[^>]*>", body) == ['<script type="module" src="/static/init.js">']
    assert "Person" not in body and "person" not in body.split("<main", 1)[1].split("</main>")[0]


@pytest.mark.urls(__name__)
def test_forbidden_action_is_a_403_page(client, practitioner):
    sign_in_verified(client, practitioner)
    response = client.get("/test/forbidden/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "You cannot do that" in body
    assert "practitioners only" not in body


@pytest.mark.urls(__name__)
def test_unexpected_error_is_a_500_page_without_details(practitioner):
    client = Client(raise_request_exception=False)
    sign_in_verified(client, practitioner)
    response = client.get("/test/broken/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Sorry, there is a problem with the service" in body
    assert "boom" not in body
