"""Exchange API flows: bad input names the field and changes nothing; a recipient sees
only the selected items and every read is logged; expired shares answer 404; lists
keep a constant number of queries."""

import datetime
import uuid

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safeshare.access.tests.helpers import person_for
from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.api.tests.helpers import assert_problem, two_factor_client
from safeshare.core import clock
from safeshare.exchange import services
from safeshare.exchange.models import (
    InformationRequest,
    OnwardDisclosureRequest,
    Referral,
    RequestResponse,
    RequestWithdrawal,
    Share,
    ShareAcknowledgement,
    ShareRevocation,
    ShareView,
)
from safeshare.exchange.tests.helpers import (
    decision_for,
    item,
    raise_request,
    referral_fields,
    send,
)
from safeshare.ledger.models import Entry

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture
def world():
    home, other, third = AgencyFactory(), AgencyFactory(), AgencyFactory()
    AgencyFactory(is_front_door=True)
    sender = staff(Role.PRACTITIONER, agency=home)
    recipient = staff(Role.PRACTITIONER, agency=other)
    child = person_for(sender)
    return {
        "home": home,
        "other": other,
        "third": third,
        "sender": sender,
        "recipient": recipient,
        "child": child,
        "request": raise_request(sender, child, other),
        "incoming": raise_request(recipient, person_for(recipient), home),
        "share": send(sender, child, other),
        "received": send(recipient, person_for(recipient), home),
        "decision": decision_for(sender, child),
    }


def snapshot():
    return tuple(
        model.objects.count()
        for model in (
            InformationRequest,
            RequestResponse,
            RequestWithdrawal,
            Share,
            ShareAcknowledgement,
            ShareRevocation,
            ShareView,
            OnwardDisclosureRequest,
            Referral,
            Entry,
        )
    )


def _item(**overrides):
    return {
        "category": "education",
        "content": "Attendance 60%",
        "nature": "fact",
        "source": "Register",
        "dated_on": clock.today().isoformat(),
        "checked_accurate": True,
        **overrides,
    }


def _share_body(w, **overrides):
    return {
        "decision_id": str(w["decision"].id),
        "kind": "disclosure",
        "access_until": (clock.now() + datetime.timedelta(days=3)).isoformat(),
        "items": [_item()],
        "recipients": [{"agency_id": str(w["third"].id)}],
        **overrides,
    }


def _request_body(w, **overrides):
    return {
        "subject_id": str(w["child"].id),
        "to_agency_id": str(w["third"].id),
        "purpose": "Why",
        "information_needed": "What",
        "legal_basis": "public_task",
        "urgency": "routine",
        **overrides,
    }


def _referral_body(w, **overrides):
    return {
        "subject_id": str(w["child"].id),
        "harm_basis": "likely",
        "reason": "Seen",
        "items": [_item()],
        **referral_fields(),
        **overrides,
    }


