"""Error pages: 403, 404 and 500 in the GOV.UK layout, saying nothing they should not.

A record that is missing and one outside the user's scope answer exactly the
same (issue #3 item 6).
"""

import re
from datetime import timedelta

import psycopg
import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.http import Http404
from django.test import Client
from django.urls import include, path

from safeshare.api.auth import issue_token
from safeshare.api.models import ApiToken
from safeshare.core.errors import NotFound
from safeshare.demo.testing import sign_in_verified

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
    path("api/test/broken/", _broken),
    path("test/database-gone/", lambda request: _database_gone()),
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


# --- the database out of reach ------------------------------------------------------------
# As when the crash tests kill PostgreSQL: the first read (the session, behind the
# sign-in check) fails before any view runs.


def _database_gone(*args, **kwargs):
    """As Django raises it when PostgreSQL has gone: its error, caused by the driver's."""
    lost = psycopg.OperationalError("server closed the connection unexpectedly")
    raise OperationalError(str(lost)) from lost


def _signed_in(user) -> Client:
    """A signed-in client that answers errors as a browser sees them, instead of raising."""
    client = Client(raise_request_exception=False)
    sign_in_verified(client, user)
    return client


def _session_store_broken(monkeypatch, error) -> None:
    monkeypatch.setattr(SessionStore, "_get_session_from_db", error)


def test_a_page_while_the_database_is_out_of_reach_is_a_503_to_try_again(practitioner, monkeypatch):
    client = _signed_in(practitioner)
    _session_store_broken(monkeypatch, _database_gone)
    response = client.get("/people/")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    body = response.content.decode()
    assert "Sorry, the service is unavailable" in body
    assert "check whether it was saved" in body
    assert "server closed" not in body


def test_the_api_while_the_database_is_out_of_reach_is_a_503_problem(practitioner, monkeypatch):
    client = _signed_in(practitioner)
    _session_store_broken(monkeypatch, _database_gone)
    response = client.get("/api/v1/agencies")
    assert response.status_code == 503
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.headers["Retry-After"] == "5"
    problem = response.json()
    assert problem["type"] == "urn:safeshare:problem:database-unavailable"
    assert problem["status"] == 503 and problem["title"] == "Not available"
    assert "server closed" not in response.content.decode()


def test_the_api_with_a_bearer_token_while_the_database_is_out_of_reach(practitioner, monkeypatch):
    """The token is read inside the API, so django-ninja's own handler answers."""
    _, token = issue_token(user=practitioner, label="crash test", lifetime=timedelta(days=1))
    client = Client(raise_request_exception=False)
    monkeypatch.setattr(ApiToken.objects, "select_related", _database_gone)
    response = client.get("/api/v1/agencies", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 503
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == "urn:safeshare:problem:database-unavailable"


def test_an_unexpected_error_before_the_api_is_a_500_problem_not_a_page(practitioner, monkeypatch):
    client = _signed_in(practitioner)

    def _boom(*args, **kwargs):
        raise RuntimeError("boom with a name in it")

    _session_store_broken(monkeypatch, _boom)
    response = client.get("/api/v1/agencies")
    assert response.status_code == 500
    assert response.headers["Content-Type"] == "application/problem+json"
    assert "boom" not in response.content.decode()
    assert "Retry-After" not in response.headers


@pytest.mark.urls(__name__)
def test_an_error_outside_django_ninja_under_the_api_path_is_still_a_problem(practitioner):
    client = _signed_in(practitioner)
    response = client.get("/api/test/broken/")
    assert response.status_code == 500
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "The error was logged. Nothing was changed."


@pytest.mark.urls(__name__)
def test_a_view_losing_the_database_is_a_503_page(practitioner):
    client = _signed_in(practitioner)
    response = client.get("/test/database-gone/")
    assert response.status_code == 503
    assert "Sorry, the service is unavailable" in response.content.decode()
