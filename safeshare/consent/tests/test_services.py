"""Consent rules (issue #5), table-driven, through the real services.

Each rule is tested by its bad inputs too: a refused write names the field and
the rule and changes nothing (no row, no ledger entry).
"""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from safeshare.access.tests.helpers import person_for
from safeshare.agencies.models import AgencyType, Role
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.consent.models import (
    CapacityAssessment,
    Consent,
    ConsentConflict,
    ConsentWithdrawal,
    ItemCategory,
    PrivacyNotice,
)
from safeshare.consent.selectors import conflicts_open, people_without_notice
from safeshare.consent.services.capacity import capacity_assess
from safeshare.consent.services.conflicts import conflict_guide
from safeshare.consent.services.consents import consent_record
from safeshare.consent.services.notices import notice_record
from safeshare.consent.services.withdrawals import consent_withdraw
from safeshare.consent.tests.helpers import consent_fields, parent_of, record_consent
from safeshare.core import clock
from safeshare.core.errors import Forbidden
from safeshare.core.tests.tasks import run_queued_tasks
from safeshare.decisions import services as decisions
from safeshare.decisions.services import DecisionDraft
from safeshare.decisions.tests.helpers import IDENTIFYING
from safeshare.exchange import services as exchange
from safeshare.exchange.models import ContinuedUse, ShareKind
from safeshare.exchange.tests.helpers import item
from safeshare.exchange.tests.test_notify import smtp, with_email  # noqa: F401
from safeshare.ledger.models import Entry
from safeshare.people.models import PersonKind
from safeshare.people.services.involvements import involvement_start
from safeshare.people.services.people import person_create, person_shred

pytestmark = pytest.mark.django_db

# Early Help level 2 with consent given: the aid recommends sharing, relying on consent.
EARLY_HELP_WITH_CONSENT = {
    **IDENTIFYING,
    "level_of_need": "early_help_2",
    "consent_early_help": "given",
}


@pytest.fixture
def home():
    return AgencyFactory(name="Northfield Primary", agency_type=AgencyType.SCHOOL)


@pytest.fixture
def trust():
    return AgencyFactory(name="Family Support Trust", agency_type=AgencyType.CHILDRENS_TRUST)


@pytest.fixture
def author(home):
    return staff(Role.PRACTITIONER, agency=home)


def aged(author, years: int, *, days_after_birthday: int = 10):
    """A child of exactly `years` (their birthday a few days ago), recorded by author."""
    today = clock.today()
    born = today.replace(year=today.year - years) - datetime.timedelta(days=days_after_birthday)
    return person_create(
        actor=author,
        agency=author.agency,
        kind=PersonKind.CHILD,
        given_name="Young",
        family_name=f"Person{years}",
        date_of_birth=born,
    )


def counts() -> tuple:
    return (
        Consent.objects.count(),
        CapacityAssessment.objects.count(),
        ConsentWithdrawal.objects.count(),
        ConsentConflict.objects.count(),
        ContinuedUse.objects.count(),
        PrivacyNotice.objects.count(),
        Entry.objects.count(),
    )


def refused(call, **kwargs) -> dict[str, list[str]]:
    """Call a service expecting refusal; assert nothing changed; return {field: [codes]}."""
    before = counts()
    with pytest.raises(ValidationError) as excinfo:
        call(**kwargs)
    assert counts() == before
    return {f: [e.code for e in errs] for f, errs in excinfo.value.error_dict.items()}


def decide_with_consent(author, child, consent, recipients, **overrides):
    fields = dict(
        actor=author,
        subject=child,
        answers=dict(EARLY_HELP_WITH_CONSENT),
        outcome="share",
        purpose="So the family can get support with attendance",
        rationale="The parents agreed and support will help",
        information_considered="Attendance and the support plan",
        lawful_basis="public_task",
        special_category_condition="art9_explicit_consent",
        consent_state="given",
        consent=consent,
        purpose_code="receive_service",
        recipient_agencies=recipients,
    )
    fields.update(overrides)
    return decisions.decision_record(
        actor=fields.pop("actor"), subject=fields.pop("subject"), draft=DecisionDraft(**fields)
    )


