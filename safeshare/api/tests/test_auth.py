import datetime

import pytest
import time_machine
from django.test import Client

from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import staff
from safeshare.api.models import ApiToken
from safeshare.api.tests.helpers import assert_problem, token_client, two_factor_client
from safeshare.core import clock

pytestmark = pytest.mark.django_db

ME = "/api/v1/agencies/me"


def test_anonymous_gets_401_problem():
    assert_problem(Client().get(ME), 401)


def test_password_only_session_is_refused():
    user = staff(Role.PRACTITIONER)
    client = Client()
    client.force_login(user)
    assert_problem(client.get(ME), 401)


def test_two_factor_session_is_accepted():
    user = staff(Role.PRACTITIONER)
    response = two_factor_client(user).get(ME)
    assert response.status_code == 200
    assert response.json()["roles"] == ["practitioner"]


def test_session_writes_need_csrf():
    user = staff(Role.PRACTITIONER)
    client = two_factor_client(user, enforce_csrf=True)
    response = client.post(
        "/api/v1/tokens", {"label": "laptop", "days": 7}, content_type="application/json"
    )
    assert response.status_code == 403
    assert not ApiToken.objects.exists()


def test_token_issued_from_two_factor_session_works_and_is_stored_hashed():
    user = staff(Role.PRACTITIONER)
    response = two_factor_client(user).post(
        "/api/v1/tokens", {"label": "laptop", "days": 7}, content_type="application/json"
    )
    assert response.status_code == 201
    plain = response.json()["token"]
    record = ApiToken.objects.get()
    assert plain not in record.digest
    client = Client(headers={"Authorization": f"Bearer {plain}"})
    assert client.get(ME).json()["username"] == user.username


def test_token_cannot_issue_tokens():
    user = staff(Role.PRACTITIONER)
    response = token_client(user).post(
        "/api/v1/tokens", {"label": "more", "days": 7}, content_type="application/json"
    )
    assert_problem(response, 401)
    assert ApiToken.objects.count() == 1


@pytest.mark.parametrize(
    "body,field",
    [
        ({"days": 7}, "label"),
        ({"label": "", "days": 7}, "label"),
        ({"label": "x", "days": 0}, "days"),
        ({"label": "x", "days": 31}, "days"),
        ({"label": "x", "days": "soon"}, "days"),
    ],
)
def test_bad_token_request_names_the_field_and_changes_nothing(body, field):
    user = staff(Role.PRACTITIONER)
    response = two_factor_client(user).post("/api/v1/tokens", body, content_type="application/json")
    assert_problem(response, 422, field)
    assert not ApiToken.objects.exists()


def test_malformed_json_is_a_problem_not_a_500():
    user = staff(Role.PRACTITIONER)
    response = two_factor_client(user).post(
        "/api/v1/tokens", "{not json", content_type="application/json"
    )
    assert response.status_code in (400, 422)
    assert response["Content-Type"].startswith("application/problem+json")


def test_expired_and_revoked_tokens_are_refused():
    user = staff(Role.PRACTITIONER)
    client = token_client(user)
    with time_machine.travel(clock.now() + datetime.timedelta(days=2)):
        assert_problem(client.get(ME), 401)
    assert client.get(ME).status_code == 200
    client = token_client(user)
    ApiToken.objects.update(revoked_at=clock.now())
    assert_problem(client.get(ME), 401)


def test_deactivated_member_token_keeps_authentication_but_loses_every_role():
    user = staff(Role.PRACTITIONER)
    client = token_client(user)
    user.membership.active = False
    user.membership.save()
    assert client.get(ME).json()["roles"] == []
    assert_problem(client.get("/api/v1/agencies"), 403)


def test_role_change_takes_effect_on_next_request():
    user = staff(Role.PRACTITIONER)
    client = token_client(user)
    assert client.get(ME).json()["roles"] == ["practitioner"]
    user.membership.role_grants.update(role=Role.AUDITOR)
    assert client.get(ME).json()["roles"] == ["auditor"]


def test_openapi_and_docs_are_served_offline():
    schema = Client().get("/api/openapi.json")
    assert schema.status_code == 200
    assert schema.json()["openapi"].startswith("3.1")
    docs = Client().get("/api/docs")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()