# (operation, user key, path, body, field)
BAD = [
    (
        "exchange_request_raise",
        "sender",
        lambda w: "/api/v1/requests",
        lambda w: _request_body(w, urgency="soon"),
        "urgency",
    ),
    (
        "exchange_request_raise",
        "sender",
        lambda w: "/api/v1/requests",
        lambda w: _request_body(w, due_on="2020-01-01"),
        "due_on",
    ),
    (
        "exchange_request_raise",
        "sender",
        lambda w: "/api/v1/requests",
        lambda w: _request_body(w, purpose=""),
        "purpose",
    ),
    (
        "exchange_request_raise",
        "sender",
        lambda w: "/api/v1/requests",
        lambda w: _request_body(w, legal_basis="invented_law"),
        "legal_basis",
    ),
    (
        "exchange_request_raise",
        "sender",
        lambda w: "/api/v1/requests",
        lambda w: _request_body(w, to_agency_id=str(uuid.uuid4())),
        "to_agency_id",
    ),
    (
        "exchange_request_answer",
        "recipient",
        lambda w: f"/api/v1/requests/{w['request'].id}/answer",
        lambda w: {"decision_id": str(w["decision"].id)},
        "decision_id",
    ),
    (
        "exchange_request_answer",
        "recipient",
        lambda w: f"/api/v1/requests/{w['request'].id}/answer",
        lambda w: {"decision_id": "nope"},
        "decision_id",
    ),
    (
        "exchange_request_withdraw",
        "sender",
        lambda w: f"/api/v1/requests/{w['request'].id}/withdraw",
        lambda w: {"reason": "bored"},
        "reason",
    ),
    (
        "exchange_share_send",
        "sender",
        lambda w: "/api/v1/shares",
        lambda w: _share_body(w, items=[_item(checked_accurate=False)]),
        "items.0.checked_accurate",
    ),
    (
        "exchange_share_send",
        "sender",
        lambda w: "/api/v1/shares",
        lambda w: _share_body(w, items=[_item(nature="gossip")]),
        "items.0.nature",
    ),
    (
        "exchange_share_send",
        "sender",
        lambda w: "/api/v1/shares",
        lambda w: _share_body(w, items=[]),
        "items",
    ),
    (
        "exchange_share_send",
        "sender",
        lambda w: "/api/v1/shares",
        lambda w: _share_body(w, access_until="2020-01-01T00:00:00Z"),
        "access_until",
    ),
    (
        "exchange_share_send",
        "sender",
        lambda w: "/api/v1/shares",
        lambda w: _share_body(w, recipients=[{"agency_id": str(w["home"].id)}]),
        "recipients.0.agency_id",
    ),
    (
        "exchange_share_send",
        "sender",
        lambda w: "/api/v1/shares",
        lambda w: _share_body(
            w,
            items=[
                _item(
                    protected_role="informant",
                    protected_identity="X",
                    disclose_protected_identity=True,
                )
            ],
        ),
        "items.0.disclosure_reason",
    ),
    (
        "exchange_share_send",
        "sender",
        lambda w: "/api/v1/shares",
        lambda w: _share_body(w, kind="gift"),
        "kind",
    ),
    (
        "exchange_share_revoke",
        "sender",
        lambda w: f"/api/v1/shares/{w['share'].id}/revoke",
        lambda w: {"reason": "whim"},
        "reason",
    ),
    (
        "exchange_share_acknowledge",
        "recipient",
        lambda w: f"/api/v1/shares/{w['share'].id}/acknowledge",
        lambda w: {},
        "share",
    ),
    (
        "exchange_onward_request",
        "recipient",
        lambda w: f"/api/v1/shares/{w['share'].id}/onward",
        lambda w: {"proposed_recipient_id": str(w["home"].id), "purpose": "x"},
        "proposed_recipient_id",
    ),
    (
        "exchange_onward_request",
        "recipient",
        lambda w: f"/api/v1/shares/{w['share'].id}/onward",
        lambda w: {"proposed_recipient_id": str(w["third"].id), "purpose": ""},
        "purpose",
    ),
    (
        "exchange_referral_make",
        "sender",
        lambda w: "/api/v1/referrals",
        lambda w: _referral_body(w, harm_basis="worried"),
        "harm_basis",
    ),
    (
        "exchange_referral_make",
        "sender",
        lambda w: "/api/v1/referrals",
        lambda w: _referral_body(w, reason=""),
        "reason",
    ),
    (
        "exchange_referral_make",
        "sender",
        lambda w: "/api/v1/referrals",
        lambda w: _referral_body(w, consent_not_sought_reason="busy"),
        "consent_not_sought_reason",
    ),
]


@pytest.mark.parametrize(
    "operation,who,path,body,field", BAD, ids=[f"{b[0]}-{b[4]}-{i}" for i, b in enumerate(BAD)]
)
def test_bad_input_names_the_field_and_changes_nothing(operation, who, path, body, field, world):
    client = two_factor_client(world[who])
    if operation == "exchange_share_acknowledge":
        # Receipt is acknowledged once.
        services.share_acknowledge(actor=world["recipient"], share=world["share"])
    before = snapshot()
    response = client.post(path(world), body(world), content_type=JSON)
    assert_problem(response, 422, field)
    assert snapshot() == before


def test_bad_onward_answer_names_the_decision(world):
    onward = services.onward_request(
        actor=world["recipient"],
        share=world["share"],
        proposed_recipient=world["third"],
        purpose="Refer",
    )
    other_decision = decision_for(world["recipient"], world["child"])
    before = snapshot()
    response = two_factor_client(world["sender"]).post(
        f"/api/v1/shares/onward/{onward.id}/answer",
        {"decision_id": str(other_decision.id)},
        content_type=JSON,
    )
    assert_problem(response, 422, "decision_id")
    assert snapshot() == before


