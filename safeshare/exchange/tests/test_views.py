"""Exchange pages: build a share item by item, read it as the recipient (logged, only the
selected items), raise and answer requests, refer to the front door."""

import datetime
import html

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from safeshare.access.tests.helpers import person_for
from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.core import clock
from safeshare.decisions.flow import SESSION_KEY
from safeshare.decisions.models import Decision
from safeshare.decisions.tests.helpers import SHARE_WITHOUT_CONSENT
from safeshare.demo.testing import sign_in_verified
from safeshare.exchange import services
from safeshare.exchange.models import (
    InformationRequest,
    Referral,
    RequestResponse,
    Share,
    ShareItem,
    ShareView,
)
from safeshare.exchange.tests.helpers import decision_for, last_entry, raise_request, send
from safeshare.ledger.models import Entry
from safeshare.people.identity import read_identity

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    sign_in_verified(client, user)
    return client


@pytest.fixture
def w():
    home, other = AgencyFactory(), AgencyFactory()
    sender = staff(Role.PRACTITIONER, agency=home)
    recipient = staff(Role.PRACTITIONER, agency=other)
    return {
        "home": home,
        "other": other,
        "sender": sender,
        "recipient": recipient,
        "child": person_for(sender),
    }


def _item_post(content, **extra):
    today = clock.today()
    return {
        "category": "health",
        "content": content,
        "nature": "opinion",
        "source": "GP letter",
        "dated_on-day": today.day,
        "dated_on-month": today.month,
        "dated_on-year": today.year,
        "checked_accurate": "on",
        **extra,
    }


def test_build_a_share_item_by_item_and_the_recipient_sees_only_what_was_kept(w):
    decision = decision_for(w["sender"], w["child"])
    client = client_for(w["sender"])
    base = f"/exchange/shares/new/{decision.pk}/"
    assert client.get(base).status_code == 200
    refused = client.post(base + "item/", _item_post("Unchecked", checked_accurate=""))
    assert refused.status_code == 422 and "Confirm you checked" in refused.content.decode()
    for content in ("Kept item", "Removed item", "Protected item"):
        extra = {}
        if content == "Protected item":
            extra = {"protected_role": "informant", "protected_identity": "Mr Neighbour"}
        assert client.post(base + "item/", _item_post(content, **extra)).status_code == 302
    page = client.get(base).content.decode()
    assert "Removed item" in page and "Mr Neighbour" not in page
    assert client.post(base + "item/2/remove/").status_code == 302
    assert Share.objects.count() == 0  # nothing stored until sent
    response = client.post(
        base,
        {
            "kind": "disclosure",
            "recipient": str(w["other"].pk),
            "access_days": "14",
            "identity_fields": ["name", "date_of_birth"],
        },
    )
    assert response.status_code == 302
    share = Share.objects.get(decision=decision)
    assert ShareItem.objects.filter(share=share).count() == 2
    assert last_entry().kind == "share.sent"

    reader = client_for(w["recipient"])
    page = reader.get(f"/exchange/shares/{share.pk}/").content.decode()
    assert "Kept item" in page and "Protected item" in page
    assert "Removed item" not in page and "Mr Neighbour" not in page
    assert "identity withheld" in page
    assert read_identity(w["child"]).family_name in page
    assert ShareView.objects.filter(share=share, channel="page").count() == 1
    assert last_entry().kind == "share.viewed"
    assert "Mr Neighbour" in client.get(f"/exchange/shares/{share.pk}/").content.decode()
    assert ShareView.objects.count() == 1  # the sender's reading is not a recipient view

    assert reader.post(f"/exchange/shares/{share.pk}/acknowledge/").status_code == 302
    assert last_entry().kind == "share.acknowledged"
    assert "acknowledged receipt" in reader.get(f"/exchange/shares/{share.pk}/").content.decode()


def test_send_without_items_shows_the_error_and_sends_nothing(w):
    decision = decision_for(w["sender"], w["child"])
    before = last_entry().seq
    response = client_for(w["sender"]).post(
        f"/exchange/shares/new/{decision.pk}/",
        {"kind": "disclosure", "recipient": str(w["other"].pk), "access_days": "14"},
    )
    assert response.status_code == 422
    assert "Select at least one item" in response.content.decode()
    assert last_entry().seq == before and not Share.objects.exists()


def test_expired_share_page_is_not_found_for_the_recipient(w):
    share = send(w["sender"], w["child"], w["other"], days=1)
    with time_machine.travel(clock.now() + datetime.timedelta(days=2)):
        reader = client_for(w["recipient"])
        assert reader.get(f"/exchange/shares/{share.pk}/").status_code == 404
        assert client_for(w["sender"]).get(f"/exchange/shares/{share.pk}/").status_code == 200


