"""Informing the child or family after a share: the service, its rules and the open tasks."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from safeshare.access.tests.helpers import person_for
from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import staff
from safeshare.core import clock
from safeshare.exchange.tests.helpers import last_entry, pair, raise_request, send
from safeshare.informing.models import SubjectNotification
from safeshare.informing.selectors import (
    subject_notification_reason_other,
    subject_notifications_for_share,
    subject_tasks_open,
)
from safeshare.informing.services import subject_notification_record
from safeshare.people.models import PersonKind
from safeshare.people.services.relationships import relationship_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent():
    home, other, author, reader = pair()
    child = person_for(author)
    share = send(author, child, other)
    return {
        "home": home,
        "other": other,
        "author": author,
        "reader": reader,
        "child": child,
        "share": share,
    }


def parent_of(author, child, *, responsibility=True):
    parent = person_for(author, kind=PersonKind.PARENT_CARER)
    relationship_record(
        actor=author,
        person=child,
        related_person=parent,
        relationship_type="mother",
        has_parental_responsibility=responsibility,
    )
    return parent


def informed(sent, **overrides):
    values = {
        "actor": sent["author"],
        "share": sent["share"],
        "outcome": "informed",
        "informed_on": clock.today(),
        "method": "phone",
        "told_person": sent["child"],
    }
    values.update(overrides)
    return subject_notification_record(**values)


def errors_of(call) -> dict:
    with pytest.raises(ValidationError) as caught:
        call()
    return {field: [e.code for e in errs] for field, errs in caught.value.error_dict.items()}


def test_recording_the_child_was_told_closes_the_task_and_appends_an_entry(sent):
    assert list(subject_tasks_open(sent["author"])) == [sent["share"]]
    notification = informed(sent)
    assert notification.informed_by == sent["author"]  # by whom defaults to the recorder
    assert list(subject_tasks_open(sent["author"])) == []
    entry = last_entry()
    assert entry.kind == "subject.informed"
    assert entry.subject_ref == str(sent["child"].pk)
    assert entry.payload == {
        "share": str(sent["share"].pk),
        "subject_notification": str(notification.pk),
        "informed_on": clock.today().isoformat(),
        "recorded_at": notification.recorded_at.isoformat(),
        "backdating_reason": "",
        "method": "phone",
        "informed_by": f"user:{sent['author'].pk}",
        "told": "subject",
        "told_person": str(sent["child"].pk),
    }


def test_a_person_with_parental_responsibility_may_be_the_one_told(sent):
    parent = parent_of(sent["author"], sent["child"])
    lead = staff(Role.SAFEGUARDING_LEAD, agency=sent["home"])
    notification = informed(sent, told_person=parent, method="in_person", informed_by=lead)
    assert notification.told_person == parent and notification.informed_by == lead
    assert last_entry().payload["told"] == "parental_responsibility"


def test_a_relative_without_parental_responsibility_is_refused(sent):
    relative = parent_of(sent["author"], sent["child"], responsibility=False)
    before = SubjectNotification.objects.count()
    assert errors_of(lambda: informed(sent, told_person=relative)) == {
        "told_person_id": ["told_person_not_subject_or_parent"]
    }
    assert SubjectNotification.objects.count() == before
    assert last_entry().kind != "subject.informed"


def test_not_told_because_of_risk_records_the_reason_code_only(sent):
    notification = subject_notification_record(
        actor=sent["author"], share=sent["share"], outcome="not_informed", reason="risk_of_harm"
    )
    assert notification.reason == "risk_of_harm"
    assert list(subject_tasks_open(sent["author"])) == []
    entry = last_entry()
    assert entry.kind == "subject.not_informed"
    assert entry.payload == {
        "share": str(sent["share"].pk),
        "subject_notification": str(notification.pk),
        "reason": "risk_of_harm",
    }


def test_another_reason_is_sealed_and_kept_out_of_the_ledger(sent):
    notification = subject_notification_record(
        actor=sent["author"],
        share=sent["share"],
        outcome="not_informed",
        reason="other",
        reason_other="Family moved abroad without an address",
    )
    assert b"abroad" not in bytes(notification.reason_other_enc)
    assert subject_notification_reason_other(notification) == (
        "Family moved abroad without an address"
    )
    assert "abroad" not in str(last_entry().payload)


def test_a_later_record_is_a_new_row_and_both_are_kept(sent):
    first = subject_notification_record(
        actor=sent["author"], share=sent["share"], outcome="not_informed", reason="risk_of_harm"
    )
    second = informed(sent)
    assert [n.pk for n in subject_notifications_for_share(sent["author"], sent["share"])] == [
        second.pk,
        first.pk,
    ]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"informed_on": None}, {"informed_on": ["required"]}),
        (
            {"informed_on": clock.today() + datetime.timedelta(days=1)},
            {"informed_on": ["date_in_future"]},
        ),
        ({"informed_on": "yesterday"}, {"informed_on": ["invalid"]}),
        (
            {
                "informed_on": clock.today() - datetime.timedelta(days=30),
                "backdating_reason": "away_from_system",
            },
            {"informed_on": ["before_share", "before_involvement"]},
        ),
        ({"method": "carrier_pigeon"}, {"method": ["choice_unknown"]}),
        ({"told_person": None}, {"told_person_id": ["required"]}),
        ({"reason": "risk_of_harm"}, {"reason": ["not_applicable"]}),
        ({"outcome": "maybe"}, {"outcome": ["choice_unknown"]}),
    ],
)
def test_bad_informed_inputs_name_the_field_and_change_nothing(sent, overrides, expected):
    before = (SubjectNotification.objects.count(), last_entry().seq)
    assert errors_of(lambda: informed(sent, **overrides)) == expected
    assert (SubjectNotification.objects.count(), last_entry().seq) == before


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({}, {"reason": ["choice_unknown"]}),
        ({"reason": "other"}, {"reason_other": ["required"]}),
        ({"reason": "other", "reason_other": "x" * 5001}, {"reason_other": ["too_long"]}),
        (
            {"reason": "risk_of_harm", "reason_other": "Why"},
            {"reason_other": ["not_applicable"]},
        ),
        (
            {"reason": "risk_of_harm", "method": "phone", "informed_on": clock.today()},
            {"method": ["not_applicable"], "informed_on": ["not_applicable"]},
        ),
    ],
)
def test_bad_not_informed_inputs_name_the_field(sent, overrides, expected):
    before = SubjectNotification.objects.count()
    values = {"actor": sent["author"], "share": sent["share"], "outcome": "not_informed"}
    assert errors_of(lambda: subject_notification_record(**values, **overrides)) == expected
    assert SubjectNotification.objects.count() == before


def test_the_teller_must_work_for_the_agency_that_shared(sent):
    assert errors_of(lambda: informed(sent, informed_by=sent["reader"])) == {
        "informed_by_id": ["informed_by_agency"]
    }


def test_only_the_sending_agency_records(sent):
    assert errors_of(lambda: informed(sent, actor=sent["reader"])) == {"share": ["not_sender"]}


def test_a_request_identity_share_opens_no_task_and_is_refused(sent):
    request = raise_request(sent["author"], sent["child"], sent["other"])
    assert request.identity_share not in subject_tasks_open(sent["author"])
    assert errors_of(lambda: informed(sent, share=request.identity_share)) == {
        "share": ["share_not_from_decision"]
    }


def test_open_tasks_belong_to_the_senders_practitioners_and_leads_only(sent):
    home, other = sent["home"], sent["other"]
    assert list(subject_tasks_open(staff(Role.SAFEGUARDING_LEAD, agency=home))) == [sent["share"]]
    for role in (Role.LEAD_INFORMATION_OFFICER, Role.DATA_PROTECTION_OFFICER, Role.AUDITOR):
        assert list(subject_tasks_open(staff(role, agency=home))) == []
    assert list(subject_tasks_open(sent["reader"])) == []  # a recipient never sees them
    assert list(subject_tasks_open(staff(Role.PRACTITIONER, agency=other))) == []
    assert list(subject_tasks_open(staff(Role.PRACTITIONER, agency=home, active=False))) == []
    assert subject_notifications_for_share(sent["reader"], sent["share"]) == []


def test_open_tasks_take_a_fixed_number_of_queries(sent, django_assert_max_num_queries):
    author, child = sent["author"], sent["child"]

    def count():
        with django_assert_max_num_queries(4) as captured:
            tasks = list(subject_tasks_open(author))
            [(t.subject.kind, t.sender_agency.name, t.sent_by_id) for t in tasks]
        return len(tasks), len(captured)

    few = count()
    for _ in range(5):
        send(author, child, sent["other"])
    many = count()
    assert many[0] == few[0] + 5
    assert many[1] == few[1]
