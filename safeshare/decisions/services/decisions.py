"""Recording a decision to share or not to share, and correcting one (issue #4 items 2, 3)."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeshare.access.actions import Action
from safeshare.access.policy import can
from safeshare.access.rules.decisions import DecisionTarget
from safeshare.agencies.models import Agency, User
from safeshare.consent import validity as consent_validity
from safeshare.consent.models import Consent, ConsentDecision, SharingPurpose
from safeshare.core import clock, event_times
from safeshare.core.errors import TIMEZONE_MESSAGE, Errors, Forbidden, add_error, raise_if
from safeshare.core.validation import validate_new
from safeshare.decisions import answering
from safeshare.decisions.aid import IncompleteAnswers, Recommendation, recommend
from safeshare.decisions.models import (
    AdviceRequest,
    AdviceResponse,
    AidOutcome,
    ConsentState,
    Decision,
    DecisionOutcome,
)
from safeshare.decisions.packs import Pack
from safeshare.decisions.selectors import pack_in_force
from safeshare.ledger.kinds import EntryKind
from safeshare.people.models import Person
from safeshare.people.sealing import seal_text
from safeshare.people.selectors import involvement_began_on

from ._common import (
    STATUTE_CODE_FOR_LEGAL_REQUIREMENT,
    _agency,
    _catalogue_code,
    _check_subject_not_erased,
    _ledger,
    _text,
)


def departs_from(
    recommendation: Recommendation,
    outcome: str,
    *,
    anonymised: bool,
    advice_answered: bool,
) -> bool:
    """Whether the decision departs from the aid's recommendation, so a safeguarding
    lead reviews it. "Seek advice" is followed when answered advice is attached."""
    rec = recommendation.outcome
    if rec in (AidOutcome.SHARE, AidOutcome.SHARE_WITHOUT_CONSENT):
        return outcome != DecisionOutcome.SHARE
    if rec in (AidOutcome.DO_NOT_SHARE, AidOutcome.SEEK_CONSENT):
        return outcome != DecisionOutcome.NOT_SHARE
    if rec == AidOutcome.ANONYMISE:
        return not (anonymised or outcome == DecisionOutcome.NOT_SHARE)
    return not advice_answered  # seek_advice


def _record(
    *,
    actor: User,
    subject: Person | None,
    anonymised: bool,
    answers: Any,
    outcome: Any,
    purpose: Any,
    rationale: Any,
    information_considered: Any,
    level_of_need: Any = "",
    lawful_basis: Any = "",
    special_category_condition: Any = "",
    statutory_gateways: Iterable[str] = (),
    consent_state: Any = "",
    consent: Consent | None = None,
    purpose_code: Any = "",
    consent_not_sought_reason: Any = "",
    safeguarding_reason: Any = "",
    recipient_agencies: Iterable[Agency] = (),
    more_detrimental_to_child: bool | None = None,
    more_detrimental_reasoning: Any = "",
    advice_requests: Iterable[AdviceRequest] = (),
    decided_at: datetime.datetime | None = None,
    backdating_reason: Any = "",
    backdating_explanation: Any = "",
    not_before: Iterable[event_times.NotBefore] = (),
    supersedes: Decision | None = None,
) -> tuple[Decision, dict]:
    """Validate and write a decision and its links; returns it and its ledger payload."""
    agency = _agency(actor)
    now = clock.now()
    errors: Errors = {}

    # Who the decision is about (Protocol App. 2 Q2): a named child or anonymised information.
    if subject is None and not anonymised:
        add_error(
            errors,
            "subject",
            "Name the child, or say the decision is about anonymised information.",
            "subject_or_anonymised",
        )
    if subject is not None and anonymised:
        add_error(
            errors, "anonymised", "An anonymised decision names no child.", "anonymised_named"
        )
    _check_subject_not_erased(subject, errors)

    # The pack in force now, at the moment of recording: a decision dated earlier
    # never cites the pack that was in force then (issue #11 item 4).
    pack = pack_in_force()

    # When (App. 2 Q7: dated and timed): the time claimed is held to the pack's bound.
    backdating_reason, explanation = _backdating(
        errors,
        pack=pack,
        agency=agency,
        subject=subject,
        decided_at=decided_at,
        now=now,
        reason=backdating_reason,
        explanation=backdating_explanation,
        not_before=not_before,
    )
    decided_at = decided_at if decided_at is not None and clock.is_aware(decided_at) else now
    as_at = timezone.localdate(decided_at)

    # The aid's recommendation for the answers given.
    recommendation: Recommendation | None = None
    if not isinstance(answers, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in answers.items()
    ):
        add_error(
            errors,
            "answers",
            "Give the answers as question codes and answer codes.",
            "answers_format",
        )
    else:
        try:
            recommendation = recommend(pack, answers, as_at=as_at, agency_type=agency.agency_type)
        except IncompleteAnswers as incomplete:
            add_error(
                errors,
                f"answers.{incomplete.question.id}",
                f"Answer the question: {incomplete.question.text}",
                "answers_incomplete",
            )
        except ValidationError as error:
            for field, messages in error.error_dict.items():
                errors.setdefault(field, []).extend(messages)

    if outcome not in DecisionOutcome.values:
        add_error(
            errors, "outcome", "Choose whether you decided to share or not.", "choice_unknown"
        )
    sharing = outcome == DecisionOutcome.SHARE

    purpose = _text(errors, "purpose", purpose, "the purpose")
    rationale = _text(errors, "rationale", rationale, "the reasons for your decision")
    information_considered = _text(
        errors, "information_considered", information_considered, "what information you considered"
    )

    # Level of need (App. 2 Early Help, Safeguarding): from the aid, or given with it.
    level_from_aid = recommendation.level_of_need if recommendation else None
    if level_from_aid and pack.item("levels_of_need", level_from_aid) is not None:
        if level_of_need and level_of_need != level_from_aid:
            add_error(
                errors,
                "level_of_need",
                "The level of need must match your answer in the decision aid.",
                "level_mismatch",
            )
        level_of_need = level_from_aid
    elif level_of_need or not anonymised:
        if not level_of_need:
            add_error(errors, "level_of_need", "Choose the child's level of need.", "required")
        else:
            level_of_need = _catalogue_code(
                errors, "level_of_need", pack, "levels_of_need", level_of_need, as_at=as_at
            )
    level = pack.item("levels_of_need", level_of_need) if level_of_need else None
    explicit_consent_expected = bool(level and level.explicit_consent_required)

    # Lawful basis for processing (Protocol 1.7; UK GDPR Art 6, Art 9; statute), kept
    # apart from the practice requirement of explicit agreement (App. 2 Early Help).
    if lawful_basis:
        lawful_basis = _catalogue_code(
            errors,
            "lawful_basis",
            pack,
            "lawful_bases",
            lawful_basis,
            as_at=as_at,
            agency_type=agency.agency_type,
        )
    elif sharing:
        add_error(
            errors, "lawful_basis", "Sharing needs a lawful basis (UK GDPR Art 6).", "required"
        )
    if special_category_condition:
        special_category_condition = _catalogue_code(
            errors,
            "special_category_condition",
            pack,
            "special_category_conditions",
            special_category_condition,
            as_at=as_at,
        )
    elif sharing and not anonymised:
        add_error(
            errors,
            "special_category_condition",
            "Sharing about a child needs an Art 9 condition (Protocol 1.13).",
            "required",
        )
    gateways: list[str] = []
    if isinstance(statutory_gateways, str) or not isinstance(statutory_gateways, Iterable):
        add_error(errors, "statutory_gateways", "Give a list of statute codes.", "list_required")
    else:
        for code in statutory_gateways:
            before = len(errors.get("statutory_gateways", []))
            value = _catalogue_code(
                errors, "statutory_gateways", pack, "statutory_gateways", code, as_at=as_at
            )
            if len(errors.get("statutory_gateways", [])) == before and value not in gateways:
                gateways.append(value)

    # Consent (App. 2 Q4): given (citing the consent record relied on, for a purpose);
    # refused (optionally citing the refusal on file); not sought with a reason.
    if consent_state not in ConsentState.values:
        add_error(errors, "consent_state", "Choose the state of consent.", "choice_unknown")
    if consent_state == ConsentState.GIVEN:
        if subject is None:
            add_error(
                errors, "consent_state", "Consent is given by a named person.", "consent_no_subject"
            )
        elif consent is None:
            add_error(errors, "consent_id", "Choose the consent you rely on.", "required")
        if purpose_code not in SharingPurpose.values:
            add_error(
                errors,
                "purpose_code",
                "Choose the purpose, so the consent can be checked against it.",
                "required" if not purpose_code else "choice_unknown",
            )
    elif consent is not None and (
        consent_state != ConsentState.REFUSED
        or consent.decision != ConsentDecision.REFUSED
        or subject is None
        or consent.child_id != subject.pk
        or consent.agency_id != agency.pk
    ):
        add_error(
            errors,
            "consent_id",
            "Cite a consent record only when relying on consent, or the refusal on file "
            "about this child when consent was refused.",
            "consent_not_applicable",
        )
    if purpose_code and purpose_code not in SharingPurpose.values and "purpose_code" not in errors:
        add_error(errors, "purpose_code", "Choose the purpose from the list.", "choice_unknown")
    if consent_state == ConsentState.NOT_SOUGHT:
        if not consent_not_sought_reason:
            add_error(
                errors,
                "consent_not_sought_reason",
                "Give the reason consent was not sought (Protocol 6.3, 6.7).",
                "required",
            )
        else:
            consent_not_sought_reason = _catalogue_code(
                errors,
                "consent_not_sought_reason",
                pack,
                "consent_not_sought_reasons",
                consent_not_sought_reason,
                as_at=as_at,
            )
    elif consent_not_sought_reason:
        add_error(
            errors,
            "consent_not_sought_reason",
            "Only give a reason for not seeking consent if it was not sought.",
            "consent_sought",
        )
    if consent_state == ConsentState.NOT_APPLICABLE and sharing and not anonymised:
        add_error(
            errors,
            "consent_state",
            "Sharing about a child needs consent given, refused or not sought.",
            "consent_applies",
        )

    # Sharing without consent needs a safeguarding reason (App. 2 Q5; 6.3, 6.5); at Early
    # Help, where explicit consent is needed, it is otherwise refused.
    without_consent = (
        sharing
        and not anonymised
        and consent_state
        in (
            ConsentState.REFUSED,
            ConsentState.NOT_SOUGHT,
        )
    )
    legal_requirement = consent_not_sought_reason == STATUTE_CODE_FOR_LEGAL_REQUIREMENT
    if safeguarding_reason:
        safeguarding_reason = _catalogue_code(
            errors,
            "safeguarding_reason",
            pack,
            "safeguarding_reasons",
            safeguarding_reason,
            as_at=as_at,
        )
    elif without_consent and not legal_requirement:
        if explicit_consent_expected:
            message = (
                "At Early Help explicit consent is needed: sharing without it needs a "
                "safeguarding reason (Protocol App. 2 Early Help, Q5)."
            )
            code = "early_help_needs_consent"
        else:
            message = "Sharing without consent needs a safeguarding reason (Protocol 6.3, 6.5)."
            code = "required"
        add_error(errors, "safeguarding_reason", message, code)

    # With whom (App. 2 Q6): only when sharing, never one's own agency.
    recipients = list({a.pk: a for a in recipient_agencies}.values())  # each agency once
    if sharing and not recipients:
        add_error(errors, "recipient_agencies", "Choose who the information goes to.", "required")
    if not sharing and recipients:
        add_error(
            errors,
            "recipient_agencies",
            "Only a decision to share names recipients.",
            "recipients_not_sharing",
        )
    if any(a.pk == agency.pk for a in recipients):
        add_error(
            errors, "recipient_agencies", "Your own agency is not a recipient.", "recipient_self"
        )

    # The consent relied on must cover this child, purpose and each recipient, and be in
    # force at the moment of deciding (issue #5 item 3).
    if consent_state == ConsentState.GIVEN and consent is not None and subject is not None:
        need = consent_validity.Need(
            child=subject,
            agency=agency,
            at=decided_at,
            purpose=purpose_code if purpose_code in SharingPurpose.values else None,
            recipients=recipients if sharing else (),
        )
        fields = {"purpose": "purpose_code", "recipient": "recipient_agencies"}
        for problem in consent_validity.problems(consent, need):
            add_error(errors, fields.get(problem.part, "consent_id"), problem.message, problem.code)

    # The duty to share (Children Act 2004 s16LA): not sharing records the
    # "more detrimental to the child" test and its reasoning.
    duty = pack.duty_to_share_in_force(as_at)
    reasoning = _text(
        errors,
        "more_detrimental_reasoning",
        more_detrimental_reasoning,
        "why sharing would be more detrimental to the child",
        required=False,
    )
    if duty and outcome == DecisionOutcome.NOT_SHARE and not anonymised:
        if more_detrimental_to_child is None:
            add_error(
                errors,
                "more_detrimental_to_child",
                "Under the duty to share, say whether sharing would be more detrimental to the "
                "child than not sharing (Children Act 2004 s16LA).",
                "required",
            )
        elif more_detrimental_to_child is False:
            add_error(
                errors,
                "outcome",
                "The duty to share applies unless sharing would be more detrimental to the "
                "child (Children Act 2004 s16LA).",
                "duty_to_share",
            )
        if not reasoning:
            add_error(
                errors,
                "more_detrimental_reasoning",
                "Explain why sharing would be more detrimental to the child.",
                "required",
            )
    elif more_detrimental_to_child is not None or reasoning:
        add_error(
            errors,
            "more_detrimental_to_child",
            'The "more detrimental" test is recorded only for a decision not to share under '
            "the duty to share.",
            "duty_not_applicable",
        )

    # Advice sought (issue #4 item 7): the asker's own, about the same child.
    advice = list({a.pk: a for a in advice_requests}.values())
    for item in advice:
        if item.asked_by_id != actor.pk or item.subject_id != (subject.pk if subject else None):
            add_error(
                errors,
                "advice_requests",
                "Attach advice you asked about this child.",
                "advice_not_yours",
            )
            break
    advice_answered = bool(advice and AdviceResponse.objects.filter(request__in=advice).exists())

    if supersedes is not None:
        if Decision.objects.select_for_update().filter(supersedes=supersedes).exists():
            add_error(
                errors,
                "decision",
                "This decision has already been corrected; correct the latest one.",
                "already_superseded",
            )
    raise_if(errors)
    assert recommendation is not None

    decision = Decision(
        id=uuid.uuid4(),
        subject=subject,
        anonymised=anonymised,
        agency=agency,
        outcome=outcome,
        decided_by=actor,
        decided_at=decided_at,
        supersedes=supersedes,
        pack_id=pack.id,
        pack_version=pack.version,
        level_of_need=level_of_need or "",
        answers=recommendation.answers,
        recommendation=recommendation.outcome,
        recommendation_explanation=recommendation.explanation,
        required_fields=list(recommendation.required_fields),
        departs_from_recommendation=departs_from(
            recommendation, outcome, anonymised=anonymised, advice_answered=advice_answered
        ),
        lawful_basis=lawful_basis or "",
        special_category_condition=special_category_condition or "",
        statutory_gateways=gateways,
        explicit_consent_expected=explicit_consent_expected,
        consent_state=consent_state,
        consent=consent,
        consent_given_by=consent.given_by if consent_state == ConsentState.GIVEN else None,
        consent_given_at=consent.given_at if consent_state == ConsentState.GIVEN else None,
        purpose_code=purpose_code or "",
        consent_not_sought_reason=consent_not_sought_reason or "",
        safeguarding_reason=safeguarding_reason or "",
        duty_to_share_applies=duty,
        more_detrimental_to_child=more_detrimental_to_child,
        backdating_reason=backdating_reason,
    )

    def seal(field: str, text: str) -> bytes:
        return seal_text(subject, record_id=decision.id, field=field, text=text)

    decision.purpose_enc = seal("purpose", purpose)
    decision.rationale_enc = seal("rationale", rationale)
    decision.information_considered_enc = seal("information_considered", information_considered)
    decision.more_detrimental_reasoning_enc = (
        seal("more_detrimental_reasoning", reasoning) if reasoning else None
    )
    decision.backdating_explanation_enc = (
        seal("backdating_explanation", explanation) if explanation else None
    )
    validate_new(decision)
    decision.save(force_insert=True)
    # The links are new rows of a new decision: insert them, nothing to read first.
    links = Decision.recipient_agencies.through
    links.objects.bulk_create([links(decision=decision, agency=a) for a in recipients])
    links = Decision.advice_requests.through
    links.objects.bulk_create([links(decision=decision, advicerequest=a) for a in advice])
    return decision, _payload(decision, recipients=recipients, advice=advice, recorded_at=now)


def _backdating(
    errors: Errors,
    *,
    pack: Pack,
    agency: Agency,
    subject: Person | None,
    decided_at: Any,
    now: datetime.datetime,
    reason: Any,
    explanation: Any,
    not_before: Iterable[event_times.NotBefore],
) -> tuple[str, str]:
    """Check the time a decision is dated against the pack's bound (`core.event_times`):
    not in the future, at most the pack's limit back, never before the agency's
    involvement with the child nor the request it answers, and with a reason from the
    pack's list when earlier than now. Returns the reason code and explanation."""
    explanation = _text(
        errors,
        "backdating_explanation",
        explanation,
        "why the decision is recorded later",
        required=False,
    )
    reason = "" if reason is None else reason if isinstance(reason, str) else "?"
    began = involvement_began_on(agency=agency, person=subject) if subject is not None else None
    bounds = [*not_before, *event_times.after_involvement(began)]
    if decided_at is not None and not isinstance(decided_at, datetime.datetime):
        add_error(errors, "decided_at", TIMEZONE_MESSAGE, "invalid")
        decided_at = None
    checked = event_times.check(
        at=decided_at,
        recorded_at=now,
        rules=pack.recording,
        not_before=bounds,
        reason=reason,
        explanation_given=bool(explanation),
        label="the decision",
    )
    for problem in checked.problems:
        field = event_times.field_for(problem, at_field="decided_at")
        add_error(errors, field, problem.message, problem.code)
    return reason, explanation


