"""Email notifications delivered through a real SMTP server on 127.0.0.1 (aiosmtpd).

The tests switch Django to its SMTP backend and start a server per test, so
the messages go over a real socket. They check who is told, that an email
says only that something awaits plus a link, that nothing leaves when the
write rolls back, and that a failed send keeps the write and is recorded.
"""

import datetime
import logging
import socket
import uuid

import pytest
from aiosmtpd.controller import Controller
from django.db import transaction

from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.core.tests.tasks import run_queued_tasks
from safeshare.exchange import notify, services
from safeshare.exchange.models import InformationRequest, Share
from safeshare.exchange.tests.helpers import (
    decision_for,
    item,
    raise_request,
    referral_fields,
    send,
)
from safeshare.ledger.models import Entry
from safeshare.people.services.people import person_create
from safeshare.people.tests.factories import test_nhs_number

pytestmark = pytest.mark.django_db

BASE_URL = "https://safeshare.test"
GIVEN, FAMILY, NHS = "Wilhelmina", "Quartermaine", test_nhs_number(41)
PURPOSE = "Suspected neglect reported by the health visitor"


class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[dict] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(
            {"to": list(envelope.rcpt_tos), "data": envelope.content.decode("utf-8", "replace")}
        )
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """A real SMTP server on 127.0.0.1 and Django pointed at it through its SMTP backend."""
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.SAFESHARE_BASE_URL = BASE_URL
    yield inbox
    controller.stop()