def test_raise_answer_and_see_status_through_pages(w):
    client = client_for(w["sender"])
    url = f"/exchange/requests/new/{w['child'].pk}/"
    good = {
        "to_agency": str(w["other"].pk),
        "purpose": "Strategy meeting",
        "information_needed": "Health visits",
        "legal_basis": "children_act_1989_s47",
        "urgency": "urgent",
    }
    before = last_entry().seq
    bad = client.post(url, {**good, "due_on-day": "1", "due_on-month": "1", "due_on-year": "2020"})
    assert bad.status_code == 200 and "The due date must be today or later" in bad.content.decode()
    assert last_entry().seq == before and not InformationRequest.objects.exists()
    response = client.post(url, good)
    assert response.status_code == 302
    request = InformationRequest.objects.get()
    answerer = client_for(w["recipient"])
    page = answerer.get(f"/exchange/requests/{request.pk}/").content.decode()
    assert "Strategy meeting" in page and read_identity(w["child"]).family_name in page
    decision = decision_for(w["recipient"], w["child"])
    assert (
        answerer.post(
            f"/exchange/requests/{request.pk}/answer/", {"decision": str(decision.pk)}
        ).status_code
        == 302
    )
    assert last_entry().kind == "request.answered"
    assert "Answered: will share" in client.get("/exchange/requests/").content.decode()


def test_requests_page_lists_overdue_with_constant_queries(w):
    client = client_for(w["sender"])
    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC)):
        raise_request(w["sender"], w["child"], w["other"], urgency="same_day")
    with time_machine.travel(datetime.datetime(2026, 11, 4, 9, tzinfo=datetime.UTC)):
        # One row in each list from the start: an empty page is one query fewer (its count
        # says there is nothing to fetch); the budget is about growth, not about none.
        raise_request(w["recipient"], person_for(w["recipient"]), w["home"])
        client = client_for(w["sender"])
        client.get("/exchange/requests/")
        with CaptureQueriesContext(connection) as few:
            page = client.get("/exchange/requests/").content.decode()
        assert "Overdue" in page
        for _ in range(5):
            raise_request(w["sender"], person_for(w["sender"]), w["other"])
            raise_request(w["recipient"], person_for(w["recipient"]), w["home"])
        with CaptureQueriesContext(connection) as many:
            client.get("/exchange/requests/")
        assert len(many.captured_queries) == len(few.captured_queries)


def test_referral_page_records_the_referral(w):
    door = AgencyFactory(is_front_door=True)
    client = client_for(w["sender"])
    url = f"/exchange/referrals/new/{w['child'].pk}/"
    assert client.get(url).status_code == 200
    body = {
        "harm_basis": "suffering",
        "reason": "Injuries",
        "consent_state": "not_sought",
        "consent_not_sought_reason": "increased_risk_of_significant_harm",
        "lawful_basis": "public_task",
        **_item_post("Bruises seen"),
    }
    assert client.post(url, {**body, "reason": ""}).status_code == 422
    assert not Referral.objects.exists()
    response = client.post(url, body)
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.front_door == door
    assert last_entry().kind == "referral.made"


def test_answered_request_links_the_share_and_unsent_decisions_are_listed(w):
    asked = raise_request(w["sender"], w["child"], w["other"])
    decision = decision_for(w["recipient"], w["child"])
    services.request_answer(actor=w["recipient"], request=asked, decision=decision)
    answerer = client_for(w["recipient"])
    assert (
        f"/exchange/shares/new/{decision.pk}/" in answerer.get("/exchange/shares/").content.decode()
    )
    page = answerer.get(f"/exchange/requests/{asked.pk}/").content.decode()
    assert "Build the share" in page
    share = send(w["recipient"], w["child"], w["home"], decision=decision)
    asker_page = client_for(w["sender"]).get(f"/exchange/requests/{asked.pk}/").content.decode()
    assert f"/exchange/shares/{share.pk}/" in asker_page
    assert (
        f"/exchange/shares/new/{decision.pk}/"
        not in answerer.get("/exchange/shares/").content.decode()
    )