def _payload(
    decision: Decision,
    *,
    recipients: Iterable[Agency],
    advice: Iterable[AdviceRequest],
    recorded_at: datetime.datetime,
) -> dict:
    """The ledger's record of a decision, from the values just written: codes, ids and
    the two times, when it says it was decided and when it was recorded."""
    return {
        "decision": str(decision.pk),
        "decided_at": decision.decided_at.isoformat(),
        "recorded_at": recorded_at.isoformat(),
        "backdating_reason": decision.backdating_reason,
        "outcome": decision.outcome,
        "recommendation": decision.recommendation,
        "departs_from_recommendation": decision.departs_from_recommendation,
        "pack_id": decision.pack_id,
        "pack_version": decision.pack_version,
        "level_of_need": decision.level_of_need,
        "lawful_basis": decision.lawful_basis,
        "special_category_condition": decision.special_category_condition,
        "statutory_gateways": list(decision.statutory_gateways),
        "consent_state": decision.consent_state,
        "consent": str(decision.consent_id) if decision.consent_id else None,
        "purpose_code": decision.purpose_code,
        "consent_not_sought_reason": decision.consent_not_sought_reason,
        "safeguarding_reason": decision.safeguarding_reason,
        "anonymised": decision.anonymised,
        "recipient_agencies": sorted({str(a.pk) for a in recipients}),
        "advice_requests": sorted({str(a.pk) for a in advice}),
        "supersedes": str(decision.supersedes_id) if decision.supersedes_id else None,
    }