def share_under(author, decision, recipient_agency, *, category=ItemCategory.EDUCATION):
    return exchange.share_send(
        actor=author,
        decision=decision,
        kind=ShareKind.SHARING,
        items=[item(1, category=category)],
        recipients=[exchange.RecipientDraft(agency=recipient_agency)],
        access_until=clock.now() + datetime.timedelta(days=30),
    )


# --- who may give or refuse consent ---------------------------------------------------------


def test_a_parent_with_parental_responsibility_consents_and_it_is_ledgered(author):
    child = person_for(author)
    mother = parent_of(author, child)
    consent = record_consent(author, child, mother)
    entry = Entry.objects.order_by("-seq").first()
    assert entry.kind == "consent.recorded" and entry.payload["consent"] == str(consent.pk)
    assert entry.payload["decision"] == "given" and entry.subject_ref == child.reference
    assert consent.evidence_enc and b"Signed consent" not in consent.evidence_enc
    assert "Signed" not in entry.canonical.decode()


@pytest.mark.parametrize(
    ("years", "assessed", "expected"),
    [
        (17, None, None),  # presumed able
        (16, None, None),  # presumed able
        (16, "lacks_capacity", "child_lacks_capacity"),
        (15, None, "capacity_assessment_required"),
        (13, None, "capacity_assessment_required"),
        (13, "lacks_capacity", "child_lacks_capacity"),
        (13, "has_capacity", None),
    ],
)
def test_a_childs_own_consent_depends_on_age_and_capacity(author, years, assessed, expected):
    child = aged(author, years)
    if assessed:
        capacity_assess(
            actor=author,
            child=child,
            person=child,
            assessed_at=clock.now() - datetime.timedelta(days=2),
            conclusion=assessed,
            notes="Talked it through with the school nurse present",
        )
    kwargs = dict(actor=author, child=child, given_by=child, **consent_fields(giver_role="child"))
    if expected is None:
        consent = consent_record(**kwargs)
        assert consent.giver_age == years
    else:
        errors = refused(consent_record, **kwargs)
        field = (
            "capacity_assessment_id"
            if expected == "capacity_assessment_required"
            else ("given_by_id")
        )
        assert errors == {field: [expected]}


def test_a_young_childs_refusal_is_recorded_as_their_wishes_without_blocking(author, trust):
    child = aged(author, 12)
    consent = record_consent(author, child, parent_of(author, child))
    wishes = record_consent(
        author,
        child,
        child,
        giver_role="child",
        decision="refused",
        freely_given=False,
        review_on=None,
        recipient_purposes=[],
        reasons="Does not want school to know",
    )
    assert not wishes.giver_competent and wishes.giver_age == 12
    assert Entry.objects.order_by("-seq").first().payload["giver_competent"] is False
    assert ConsentConflict.objects.count() == 0
    assert decide_with_consent(author, child, consent, [trust]).consent == consent


def test_an_adult_without_parental_responsibility_cannot_consent(author):
    child = person_for(author)
    father = parent_of(author, child, parental_responsibility=False)
    neighbour = person_for(author, kind=PersonKind.THIRD_PARTY)
    for person in (father, neighbour):
        errors = refused(
            consent_record, actor=author, child=child, given_by=person, **consent_fields()
        )
        assert errors == {"given_by_id": ["no_parental_responsibility"]}


