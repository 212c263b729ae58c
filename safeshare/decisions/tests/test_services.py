"""Decision services: the protocol's rules, sealing, ledger entries, no edits."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from safeshare.access.tests.helpers import person_for
from safeshare.agencies.models import AgencyType, Role
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.consent.tests.helpers import parent_of, record_consent
from safeshare.core import clock
from safeshare.core.errors import Forbidden
from safeshare.decisions import selectors, services
from safeshare.decisions.models import Decision, DecisionReview, ProtocolPackChoice
from safeshare.decisions.services import DecisionDraft
from safeshare.decisions.tests.helpers import (
    SHARE_WITH_CONSENT,
    latest_entry,
    not_share_fields,
    recipient_agency,
    record_share,
    share_fields,
)
from safeshare.ledger.models import Entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def author():
    return staff(Role.PRACTITIONER, agency=AgencyFactory(agency_type=AgencyType.SCHOOL))


@pytest.fixture
def child(author):
    return person_for(author)


def errors_of(excinfo) -> dict[str, list[str]]:
    return {f: [e.code for e in es] for f, es in excinfo.value.error_dict.items()}


def refused(author, child, **fields):
    """Call decision_record expecting refusal; assert nothing was written."""
    decisions, entries = Decision.objects.count(), Entry.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        services.decision_record(actor=author, subject=child, draft=DecisionDraft(**fields))
    assert Decision.objects.count() == decisions
    assert Entry.objects.count() == entries
    return errors_of(excinfo)


def test_decision_to_share_is_recorded_sealed_and_in_the_ledger(author, child):
    decision = record_share(author, child)
    assert decision.outcome == "share"
    assert decision.recommendation == "share_without_consent"
    assert not decision.departs_from_recommendation
    assert decision.pack_id == "current-law-2026" and decision.pack_version == "2026.1"
    assert decision.level_of_need == "significant_harm"
    assert b"protect the child" not in bytes(decision.purpose_enc)
    text = selectors.decision_text(decision)
    assert text["purpose"] == "To protect the child from harm at home"
    assert text["rationale"].startswith("The risk is immediate")
    entry = latest_entry()
    assert entry.kind == "decision.recorded"
    assert entry.subject_ref == str(child.pk)
    assert entry.payload["decision"] == str(decision.pk)
    assert entry.payload["recommendation"] == "share_without_consent"
    assert "protect" not in str(entry.payload)


def test_decision_not_to_share_is_equally_complete(author, child):
    decision = services.decision_record(
        actor=author, subject=child, draft=DecisionDraft(**not_share_fields())
    )
    assert decision.outcome == "not_share" and decision.recommendation == "do_not_share"
    assert decision.explicit_consent_expected  # Early Help, App. 2
    assert decision.consent_state == "refused"
    assert selectors.decision_text(decision)["rationale"].startswith("The parents refused")
    assert latest_entry().payload["outcome"] == "not_share"


def test_decision_names_its_child_or_is_anonymised(author):
    errors = refused(author, None, **not_share_fields())
    assert errors["subject"] == ["subject_or_anonymised"]
    decision = services.decision_record(
        actor=author,
        subject=None,
        anonymised=True,
        draft=DecisionDraft(
            **not_share_fields(
                answers={"purpose": "yes", "anonymised_suffices": "yes"},
                outcome="share",
                consent_state="not_applicable",
                lawful_basis="public_task",
                recipient_agencies=[recipient_agency()],
            )
        ),
    )
    assert decision.anonymised and decision.subject is None
    assert not decision.departs_from_recommendation
    assert latest_entry().subject_ref is None


def test_sharing_needs_a_lawful_basis_and_recipients(author, child):
    errors = refused(
        author,
        child,
        **share_fields(recipient_agency(), lawful_basis="", recipient_agencies=[]),
    )
    assert errors["lawful_basis"] == ["required"]
    assert errors["recipient_agencies"] == ["required"]


def test_not_seeking_consent_needs_a_reason_code(author, child):
    errors = refused(
        author, child, **share_fields(recipient_agency(), consent_not_sought_reason="")
    )
    assert errors["consent_not_sought_reason"] == ["required"]
    errors = refused(
        author, child, **share_fields(recipient_agency(), consent_not_sought_reason="because")
    )
    assert errors["consent_not_sought_reason"] == ["unknown_code"]


def test_early_help_sharing_without_consent_needs_a_safeguarding_reason(author, child):
    fields = share_fields(
        recipient_agency(),
        answers={
            "purpose": "yes",
            "anonymised_suffices": "no",
            "identifies": "yes",
            "legal_requirement": "no",
            "level_of_need": "early_help_1",
            "consent_early_help": "refused",
            "public_interest": "yes",
        },
        consent_state="refused",
        consent_not_sought_reason="",
        safeguarding_reason="",
    )
    assert refused(author, child, **fields)["safeguarding_reason"] == ["early_help_needs_consent"]
    fields["safeguarding_reason"] = "evidence_of_significant_harm"
    decision = services.decision_record(actor=author, subject=child, draft=DecisionDraft(**fields))
    assert decision.explicit_consent_expected and decision.lawful_basis == "public_task"


def test_recognised_legitimate_interest_is_refused_for_a_public_authority(author, child):
    errors = refused(
        author,
        child,
        **share_fields(recipient_agency(), lawful_basis="recognised_legitimate_interest"),
    )
    assert errors["lawful_basis"] == ["refused_for_public_authority"]
    charity = staff(
        Role.PRACTITIONER, agency=AgencyFactory(agency_type=AgencyType.COMMISSIONED_SERVICE)
    )
    decision = record_share(
        charity, person_for(charity), lawful_basis="recognised_legitimate_interest"
    )
    assert decision.lawful_basis == "recognised_legitimate_interest"


def test_relying_on_consent_cites_a_consent_record_and_a_purpose(author, child):
    mother = parent_of(author, child)
    base = share_fields(
        recipient_agency(),
        answers=dict(SHARE_WITH_CONSENT),
        consent_state="given",
        consent_not_sought_reason="",
        safeguarding_reason="",
    )
    errors = refused(author, child, **base)
    assert errors["consent_id"] == ["required"] and errors["purpose_code"] == ["required"]
    consent = record_consent(author, child, mother)
    errors = refused(author, child, **base, consent=consent, purpose_code="not-a-purpose")
    assert errors["purpose_code"] == ["choice_unknown"]
    decision = services.decision_record(
        actor=author,
        subject=child,
        draft=DecisionDraft(**base, consent=consent, purpose_code="receive_service"),
    )
    assert decision.consent == consent and decision.consent_given_by == mother
    assert decision.consent_given_at == consent.given_at and decision.recommendation == "share"
    assert latest_entry().payload["consent"] == str(consent.pk)


def test_a_consent_record_is_cited_only_when_relying_on_it_or_for_a_refusal(author, child):
    consent = record_consent(author, child, parent_of(author, child))
    errors = refused(author, child, **not_share_fields(consent=consent))
    assert errors["consent_id"] == ["consent_not_applicable"]


def test_a_decision_cannot_be_dated_in_the_future(author, child):
    errors = refused(
        author,
        child,
        **not_share_fields(decided_at=clock.now() + datetime.timedelta(minutes=5)),
    )
    assert errors["decided_at"] == ["future"]


def test_incomplete_or_unknown_answers_name_the_question(author, child):
    errors = refused(author, child, **not_share_fields(answers={"purpose": "yes"}))
    assert errors["answers.anonymised_suffices"] == ["answers_incomplete"]
    errors = refused(author, child, **not_share_fields(answers={"purpose": "perhaps"}))
    assert errors["answers.purpose"] == ["unknown_answer"]
    errors = refused(author, child, **not_share_fields(answers=["purpose"]))
    assert errors["answers"] == ["answers_format"]


def test_required_text_is_required(author, child):
    errors = refused(
        author, child, **not_share_fields(purpose=" ", rationale="", information_considered=None)
    )
    assert errors["purpose"] == ["required"]
    assert errors["rationale"] == ["required"]
    assert errors["information_considered"] == ["required"]


def test_a_departure_is_flagged_and_reviewed_by_a_safeguarding_lead(author, child):
    decision = services.decision_record(
        actor=author,
        subject=child,
        draft=DecisionDraft(**not_share_fields(answers=dict(SHARE_WITH_CONSENT))),
    )
    assert decision.departs_from_recommendation
    lead = staff(Role.SAFEGUARDING_LEAD, agency=author.agency)
    assert list(selectors.decision_departures_awaiting_review(user=lead)) == [decision]
    assert list(selectors.decision_departures_awaiting_review(user=author)) == []
    with pytest.raises(Forbidden):
        services.decision_review(actor=author, decision=decision, outcome="endorsed", comments="x")
    with pytest.raises(ValidationError) as excinfo:
        services.decision_review(actor=lead, decision=decision, outcome="meh", comments="")
    assert errors_of(excinfo) == {"comments": ["required"], "outcome": ["choice_unknown"]}
    review = services.decision_review(
        actor=lead, decision=decision, outcome="endorsed", comments="Consent was later withdrawn"
    )
    assert selectors.review_text(review) == "Consent was later withdrawn"
    entry = latest_entry()
    assert entry.kind == "decision.reviewed" and entry.payload["review"] == str(review.pk)
    assert list(selectors.decision_departures_awaiting_review(user=lead)) == []
    with pytest.raises(ValidationError) as excinfo:
        services.decision_review(
            actor=lead, decision=decision, outcome="endorsed", comments="again"
        )
    assert errors_of(excinfo) == {"decision": ["already_reviewed"]}
    assert DecisionReview.objects.count() == 1


def test_a_decision_that_follows_the_aid_cannot_be_reviewed(author, child):
    decision = record_share(author, child)
    lead = staff(Role.SAFEGUARDING_LEAD, agency=author.agency)
    with pytest.raises(ValidationError) as excinfo:
        services.decision_review(actor=lead, decision=decision, outcome="endorsed", comments="ok")
    assert errors_of(excinfo) == {"decision": ["no_departure"]}


def test_superseding_keeps_both_decisions(author, child):
    first = services.decision_record(
        actor=author, subject=child, draft=DecisionDraft(**not_share_fields())
    )
    second = services.decision_supersede(
        actor=author, decision=first, draft=DecisionDraft(**share_fields(recipient_agency()))
    )
    assert second.supersedes == first and second.subject == child
    assert first.is_superseded and not second.is_superseded
    entry = latest_entry()
    assert entry.kind == "decision.superseded" and entry.payload["supersedes"] == str(first.pk)
    assert selectors.decision_text(first)["purpose"] == "To help the family get parenting support"
    listed = list(selectors.decision_list_for_person(user=author, person=child))
    assert listed == [second, first] and listed[1].is_superseded
    with pytest.raises(ValidationError) as excinfo:
        services.decision_supersede(
            actor=author, decision=first, draft=DecisionDraft(**not_share_fields())
        )
    assert errors_of(excinfo) == {"decision": ["already_superseded"]}
    other = staff(Role.PRACTITIONER, agency=author.agency)
    with pytest.raises(Forbidden):
        services.decision_supersede(
            actor=other, decision=second, draft=DecisionDraft(**not_share_fields())
        )


def test_another_agency_cannot_record_about_a_child_it_does_not_work_with(author, child):
    stranger = staff(Role.PRACTITIONER)
    with pytest.raises(Forbidden):
        services.decision_record(
            actor=stranger, subject=child, draft=DecisionDraft(**not_share_fields())
        )
    assert Decision.objects.count() == 0


def test_advice_is_asked_without_revealing_the_child_and_recorded_on_the_decision(author, child):
    lead = staff(Role.SAFEGUARDING_LEAD, agency=author.agency)
    advice = services.advice_request(
        actor=author, adviser=lead, subject=child, question="Must I tell the parents first?"
    )
    assert not advice.identity_revealed
    assert latest_entry().kind == "advice.requested"
    assert selectors.advice_subject_for(user=lead, advice=advice) is None
    assert selectors.advice_subject_for(user=author, advice=advice) == child
    assert list(selectors.advice_awaiting_answer(user=lead)) == [advice]
    with pytest.raises(Forbidden):
        services.advice_give(
            actor=author, advice_request=advice, advice="x", advised_outcome="share"
        )
    response = services.advice_give(
        actor=lead,
        advice_request=advice,
        advice="Share without telling them: it would increase the risk.",
        advised_outcome="share_without_consent",
    )
    entry = latest_entry()
    assert entry.kind == "advice.given" and entry.payload["advice_response"] == str(response.pk)
    assert list(selectors.advice_awaiting_answer(user=lead)) == []
    with pytest.raises(ValidationError) as excinfo:
        services.advice_give(actor=lead, advice_request=advice, advice="y", advised_outcome="share")
    assert errors_of(excinfo) == {"advice_request": ["already_answered"]}
    # "Seek advice" is followed once answered advice is attached.
    answers = {"purpose": "unsure"}
    decision = services.decision_record(
        actor=author,
        subject=child,
        draft=DecisionDraft(
            **not_share_fields(
                answers=answers, level_of_need="early_help_2", advice_requests=[advice]
            )
        ),
    )
    assert decision.recommendation == "seek_advice" and not decision.departs_from_recommendation
    assert list(decision.advice_requests.all()) == [advice]
    undecided = services.decision_supersede(
        actor=author,
        decision=decision,
        draft=DecisionDraft(**not_share_fields(answers=answers, level_of_need="early_help_2")),
    )
    assert undecided.departs_from_recommendation


def test_advice_goes_to_a_lead_of_ones_own_agency(author, child):
    colleague = staff(Role.PRACTITIONER, agency=author.agency)
    elsewhere = staff(Role.SAFEGUARDING_LEAD)
    for adviser, code in (
        (colleague, "adviser_role"),
        (elsewhere, "adviser_agency"),
        (author, "adviser_self"),
    ):
        with pytest.raises(ValidationError) as excinfo:
            services.advice_request(actor=author, adviser=adviser, subject=child, question="?")
        assert errors_of(excinfo) == {"adviser": [code]}
    with pytest.raises(ValidationError) as excinfo:
        services.advice_request(
            actor=author,
            adviser=staff(Role.LEAD_INFORMATION_OFFICER, agency=author.agency),
            subject=None,
            question="",
            identity_revealed=True,
        )
    assert errors_of(excinfo) == {"question": ["required"], "identity_revealed": ["no_subject"]}


def test_partnership_officer_chooses_the_pack_and_past_decisions_keep_theirs(author, child):
    before = services.decision_record(
        actor=author, subject=child, draft=DecisionDraft(**not_share_fields())
    )
    officer = staff(Role.PARTNERSHIP_OFFICER)
    assert selectors.pack_in_force().id == "current-law-2026"
    with pytest.raises(Forbidden):
        services.pack_choose(actor=author, pack_id="scsp-2022", reason="Go back")
    with pytest.raises(ValidationError) as excinfo:
        services.pack_choose(actor=officer, pack_id="nope", reason="")
    assert errors_of(excinfo) == {"reason": ["required"], "pack_id": ["unknown_pack"]}
    choice = services.pack_choose(actor=officer, pack_id="scsp-2022", reason="Board decision")
    entry = latest_entry()
    assert entry.kind == "pack.chosen" and entry.payload["pack_id"] == "scsp-2022"
    assert entry.payload["choice"] == str(choice.pk)
    assert selectors.pack_in_force().id == "scsp-2022"
    after = services.decision_record(
        actor=author, subject=child, draft=DecisionDraft(**not_share_fields())
    )
    before.refresh_from_db()
    assert (before.pack_id, after.pack_id) == ("current-law-2026", "scsp-2022")
    with pytest.raises(ValidationError) as excinfo:
        services.pack_choose(actor=officer, pack_id="scsp-2022", reason="Again")
    assert errors_of(excinfo) == {"pack_id": ["already_in_force"]}
    assert ProtocolPackChoice.objects.count() == 1


def test_duty_to_share_requires_the_more_detrimental_test(author, child, monkeypatch):
    from safeshare.decisions.tests.test_aid import CURRENT_DUTY

    monkeypatch.setattr(
        "safeshare.decisions.services.decisions.pack_in_force", lambda: CURRENT_DUTY
    )
    answers = {**not_share_fields()["answers"], "more_detrimental": "yes"}
    errors = refused(author, child, **not_share_fields(answers=answers))
    assert errors["more_detrimental_to_child"] == ["required"]
    assert errors["more_detrimental_reasoning"] == ["required"]
    errors = refused(
        author,
        child,
        **not_share_fields(
            answers=answers, more_detrimental_to_child=False, more_detrimental_reasoning="x"
        ),
    )
    assert errors["outcome"] == ["duty_to_share"]
    decision = services.decision_record(
        actor=author,
        subject=child,
        draft=DecisionDraft(
            **not_share_fields(
                answers=answers,
                more_detrimental_to_child=True,
                more_detrimental_reasoning="Sharing would expose the child to retaliation",
            )
        ),
    )
    assert decision.duty_to_share_applies and decision.more_detrimental_to_child
    text = selectors.decision_text(decision)["more_detrimental_reasoning"]
    assert text == "Sharing would expose the child to retaliation"


def test_more_detrimental_test_is_refused_when_the_duty_is_not_in_force(author, child):
    errors = refused(author, child, **not_share_fields(more_detrimental_to_child=True))
    assert errors["more_detrimental_to_child"] == ["duty_not_applicable"]