@transaction.atomic
def decision_record(
    *,
    actor: User,
    subject: Person | None,
    anonymised: bool = False,
    answers: Mapping[str, str],
    outcome: str,
    purpose: str,
    rationale: str,
    information_considered: str,
    **fields: Any,
) -> Decision:
    """Record a decision to share or not to share, equally complete either way.

    The aid runs under the pack in force on the answers given; the decision
    stores the pack's id and version, the recommendation and whether it
    departs from it. Enforces Protocol 1.7, 1.13, 6.3, 6.5, 6.7, App. 2 Q1-Q7
    and, where in force, Children Act 2004 s16LA. Other keyword arguments:
    level_of_need, lawful_basis, special_category_condition, statutory_gateways,
    consent_state, consent (the consent record relied on, or the refusal on file),
    purpose_code (needed to rely on consent), consent_not_sought_reason,
    safeguarding_reason, recipient_agencies, more_detrimental_to_child,
    more_detrimental_reasoning, advice_requests, decided_at (held to the pack's
    `recording` bound, issue #11 item 4), backdating_reason and
    backdating_explanation (why it is recorded later than decided), not_before
    (what the decision cannot be dated before, besides the agency's involvement).
    """
    if not can(actor, Action.DECISION_RECORD, DecisionTarget(subject=subject)):
        raise Forbidden("You cannot record a decision about this child.")
    decision, payload = _record(
        actor=actor,
        subject=subject,
        anonymised=anonymised,
        answers=answers,
        outcome=outcome,
        purpose=purpose,
        rationale=rationale,
        information_considered=information_considered,
        **fields,
    )
    _ledger(
        EntryKind.DECISION_RECORDED,
        actor=actor,
        agency=decision.agency,
        subject=decision.subject,
        payload=payload,
    )
    return decision