def test_a_parent_assessed_as_lacking_capacity_cannot_consent_and_past_consent_fails(author, trust):
    child = person_for(author)
    mother = parent_of(author, child)
    consent = record_consent(author, child, mother)
    capacity_assess(
        actor=author,
        child=child,
        person=mother,
        assessed_at=clock.now() - datetime.timedelta(hours=1),
        conclusion="lacks_capacity",
    )
    errors = refused(
        consent_record,
        actor=author,
        child=child,
        given_by=mother,
        **consent_fields(given_at=clock.now() - datetime.timedelta(minutes=5)),
    )
    assert errors == {"given_by_id": ["giver_lacks_capacity"]}
    with pytest.raises(ValidationError) as excinfo:
        decide_with_consent(author, child, consent, [trust])
    assert [e.code for e in excinfo.value.error_dict["consent_id"]] == ["giver_lacks_capacity"]


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"given_at": clock.now() + datetime.timedelta(days=1)}, "given_at", "future"),
        ({"given_at": datetime.datetime(2026, 1, 1, 9)}, "given_at", "timezone_required"),
        ({"given_at": None}, "given_at", "required"),
        ({"decision": "maybe"}, "decision", "choice_unknown"),
        ({"giver_role": "neighbour"}, "giver_role", "choice_unknown"),
        ({"method": "telepathy"}, "method", "choice_unknown"),
        ({"categories": []}, "categories", "required"),
        ({"categories": ["gossip"]}, "categories", "choice_unknown"),
        ({"categories": "health"}, "categories", "choice_unknown"),
        ({"purposes": []}, "purposes", "required"),
        ({"purposes": ["marketing"]}, "purposes", "choice_unknown"),
        ({"recipient_agency_types": []}, "recipient_agencies", "required"),
        ({"recipient_agency_types": ["casino"]}, "recipient_agency_types", "choice_unknown"),
        ({"recipient_purposes": []}, "recipient_purposes", "required"),
        ({"explained_recipient_purposes": False}, "explained_recipient_purposes", "not_explained"),
        ({"explained_information": "yes"}, "explained_information", "boolean_required"),
        ({"freely_given": False}, "freely_given", "not_affirmed"),
        ({"informed": False}, "informed", "not_affirmed"),
        ({"explicit": False}, "explicit", "not_affirmed"),
        ({"review_on": None}, "review_on", "required"),
        (
            {"review_on": clock.today() - datetime.timedelta(days=3)},
            "review_on",
            "review_before_consent",
        ),
        (
            {"review_on": clock.today() + datetime.timedelta(days=1000)},
            "review_on",
            "review_too_late",
        ),
        ({"review_on": "next year"}, "review_on", "invalid"),
        (
            {"expires_on": clock.today() - datetime.timedelta(days=3)},
            "expires_on",
            "expiry_before_consent",
        ),
        ({"evidence": "x" * 5001}, "evidence", "too_long"),
        ({"evidence": 42}, "evidence", "text_required"),
    ],
)
def test_bad_consent_input_names_the_field_and_rule(author, overrides, field, code):
    child = person_for(author)
    mother = parent_of(author, child)
    errors = refused(
        consent_record,
        actor=author,
        child=child,
        given_by=mother,
        **consent_fields(**overrides),
    )
    assert code in errors.get(field, []), errors


def test_a_refusal_is_recorded_as_fully_without_affirmations(author):
    child = person_for(author)
    mother = parent_of(author, child)
    refusal = record_consent(
        author,
        child,
        mother,
        decision="refused",
        freely_given=False,
        explicit=False,
        review_on=None,
        recipient_purposes=[],
        reasons="They do not want the school involved",
    )
    assert refusal.decision == "refused" and refusal.reasons_enc
    assert Entry.objects.order_by("-seq").first().payload["decision"] == "refused"


def test_consent_is_recorded_only_by_an_agency_working_with_the_child(author):
    child = person_for(author)
    mother = parent_of(author, child)
    elsewhere = staff(Role.PRACTITIONER, agency=AgencyFactory())
    auditor = staff(Role.AUDITOR, agency=author.agency)
    for actor in (elsewhere, auditor):
        with pytest.raises(Forbidden):
            consent_record(actor=actor, child=child, given_by=mother, **consent_fields())


