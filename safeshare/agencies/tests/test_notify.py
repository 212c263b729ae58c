"""Notification emails go through the django-tasks database queue.

The services' tests (exchange, consent) check who is told and what an email
says; these check the queue itself: that a task holds only ids and fixed kinds,
that a failed send is tried again later and then stops, that the task refuses
arguments the ledger does not back, and that `safeshare tasks work` sends.
"""

import datetime
import json
import signal
import uuid

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from safeshare.__main__ import main
from safeshare.agencies import notify
from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.core import clock
from safeshare.core.tests.tasks import run_queued_tasks
from safeshare.ledger.models import Entry

KIND = notify.NotificationKind.SHARE_RECEIVED


class FlakyBackend(EmailBackend):
    """Django's in-memory backend, except that it cannot connect while `down` is set."""

    down = False

    def open(self) -> bool:
        if FlakyBackend.down:
            raise ConnectionRefusedError("the mail server is down")
        return super().open()


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    FlakyBackend.down = True
    yield FlakyBackend
    FlakyBackend.down = False


@pytest.fixture
def world():
    agency = AgencyFactory()
    actor = staff(Role.PRACTITIONER, agency=agency)
    recipient = staff(Role.PRACTITIONER)
    recipient.email = "recipient@other.test"
    recipient.save(update_fields=["email"])
    return {"agency": agency, "actor": actor, "recipient": recipient, "path": _share_path()}


def _share_path() -> str:
    return f"/exchange/shares/{uuid.uuid4()}/"


def _queue(world: dict) -> int:
    with transaction.atomic():
        return notify.queue(
            actor=world["actor"],
            agency=world["agency"],
            kind=KIND,
            users=[world["recipient"]],
            path=world["path"],
        )


def _failed() -> list[Entry]:
    return list(Entry.objects.filter(kind="notification.failed").order_by("seq"))


def _waiting() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(status="READY"))