@transaction.atomic
def decision_record_answering(
    *,
    actor: User,
    subject: Person | None,
    answering_kind: str,
    answering_id: str,
    **fields: Any,
) -> tuple[Decision, answering.Answered]:
    """Record a decision and, in the same transaction, answer the record the decision aid
    was started from (an information request: Protocol App. 2 Q7, the decision either
    way is the answer).

    The higher app that owns the record answers it through its own service and
    ledger entry (`decisions.answering`). The record is locked first, before the
    decision's ledger entry, the order a withdrawal or an answer from the
    record's page takes too (no deadlock); if it cannot be answered (withdrawn
    or already answered meanwhile: `answering.RecordClosed`) nothing is
    recorded. Fields as `decision_record`.
    """
    prepared = answering.prepare(answering_kind, actor=actor, record_id=answering_id)
    not_before = answering.not_before(prepared)
    decision = decision_record(actor=actor, subject=subject, not_before=not_before, **fields)
    answered = answering.answer(prepared, actor=actor, decision=decision)
    return decision, answered


@transaction.atomic
def decision_supersede(
    *,
    actor: User,
    decision: Decision,
    answers: Mapping[str, str],
    outcome: str,
    purpose: str,
    rationale: str,
    information_considered: str,
    **fields: Any,
) -> Decision:
    """Correct a decision with a new one that supersedes it; both are kept and readable
    (records are never edited; Protocol 5.2 "Record")."""
    if not can(actor, Action.DECISION_SUPERSEDE, decision):
        raise Forbidden("You cannot correct this decision.")
    new, payload = _record(
        actor=actor,
        subject=decision.subject,
        anonymised=decision.anonymised,
        answers=answers,
        outcome=outcome,
        purpose=purpose,
        rationale=rationale,
        information_considered=information_considered,
        supersedes=decision,
        **fields,
    )
    _ledger(
        EntryKind.DECISION_SUPERSEDED,
        actor=actor,
        agency=new.agency,
        subject=new.subject,
        payload=payload,
    )
    return new
