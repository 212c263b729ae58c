"""A decision recorded in the aid answers the request it was started from: the request row
is locked before the ledger (no deadlock with a withdrawal), only roles that record
decisions start the aid, and a request closed meanwhile leaves the decision recordable."""

import html
import threading
import time

import pytest
from django.db import connection, connections, transaction

from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import staff
from safeshare.casework import answering
from safeshare.casework.views import RECORD_CLOSED
from safeshare.core.errors import NotFound
from safeshare.decisions.flow import ANSWERING_REQUEST, SESSION_KEY
from safeshare.decisions.models import Decision
from safeshare.decisions.services import DecisionDraft
from safeshare.decisions.tests.helpers import share_fields
from safeshare.exchange import services
from safeshare.exchange.models import InformationRequest, RequestResponse, RequestWithdrawal
from safeshare.exchange.tests.helpers import decision_for, last_entry, raise_request
from safeshare.exchange.tests.test_views import (  # noqa: F401
    SHARE_RECORD,
    _take_on_and_answer,
    client_for,
    w,
)
from safeshare.ledger import services as ledger_services
from safeshare.ledger.models import Entry
from safeshare.people.models import Involvement

REQUEST_TABLE = InformationRequest._meta.db_table
DECISION_TABLE = Decision._meta.db_table


def _record(world, client):
    return client.post(
        "/decisions/aid/record/",
        {**SHARE_RECORD, "recipient_agencies": [str(world["home"].pk)]},
    )


# --- 1. lock order: request row, then ledger ------------------------------------------------


@pytest.mark.django_db
def test_recording_from_the_aid_locks_the_request_before_the_decision_and_ledger(
    w,  # noqa: F811
    monkeypatch,
):
    asked, client = _take_on_and_answer(w)
    events: list[str] = []

    def spy_lock(**kwargs):
        events.append("request locked")
        return lock(**kwargs)

    def spy_write(*args, **kwargs):
        events.append("ledger append")
        return write(*args, **kwargs)

    def wrapper(execute, sql, params, many, context):
        events.append(sql)
        return execute(sql, params, many, context)

    lock, write = services.request_lock_open, ledger_services._write
    monkeypatch.setattr(services, "request_lock_open", spy_lock)
    monkeypatch.setattr(ledger_services, "_write", spy_write)
    with connection.execute_wrapper(wrapper):
        response = _record(w, client)

    assert response.status_code == 302
    assert RequestResponse.objects.get(request=asked).decision == Decision.objects.get()
    locked = events.index("request locked")
    inserted = next(
        i for i, sql in enumerate(events) if sql.startswith(f'INSERT INTO "{DECISION_TABLE}"')
    )
    appended = events.index("ledger append")
    assert locked < inserted < appended
    if connection.features.has_select_for_update:
        # The row lock itself is the first statement after the lock step.
        row_lock = events[locked + 1]
        assert f'FROM "{REQUEST_TABLE}"' in row_lock and "FOR UPDATE" in row_lock


@pytest.mark.django_db
def test_an_unknown_kind_to_answer_is_not_found_and_records_nothing(w):  # noqa: F811
    before = last_entry().seq
    with pytest.raises(NotFound):
        answering.decision_record_answering(
            actor=w["sender"],
            subject=w["child"],
            answering_kind="nothing",
            answering_id="00000000-0000-0000-0000-000000000000",
            draft=DecisionDraft(**share_fields(w["other"])),
        )
    assert not Decision.objects.exists() and last_entry().seq == before


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _wait_until_blocked(pid: int) -> None:
    """Until the backend waits for a lock (a bound, not a timed assertion)."""
    for _ in range(3000):
        with connection.cursor() as cursor:
            cursor.execute("SELECT cardinality(pg_blocking_pids(%s))", [pid])
            if cursor.fetchone()[0]:
                return
        time.sleep(0.01)
    raise AssertionError("the aid's transaction never waited for the request's lock")


@pytest.mark.django_db(transaction=True)
def test_a_withdrawal_racing_the_aid_record_step_does_not_deadlock_on_postgresql(w):  # noqa: F811
    """The withdrawal holds the request row; the aid's record step waits for it, before
    taking the ledger's lock, so the withdrawal's ledger entry goes through and the aid
    then finds the request closed. In the opposite order PostgreSQL reports a deadlock."""
    if connection.vendor != "postgresql":
        pytest.skip("row and advisory locks are PostgreSQL's")
    asked = raise_request(w["sender"], w["child"], w["other"])
    services.request_accept(actor=w["recipient"], request=asked)
    pid: list[int] = []
    started = threading.Event()
    outcome: list[BaseException | None] = []

    def record() -> None:
        try:
            pid.append(_backend_pid())
            started.set()
            answering.decision_record_answering(
                actor=w["recipient"],
                subject=w["child"],
                answering_kind=ANSWERING_REQUEST,
                answering_id=str(asked.pk),
                draft=DecisionDraft(**share_fields(w["home"])),
            )
            outcome.append(None)
        except BaseException as error:  # reported to the main thread
            outcome.append(error)
        finally:
            started.set()
            connections.close_all()

    thread = threading.Thread(target=record)
    with transaction.atomic():
        # The withdrawal's first step: the request row, locked until commit.
        InformationRequest.objects.select_for_update().filter(pk=asked.pk).first()
        thread.start()
        assert started.wait(30) and pid
        _wait_until_blocked(pid[0])
        services.request_withdraw(actor=w["sender"], request=asked, reason="no_longer_needed")
    thread.join(60)

    assert not thread.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], answering.RecordClosed), outcome
    assert "This request has been withdrawn." in outcome[0].messages
    assert RequestWithdrawal.objects.filter(request=asked).exists()
    assert not Decision.objects.exists() and not RequestResponse.objects.exists()
    assert last_entry().kind == "request.withdrawn"