def test_item_disclosing_a_protected_identity_needs_a_reason_on_the_page(w):
    decision = decision_for(w["sender"], w["child"])
    response = client_for(w["sender"]).post(
        f"/exchange/shares/new/{decision.pk}/item/",
        _item_post(
            "Seen by a neighbour",
            protected_role="neighbour",
            protected_identity="Number 14",
            disclose_protected_identity="on",
        ),
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Share only what is needed" in page and 'action="/exchange/shares/new/' in page
    assert "Enter why the recipient needs the protected person" in page
    assert 'href="#id_disclosure_reason"' in page


def test_onward_disclosure_through_pages(w):
    third = AgencyFactory()
    share = send(w["sender"], w["child"], w["other"])
    asker = client_for(w["recipient"])
    assert "Ask " in asker.get(f"/exchange/shares/{share.pk}/").content.decode()
    url = f"/exchange/shares/{share.pk}/onward/"
    before = last_entry().seq
    assert asker.post(url, {"proposed_recipient": str(third.pk), "purpose": ""}).status_code == 422
    assert last_entry().seq == before
    response = asker.post(url, {"proposed_recipient": str(third.pk), "purpose": "Refer on"})
    assert response.status_code == 302
    assert last_entry().kind == "onward.requested"
    detail = response["Location"]
    assert "Refer on" in asker.get(detail).content.decode()
    source = client_for(w["sender"])
    decision = decision_for(w["sender"], w["child"])
    assert source.post(detail, {"decision": str(decision.pk)}).status_code == 302
    assert last_entry().kind == "onward.answered"
    assert "Share" in asker.get(detail).content.decode()
    assert asker.post(detail, {"decision": str(decision.pk)}).status_code == 403


SHARE_RECORD = {
    "outcome": "share",
    "purpose": "To help the school decide on a referral",
    "rationale": "The school needs our history",
    "information_considered": "Our records this year",
    "lawful_basis": "public_task",
    "special_category_condition": "safeguarding_children_and_individuals_at_risk",
    "statutory_gateways": ["children_act_1989_s47"],
    "consent_state": "not_sought",
    "consent_not_sought_reason": "increased_risk_of_significant_harm",
    "safeguarding_reason": "reasonable_cause_significant_harm",
}


def _take_on_and_answer(w):
    """The asked agency takes the request on and answers every question of the aid."""
    asked = raise_request(w["sender"], w["child"], w["other"])
    client = client_for(w["recipient"])
    response = client.post(f"/exchange/requests/{asked.pk}/accept/")
    assert response.status_code == 302 and response["Location"] == "/decisions/aid/answers/"
    flow = client.session[SESSION_KEY]
    assert flow["subject"] == str(w["child"].pk)
    assert flow["answering"] == ["request", str(asked.pk)]
    response = client.post("/decisions/aid/answers/", SHARE_WITHOUT_CONSENT)
    assert response["Location"] == "/decisions/aid/record/"
    return asked, client


def test_a_decision_to_share_from_a_request_answers_it_and_opens_the_share_builder(w):
    asked, client = _take_on_and_answer(w)
    record = client.get("/decisions/aid/record/").content.decode()
    assert "will answer the information request you took on" in record
    response = client.post(
        "/decisions/aid/record/", {**SHARE_RECORD, "recipient_agencies": [str(w["home"].pk)]}
    )
    decision = Decision.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/exchange/shares/new/{decision.pk}/"
    assert RequestResponse.objects.get(request=asked).decision == decision
    kinds = list(Entry.objects.order_by("seq").values_list("kind", flat=True))
    assert kinds[-2:] == ["decision.recorded", "request.answered"]
    builder = client.get(response["Location"]).content.decode()
    assert f"Decision recorded. It answers the request from {w['home'].name}." in html.unescape(
        builder
    )
    assert "govuk-notification-banner--success" in builder
    assert SESSION_KEY not in client.session


def test_a_decision_not_to_share_from_a_request_answers_it_and_shows_the_decision(w):
    asked, client = _take_on_and_answer(w)
    response = client.post(
        "/decisions/aid/record/",
        {
            "outcome": "not_share",
            "purpose": "To help the school decide on a referral",
            "rationale": "Nothing we hold bears on the concern",
            "information_considered": "Our records this year",
            "consent_state": "not_sought",
            "consent_not_sought_reason": "increased_risk_of_significant_harm",
        },
    )
    decision = Decision.objects.get()
    assert response["Location"] == f"/decisions/{decision.pk}/"
    assert RequestResponse.objects.get(request=asked).decision == decision
    page = html.unescape(client.get(response["Location"]).content.decode())
    assert f"It answers the request from {w['home'].name}." in page


def test_a_request_withdrawn_meanwhile_records_no_decision(w):
    asked, client = _take_on_and_answer(w)
    services.request_withdraw(actor=w["sender"], request=asked, reason="no_longer_needed")
    before = last_entry().seq
    response = client.post(
        "/decisions/aid/record/", {**SHARE_RECORD, "recipient_agencies": [str(w["home"].pk)]}
    )
    assert response.status_code == 422
    assert "This request has been withdrawn." in response.content.decode()
    assert not Decision.objects.exists() and not RequestResponse.objects.exists()
    assert last_entry().seq == before


def test_a_closed_request_is_not_taken_on_and_starts_no_decision(w):
    asked = raise_request(w["sender"], w["child"], w["other"])
    services.request_withdraw(actor=w["sender"], request=asked, reason="no_longer_needed")
    client = client_for(w["recipient"])
    response = client.post(f"/exchange/requests/{asked.pk}/accept/")
    assert response["Location"] == f"/exchange/requests/{asked.pk}/"
    assert SESSION_KEY not in client.session