@pytest.mark.django_db
def test_the_task_holds_only_ids_and_the_kind(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert _queue(world) == 1
    [task] = _waiting()
    sent = Entry.objects.get(kind="notification.sent")
    assert task.task_path == "safeshare.agencies.notify.send_notifications"
    assert task.args_kwargs == {
        "args": [],
        "kwargs": {
            "kind": "share_received",
            "path": world["path"],
            "agency_ref": str(world["agency"].pk),
            "recipients": [[str(world["recipient"].pk), sent.seq]],
            "attempt": 1,
        },
    }
    assert mail.outbox == []  # nothing is sent until the worker runs the task
    assert run_queued_tasks() == 1
    assert [m.to for m in mail.outbox] == [["recipient@other.test"]]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@pytest.mark.django_db
def test_a_failed_send_is_tried_again_later_and_then_delivered(
    world, flaky, django_capture_on_commit_callbacks
):
    start = datetime.datetime(2026, 12, 3, 10, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            _queue(world)
        assert run_queued_tasks() == 1
        [failed] = _failed()
        sent = Entry.objects.get(kind="notification.sent")
        assert failed.payload == {
            "recipient": f"user:{world['recipient'].pk}",
            "kind": "share_received",
            "sent_entry": sent.seq,
            "error": "ConnectionRefusedError",
            "attempt": 1,
            "retry": True,
        }
        [retry] = _waiting()
        assert retry.run_after == start + notify.FIRST_RETRY_DELAY
        assert retry.args_kwargs["kwargs"]["attempt"] == 2
        assert "@" not in json.dumps(retry.args_kwargs)
        assert run_queued_tasks() == 0  # not due yet
    flaky.down = False
    with time_machine.travel(start + notify.FIRST_RETRY_DELAY, tick=False):
        assert run_queued_tasks() == 1
    assert [m.to for m in mail.outbox] == [["recipient@other.test"]]
    assert len(_failed()) == 1 and _waiting() == []
    # The ledger still holds one notification.sent entry for the recipient.
    assert Entry.objects.filter(kind="notification.sent").count() == 1


@pytest.mark.django_db
def test_a_send_that_keeps_failing_stops_after_the_last_attempt(
    world, flaky, django_capture_on_commit_callbacks
):
    moment = clock.now()
    with django_capture_on_commit_callbacks(execute=True):
        _queue(world)
    for attempt in range(1, notify.MAX_ATTEMPTS + 1):
        with time_machine.travel(moment, tick=False):
            assert run_queued_tasks() == 1
        moment += notify.retry_delay(attempt)
    with time_machine.travel(moment + datetime.timedelta(days=1), tick=False):
        assert run_queued_tasks() == 0
    failed = _failed()
    assert [f.payload["attempt"] for f in failed] == [1, 2, 3, 4, 5]
    assert [f.payload["retry"] for f in failed] == [True, True, True, True, False]
    assert mail.outbox == [] and _waiting() == []
    assert [notify.retry_delay(a).total_seconds() / 60 for a in (1, 2, 3, 4)] == [1, 5, 25, 125]


@pytest.mark.django_db
def test_a_recipient_without_an_address_by_the_time_of_sending_is_recorded_not_retried(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _queue(world)
    world["recipient"].email = ""
    world["recipient"].save(update_fields=["email"])
    run_queued_tasks()
    [failed] = _failed()
    assert failed.payload["error"] == notify.UNREACHABLE and failed.payload["retry"] is False
    assert mail.outbox == [] and _waiting() == []


def _good_arguments(world: dict) -> dict:
    sent = Entry.objects.get(kind="notification.sent")
    return {
        "kind": str(KIND),
        "path": world["path"],
        "agency_ref": str(world["agency"].pk),
        "recipients": [[str(world["recipient"].pk), sent.seq]],
        "attempt": 1,
    }


# Each takes the recipient's user id, their entry's seq and the world, and gives the
# arguments that replace the good ones.
BAD_ARGUMENTS = {
    "unknown kind": lambda user_id, seq, w: {"kind": "share_recieved"},
    "kind not a string": lambda user_id, seq, w: {"kind": ["share_received"]},
    "path with a name": lambda user_id, seq, w: {"path": "/exchange/shares/Wilhelmina-Smith/"},
    "path elsewhere": lambda user_id, seq, w: {"path": "https://example.test/exchange/"},
    "path to no page": lambda user_id, seq, w: {"path": "/no/such/page/"},
    "path with a non-UUID argument": lambda user_id, seq, w: {"path": "/consent/conflicts/x/"},
    "agency not a UUID": lambda user_id, seq, w: {"agency_ref": "Northfield Primary"},
    "no recipients": lambda user_id, seq, w: {"recipients": []},
    "recipient an address": lambda user_id, seq, w: {"recipients": [["p@other.test", seq]]},
    "recipient without an entry": lambda user_id, seq, w: {"recipients": [[user_id]]},
    "entry not a number": lambda user_id, seq, w: {"recipients": [[user_id, str(seq)]]},
    "entry a bool": lambda user_id, seq, w: {"recipients": [[user_id, True]]},
    "entry of someone else": lambda user_id, seq, w: {"recipients": [[str(w["actor"].pk), seq]]},
    "entry that does not exist": lambda user_id, seq, w: {"recipients": [[user_id, seq + 1000]]},
    "entry of another kind": lambda user_id, seq, w: {"kind": "request_received"},
    "attempt zero": lambda user_id, seq, w: {"attempt": 0},
    "attempt past the last": lambda user_id, seq, w: {"attempt": notify.MAX_ATTEMPTS + 1},
    "attempt a bool": lambda user_id, seq, w: {"attempt": True},
}


# The arguments that name the ledger's entries: when they are bad, no entry is known.
UNBACKED = {"kind", "recipients"}


@pytest.mark.django_db
@pytest.mark.parametrize("change", BAD_ARGUMENTS.values(), ids=BAD_ARGUMENTS.keys())
def test_the_task_refuses_arguments_the_ledger_does_not_back(world, change):
    _queue(world)  # writes the notification.sent entry; the test's commit never comes
    arguments = _good_arguments(world)
    [[user_id, seq]] = arguments["recipients"]
    bad = change(user_id, seq, world)
    with pytest.raises(ValueError) as excinfo:
        notify.send_notifications.call(**{**arguments, **bad})
    assert "@" not in str(excinfo.value) and "Wilhelmina" not in str(excinfo.value)
    assert mail.outbox == []
    if UNBACKED & bad.keys():
        assert _failed() == []
    else:
        # The entries are known, so the ledger says these messages never went.
        [failed] = _failed()
        assert failed.agency_ref == str(world["agency"].pk)
        assert failed.payload["sent_entry"] == seq
        assert failed.payload["error"] == "InvalidTaskArguments"
        assert failed.payload["retry"] is False
        assert "Wilhelmina" not in str(failed.payload) and "@" not in str(failed.payload)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/consent/conflicts/", "/exchange/shares/{uuid}/"], ids=["no argument", "a UUID"]
)
def test_a_page_with_no_argument_or_uuids_alone_is_a_good_link(world, path):
    world["path"] = path.format(uuid=uuid.uuid4())
    _queue(world)
    assert notify.send_notifications.call(**_good_arguments(world)) == 1
    assert world["path"] in mail.outbox[0].body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/exchange/shares/Wilhelmina-Smith/", "https://example.test/", "/no/such/page/"]
)
def test_queueing_a_bad_link_raises_in_the_callers_transaction(world, path):
    world["path"] = path
    with pytest.raises(ValueError):
        _queue(world)
    assert not Entry.objects.filter(kind="notification.sent").exists()
    assert _waiting() == []


@pytest.mark.django_db
def test_a_queue_that_refuses_the_task_is_recorded_as_failed(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(**kwargs):
        raise ConnectionError("the queue's database is unavailable")

    monkeypatch.setattr(notify, "_enqueue", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        assert _queue(world) == 1  # the write commits; its email cannot be queued
    sent = Entry.objects.get(kind="notification.sent")
    [failed] = _failed()
    assert failed.payload == {
        "recipient": f"user:{world['recipient'].pk}",
        "kind": str(KIND),
        "sent_entry": sent.seq,
        "error": "NotQueued",
        "attempt": 1,
        "retry": False,
    }
    assert _waiting() == [] and mail.outbox == []


@pytest.mark.django_db
def test_the_good_arguments_of_the_refusal_test_send(world):
    _queue(world)
    assert notify.send_notifications.call(**_good_arguments(world)) == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_safeshare_tasks_work_sends_what_a_commit_queued(world):
    _queue(world)  # commits: this test's writes are real
    assert len(_waiting()) == 1 and mail.outbox == []
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        main(["safeshare", "tasks", "work", "--batch", "--no-startup-delay", "--no-reload"])
    finally:
        for number, handler in handlers.items():  # the worker sets its own for Ctrl-C
            signal.signal(number, handler)
    assert [m.to for m in mail.outbox] == [["recipient@other.test"]]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