# --- validity at the moment of sharing ------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        (
            {"recipient_agency_types": [AgencyType.HEALTH_PROVIDER]},
            "recipient_agencies",
            "consent_recipient",
        ),
        ({"purposes": ["health_care"]}, "purpose_code", "consent_purpose"),
        ({"expires_on": clock.today() + datetime.timedelta(days=1)}, None, None),
    ],
)
def test_a_decision_relying_on_consent_needs_it_to_cover_recipient_and_purpose(
    author, trust, overrides, field, code
):
    child = person_for(author)
    consent = record_consent(author, child, parent_of(author, child), **overrides)
    if code is None:
        assert decide_with_consent(author, child, consent, [trust]).consent == consent
        return
    with pytest.raises(ValidationError) as excinfo:
        decide_with_consent(author, child, consent, [trust])
    errors = excinfo.value.error_dict
    assert [e.code for e in errors[field]] == [code]
    message = errors[field][0].messages[0]
    assert (trust.name in message) if field == "recipient_agencies" else ("purpose" in message)


def test_a_share_under_consent_needs_it_to_cover_each_category(author, trust):
    child = person_for(author)
    consent = record_consent(
        author, child, parent_of(author, child), categories=[ItemCategory.EDUCATION]
    )
    decision = decide_with_consent(author, child, consent, [trust])
    with pytest.raises(ValidationError) as excinfo:
        share_under(author, decision, trust, category=ItemCategory.HEALTH)
    assert [e.code for e in excinfo.value.error_dict["items.0.category"]] == ["consent_category"]
    assert share_under(author, decision, trust).decision == decision


def test_a_conflict_emails_the_agencys_leads_a_link_to_the_conflicts(
    author,
    smtp,  # noqa: F811 - the fixture imported above
    django_capture_on_commit_callbacks,
):
    """The conflict's email is sent by the worker, with no case data in it."""
    lead = with_email(staff(Role.SAFEGUARDING_LEAD, agency=author.agency), "dsl@home.test")
    child = aged(author, 16)
    record_consent(author, child, parent_of(author, child))
    with django_capture_on_commit_callbacks(execute=True):
        record_consent(
            author,
            child,
            child,
            giver_role="child",
            decision="refused",
            freely_given=False,
            review_on=None,
            recipient_purposes=[],
        )
    assert ConsentConflict.objects.count() == 1
    assert run_queued_tasks() == 1
    [message] = smtp.messages
    assert message["to"] == ["dsl@home.test"]
    assert "A disagreement about consent needs guidance in safeshare" in message["data"]
    assert "/consent/conflicts/" in message["data"]
    assert "Person16" not in message["data"] and str(child.pk) not in message["data"]
    sent = Entry.objects.get(kind="notification.sent")
    assert sent.payload == {"recipient": f"user:{lead.pk}", "kind": "consent_conflict"}
    assert not Entry.objects.filter(kind="notification.failed").exists()


def test_a_sixteen_year_old_refusing_at_early_help_blocks_a_consent_based_share(author, trust):
    child = aged(author, 16)
    mother = parent_of(author, child)
    consent = record_consent(
        author, child, mother, given_at=clock.now() - datetime.timedelta(days=3)
    )
    decision = decide_with_consent(author, child, consent, [trust])
    # Then the young person refuses: a conflict opens for the safeguarding lead.
    refusal = record_consent(
        author,
        child,
        child,
        giver_role="child",
        decision="refused",
        freely_given=False,
        review_on=None,
        recipient_purposes=[],
    )
    conflict = ConsentConflict.objects.get()
    assert (conflict.consent, conflict.refusal, conflict.kind) == (
        consent,
        refusal,
        "child_and_parent",
    )
    lead = staff(Role.SAFEGUARDING_LEAD, agency=author.agency)
    assert list(conflicts_open(lead)) == [conflict]
    with pytest.raises(ValidationError) as excinfo:
        share_under(author, decision, trust)
    assert "consent_conflict" in [e.code for e in excinfo.value.error_dict["decision_id"]]
    with pytest.raises(ValidationError) as excinfo:
        decide_with_consent(author, child, consent, [trust])
    assert [e.code for e in excinfo.value.error_dict["consent_id"]] == ["consent_conflict"]
    # Guidance that the refusal stands keeps it blocked; guidance is given once.
    conflict_guide(
        actor=lead,
        conflict=conflict,
        guidance="Respect the young person's wishes",
        outcome="refusal_stands",
    )
    assert list(conflicts_open(lead)) == []
    with pytest.raises(ValidationError):
        share_under(author, decision, trust)
    errors = refused(
        conflict_guide,
        actor=lead,
        conflict=conflict,
        guidance="Again",
        outcome="consent_stands",
    )
    assert errors == {"conflict_id": ["already_guided"]}