def test_recipient_sees_only_the_selected_items_and_each_read_is_logged(world):
    w = world
    share = send(
        w["sender"],
        w["child"],
        w["other"],
        items=[
            item(1, content="Selected one"),
            item(
                2,
                content="Selected two",
                protected_role="informant",
                protected_identity="Neighbour at no 12",
            ),
        ],
    )
    send(w["sender"], w["child"], w["third"], items=[item(3, content="For another agency")])
    client = two_factor_client(w["recipient"])
    response = client.get(f"/api/v1/shares/{share.id}")
    assert response.status_code == 200
    body = response.json()
    assert body["reader"] == "recipient"
    assert [i["content"] for i in body["items"]] == ["Selected one", "Selected two"]
    assert body["items"][1]["protected_identity"] is None
    assert body["items"][1]["protected_identity_withheld"] is True
    assert body["recipients"] == []
    text = response.content.decode()
    assert "For another agency" not in text and "Neighbour" not in text
    assert "Item content" not in text  # the first share to this recipient is another record
    entry = Entry.objects.order_by("-seq").first()
    assert entry.kind == "share.viewed" and entry.payload["share"] == str(share.id)
    assert ShareView.objects.filter(share=share, viewed_by=w["recipient"]).count() == 1
    client.get(f"/api/v1/shares/{share.id}")
    assert ShareView.objects.filter(share=share, channel="api").count() == 2
    export = client.get(f"/api/v1/shares/{share.id}/export")
    assert export["Content-Disposition"].startswith("attachment")
    exported = export.content.decode()
    assert "Selected one" in exported and "Selected two" in exported
    assert "For another agency" not in exported and "Neighbour" not in exported
    assert ShareView.objects.filter(share=share, channel="export").count() == 1
    for path in ("/api/v1/shares/received", "/api/v1/requests/inbox"):
        listed = client.get(path).content.decode()
        assert "Selected one" not in listed and "For another agency" not in listed
    found = client.post(
        "/api/v1/people/search", {"nhs_number": "9434765919"}, content_type=JSON
    ).content.decode()
    assert "Selected" not in found
    sender_view = two_factor_client(w["sender"]).get(f"/api/v1/shares/{share.id}").json()
    assert sender_view["items"][1]["protected_identity"] == "Neighbour at no 12"
    assert ShareView.objects.filter(share=share).count() == 3  # the sender's read is no view


def test_expired_share_answers_like_a_missing_one_to_the_recipient(world):
    share = send(world["sender"], world["child"], world["other"], days=1)
    with time_machine.travel(clock.now() + datetime.timedelta(days=2)):
        client = two_factor_client(world["recipient"])
        expired = client.get(f"/api/v1/shares/{share.id}")
        missing = client.get(f"/api/v1/shares/{uuid.uuid4()}")
        assert expired.status_code == missing.status_code == 404
        assert expired.content == missing.content
        assert client.get(f"/api/v1/shares/{share.id}/receipt").status_code == 404
        sender = two_factor_client(world["sender"]).get(f"/api/v1/shares/{share.id}")
        assert sender.status_code == 200


def test_receipt_is_checked_against_the_ledger(world):
    client = two_factor_client(world["recipient"])
    body = client.get(f"/api/v1/shares/{world['share'].id}/receipt").json()
    assert body["verified"] is True
    assert body["seq"] == world["share"].sent_entry_seq
    assert body["hash"] == Entry.objects.get(seq=body["seq"]).hash


def test_answer_flow_shows_status_to_both_sides(world):
    w = world
    answer = decision_for(w["recipient"], w["child"])
    response = two_factor_client(w["recipient"]).post(
        f"/api/v1/requests/{w['request'].id}/answer",
        {"decision_id": str(answer.id)},
        content_type=JSON,
    )
    assert response.status_code == 200 and response.json()["status"] == "answered_shared"
    assert Entry.objects.order_by("-seq").first().kind == "request.answered"
    outbox = two_factor_client(w["sender"]).get("/api/v1/requests/outbox").json()
    assert [r["status"] for r in outbox["items"]] == ["answered_shared"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/requests/inbox",
        "/api/v1/requests/outbox",
        "/api/v1/requests/overdue",
        "/api/v1/shares/sent",
        "/api/v1/shares/received",
    ],
)
def test_lists_use_a_constant_number_of_queries(path, world):
    w = world

    def add():
        child = person_for(w["sender"])
        raise_request(w["sender"], child, w["other"], urgency="same_day")
        raise_request(w["recipient"], person_for(w["recipient"]), w["home"], urgency="same_day")
        send(w["sender"], child, w["other"])
        send(w["recipient"], person_for(w["recipient"]), w["home"])

    def queries_and_rows() -> tuple[int, list]:
        # Three days on, the same-day requests are overdue and the shares still open.
        with time_machine.travel(clock.now() + datetime.timedelta(days=3)):
            client = two_factor_client(w["sender"])
            client.get(path)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
        assert response.status_code == 200
        return len(captured.captured_queries), response.json()["items"]

    add()  # a row in every list: an empty page needs no fetch after its count
    few, _ = queries_and_rows()
    for _ in range(4):
        add()
    many, rows = queries_and_rows()
    assert many <= few <= 12
    assert len(rows) >= 5
