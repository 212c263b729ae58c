"""Regression tests for problems found in review: each once gave a 500 or let data through."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from safeshare.access.tests.helpers import person_for
from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import staff
from safeshare.api.tests.helpers import assert_problem, token_client
from safeshare.core import clock
from safeshare.decisions.models import Decision
from safeshare.decisions.services import DecisionDraft, decision_record
from safeshare.decisions.tests.helpers import record_share, share_fields
from safeshare.exchange import receipts, services
from safeshare.exchange.models import InformationRequest, Share, ShareView
from safeshare.exchange.tests.helpers import decision_for, item, pair, raise_request, send
from safeshare.ledger.models import Entry

pytestmark = pytest.mark.django_db

NAIVE = datetime.datetime(2020, 1, 1, 10, 0)


def counts():
    return (Decision.objects.count(), Share.objects.count(), Entry.objects.count())


def codes(error: ValidationError, field: str) -> set[str]:
    return {e.code for e in error.error_dict[field]}


def test_decision_time_without_a_time_zone_is_a_field_error():
    author = staff(Role.PRACTITIONER)
    child = person_for(author)
    # The same fields are valid with an aware time.
    fields = share_fields(record_share(author, child).recipient_agencies.first())
    before = counts()
    with pytest.raises(ValidationError) as caught:
        decision_record(
            actor=author, subject=child, draft=DecisionDraft(**fields, decided_at=NAIVE)
        )
    assert "timezone_required" in codes(caught.value, "decided_at")
    assert counts() == before


def test_share_window_without_a_time_zone_is_a_field_error():
    home, other, author, _ = pair()
    child = person_for(author)
    decision = decision_for(author, child)
    before = counts()
    with pytest.raises(ValidationError) as caught:
        services.share_send(
            actor=author,
            decision=decision,
            kind="disclosure",
            items=[item(1)],
            recipients=[services.RecipientDraft(agency=other)],
            access_until=NAIVE.replace(year=2099),
        )
    assert "timezone_required" in codes(caught.value, "access_until")
    assert counts() == before


@pytest.mark.parametrize("days_ahead", [91, 400, 2_900_000])
def test_request_due_date_far_ahead_is_refused(days_ahead):
    home, other, author, _ = pair()
    child = person_for(author)
    due = (
        datetime.date.max
        if days_ahead > 1_000_000
        else clock.today() + datetime.timedelta(days=days_ahead)
    )
    before = (InformationRequest.objects.count(), Entry.objects.count())
    with pytest.raises(ValidationError) as caught:
        raise_request(author, child, other, due_on=due)
    assert "due_too_far" in codes(caught.value, "due_on")
    assert (InformationRequest.objects.count(), Entry.objects.count()) == before


def test_acknowledging_through_the_api_logs_a_view():
    home, other, author, reader = pair()
    share = send(author, person_for(author), other)
    response = token_client(reader).post(f"/api/v1/shares/{share.pk}/acknowledge")
    assert response.status_code == 200, response.content
    assert ShareView.objects.filter(share=share, viewed_by=reader).count() == 1
    assert Entry.objects.filter(kind="share.viewed").count() == 1


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.ADMINISTRATOR])
def test_a_share_cannot_be_named_to_someone_who_could_never_read_it(role):
    home, other, author, _ = pair()
    outsider = staff(role, agency=other)
    child = person_for(author)
    before = counts()
    with pytest.raises(ValidationError) as caught:
        send(author, child, other, named_user=outsider)
    assert "named_user_role" in codes(caught.value, "recipients.0.named_user_id")
    assert counts()[1:] == before[1:]


def test_naive_time_through_the_api_is_a_problem_not_a_500():
    home, other, author, _ = pair()
    decision = decision_for(author, person_for(author))
    response = token_client(author).post(
        "/api/v1/shares",
        {
            "decision_id": str(decision.pk),
            "kind": "disclosure",
            "items": [
                {
                    "category": "education",
                    "content": "Attendance fell",
                    "nature": "fact",
                    "source": "Register",
                    "dated_on": clock.today().isoformat(),
                    "checked_accurate": True,
                }
            ],
            "recipients": [{"agency_id": str(other.pk)}],
            "access_until": "2099-01-01T10:00:00",
        },
        content_type="application/json",
    )
    assert_problem(response, 422, "access_until")


def test_receipt_check_catches_an_altered_entry_without_walking_the_chain(
    django_assert_max_num_queries,
):
    from safeshare.ledger.testing import append_only_suspended

    home, other, author, _ = pair()
    share = send(author, person_for(author), other)
    receipt = receipts.share_receipt(share)
    with django_assert_max_num_queries(3):
        assert receipts.receipt_verify(seq=receipt.seq, hash=receipt.hash, share_id=share.pk).ok
    with append_only_suspended():
        Entry.objects.filter(seq=receipt.seq).update(canonical=b"{}")
    check = receipts.receipt_verify(seq=receipt.seq, hash=receipt.hash, share_id=share.pk)
    assert not check.ok and "re-hash" in check.reason


def test_writing_about_an_erased_child_is_a_field_error_not_a_500():
    from safeshare.decisions.services import advice_give, advice_request
    from safeshare.people.services.people import person_shred

    home, other, author, reader = pair()
    dpo = staff(Role.DATA_PROTECTION_OFFICER, agency=home)
    lead = staff(Role.SAFEGUARDING_LEAD, agency=home)
    child = person_for(author)
    share = send(author, child, other)
    asked = advice_request(
        actor=author, subject=child, adviser=lead, question="Should we share the report?"
    )
    person_shred(actor=dpo, person=child, reason="erasure_request")
    child.refresh_from_db()
    share.refresh_from_db()
    asked.refresh_from_db()
    before = Entry.objects.count()
    with pytest.raises(ValidationError) as caught:
        advice_give(actor=lead, advice_request=asked, advice="Yes", advised_outcome="share")
    assert "subject_erased" in codes(caught.value, "subject")
    with pytest.raises(ValidationError) as caught:
        services.onward_request(
            actor=reader, share=share, proposed_recipient=home, purpose="To tell the nurse"
        )
    assert "subject_erased" in codes(caught.value, "share")
    assert Entry.objects.count() == before
