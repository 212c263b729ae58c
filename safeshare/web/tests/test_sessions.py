"""Sessions and tokens end when they should; reads need no write (issue #11 items 5, 6, 13)."""

import datetime
from contextlib import contextmanager

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from safeshare.access.tests.helpers import person_for
from safeshare.api.models import ApiToken
from safeshare.api.services import token_issue
from safeshare.core import clock
from safeshare.demo.testing import code_for, sign_in_verified, totp_device
from safeshare.ledger.kinds import EntryKind
from safeshare.web.sign_in import VERIFIED_AT_KEY

from .conftest import entries
from .test_sign_in import code_step, password_step

pytestmark = pytest.mark.django_db

ME = "/api/v1/agencies/me"
HOUR = datetime.timedelta(hours=1)


def _issue_from_session(client: Client) -> dict:
    response = client.post(
        "/api/v1/tokens", {"label": "laptop", "days": 7}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def _bearer(plain: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {plain}"})


def _signed_in(practitioner) -> Client:
    """Through both real sign-in steps, so the session's lifetime starts as in use."""
    client = Client()
    totp_device(practitioner)
    password_step(client, practitioner)
    assert code_step(client, code_for(practitioner))["Location"] == "/"
    return client


# Item 5: signing out ends the session's tokens.


def test_signing_out_revokes_the_tokens_issued_from_the_session(practitioner):
    client = _signed_in(practitioner)
    issued = _issue_from_session(client)
    other_session = Client()
    sign_in_verified(other_session, practitioner)
    kept = _issue_from_session(other_session)
    _, unrelated = token_issue(actor=practitioner, label="cli", lifetime=datetime.timedelta(days=1))

    assert client.post("/sign-out/")["Location"] == "/signed-out/"

    assert _bearer(issued["token"]).get(ME).status_code == 401
    assert _bearer(kept["token"]).get(ME).status_code == 200
    assert _bearer(unrelated).get(ME).status_code == 200
    [entry] = entries(EntryKind.TOKEN_REVOKED, practitioner)
    assert entry.payload == {"token": issued["id"], "reason": "signed_out"}
    assert client.get("/")["Location"].startswith("/sign-in/")


def test_signing_out_without_tokens_writes_no_token_entry(practitioner):
    client = _signed_in(practitioner)
    client.post("/sign-out/")
    assert entries(EntryKind.TOKEN_REVOKED) == []


def test_the_admins_log_out_is_the_sites_sign_out(administrator):
    client = Client()
    sign_in_verified(client, administrator)
    issued = _issue_from_session(client)
    response = client.post("/admin/logout/")
    assert response["Location"] == "/signed-out/"
    assert _bearer(issued["token"]).get(ME).status_code == 401
    assert client.get("/admin/")["Location"].startswith("/sign-in/")


def test_the_session_key_is_never_stored_with_the_token(practitioner):
    client = _signed_in(practitioner)
    _issue_from_session(client)
    key = client.session.session_key
    record = ApiToken.objects.get()
    assert record.session_digest and key not in record.session_digest


# Item 6: an absolute lifetime besides the idle timeout.


def test_an_active_session_ends_at_its_absolute_lifetime(practitioner, settings):
    settings.SAFESHARE_SESSION_LIFETIME = 10 * HOUR
    start = clock.now()
    with time_machine.travel(start, tick=False) as traveller:
        client = _signed_in(practitioner)
        issued = _issue_from_session(client)
        # A request every 20 minutes keeps the idle timeout away for ten hours...
        for _ in range(29):
            traveller.shift(datetime.timedelta(minutes=20))
            assert client.get("/").status_code == 200
            assert client.get(ME).status_code == 200
        traveller.shift(datetime.timedelta(minutes=21))  # 10 h 1 min after the code
        # ...but not past it: the page asks to sign in, the API answers 401.
        page = client.get("/people/")
        assert page.status_code == 302 and page["Location"].startswith("/sign-in/")
        assert client.get(ME).status_code == 401
        assert _bearer(issued["token"]).get(ME).status_code == 401
    [entry] = entries(EntryKind.TOKEN_REVOKED, practitioner)
    assert entry.payload == {"token": issued["id"], "reason": "session_lifetime_reached"}


def test_the_api_alone_meets_the_absolute_lifetime_too(practitioner, settings):
    settings.SAFESHARE_SESSION_LIFETIME = HOUR
    start = clock.now()
    with time_machine.travel(start, tick=False) as traveller:
        client = _signed_in(practitioner)
        traveller.shift(datetime.timedelta(minutes=25))
        assert client.get(ME).status_code == 200
        traveller.shift(datetime.timedelta(minutes=25))
        assert client.get(ME).status_code == 200
        traveller.shift(datetime.timedelta(minutes=11))
        response = client.get(ME)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("started", [None, "yesterday", "future"])
def test_a_verified_session_without_a_believable_start_is_ended(practitioner, started):
    client = Client()
    sign_in_verified(client, practitioner)
    session = client.session
    if started is None:
        del session[VERIFIED_AT_KEY]
    elif started == "future":
        session[VERIFIED_AT_KEY] = (clock.now() + HOUR).timestamp()
    else:
        session[VERIFIED_AT_KEY] = started
    session.save()
    assert client.get("/")["Location"].startswith("/sign-in/")
    assert client.get(ME).status_code == 401


def test_the_idle_timeout_still_ends_a_quiet_session(practitioner):
    start = clock.now()
    with time_machine.travel(start, tick=False) as traveller:
        client = _signed_in(practitioner)
        traveller.shift(datetime.timedelta(minutes=29))
        assert client.get("/").status_code == 200
        traveller.shift(datetime.timedelta(minutes=31))
        assert client.get("/")["Location"].startswith("/sign-in/")


# Item 13: a read needs no database write.


def _writes(queries) -> list[str]:
    verbs = ("INSERT", "UPDATE", "DELETE", "REPLACE")
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(verbs)]


def test_a_read_inside_a_minute_saves_no_session_and_a_later_one_does(practitioner):
    start = clock.now()
    with time_machine.travel(start, tick=False) as traveller:
        client = _signed_in(practitioner)
        expiry = Session.objects.get().expire_date
        traveller.shift(datetime.timedelta(seconds=59))
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        assert _writes(queries) == []
        assert Session.objects.get().expire_date == expiry
        traveller.shift(datetime.timedelta(seconds=2))
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        assert len(_writes(queries)) == 1
        assert Session.objects.get().expire_date == expiry + datetime.timedelta(seconds=61)


@contextmanager
def _database_refuses_writes():
    """The database takes no write for the duration: SQLite's query_only, and for every
    database a wrapper refusing INSERT, UPDATE and DELETE as a full or read-only one would."""

    def refuse(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE", "REPLACE")):
            raise OperationalError("attempt to write a readonly database")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse):
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA query_only = ON")
        try:
            yield
        finally:
            if connection.vendor == "sqlite":
                with connection.cursor() as cursor:
                    cursor.execute("PRAGMA query_only = OFF")


def test_signed_in_reads_work_while_the_database_refuses_writes(practitioner):
    person = person_for(practitioner)
    client = _signed_in(practitioner)
    bearer = _bearer(_issue_from_session(client)["token"])
    assert bearer.get(ME).status_code == 200  # last_used_at written now, not below
    with _database_refuses_writes():
        assert client.get("/people/").status_code == 200
        assert client.get(f"/api/v1/people/{person.id}").status_code == 200
        assert bearer.get(f"/api/v1/people/{person.id}").status_code == 200


def test_reads_keep_working_when_the_due_refreshes_are_refused(practitioner):
    person = person_for(practitioner)
    start = clock.now()
    with time_machine.travel(start, tick=False) as traveller:
        client = _signed_in(practitioner)
        bearer = _bearer(_issue_from_session(client)["token"])
        assert bearer.get(ME).status_code == 200
        # Both the session's idle expiry and the token's last use are due to move.
        traveller.shift(datetime.timedelta(minutes=5))
        with _database_refuses_writes():
            assert client.get("/people/").status_code == 200
            assert bearer.get(f"/api/v1/people/{person.id}").status_code == 200