@pytest.fixture
def smtp_down(settings):
    """Django's SMTP backend pointed at a port where nothing listens."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = _free_port()
    settings.EMAIL_TIMEOUT = 5
    settings.SAFESHARE_BASE_URL = BASE_URL


def with_email(user, address):
    user.email = address
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def world():
    home, other = AgencyFactory(name="Northfield Primary"), AgencyFactory(name="Riverside Health")
    author = with_email(staff(Role.PRACTITIONER, agency=home), "author@home.test")
    child = person_create(
        actor=author,
        agency=home,
        kind="child",
        given_name=GIVEN,
        family_name=FAMILY,
        date_of_birth=datetime.date(2016, 4, 1),
        nhs_number=NHS,
    )
    return {
        "home": home,
        "other": other,
        "author": author,
        "child": child,
        "practitioner": with_email(staff(Role.PRACTITIONER, agency=other), "p@other.test"),
        "lead": with_email(staff(Role.SAFEGUARDING_LEAD, agency=other), "dsl@other.test"),
        "officer": with_email(staff(Role.LEAD_INFORMATION_OFFICER, agency=other), "lio@other.test"),
        "no_address": staff(Role.PRACTITIONER, agency=other),
    }


def _sent_entries(kind=None):
    entries = Entry.objects.filter(kind="notification.sent").order_by("seq")
    return [e for e in entries if kind is None or e.payload["kind"] == kind]


def _assert_no_personal_data(message: dict, world: dict, *extra: str) -> None:
    data = message["data"]
    for secret in (GIVEN, FAMILY, NHS, PURPOSE, world["home"].name, world["other"].name, *extra):
        assert secret.lower() not in data.lower()
    nhs_spaced = f"{NHS[:3]} {NHS[3:6]} {NHS[6:]}"
    assert nhs_spaced not in data


def _recipients(inbox: Inbox) -> list[str]:
    return sorted(address for m in inbox.messages for address in m["to"])


def test_a_share_emails_each_recipient_practitioner_and_lead_separately(
    smtp, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        share = send(
            world["author"],
            world["child"],
            world["other"],
            items=[item(1, content=PURPOSE, source="Health visitor")],
        )
    assert smtp.messages == []  # queued on commit, sent by the queue's worker
    assert run_queued_tasks() == 1
    assert _recipients(smtp) == ["dsl@other.test", "p@other.test"]
    assert all(len(m["to"]) == 1 for m in smtp.messages)
    for message in smtp.messages:
        assert "Subject: New shared information awaits you in safeshare" in message["data"]
        assert f"{BASE_URL}/exchange/shares/{share.pk}/" in message["data"]
        _assert_no_personal_data(message, world, "Health visitor", "Item content")
    entries = _sent_entries("share_received")
    assert {e.payload["recipient"] for e in entries} == {
        f"user:{world['practitioner'].pk}",
        f"user:{world['lead'].pk}",
    }
    # Written in the share's own transaction, after its share.sent entry; no addresses.
    assert all(e.seq > share.sent_entry_seq for e in entries)
    assert all("@" not in str(e.payload) and e.subject_ref is None for e in entries)
    assert not Entry.objects.filter(kind="notification.failed").exists()


def test_a_named_recipient_alone_is_emailed(smtp, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send(world["author"], world["child"], world["other"], named_user=world["lead"])
    run_queued_tasks()
    assert _recipients(smtp) == ["dsl@other.test"]
    assert [e.payload["recipient"] for e in _sent_entries()] == [f"user:{world['lead'].pk}"]


def test_a_request_emails_the_asked_agency_and_its_answer_the_requester(
    smtp, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = raise_request(world["author"], world["child"], world["other"], purpose=PURPOSE)
    run_queued_tasks()
    assert _recipients(smtp) == ["dsl@other.test", "p@other.test"]
    for message in smtp.messages:
        assert "A new information request awaits you in safeshare" in message["data"]
        assert f"{BASE_URL}/exchange/requests/{request.pk}/" in message["data"]
        _assert_no_personal_data(message, world, "Attendance this term")
    smtp.messages.clear()
    answerer = world["practitioner"]
    with django_capture_on_commit_callbacks(execute=True):
        services.request_answer(
            actor=answerer, request=request, decision=decision_for(answerer, world["child"])
        )
    run_queued_tasks()
    assert _recipients(smtp) == ["author@home.test"]
    assert "An answer to your information request awaits you" in smtp.messages[0]["data"]
    _assert_no_personal_data(smtp.messages[0], world)
    assert [e.payload["kind"] for e in _sent_entries()][-1] == "request_answered"


def test_a_referral_emails_the_front_doors_staff(smtp, world, django_capture_on_commit_callbacks):
    door = AgencyFactory(is_front_door=True, name="Children's Trust Front Door")
    duty = with_email(staff(Role.PRACTITIONER, agency=door), "duty@door.test")
    with_email(staff(Role.AUDITOR, agency=door), "audit@door.test")
    with django_capture_on_commit_callbacks(execute=True):
        referral = services.referral_make(
            actor=world["author"],
            subject=world["child"],
            harm_basis="suffering",
            reason=PURPOSE,
            items=[item(1)],
            **referral_fields(),
        )
    run_queued_tasks()
    assert _recipients(smtp) == ["duty@door.test"]
    message = smtp.messages[0]["data"]
    assert "A new referral awaits you in safeshare" in message
    assert f"{BASE_URL}/exchange/shares/{referral.share_id}/" in message
    _assert_no_personal_data(smtp.messages[0], world, door.name)
    assert _sent_entries("referral_received")[0].payload["recipient"] == f"user:{duty.pk}"


def test_a_rolled_back_write_sends_nothing_and_records_nothing(
    smtp, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            send(world["author"], world["child"], world["other"])
            assert len(_sent_entries()) == 2  # written with the share, inside its transaction
            raise RuntimeError("the surrounding write failed")
    assert callbacks == []
    assert run_queued_tasks() == 0
    assert smtp.messages == []
    assert not Share.objects.exists()
    assert _sent_entries() == []


def test_a_failed_send_keeps_the_write_and_is_recorded_without_personal_data(
    smtp_down, world, django_capture_on_commit_callbacks, caplog
):
    with caplog.at_level(logging.ERROR, logger="safeshare.exchange.notify"):
        with django_capture_on_commit_callbacks(execute=True):
            request = raise_request(world["author"], world["child"], world["other"])
        run_queued_tasks()
    assert InformationRequest.objects.filter(pk=request.pk).exists()
    sent = _sent_entries("request_received")
    failed = list(Entry.objects.filter(kind="notification.failed").order_by("seq"))
    assert len(sent) == 2 and len(failed) == 2
    assert {f.payload["sent_entry"] for f in failed} == {e.seq for e in sent}
    assert all(f.actor_ref == "system:notify" and "@" not in str(f.payload) for f in failed)
    assert failed[0].seq > sent[-1].seq
    log = caplog.text
    assert "was not delivered" in log
    for secret in ("@", GIVEN, FAMILY, NHS, world["other"].name):
        assert secret not in log


def test_a_refused_recipient_fails_alone(smtp, world, django_capture_on_commit_callbacks):
    with_email(world["lead"], "refuse-me@other.test")

    async def refuse(server, session, envelope, address, rcpt_options):
        if address.startswith("refuse-me"):
            return "550 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    smtp.handle_RCPT = refuse
    with django_capture_on_commit_callbacks(execute=True):
        send(world["author"], world["child"], world["other"])
    run_queued_tasks()
    assert _recipients(smtp) == ["p@other.test"]
    failed = Entry.objects.get(kind="notification.failed")
    assert failed.payload["recipient"] == f"user:{world['lead'].pk}"


def test_staff_without_an_address_and_the_actor_are_not_emailed(world):
    users = notify.agency_staff(world["other"])
    assert world["officer"] not in users  # lead information officers are not told
    assert world["no_address"] in users
    assert (
        notify.queue(
            actor=world["practitioner"],
            agency=world["other"],
            kind=notify.NotificationKind.SHARE_RECEIVED,
            users=[world["practitioner"], world["no_address"], world["lead"]],
            path=f"/exchange/shares/{uuid.uuid4()}/",
        )
        == 1
    )


def test_the_body_is_fixed_text_and_a_link(settings):
    settings.SAFESHARE_BASE_URL = "https://example.test/"
    body = notify.email_body(notify.NotificationKind.REQUEST_RECEIVED, "/exchange/requests/abc/")
    assert body.startswith("A new information request awaits you in safeshare.")
    assert "https://example.test/exchange/requests/abc/" in body