# --- 2. only roles that record decisions start the aid --------------------------------------


@pytest.mark.django_db
def test_a_lead_information_officer_is_not_offered_the_aid_and_cannot_take_on(w):  # noqa: F811
    lio = staff(Role.LEAD_INFORMATION_OFFICER, agency=w["other"])
    asked = raise_request(w["sender"], w["child"], w["other"])
    client = client_for(lio)
    page = client.get(f"/exchange/requests/{asked.pk}/").content.decode()
    assert f"/exchange/requests/{asked.pk}/accept/" not in page
    assert "Take on and decide" not in page and "Decide with the decision aid" not in page
    before = last_entry().seq

    response = client.post(f"/exchange/requests/{asked.pk}/accept/")

    assert response.status_code == 403
    # Nothing was written but the refusal's own entry (issue #11 item 2).
    after = Entry.objects.filter(seq__gt=before)
    assert [(e.kind, e.payload["status"]) for e in after] == [("access.refused", 403)]
    assert not Involvement.objects.filter(agency=w["other"], person=w["child"]).exists()
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_a_lead_information_officer_still_answers_with_a_recorded_decision(w):  # noqa: F811
    lio = staff(Role.LEAD_INFORMATION_OFFICER, agency=w["other"])
    asked = raise_request(w["sender"], w["child"], w["other"])
    services.request_accept(actor=w["recipient"], request=asked)  # a practitioner took it on
    decision = decision_for(w["recipient"], w["child"])
    client = client_for(lio)
    page = client.get(f"/exchange/requests/{asked.pk}/").content.decode()
    assert "Decide with the decision aid" not in page
    assert f"/exchange/requests/{asked.pk}/accept/" not in page
    assert f'action="/exchange/requests/{asked.pk}/answer/"' in page
    assert client.post(f"/exchange/requests/{asked.pk}/accept/").status_code == 403

    response = client.post(f"/exchange/requests/{asked.pk}/answer/", {"decision": decision.pk})

    assert response.status_code == 302
    assert RequestResponse.objects.get(request=asked).decision == decision


@pytest.mark.django_db
def test_a_practitioner_is_offered_the_aid_and_takes_the_request_on(w):  # noqa: F811
    asked = raise_request(w["sender"], w["child"], w["other"])
    client = client_for(w["recipient"])
    page = client.get(f"/exchange/requests/{asked.pk}/").content.decode()
    assert "Take on and decide" in page
    assert f'action="/exchange/requests/{asked.pk}/accept/"' in page

    response = client.post(f"/exchange/requests/{asked.pk}/accept/")

    assert response.status_code == 302 and response["Location"] == "/decisions/aid/answers/"
    assert Involvement.objects.filter(agency=w["other"], person=w["child"]).exists()
    page = client.get(f"/exchange/requests/{asked.pk}/").content.decode()
    assert "Decide with the decision aid" in page


# --- 3. a request closed while the aid is open ----------------------------------------------


def _answer_elsewhere(world, asked):
    colleague = staff(Role.PRACTITIONER, agency=world["other"])
    services.request_answer(
        actor=colleague, request=asked, decision=decision_for(colleague, world["child"])
    )


def _withdraw(world, asked):
    services.request_withdraw(actor=world["sender"], request=asked, reason="no_longer_needed")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("close", "reason"),
    [
        (_withdraw, "This request has been withdrawn."),
        (_answer_elsewhere, "This request has already been answered."),
    ],
)
def test_a_request_closed_meanwhile_leaves_the_decision_recordable(w, close, reason):  # noqa: F811
    asked, client = _take_on_and_answer(w)
    close(w, asked)
    decisions_before = set(Decision.objects.values_list("pk", flat=True))
    responses_before = RequestResponse.objects.count()
    before = last_entry().seq

    refused = _record(w, client)

    assert refused.status_code == 422
    page = html.unescape(refused.content.decode())
    assert reason in page and RECORD_CLOSED in page
    assert "will answer the information request you took on" not in page
    assert set(Decision.objects.values_list("pk", flat=True)) == decisions_before
    assert RequestResponse.objects.count() == responses_before
    assert last_entry().seq == before
    assert client.session[SESSION_KEY]["answering"] is None

    response = _record(w, client)

    decision = Decision.objects.exclude(pk__in=decisions_before).get()
    assert response.status_code == 302
    assert response["Location"] == f"/decisions/{decision.pk}/"
    assert not RequestResponse.objects.filter(decision=decision).exists()
    assert list(Entry.objects.filter(seq__gt=before).values_list("kind", flat=True)) == [
        "decision.recorded"
    ]
    assert SESSION_KEY not in client.session