def test_guidance_that_the_consent_stands_lets_it_be_relied_on(author, trust):
    child = person_for(author)
    mother, father = parent_of(author, child), parent_of(author, child)
    consent = record_consent(author, child, mother)
    record_consent(author, child, father, decision="refused", review_on=None)
    conflict = ConsentConflict.objects.get()
    assert conflict.kind == "between_parents"
    with pytest.raises(Forbidden):
        conflict_guide(
            actor=author, conflict=conflict, guidance="Go ahead", outcome="consent_stands"
        )
    lead = staff(Role.SAFEGUARDING_LEAD, agency=author.agency)
    errors = refused(conflict_guide, actor=lead, conflict=conflict, guidance=" ", outcome="perhaps")
    assert errors == {"guidance": ["required"], "outcome": ["choice_unknown"]}
    conflict_guide(
        actor=lead,
        conflict=conflict,
        guidance="Sharing this supports the child; both parents were told",
        outcome="consent_stands",
    )
    assert Entry.objects.order_by("-seq").first().kind == "consent_conflict.guided"
    assert decide_with_consent(author, child, consent, [trust]).consent == consent


def test_a_later_record_from_the_same_person_replaces_their_earlier_one(author, trust):
    with time_machine.travel(clock.now() - datetime.timedelta(days=10)):
        child = person_for(author)  # known to the school before the decision
        mother = parent_of(author, child)
    consent = record_consent(
        author, child, mother, given_at=clock.now() - datetime.timedelta(days=5)
    )
    record_consent(author, child, mother, decision="refused", review_on=None)
    assert ConsentConflict.objects.count() == 0  # the same person changed their mind
    # The earlier consent is no longer theirs in force, but the record itself still reads.
    decision = decide_with_consent(
        author,
        child,
        consent,
        [trust],
        decided_at=clock.now() - datetime.timedelta(days=2),
        backdating_reason="away_from_system",
    )
    assert decision.consent == consent
    with pytest.raises(ValidationError) as excinfo:
        decide_with_consent(author, child, consent, [trust])
    assert [e.code for e in excinfo.value.error_dict["consent_id"]] == ["consent_replaced"]


def test_a_court_order_decision_passes_without_any_consent(author, trust):
    child = person_for(author)
    record_consent(author, child, parent_of(author, child), decision="refused", review_on=None)
    decision = decisions.decision_record(
        actor=author,
        subject=child,
        draft=DecisionDraft(
            answers={**IDENTIFYING, "legal_requirement": "yes"},
            outcome="share",
            purpose="The family court ordered the school's records",
            rationale="A court order requires it (Protocol 6.7)",
            information_considered="The order and the attendance file",
            level_of_need="early_help_2",
            lawful_basis="legal_obligation",
            special_category_condition="art9_legal_claims",
            statutory_gateways=["court_order"],
            consent_state="not_sought",
            consent_not_sought_reason="statutory_duty_or_court_order",
            recipient_agencies=[trust],
        ),
    )
    assert decision.consent is None and share_under(author, decision, trust).pk


def test_consent_given_later_cannot_support_an_earlier_decision(author, trust):
    child = person_for(author)
    consent = record_consent(author, child, parent_of(author, child))
    with pytest.raises(ValidationError) as excinfo:
        decide_with_consent(
            author, child, consent, [trust], decided_at=clock.now() - datetime.timedelta(days=3)
        )
    assert "consent_not_yet_given" in [e.code for e in excinfo.value.error_dict["consent_id"]]


