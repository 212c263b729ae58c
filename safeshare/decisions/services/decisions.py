"""Recording a decision to share or not to share, and correcting one (issue #4 items 2, 3).

An adapter builds one `DecisionDraft` and calls one service; `_record` asks the
decision record's questions in the protocol's order (`record_checks`, `sharing_checks`), then
writes the decision, seals its free text and returns its ledger payload.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from safeshare.access.actions import Action
from safeshare.access.policy import require
from safeshare.access.rules.decisions import DecisionTarget
from safeshare.agencies.models import Agency, User
from safeshare.consent.models import Consent
from safeshare.core import clock, event_times
from safeshare.core.errors import Errors, raise_if
from safeshare.core.validation import validate_new
from safeshare.decisions.aid import Recommendation
from safeshare.decisions.models import (
    AdviceRequest,
    AidOutcome,
    ConsentState,
    Decision,
    DecisionOutcome,
)
from safeshare.decisions.selectors import pack_in_force
from safeshare.ledger.kinds import EntryKind
from safeshare.people.models import Person

from . import record_checks, sharing_checks
from ._common import Setting, _agency, _ledger


@dataclass(frozen=True)
class DecisionDraft:
    """What the practitioner decided and why, as the record form or the API gives it
    (Protocol App. 2 Q1-Q7): the aid's answers, the outcome either way, the purpose,
    reasons and information considered, the lawful basis, consent, the safeguarding
    reason, the recipients, the "more detrimental" test under the duty to share, the
    advice sought, and when it was decided if earlier than now."""

    answers: Mapping[str, str]
    outcome: str
    purpose: str
    rationale: str
    information_considered: str
    level_of_need: str = ""
    lawful_basis: str = ""
    special_category_condition: str = ""
    statutory_gateways: Sequence[str] = ()
    consent_state: str = ""
    consent: Consent | None = None  # the consent relied on, or the refusal on file
    purpose_code: str = ""  # needed to rely on consent
    consent_not_sought_reason: str = ""
    safeguarding_reason: str = ""
    recipient_agencies: Sequence[Agency] = ()
    more_detrimental_to_child: bool | None = None
    more_detrimental_reasoning: str = ""
    advice_requests: Sequence[AdviceRequest] = ()
    decided_at: datetime.datetime | None = None  # held to the pack's `recording` bound
    backdating_reason: str = ""  # why it is recorded later than decided
    backdating_explanation: str = ""


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
    draft: DecisionDraft,
    not_before: Iterable[event_times.NotBefore] = (),
    supersedes: Decision | None = None,
) -> tuple[Decision, dict]:
    """Check the draft against the decision record's questions and write the decision and
    its links; returns it and its ledger payload."""
    agency = _agency(actor)
    now = clock.now()
    errors: Errors = {}
    record_checks.check_who(errors, subject=subject, anonymised=anonymised)
    # The pack in force now, at the moment of recording: a decision dated earlier
    # never cites the pack that was in force then (issue #11 item 4).
    pack = pack_in_force()
    when = record_checks.check_when(
        errors,
        pack=pack,
        agency=agency,
        subject=subject,
        decided_at=draft.decided_at,
        now=now,
        reason=draft.backdating_reason,
        explanation=draft.backdating_explanation,
        not_before=not_before,
    )
    as_at = timezone.localdate(when.decided_at)
    recommendation = record_checks.check_answers(
        errors, pack=pack, agency=agency, answers=draft.answers, as_at=as_at
    )
    record_checks.check_outcome(errors, outcome=draft.outcome)
    setting = Setting(
        pack=pack,
        agency=agency,
        subject=subject,
        anonymised=anonymised,
        as_at=as_at,
        sharing=draft.outcome == DecisionOutcome.SHARE,
    )
    reasons = record_checks.check_reasons(
        errors,
        purpose=draft.purpose,
        rationale=draft.rationale,
        information_considered=draft.information_considered,
    )
    level = record_checks.check_level_of_need(
        errors, setting, level_of_need=draft.level_of_need, recommendation=recommendation
    )
    basis = sharing_checks.check_lawful_basis(
        errors,
        setting,
        lawful_basis=draft.lawful_basis,
        special_category_condition=draft.special_category_condition,
    )
    gateways = sharing_checks.check_statutory_gateways(
        errors, setting, statutory_gateways=draft.statutory_gateways
    )
    not_sought_reason = sharing_checks.check_consent(
        errors,
        setting,
        consent_state=draft.consent_state,
        consent=draft.consent,
        purpose_code=draft.purpose_code,
        consent_not_sought_reason=draft.consent_not_sought_reason,
    )
    safeguarding_reason = sharing_checks.check_safeguarding_reason(
        errors,
        setting,
        safeguarding_reason=draft.safeguarding_reason,
        consent_state=draft.consent_state,
        consent_not_sought_reason=not_sought_reason,
        explicit_consent_expected=level.explicit_consent_expected,
    )
    recipients = sharing_checks.check_recipients(
        errors, setting, recipient_agencies=draft.recipient_agencies
    )
    sharing_checks.check_consent_covers(
        errors,
        setting,
        consent_state=draft.consent_state,
        consent=draft.consent,
        purpose_code=draft.purpose_code,
        decided_at=when.decided_at,
        recipients=recipients,
    )
    duty = record_checks.check_duty_to_share(
        errors,
        setting,
        outcome=draft.outcome,
        more_detrimental_to_child=draft.more_detrimental_to_child,
        more_detrimental_reasoning=draft.more_detrimental_reasoning,
    )
    advice = record_checks.check_advice(
        errors, actor=actor, subject=subject, advice_requests=draft.advice_requests
    )
    record_checks.check_not_superseded(errors, supersedes=supersedes)
    raise_if(errors)
    assert recommendation is not None

    consent = draft.consent
    given = consent if draft.consent_state == ConsentState.GIVEN else None
    decision = Decision(
        id=uuid.uuid4(),
        subject=subject,
        anonymised=anonymised,
        agency=agency,
        outcome=draft.outcome,
        decided_by=actor,
        decided_at=when.decided_at,
        supersedes=supersedes,
        pack_id=pack.id,
        pack_version=pack.version,
        level_of_need=level.code,
        answers=recommendation.answers,
        recommendation=recommendation.outcome,
        recommendation_explanation=recommendation.explanation,
        required_fields=list(recommendation.required_fields),
        departs_from_recommendation=departs_from(
            recommendation, draft.outcome, anonymised=anonymised, advice_answered=advice.answered
        ),
        lawful_basis=basis.lawful_basis,
        special_category_condition=basis.special_category_condition,
        statutory_gateways=gateways,
        explicit_consent_expected=level.explicit_consent_expected,
        consent_state=draft.consent_state,
        consent=consent,
        consent_given_by=given.given_by if given is not None else None,
        consent_given_at=given.given_at if given is not None else None,
        purpose_code=draft.purpose_code or "",
        consent_not_sought_reason=not_sought_reason or "",
        safeguarding_reason=safeguarding_reason,
        duty_to_share_applies=duty.applies,
        more_detrimental_to_child=draft.more_detrimental_to_child,
        backdating_reason=when.backdating_reason,
    )

    decision.purpose = reasons.purpose
    decision.rationale = reasons.rationale
    decision.information_considered = reasons.information_considered
    decision.more_detrimental_reasoning = duty.reasoning
    decision.backdating_explanation = when.backdating_explanation
    validate_new(decision)
    decision.save(force_insert=True)
    # The links are new rows of a new decision: insert them, nothing to read first.
    links = Decision.recipient_agencies.through
    links.objects.bulk_create([links(decision=decision, agency=a) for a in recipients])
    links = Decision.advice_requests.through
    links.objects.bulk_create([links(decision=decision, advicerequest=a) for a in advice.requests])
    return decision, _payload(
        decision, recipients=recipients, advice=advice.requests, recorded_at=now
    )


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
    draft: DecisionDraft,
    not_before: Iterable[event_times.NotBefore] = (),
) -> Decision:
    """Record a decision to share or not to share, equally complete either way.

    The aid runs under the pack in force on the answers given; the decision
    stores the pack's id and version, the recommendation and whether it
    departs from it. Enforces Protocol 1.7, 1.13, 6.3, 6.5, 6.7, App. 2 Q1-Q7
    and, where in force, Children Act 2004 s16LA. The draft's decided_at is
    held to the pack's `recording` bound (issue #11 item 4); not_before is what
    the decision cannot be dated before, besides the agency's involvement.
    """
    require(
        actor,
        Action.DECISION_RECORD,
        DecisionTarget(subject=subject),
        "You cannot record a decision about this child.",
    )
    decision, payload = _record(
        actor=actor, subject=subject, anonymised=anonymised, draft=draft, not_before=not_before
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
def decision_supersede(*, actor: User, decision: Decision, draft: DecisionDraft) -> Decision:
    """Correct a decision with a new one that supersedes it; both are kept and readable
    (records are never edited; Protocol 5.2 "Record")."""
    require(actor, Action.DECISION_SUPERSEDE, decision, "You cannot correct this decision.")
    new, payload = _record(
        actor=actor,
        subject=decision.subject,
        anonymised=decision.anonymised,
        draft=draft,
        supersedes=decision,
    )
    _ledger(
        EntryKind.DECISION_SUPERSEDED,
        actor=actor,
        agency=new.agency,
        subject=new.subject,
        payload=payload,
    )
    return new
