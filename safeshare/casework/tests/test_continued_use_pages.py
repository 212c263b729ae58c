"""The recipient's side of a withdrawal (issue #5 item 4), through the pages: both sides see
the withdrawal and its date on the share; a practitioner or safeguarding lead of the
receiving agency records its decision on continued use; both sides then see it. The share
page also shows the limits of the consent the share relied on."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from safeshare.access.tests.helpers import person_for
from safeshare.agencies.models import AgencyType, Role
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.casework.withdrawal import consent_withdraw_and_tell
from safeshare.consent.models import ItemCategory
from safeshare.consent.tests.helpers import parent_of, record_consent
from safeshare.consent.tests.test_services import decide_with_consent, share_under
from safeshare.core import clock
from safeshare.demo.testing import sign_in_verified
from safeshare.exchange.models import ContinuedUse
from safeshare.exchange.tests.helpers import send
from safeshare.ledger.models import Entry

pytestmark = pytest.mark.django_db

WITHDRAWN_AT = clock.now() - datetime.timedelta(hours=2)


def share_relying_on_consent(author, recipient_agency, **scope):
    """A child of the author's agency, a mother's consent, a decision relying on it and a
    share under it to the recipient agency."""
    child = person_for(author)
    consent = record_consent(author, child, parent_of(author, child), **scope)
    decision = decide_with_consent(author, child, consent, [recipient_agency])
    return share_under(author, decision, recipient_agency), consent


def withdraw(author, consent, when=None):
    return consent_withdraw_and_tell(
        actor=author,
        consent=consent,
        withdrawn_at=when or clock.now() - datetime.timedelta(minutes=5),
        method="verbal",
    )


def withdrawn_share(author, recipient_agency):
    share, consent = share_relying_on_consent(author, recipient_agency)
    withdraw(author, consent)
    return share


def signed_in(user) -> Client:
    client = Client()
    sign_in_verified(client, user)
    return client


def page(client, share) -> str:
    response = client.get(f"/exchange/shares/{share.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_share_page_shows_the_limits_of_the_consent_it_relied_on(sender, receiver, trust):
    share, _ = share_relying_on_consent(
        sender,
        trust,
        categories=[ItemCategory.EDUCATION, ItemCategory.HEALTH],
        purposes=["receive_service"],
        recipient_agencies=[trust],
        recipient_agency_types=[AgencyType.HEALTH_PROVIDER],
        recipient_purposes=["provide_support"],
        expires_on=clock.today() + datetime.timedelta(days=90),
    )
    for client in (signed_in(sender), signed_in(receiver)):
        shown = page(client, share)
        assert "Consent this share relied on" in shown
        assert "Health; Education and attendance" in shown
        assert "Safeguarding history" not in shown
        assert "So the child or family can receive a service from another agency" in shown
        assert "Family Support Trust; Any health provider" in shown
        assert "To provide support or a service" in shown
        expires = clock.today() + datetime.timedelta(days=90)
        assert f"{expires:%-d %B %Y}" in shown
        assert "was withdrawn" not in shown
        assert "/continued-use/" not in shown


def test_a_share_not_relying_on_consent_shows_no_consent_section(sender, receiver, trust):
    share = send(sender, person_for(sender), trust)
    for client in (signed_in(sender), signed_in(receiver)):
        shown = page(client, share)
        assert "Consent this share relied on" not in shown and "was withdrawn" not in shown
    response = signed_in(receiver).get(f"/consent/share/{share.pk}/continued-use/")
    assert response.status_code == 302  # nothing to decide: back to the share
    writes = Entry.objects.count()
    response = signed_in(receiver).post(
        f"/consent/share/{share.pk}/continued-use/",
        {"decision": "stop_using", "reasons": "Not relying on consent"},
    )
    assert response.status_code == 422
    assert "has not been withdrawn" in response.content.decode()
    assert Entry.objects.count() == writes and not ContinuedUse.objects.exists()


def test_both_sides_see_the_withdrawal_and_then_the_recipients_decision(sender, receiver, trust):
    share, consent = share_relying_on_consent(sender, trust)
    withdraw(sender, consent, WITHDRAWN_AT)
    withdrawn_on = f"{timezone.localdate(WITHDRAWN_AT):%-d %B %Y}"
    sender_client, receiver_client = signed_in(sender), signed_in(receiver)

    shown = page(sender_client, share)
    assert f"The consent this share relied on was withdrawn on {withdrawn_on}" in shown
    assert "Family Support Trust has not recorded its decision yet" in shown
    assert "/continued-use/" not in shown  # the sender does not decide for the recipient
    shown = page(receiver_client, share)
    assert f"The consent this share relied on was withdrawn on {withdrawn_on}" in shown
    assert "Your agency has not recorded its decision on continued use yet" in shown
    assert f"/consent/share/{share.pk}/continued-use/" in shown

    path = f"/consent/share/{share.pk}/continued-use/"
    form = receiver_client.get(path)
    assert form.status_code == 200 and withdrawn_on in form.content.decode()
    reasons = "A child protection enquiry has since begun"
    response = receiver_client.post(path, {"decision": "continue_other_basis", "reasons": reasons})
    assert response.status_code == 302
    assert response["Location"] == f"/exchange/shares/{share.pk}/"
    use = ContinuedUse.objects.get()
    assert use.recipient.agency == trust and use.decided_by == receiver
    assert use.decision == "continue_other_basis"
    assert reasons.encode() not in bytes(use.reasons_enc)
    entry = Entry.objects.order_by("-seq").first()
    assert entry.kind == "consent.continued_use_decided"
    assert entry.payload["share"] == str(share.pk) and reasons not in str(entry.payload)

    for client in (sender_client, receiver_client):
        shown = page(client, share)
        assert "Continue to use it on another basis" in shown and reasons in shown
        assert "has not recorded its decision" not in shown
        assert f"/consent/share/{share.pk}/continued-use/" not in shown
    assert receiver_client.get(path).status_code == 302  # decided: nothing left to do


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"decision", "reasons"}),
        ({"decision": "stop_using"}, {"reasons"}),
        ({"decision": "keep_it", "reasons": "Because"}, {"decision"}),
        ({"decision": "stop_using", "reasons": "x" * 5001}, {"reasons"}),
        ({"reasons": "Because"}, {"decision"}),
    ],
)
def test_bad_continued_use_input_names_the_field_and_writes_nothing(
    sender, receiver, trust, body, errors
):
    share = withdrawn_share(sender, trust)
    writes = Entry.objects.count()
    response = signed_in(receiver).post(f"/consent/share/{share.pk}/continued-use/", body)
    assert response.status_code == 422
    shown = response.content.decode()
    assert "There is a problem" in shown
    for field in ("decision", "reasons"):
        assert (f'href="#id_{field}"' in shown) == (field in errors), field
    assert Entry.objects.count() == writes and not ContinuedUse.objects.exists()


def test_only_a_practitioner_or_lead_of_a_receiving_agency_may_decide(sender, trust):
    share = withdrawn_share(sender, trust)
    path = f"/consent/share/{share.pk}/continued-use/"
    body = {"decision": "stop_using", "reasons": "We will restrict it"}
    officer = staff(Role.LEAD_INFORMATION_OFFICER, agency=trust)
    lead = staff(Role.SAFEGUARDING_LEAD, agency=trust)
    outsider = staff(Role.PRACTITIONER, agency=AgencyFactory())
    assert signed_in(sender).post(path, body).status_code == 403
    assert signed_in(officer).post(path, body).status_code == 403
    assert signed_in(outsider).post(path, body).status_code == 404
    assert not ContinuedUse.objects.exists()
    shown = page(signed_in(officer), share)
    assert "was withdrawn" in shown and "/continued-use/" not in shown
    assert signed_in(lead).post(path, body).status_code == 302
    assert ContinuedUse.objects.get().decided_by == lead


def test_after_its_window_the_recipient_cannot_open_the_share_or_decide(sender, receiver, trust):
    share = withdrawn_share(sender, trust)
    later = clock.now() + datetime.timedelta(days=31)
    with time_machine.travel(later, tick=False):
        client = signed_in(receiver)
        assert client.get(f"/exchange/shares/{share.pk}/").status_code == 404
        assert client.get(f"/consent/share/{share.pk}/continued-use/").status_code == 404