def test_another_agencys_consent_or_a_refusal_cannot_be_relied_on(author, trust):
    child = person_for(author)
    mother = parent_of(author, child)
    refusal = record_consent(author, child, mother, decision="refused", review_on=None)
    with pytest.raises(ValidationError) as excinfo:
        decide_with_consent(author, child, refusal, [trust])
    assert [e.code for e in excinfo.value.error_dict["consent_id"]] == ["consent_refused"]
    other = staff(Role.PRACTITIONER, agency=trust)
    involvement_start(actor=other, person=child, agency=trust, started_on=clock.today())
    theirs = record_consent(other, child, mother)
    with pytest.raises(ValidationError) as excinfo:
        decide_with_consent(author, child, theirs, [AgencyFactory()])
    assert [e.code for e in excinfo.value.error_dict["consent_id"]] == ["consent_agency"]


# --- withdrawal -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "method", "field", "code"),
    [
        (clock.now() + datetime.timedelta(hours=1), "verbal", "withdrawn_at", "future"),
        (clock.now() - datetime.timedelta(days=30), "verbal", "withdrawn_at", "before_consent"),
        (clock.now(), "carrier_pigeon", "method", "choice_unknown"),
        (None, "verbal", "withdrawn_at", "required"),
    ],
)
def test_bad_withdrawal_input_is_refused(author, when, method, field, code):
    child = person_for(author)
    consent = record_consent(author, child, parent_of(author, child))
    errors = refused(
        consent_withdraw, actor=author, consent=consent, withdrawn_at=when, method=method
    )
    assert errors == {field: [code]}


def test_recipient_records_its_decision_on_continued_use(author, trust):
    child = person_for(author)
    consent = record_consent(author, child, parent_of(author, child))
    decision = decide_with_consent(author, child, consent, [trust])
    share = share_under(author, decision, trust)
    receiver = staff(Role.PRACTITIONER, agency=trust)
    errors = refused(
        exchange.continued_use_record,
        actor=receiver,
        share=share,
        decision="stop_using",
        reasons="Not withdrawn yet",
    )
    assert errors == {"share_id": ["not_withdrawn"]}
    consent_withdraw(actor=author, consent=consent, withdrawn_at=clock.now(), method="written")
    with pytest.raises(Forbidden):
        exchange.continued_use_record(
            actor=author, share=share, decision="stop_using", reasons="Sender cannot decide"
        )
    errors = refused(
        exchange.continued_use_record, actor=receiver, share=share, decision="keep", reasons=""
    )
    assert errors == {"decision": ["choice_unknown"], "reasons": ["required"]}
    use = exchange.continued_use_record(
        actor=receiver,
        share=share,
        decision="continue_other_basis",
        reasons="A child protection enquiry has since begun (Children Act 1989 s47)",
    )
    assert use.recipient.agency == trust
    assert Entry.objects.order_by("-seq").first().payload["decision"] == "continue_other_basis"


# --- capacity and the notice at first contact -----------------------------------------------


def test_another_agencys_capacity_assessment_is_neither_relied_on_nor_revealed(author, trust):
    child = aged(author, 13)
    other = staff(Role.PRACTITIONER, agency=trust)
    involvement_start(actor=other, person=child, agency=trust, started_on=clock.today())
    theirs = capacity_assess(
        actor=other,
        child=child,
        person=child,
        assessed_at=clock.now() - datetime.timedelta(days=2),
        conclusion="has_capacity",
    )
    base = dict(actor=author, child=child, given_by=child, **consent_fields(giver_role="child"))
    errors = refused(consent_record, **base)
    assert errors == {"capacity_assessment_id": ["capacity_assessment_required"]}
    errors = refused(consent_record, **base, capacity_assessment=theirs)
    assert errors == {"capacity_assessment_id": ["assessment_agency"]}


def test_capacity_is_assessed_for_the_child_or_someone_related(author):
    child = person_for(author)
    stranger = person_for(author, kind=PersonKind.THIRD_PARTY)
    errors = refused(
        capacity_assess,
        actor=author,
        child=child,
        person=stranger,
        assessed_at=clock.now(),
        conclusion="has_capacity",
    )
    assert errors == {"person_id": ["not_related"]}
    errors = refused(
        capacity_assess,
        actor=author,
        child=child,
        person=child,
        assessed_at=clock.now() + datetime.timedelta(days=1),
        conclusion="unsure",
    )
    assert errors == {"assessed_at": ["future"], "conclusion": ["choice_unknown"]}


