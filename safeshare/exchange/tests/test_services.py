"""Services for requests, shares and onward disclosure: each write and its ledger entry."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from safeshare.access.actions import Action
from safeshare.access.fetch.exchange import get_share_for
from safeshare.access.policy import can
from safeshare.access.tests.helpers import person_for
from safeshare.agencies.models import AgencyType, Role
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.core import clock
from safeshare.core.errors import NotFound
from safeshare.decisions.models import DecisionOutcome
from safeshare.exchange import receipts, selectors, services
from safeshare.exchange.dates import add_working_days
from safeshare.exchange.models import (
    InformationRequest,
    ProtectedRole,
    RequestResponse,
    Share,
    ShareItem,
    ShareKind,
    ShareView,
    Urgency,
    ViewChannel,
)
from safeshare.exchange.tests.helpers import (
    decision_for,
    item,
    last_entry,
    pair,
    raise_request,
    referral_fields,
    send,
)
from safeshare.ledger.models import Entry

pytestmark = pytest.mark.django_db


def _errors(excinfo) -> dict:
    return {field: [e.code for e in errors] for field, errors in excinfo.value.error_dict.items()}


# --- working days ------------------------------------------------------------------------


def test_working_days_skip_weekends_and_holidays():
    friday = datetime.date(2026, 11, 27)
    assert add_working_days(friday, 1) == datetime.date(2026, 11, 30)
    assert add_working_days(friday, 5) == datetime.date(2026, 12, 4)
    assert add_working_days(friday, 0) == friday
    holiday = {datetime.date(2026, 11, 30)}
    assert add_working_days(friday, 1, holidays=holiday) == datetime.date(2026, 12, 1)


# --- requests ----------------------------------------------------------------------------


def test_raising_a_request_shares_the_childs_identity_with_the_requested_agency():
    home, other, asker, answerer = pair()
    child = person_for(asker)
    assert not can(answerer, Action.PERSON_VIEW, child)
    request = raise_request(asker, child, other, urgency=Urgency.URGENT)
    assert request.due_on == add_working_days(clock.today(), 2)
    assert can(answerer, Action.PERSON_VIEW, child)
    assert selectors.request_text(request) == {
        "purpose": "Child protection enquiry",
        "information_needed": "Attendance this term",
    }
    entry = last_entry()
    assert entry.kind == "request.raised"
    assert entry.payload["request"] == str(request.pk)
    assert entry.subject_ref == str(child.pk)
    assert "Attendance" not in bytes(entry.canonical).decode()
    assert request.identity_share.sent_entry_seq == entry.seq
    assert selectors.request_status(request) == selectors.RequestStatus.OPEN


@pytest.mark.parametrize(
    "overrides,field,code",
    [
        ({"due_on": datetime.date(2020, 1, 1)}, "due_on", "due_in_past"),
        ({"purpose": "  "}, "purpose", "required"),
        ({"information_needed": ""}, "information_needed", "required"),
        ({"legal_basis": "Not A Code!"}, "legal_basis", "legal_basis_format"),
        ({"legal_basis": "made_up_basis"}, "legal_basis", "legal_basis_unknown"),
        ({"urgency": "whenever"}, "urgency", "choice_unknown"),
        (
            {"urgency": Urgency.SAME_DAY, "due_on": datetime.date(2099, 1, 1)},
            "due_on",
            "same_day_due_today",
        ),
    ],
)
def test_bad_request_is_refused_and_changes_nothing(overrides, field, code):
    home, other, asker, answerer = pair()
    child = person_for(asker)
    before = last_entry().seq
    with pytest.raises(ValidationError) as excinfo:
        raise_request(asker, child, other, **overrides)
    assert code in _errors(excinfo)[field]
    assert last_entry().seq == before
    assert not InformationRequest.objects.exists() and not Share.objects.exists()


def test_request_to_own_agency_is_refused():
    home, other, asker, _ = pair()
    with pytest.raises(ValidationError) as excinfo:
        raise_request(asker, person_for(asker), home)
    assert "not_own_agency" in _errors(excinfo)["to_agency"]


def test_answer_with_the_requested_agencys_decision_shows_the_status_to_both():
    home, other, asker, answerer = pair()
    child = person_for(asker)
    request = raise_request(asker, child, other)
    decision = decision_for(answerer, child, outcome=DecisionOutcome.NOT_SHARE)
    response = services.request_answer(actor=answerer, request=request, decision=decision)
    entry = last_entry()
    assert entry.kind == "request.answered"
    assert entry.payload == {
        "request": str(request.pk),
        "response": str(response.pk),
        "decision": str(decision.pk),
        "outcome": "not_share",
    }
    for user in (asker, answerer):
        listed = (
            selectors.requests_outbox(user) if user == asker else selectors.requests_inbox(user)
        )
        assert [selectors.request_status(r) for r in listed] == ["answered_declined"]
    with pytest.raises(ValidationError) as excinfo:
        services.request_answer(actor=answerer, request=request, decision=decision)
    assert "request_answered" in _errors(excinfo)["request"]


def test_answer_needs_the_answering_agencys_own_current_decision():
    home, other, asker, answerer = pair()
    child = person_for(asker)
    request = raise_request(asker, child, other)
    theirs = decision_for(asker, child)
    with pytest.raises(ValidationError) as excinfo:
        services.request_answer(actor=answerer, request=request, decision=theirs)
    assert "decision_agency" in _errors(excinfo)["decision_id"]
    old = decision_for(answerer, child)
    decision_for(answerer, child, supersedes=old)
    with pytest.raises(ValidationError) as excinfo:
        services.request_answer(actor=answerer, request=request, decision=old)
    assert "decision_superseded" in _errors(excinfo)["decision_id"]
    with pytest.raises(ValidationError) as excinfo:
        services.request_answer(actor=asker, request=request, decision=decision_for(asker, child))
    assert "not_requested_agency" in _errors(excinfo)["request"]
    assert not RequestResponse.objects.exists()


def test_accepting_brings_the_child_into_the_answering_agencys_scope():
    from safeshare.access.policy import person_relation

    home, other, asker, answerer = pair()
    child = person_for(asker)
    request = raise_request(asker, child, other)
    assert person_relation(answerer, child) == "recipient"
    involvement = services.request_accept(actor=answerer, request=request)
    assert last_entry().kind == "involvement.started"
    assert person_relation(answerer, child) == "own_agency"
    assert services.request_accept(actor=answerer, request=request) == involvement
    with pytest.raises(ValidationError):
        services.request_accept(actor=asker, request=request)


def test_withdrawal_ends_the_identity_share():
    home, other, asker, answerer = pair()
    child = person_for(asker)
    request = raise_request(asker, child, other)
    services.request_withdraw(actor=asker, request=request, reason="no_longer_needed")
    assert last_entry().kind == "request.withdrawn"
    assert not can(answerer, Action.PERSON_VIEW, child)
    request.refresh_from_db()
    assert selectors.request_status(request) == "withdrawn"
    with pytest.raises(ValidationError):
        services.request_withdraw(actor=asker, request=request, reason="no_longer_needed")


def test_overdue_requests_are_listed_for_both_sides():
    home, other, asker, answerer = pair()
    child = person_for(asker)
    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC)):
        late = raise_request(asker, child, other, urgency=Urgency.SAME_DAY)
    with time_machine.travel(datetime.datetime(2026, 11, 5, 9, tzinfo=datetime.UTC)):
        raise_request(asker, child, other)  # not yet due
        for user in (asker, answerer):
            assert [r.pk for r in selectors.requests_overdue(user)] == [late.pk]
            assert selectors.request_status(selectors.requests_overdue(user)[0]) == "overdue"
        outsider = staff(Role.PRACTITIONER, agency=AgencyFactory())
        assert not selectors.requests_overdue(outsider).exists()


# --- shares ------------------------------------------------------------------------------


def test_share_carries_only_its_items_to_its_recipients():
    home, other, sender, recipient = pair()
    third = staff(Role.PRACTITIONER, agency=AgencyFactory())
    child = person_for(sender)
    share = send(
        sender,
        child,
        other,
        items=[item(1), item(2)],
        onward_sharing_permitted=True,
        consent_limits="Only for the strategy meeting",
    )
    send(sender, child, third.agency, items=[item(9, content="For the third agency only")])
    entry = last_entry()
    assert entry.kind == "share.sent"
    got = get_share_for(recipient, share.pk, action=Action.SHARE_VIEW)
    views = selectors.share_items(got, for_sender=False)
    assert [v.content for v in views] == ["Item content 1", "Item content 2"]
    assert selectors.share_consent_limits(got) == "Only for the strategy meeting"
    assert [s.pk for s in selectors.shares_received(recipient)] == [share.pk]
    sent_entry = Entry.objects.get(seq=share.sent_entry_seq)
    assert sent_entry.payload["share"] == str(share.pk)
    assert sent_entry.payload["items"] == [
        {"category": "education", "nature": "fact"},
        {"category": "education", "nature": "fact"},
    ]
    assert "Item content" not in bytes(sent_entry.canonical).decode()


def test_protected_identity_is_withheld_unless_disclosed_with_a_reason():
    home, other, sender, recipient = pair()
    child = person_for(sender)
    share = send(
        sender,
        child,
        other,
        items=[
            item(
                1, protected_role=ProtectedRole.INFORMANT, protected_identity="Neighbour at no 12"
            ),
            item(
                2,
                protected_role=ProtectedRole.CARER,
                protected_identity="Grandmother",
                disclose_protected_identity=True,
                disclosure_reason="Needed to arrange contact",
            ),
        ],
    )
    for_recipient = selectors.share_items(share, for_sender=False)
    assert for_recipient[0].protected_identity is None
    assert for_recipient[0].protected_identity_withheld
    assert for_recipient[1].protected_identity == "Grandmother"
    assert for_recipient[1].disclosure_reason == "Needed to arrange contact"
    assert selectors.share_items(share, for_sender=True)[0].protected_identity == (
        "Neighbour at no 12"
    )
    assert last_entry().payload["protected_identities_disclosed"] == 1


def test_disclosing_a_protected_identity_needs_a_reason():
    home, other, sender, _ = pair()
    child = person_for(sender)
    before = last_entry().seq
    with pytest.raises(ValidationError) as excinfo:
        send(
            sender,
            child,
            other,
            items=[
                item(
                    1,
                    protected_role=ProtectedRole.INFORMANT,
                    protected_identity="X",
                    disclose_protected_identity=True,
                )
            ],
        )
    assert "required" in _errors(excinfo)["items.0.disclosure_reason"]
    assert last_entry().seq == before


@pytest.mark.parametrize(
    "overrides,field,code",
    [
        ({"checked_accurate": False}, "items.0.checked_accurate", "accuracy_not_checked"),
        ({"content": ""}, "items.0.content", "required"),
        ({"nature": "rumour"}, "items.0.nature", "choice_unknown"),
        ({"category": "everything"}, "items.0.category", "choice_unknown"),
        ({"dated_on": datetime.date(2999, 1, 1)}, "items.0.dated_on", "date_in_future"),
        ({"source": ""}, "items.0.source", "required"),
    ],
)
def test_bad_item_is_refused_and_nothing_is_sent(overrides, field, code):
    home, other, sender, _ = pair()
    child = person_for(sender)
    decision = decision_for(sender, child)
    before = last_entry().seq
    with pytest.raises(ValidationError) as excinfo:
        send(sender, child, other, items=[item(1, **overrides)], decision=decision)
    assert code in _errors(excinfo)[field]
    assert last_entry().seq == before
    assert not Share.objects.exists() and not ShareItem.objects.exists()


def test_share_needs_a_current_decision_to_share_of_the_senders_agency():
    home, other, sender, recipient = pair()
    child = person_for(sender)
    cases = [
        (decision_for(sender, child, outcome=DecisionOutcome.NOT_SHARE), "decision_not_share"),
        (decision_for(recipient, child), "decision_agency"),
    ]
    old = decision_for(sender, child)
    decision_for(sender, child, supersedes=old)
    cases.append((old, "decision_superseded"))
    for decision, code in cases:
        with pytest.raises(ValidationError) as excinfo:
            send(sender, child, other, decision=decision)
        assert code in _errors(excinfo)["decision_id"]
    with pytest.raises(ValidationError) as excinfo:
        send(sender, child, home)
    assert "not_own_agency" in _errors(excinfo)["recipients.0.agency_id"]
    assert not Share.objects.exists()


def test_named_recipient_only_and_every_view_is_logged():
    home, other, sender, recipient = pair()
    colleague = staff(Role.PRACTITIONER, agency=other)
    child = person_for(sender)
    share = send(sender, child, other, named_user=recipient)
    with pytest.raises(NotFound):
        get_share_for(colleague, share.pk, action=Action.SHARE_VIEW)
    view = services.share_view_record(actor=recipient, share=share, channel=ViewChannel.API)
    entry = last_entry()
    assert entry.kind == "share.viewed"
    assert entry.payload == {"share": str(share.pk), "view": str(view.pk), "channel": "api"}
    assert services.share_view_record(actor=sender, share=share, channel="page") is None
    assert ShareView.objects.count() == 1


def test_acknowledge_once_and_revoke_ends_access():
    home, other, sender, recipient = pair()
    child = person_for(sender)
    share = send(sender, child, other)
    services.share_acknowledge(actor=recipient, share=share)
    assert last_entry().kind == "share.acknowledged"
    with pytest.raises(ValidationError):
        services.share_acknowledge(actor=recipient, share=share)
    with pytest.raises(ValidationError):
        services.share_acknowledge(actor=sender, share=share)
    services.share_revoke(actor=sender, share=share, reason="sent_in_error")
    assert last_entry().kind == "share.revoked"
    with pytest.raises(NotFound):
        get_share_for(recipient, share.pk, action=Action.SHARE_VIEW)
    assert get_share_for(sender, share.pk, action=Action.SHARE_VIEW).revoked_at is not None
    with pytest.raises(ValidationError):
        services.share_revoke(actor=sender, share=share, reason="sent_in_error")


def test_expired_window_is_refused_to_the_recipient_not_the_sender():
    home, other, sender, recipient = pair()
    child = person_for(sender)
    share = send(sender, child, other, days=1)
    with time_machine.travel(clock.now() + datetime.timedelta(days=2)):
        with pytest.raises(NotFound):
            get_share_for(recipient, share.pk, action=Action.SHARE_VIEW)
        assert not can(recipient, Action.PERSON_VIEW, child)
        assert get_share_for(sender, share.pk, action=Action.SHARE_VIEW) == share
        with pytest.raises(ValidationError):
            services.share_acknowledge(actor=recipient, share=share)


def test_school_file_transfer_is_an_exchange_due_in_five_school_days():
    old_school = AgencyFactory(agency_type=AgencyType.SCHOOL)
    new_school = AgencyFactory(agency_type=AgencyType.SCHOOL)
    teacher = staff(Role.SAFEGUARDING_LEAD, agency=old_school)
    child = person_for(teacher)
    with time_machine.travel(datetime.datetime(2026, 11, 27, 10, tzinfo=datetime.UTC)):  # Friday
        share = send(teacher, child, new_school, kind=ShareKind.EXCHANGE, is_file_transfer=True)
    assert share.receipt_due_on == datetime.date(2026, 12, 4)
    with pytest.raises(ValidationError) as excinfo:
        send(teacher, child, AgencyFactory(), kind=ShareKind.DISCLOSURE, is_file_transfer=True)
    errors = _errors(excinfo)
    assert "file_transfer_is_exchange" in errors["kind"]
    assert "file_transfer_to_school" in errors["recipients"]


def test_onward_disclosure_is_asked_of_the_source_and_answered_by_its_decision():
    home, other, sender, recipient = pair()
    third = AgencyFactory()
    child = person_for(sender)
    share = send(sender, child, other)
    onward = services.onward_request(
        actor=recipient, share=share, proposed_recipient=third, purpose="Refer to a service"
    )
    assert last_entry().kind == "onward.requested"
    with pytest.raises(ValidationError) as excinfo:
        services.onward_request(actor=recipient, share=share, proposed_recipient=home, purpose="x")
    assert "proposed_recipient_invalid" in _errors(excinfo)["proposed_recipient_id"]
    with pytest.raises(ValidationError):
        services.onward_answer(
            actor=recipient, onward=onward, decision=decision_for(recipient, child)
        )
    decision = decision_for(sender, child, outcome=DecisionOutcome.NOT_SHARE)
    answer = services.onward_answer(actor=sender, onward=onward, decision=decision)
    entry = last_entry()
    assert entry.kind == "onward.answered"
    assert entry.payload["answer"] == str(answer.pk)
    assert entry.payload["outcome"] == "not_share"


def test_receipt_verifies_against_the_ledger():
    home, other, sender, recipient = pair()
    share = send(sender, person_for(sender), other)
    receipt = receipts.share_receipt(share)
    assert receipts.receipt_verify(seq=receipt.seq, hash=receipt.hash, share_id=share.pk).ok
    assert not receipts.receipt_verify(seq=receipt.seq, hash="0" * 64).ok
    assert not receipts.receipt_verify(seq=receipt.seq - 1, hash=receipt.hash).ok
    assert not receipts.receipt_verify(seq=receipt.seq + 100, hash=receipt.hash).ok


# --- referrals ---------------------------------------------------------------------------


def test_referral_records_decision_share_and_referral_in_one_flow():
    home, _, referrer, _ = pair()
    door = AgencyFactory(is_front_door=True)
    duty = staff(Role.PRACTITIONER, agency=door)
    child = person_for(referrer)
    referral = services.referral_make(
        actor=referrer,
        subject=child,
        harm_basis="likely",
        reason="Bruising seen twice this week",
        items=[item(1, category="safeguarding", nature="opinion")],
        **referral_fields(),
    )
    entry = last_entry()
    assert entry.kind == "referral.made"
    assert Entry.objects.filter(
        kind="decision.recorded", payload__decision=str(entry.payload["decision"])
    ).exists()
    assert entry.payload["referral"] == str(referral.pk)
    assert entry.payload["urgency"] == "same_day"
    decision = referral.decision
    assert decision.outcome == "share" and decision.consent_state == "not_sought"
    assert decision.recommendation == "share_without_consent"
    assert list(decision.recipient_agencies.all()) == [door]
    share = get_share_for(duty, referral.share.pk, action=Action.SHARE_VIEW)
    assert [v.content for v in selectors.share_items(share, for_sender=False)] == ["Item content 1"]
    assert Entry.objects.get(seq=share.sent_entry_seq).kind == "share.sent"


def test_referral_refused_without_reason_changes_nothing():
    home, _, referrer, _ = pair()
    AgencyFactory(is_front_door=True)
    child = person_for(referrer)
    before = last_entry().seq
    with pytest.raises(ValidationError) as excinfo:
        services.referral_make(
            actor=referrer,
            subject=child,
            harm_basis="maybe",
            reason="",
            items=[],
            consent_state="",
            lawful_basis="",
        )
    errors = _errors(excinfo)
    assert {"harm_basis", "reason", "items", "consent_state", "lawful_basis"} <= set(errors)
    assert last_entry().seq == before
    assert not Share.objects.exists()
