"""Personal tokens: listed, revoked and rotated by their owner and by an administrator
(issue #11 item 5). A revoked or rotated token answers 401 on the very next request."""

import datetime
import json

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import staff
from safeshare.api.models import ApiToken
from safeshare.api.tests.helpers import assert_problem, two_factor_client
from safeshare.core import clock
from safeshare.ledger.kinds import EntryKind
from safeshare.ledger.models import Entry

pytestmark = pytest.mark.django_db

ME = "/api/v1/agencies/me"
TOKENS = "/api/v1/tokens"


def _issue(client, label="laptop", days=7):
    response = client.post(TOKENS, {"label": label, "days": days}, content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


def _bearer(plain: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {plain}"})


def _ledger_text() -> str:
    return json.dumps(list(Entry.objects.values("actor_ref", "subject_ref", "payload")))


def test_issuing_appends_a_ledger_entry_without_the_token():
    user = staff(Role.PRACTITIONER)
    issued = _issue(two_factor_client(user))
    [entry] = Entry.objects.filter(kind=EntryKind.TOKEN_ISSUED)
    assert entry.payload["token"] == issued["id"]
    assert entry.payload["from_session"] is True
    assert entry.actor_ref == entry.subject_ref == f"user:{user.pk}"
    record = ApiToken.objects.get()
    for secret in (issued["token"], record.digest, "laptop"):
        assert secret not in _ledger_text()


def test_list_shows_my_tokens_but_never_the_token_or_its_digest():
    user = staff(Role.PRACTITIONER)
    client = two_factor_client(user)
    first = _issue(client, label="laptop")
    _issue(client, label="script")
    _issue(two_factor_client(staff(Role.PRACTITIONER)), label="someone else's")
    with time_machine.travel(clock.now() + datetime.timedelta(minutes=5), tick=False):
        _bearer(first["token"]).get(ME)
        used_at = clock.now()
    response = client.get(TOKENS)
    assert response.status_code == 200
    rows = response.json()
    assert [row["label"] for row in rows] == ["script", "laptop"]
    laptop = rows[1]
    assert set(laptop) == {
        "id",
        "user_id",
        "label",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "active",
    }
    assert laptop["active"] is True and laptop["revoked_at"] is None
    # Shown to the minute only.
    expected = used_at.replace(second=0, microsecond=0)
    assert datetime.datetime.fromisoformat(laptop["last_used_at"]) == expected
    assert rows[0]["last_used_at"] is None
    digests = ApiToken.objects.values_list("digest", flat=True)
    for secret in (first["token"], *digests):
        assert secret not in response.content.decode()


def test_revoked_token_answers_401_on_the_next_request():
    user = staff(Role.PRACTITIONER)
    client = two_factor_client(user)
    issued = _issue(client)
    bearer = _bearer(issued["token"])
    assert bearer.get(ME).status_code == 200
    response = client.post(f"{TOKENS}/{issued['id']}/revoke")
    assert response.status_code == 200
    assert response.json()["active"] is False and response.json()["revoked_at"]
    assert_problem(bearer.get(ME), 401)
    [entry] = Entry.objects.filter(kind=EntryKind.TOKEN_REVOKED)
    assert entry.payload == {"token": issued["id"], "reason": "owner"}
    assert entry.actor_ref == f"user:{user.pk}"


def test_a_token_can_revoke_itself():
    user = staff(Role.PRACTITIONER)
    issued = _issue(two_factor_client(user))
    bearer = _bearer(issued["token"])
    assert bearer.post(f"{TOKENS}/{issued['id']}/revoke").status_code == 200
    assert_problem(bearer.get(ME), 401)


def test_rotation_ends_the_old_token_and_issues_one_with_the_same_label_and_expiry():
    user = staff(Role.PRACTITIONER)
    issued = _issue(two_factor_client(user), label="nightly export", days=3)
    old = _bearer(issued["token"])
    response = old.post(f"{TOKENS}/{issued['id']}/rotate", {}, content_type="application/json")
    assert response.status_code == 201
    rotated = response.json()
    assert rotated["label"] == "nightly export"
    assert rotated["expires_at"] == issued["expires_at"]
    assert rotated["token"] != issued["token"] and rotated["id"] != issued["id"]
    assert_problem(old.get(ME), 401)
    assert _bearer(rotated["token"]).get(ME).json()["username"] == user.username
    [entry] = Entry.objects.filter(kind=EntryKind.TOKEN_ROTATED)
    assert entry.payload == {
        "token": issued["id"],
        "replaced_by": rotated["id"],
        "expires_at": rotated["expires_at"],
    }
    assert rotated["token"] not in _ledger_text()


def test_rotation_from_a_session_may_give_a_new_lifetime():
    user = staff(Role.PRACTITIONER)
    client = two_factor_client(user)
    issued = _issue(client, days=1)
    response = client.post(
        f"{TOKENS}/{issued['id']}/rotate", {"days": 20}, content_type="application/json"
    )
    assert response.status_code == 201
    expires_at = datetime.datetime.fromisoformat(response.json()["expires_at"])
    assert expires_at > clock.now() + datetime.timedelta(days=19)


def test_a_token_cannot_extend_its_own_lifetime_by_rotating():
    user = staff(Role.PRACTITIONER)
    issued = _issue(two_factor_client(user), days=1)
    bearer = _bearer(issued["token"])
    response = bearer.post(
        f"{TOKENS}/{issued['id']}/rotate", {"days": 30}, content_type="application/json"
    )
    body = assert_problem(response, 422, "days")
    assert body["errors"][0]["rule"] == "session_only"
    assert bearer.get(ME).status_code == 200
    assert not Entry.objects.filter(kind=EntryKind.TOKEN_ROTATED).exists()


@pytest.mark.parametrize(
    "body,field",
    [({"days": 0}, "days"), ({"days": 31}, "days"), ({"days": "soon"}, "days")],
)
def test_bad_rotation_names_the_field_and_changes_nothing(body, field):
    user = staff(Role.PRACTITIONER)
    client = two_factor_client(user)
    issued = _issue(client)
    response = client.post(f"{TOKENS}/{issued['id']}/rotate", body, content_type="application/json")
    assert_problem(response, 422, field)
    assert ApiToken.objects.get().revoked_at is None


@pytest.mark.parametrize("verb", ["revoke", "rotate"])
def test_a_revoked_token_cannot_be_revoked_or_rotated_again(verb):
    user = staff(Role.PRACTITIONER)
    client = two_factor_client(user)
    issued = _issue(client)
    client.post(f"{TOKENS}/{issued['id']}/revoke")
    response = client.post(f"{TOKENS}/{issued['id']}/{verb}", {}, content_type="application/json")
    body = assert_problem(response, 422, "token")
    assert body["errors"][0]["rule"] == "revoked"
    assert ApiToken.objects.count() == 1
    assert Entry.objects.filter(kind=EntryKind.TOKEN_REVOKED).count() == 1


def test_an_expired_token_cannot_be_rotated():
    user = staff(Role.PRACTITIONER)
    client = two_factor_client(user)
    issued = _issue(client, days=1)
    with time_machine.travel(clock.now() + datetime.timedelta(days=2)):
        client = two_factor_client(user)
        response = client.post(
            f"{TOKENS}/{issued['id']}/rotate", {}, content_type="application/json"
        )
    body = assert_problem(response, 422, "token")
    assert body["errors"][0]["rule"] == "expired"


@pytest.mark.parametrize("token_id", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
@pytest.mark.parametrize("verb", ["revoke", "rotate"])
def test_unknown_token_is_not_found(token_id, verb):
    client = two_factor_client(staff(Role.PRACTITIONER))
    response = client.post(f"{TOKENS}/{token_id}/{verb}", {}, content_type="application/json")
    assert_problem(response, 404)


@pytest.mark.parametrize("verb", ["revoke", "rotate"])
def test_someone_elses_token_answers_like_a_missing_one_and_keeps_working(verb):
    owner = staff(Role.PRACTITIONER)
    issued = _issue(two_factor_client(owner))
    other = two_factor_client(staff(Role.SAFEGUARDING_LEAD, Role.AUDITOR))
    response = other.post(f"{TOKENS}/{issued['id']}/{verb}", {}, content_type="application/json")
    missing = other.post(
        f"{TOKENS}/00000000-0000-0000-0000-000000000000/{verb}", {}, content_type="application/json"
    )
    assert_problem(response, 404)
    assert response.content == missing.content
    assert _bearer(issued["token"]).get(ME).status_code == 200


def test_only_an_administrator_lists_another_users_tokens():
    owner = staff(Role.PRACTITIONER)
    _issue(two_factor_client(owner), label="laptop")
    nosy = two_factor_client(staff(Role.SAFEGUARDING_LEAD))
    assert_problem(nosy.get(TOKENS, {"user_id": str(owner.pk)}), 403)
    admin = two_factor_client(staff(Role.ADMINISTRATOR))
    response = admin.get(TOKENS, {"user_id": str(owner.pk)})
    assert response.status_code == 200
    assert [(row["label"], row["user_id"]) for row in response.json()] == [
        ("laptop", str(owner.pk))
    ]
    assert_problem(admin.get(TOKENS, {"user_id": "not-a-uuid"}), 422, "user_id")
    assert_problem(admin.get(TOKENS, {"limit": 0}), 422, "limit")


def test_an_administrator_revokes_another_users_token_and_the_ledger_says_so():
    owner = staff(Role.PRACTITIONER)
    issued = _issue(two_factor_client(owner))
    administrator = staff(Role.ADMINISTRATOR)
    response = two_factor_client(administrator).post(f"{TOKENS}/{issued['id']}/revoke")
    assert response.status_code == 200
    assert_problem(_bearer(issued["token"]).get(ME), 401)
    [entry] = Entry.objects.filter(kind=EntryKind.TOKEN_REVOKED)
    assert entry.payload == {"token": issued["id"], "reason": "administrator"}
    assert entry.actor_ref == f"user:{administrator.pk}"
    assert entry.subject_ref == f"user:{owner.pk}"


def test_an_administrator_cannot_rotate_another_users_token():
    issued = _issue(two_factor_client(staff(Role.PRACTITIONER)))
    admin = two_factor_client(staff(Role.ADMINISTRATOR))
    response = admin.post(f"{TOKENS}/{issued['id']}/rotate", {}, content_type="application/json")
    body = assert_problem(response, 422, "token")
    assert body["errors"][0]["rule"] == "not_owner"
    assert ApiToken.objects.count() == 1


def test_last_used_is_written_at_most_once_a_minute():
    user = staff(Role.PRACTITIONER)
    bearer = _bearer(_issue(two_factor_client(user))["token"])

    def token_updates() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert bearer.get(ME).status_code == 200
        return sum(
            1 for q in queries if q["sql"].startswith("UPDATE") and "api_apitoken" in q["sql"]
        )

    start = clock.now()
    with time_machine.travel(start, tick=False):
        assert token_updates() == 1
    with time_machine.travel(start + datetime.timedelta(seconds=59), tick=False):
        assert token_updates() == 0
    with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
        assert token_updates() == 1