def test_notice_at_first_contact_is_recorded_and_people_without_one_are_listed(author):
    child = person_for(author)
    other_child = person_for(author)
    mother = parent_of(author, child)
    assert {child, other_child, mother} <= set(people_without_notice(author))
    notice = notice_record(
        actor=author, person=child, told_on=clock.today(), method="in_person", told_to=mother
    )
    assert notice.told_to == mother
    assert Entry.objects.order_by("-seq").first().kind == "notice.recorded"
    listed = set(people_without_notice(author))
    assert child not in listed and other_child in listed
    stranger = person_for(author, kind=PersonKind.THIRD_PARTY)
    errors = refused(
        notice_record,
        actor=author,
        person=other_child,
        told_on=clock.today() + datetime.timedelta(days=1),
        method="smoke",
        told_to=stranger,
    )
    assert errors == {
        "told_on": ["future"],
        "method": ["choice_unknown"],
        "told_to_id": ["not_related"],
    }


def test_people_without_notice_uses_a_constant_number_of_queries(
    author, django_assert_max_num_queries
):
    for _ in range(2):
        person_for(author)
    with django_assert_max_num_queries(3):
        small = list(people_without_notice(author))
    for _ in range(6):
        person_for(author)
    with django_assert_max_num_queries(3):
        large = list(people_without_notice(author))
    assert len(large) == len(small) + 6


@pytest.mark.parametrize(
    ("overrides", "days_later", "code"),
    [
        ({"review_on": clock.today() + datetime.timedelta(days=10)}, 11, "consent_review_overdue"),
        ({"expires_on": clock.today() + datetime.timedelta(days=5)}, 6, "consent_expired"),
        ({"review_on": clock.today() + datetime.timedelta(days=10)}, 9, None),
    ],
)
def test_an_expired_or_overdue_consent_cannot_be_relied_on(
    author, trust, overrides, days_later, code
):
    child = person_for(author)
    consent = record_consent(author, child, parent_of(author, child), **overrides)
    with time_machine.travel(clock.now() + datetime.timedelta(days=days_later), tick=False):
        if code is None:
            assert decide_with_consent(author, child, consent, [trust]).consent == consent
            return
        errors = refused(
            decide_with_consent, author=author, child=child, consent=consent, recipients=[trust]
        )
    assert errors == {"consent_id": [code]}


def test_nothing_is_written_about_an_erased_child(author, trust):
    child = person_for(author)
    consent = record_consent(author, child, parent_of(author, child))
    decision = decide_with_consent(author, child, consent, [trust])
    share = share_under(author, decision, trust)
    father = parent_of(author, child)
    record_consent(author, child, father, decision="refused", review_on=None)
    conflict = ConsentConflict.objects.get()
    consent_withdraw(actor=author, consent=consent, withdrawn_at=clock.now(), method="verbal")
    lead = staff(Role.SAFEGUARDING_LEAD, agency=author.agency)
    person_shred(actor=author, person=child, reason="erasure_request")
    errors = refused(
        consent_withdraw,
        actor=author,
        consent=Consent.objects.get(pk=consent.pk),
        withdrawn_at=clock.now(),
        method="verbal",
        reasons="Erased",
    )
    assert errors == {"consent_id": ["subject_erased"]}
    errors = refused(
        conflict_guide,
        actor=lead,
        conflict=ConsentConflict.objects.get(pk=conflict.pk),
        guidance="Too late",
        outcome="consent_stands",
    )
    assert errors == {"conflict_id": ["subject_erased"]}
    receiver = staff(Role.PRACTITIONER, agency=trust)
    errors = refused(
        exchange.continued_use_record,
        actor=receiver,
        share=type(share).objects.get(pk=share.pk),
        decision="stop_using",
        reasons="Erased",
    )
    assert errors == {"share_id": ["subject_erased"]}
