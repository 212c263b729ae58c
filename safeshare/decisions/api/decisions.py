"""Decisions API: the decision aid, decision records and reviews.

Adapters only: parse, fetch through access, call one service, shape the reply.
The child's identity never travels in a URL; answers are codes.
"""

import datetime
import uuid

from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from safeshare.access.actions import Action
from safeshare.access.fetch.decisions import get_decision_for
from safeshare.access.fetch.people import get_person_for
from safeshare.access.policy import require
from safeshare.access.rules.decisions import DecisionTarget
from safeshare.agencies.models import User
from safeshare.agencies.selectors import agency_list_by_ids
from safeshare.consent.selectors import consent_get_for_child
from safeshare.core import clock
from safeshare.core.paging import LimitOffset, Rows
from safeshare.decisions import aid, selectors, services
from safeshare.decisions.models import Decision
from safeshare.decisions.services import DecisionDraft
from safeshare.people.models import Person

from ._common import CODE, TEXT, _invalid, _text

router = Router(tags=["decisions"])


# ---------------------------------------------------------------------------
# Schemas
# ---------------------------------------------------------------------------


class AidIn(Schema):
    answers: dict[str, str] = Field(default_factory=dict)


class OptionOut(Schema):
    code: str
    label: str


class QuestionOut(Schema):
    id: str
    text: str
    hint: str
    paragraphs: list[str]
    options: list[OptionOut]


class AidOut(Schema):
    pack_id: str
    pack_version: str
    complete: bool
    next_question: QuestionOut | None
    outcome: str | None
    required_fields: list[str]
    explanation: str
    answers: dict[str, str]


class DecisionIn(Schema):
    subject: uuid.UUID | None = None
    anonymised: bool = False
    answers: dict[str, str]
    outcome: str = Field(max_length=20)
    purpose: str = TEXT
    rationale: str = TEXT
    information_considered: str = TEXT
    level_of_need: str = CODE
    lawful_basis: str = CODE
    special_category_condition: str = CODE
    statutory_gateways: list[str] = Field(default_factory=list, max_length=20)
    consent_state: str = CODE
    consent_id: uuid.UUID | None = None
    purpose_code: str = CODE
    consent_not_sought_reason: str = CODE
    safeguarding_reason: str = CODE
    recipient_agencies: list[uuid.UUID] = Field(default_factory=list, max_length=50)
    more_detrimental_to_child: bool | None = None
    more_detrimental_reasoning: str = TEXT
    advice_requests: list[uuid.UUID] = Field(default_factory=list, max_length=20)
    decided_at: datetime.datetime | None = Field(
        None,
        description="When the decision was made, with its time zone (left out: now). Not in "
        "the future, at most the pack's backdating limit ago, never before your agency's "
        "involvement with the child; earlier than now needs backdating_reason.",
    )
    backdating_reason: str = Field(
        default="",
        max_length=40,
        description="Why the decision is recorded later than it was made: a code of the "
        "pack in force's recording.backdating_reasons.",
    )
    backdating_explanation: str = TEXT


class SupersedeIn(DecisionIn):
    subject: None = None  # the correction is about the same child
    anonymised: bool = False


class ReviewIn(Schema):
    outcome: str = Field(max_length=30)
    comments: str = TEXT


class ReviewOut(Schema):
    id: uuid.UUID
    reviewed_by: uuid.UUID
    reviewed_at: datetime.datetime
    outcome: str
    comments: str | None


class DecisionSummaryOut(Schema):
    id: uuid.UUID
    subject: uuid.UUID | None
    anonymised: bool
    outcome: str
    recommendation: str
    departs_from_recommendation: bool
    decided_by: uuid.UUID
    decided_at: datetime.datetime
    recorded_at: datetime.datetime
    pack_id: str
    pack_version: str
    supersedes: uuid.UUID | None
    is_superseded: bool


class DecisionOut(DecisionSummaryOut):
    agency: uuid.UUID
    superseded_by: uuid.UUID | None
    purpose: str | None
    level_of_need: str
    answers: dict[str, str]
    recommendation_explanation: str
    required_fields: list[str]
    rationale: str | None
    lawful_basis: str
    special_category_condition: str
    statutory_gateways: list[str]
    explicit_consent_expected: bool
    consent_state: str
    consent_given_by: uuid.UUID | None
    consent_given_at: datetime.datetime | None
    consent_id: uuid.UUID | None
    purpose_code: str
    consent_not_sought_reason: str
    safeguarding_reason: str
    information_considered: str | None
    recipient_agencies: list[uuid.UUID]
    duty_to_share_applies: bool
    more_detrimental_to_child: bool | None
    more_detrimental_reasoning: str | None
    advice_requests: list[uuid.UUID]
    backdating_reason: str
    backdating_explanation: str | None
    reviews: list[ReviewOut]


# ---------------------------------------------------------------------------
# Shaping
# ---------------------------------------------------------------------------


def _summary(d: Decision) -> dict:
    return {
        "id": d.id,
        "subject": d.subject_id,
        "anonymised": d.anonymised,
        "outcome": d.outcome,
        "recommendation": d.recommendation,
        "departs_from_recommendation": d.departs_from_recommendation,
        "decided_by": d.decided_by_id,
        "decided_at": d.decided_at,
        "recorded_at": d.created_at,
        "pack_id": d.pack_id,
        "pack_version": d.pack_version,
        "supersedes": d.supersedes_id,
        "is_superseded": d.is_superseded,
    }


def _decision_out(decision: Decision) -> dict:
    d = selectors.decision_get_detail(decision=decision)
    text = selectors.decision_text(d)
    return {
        **_summary(d),
        "agency": d.agency_id,
        "superseded_by": getattr(d, "superseded_by_pk", None),
        "purpose": _text(text["purpose"]),
        "level_of_need": d.level_of_need,
        "answers": d.answers,
        "recommendation_explanation": d.recommendation_explanation,
        "required_fields": d.required_fields,
        "rationale": _text(text["rationale"]),
        "lawful_basis": d.lawful_basis,
        "special_category_condition": d.special_category_condition,
        "statutory_gateways": d.statutory_gateways,
        "explicit_consent_expected": d.explicit_consent_expected,
        "consent_state": d.consent_state,
        "consent_given_by": d.consent_given_by_id,
        "consent_given_at": d.consent_given_at,
        "consent_id": d.consent_id,
        "purpose_code": d.purpose_code,
        "consent_not_sought_reason": d.consent_not_sought_reason,
        "safeguarding_reason": d.safeguarding_reason,
        "information_considered": _text(text["information_considered"]),
        "recipient_agencies": [a.id for a in d.recipient_agencies.all()],
        "duty_to_share_applies": d.duty_to_share_applies,
        "more_detrimental_to_child": d.more_detrimental_to_child,
        "more_detrimental_reasoning": _text(text["more_detrimental_reasoning"]),
        "advice_requests": [a.id for a in d.advice_requests.all()],
        "backdating_reason": d.backdating_reason,
        "backdating_explanation": _text(text["backdating_explanation"]),
        "reviews": [
            {
                "id": r.id,
                "reviewed_by": r.reviewed_by_id,
                "reviewed_at": r.reviewed_at,
                "outcome": r.outcome,
                "comments": _text(selectors.review_text(r)),
            }
            for r in d.reviews.all()
        ],
    }


def _question_out(question) -> dict:
    return {
        "id": question.id,
        "text": question.text,
        "hint": question.hint,
        "paragraphs": list(question.paragraphs),
        "options": [{"code": o.code, "label": o.label} for o in question.options],
    }


# ---------------------------------------------------------------------------
# Resolving ids in the body (errors name the body's field)
# ---------------------------------------------------------------------------


def _draft(user: User, payload: DecisionIn, subject: Person | None) -> DecisionDraft:
    """The body as a draft, its ids resolved to what the user may cite."""
    agencies = agency_list_by_ids(payload.recipient_agencies)
    if len(agencies) != len(set(payload.recipient_agencies)):
        raise _invalid("recipient_agencies", "Choose agencies that exist.", "unknown_agency")
    advice = list(selectors.advice_list(user=user).filter(pk__in=payload.advice_requests))
    if len(advice) != len(set(payload.advice_requests)):
        raise _invalid("advice_requests", "Attach advice you asked for.", "unknown_advice")
    consent = None
    if payload.consent_id is not None:
        consent = (
            consent_get_for_child(user, subject, payload.consent_id)
            if subject is not None
            else None
        )
        if consent is None:
            raise _invalid(
                "consent_id",
                "Choose a consent or refusal about this child that your agency recorded.",
                "unknown_consent",
            )
    return DecisionDraft(
        answers=payload.answers,
        outcome=payload.outcome,
        purpose=payload.purpose,
        rationale=payload.rationale,
        information_considered=payload.information_considered,
        level_of_need=payload.level_of_need,
        lawful_basis=payload.lawful_basis,
        special_category_condition=payload.special_category_condition,
        statutory_gateways=payload.statutory_gateways,
        consent_state=payload.consent_state,
        consent=consent,
        purpose_code=payload.purpose_code,
        consent_not_sought_reason=payload.consent_not_sought_reason,
        safeguarding_reason=payload.safeguarding_reason,
        recipient_agencies=agencies,
        more_detrimental_to_child=payload.more_detrimental_to_child,
        more_detrimental_reasoning=payload.more_detrimental_reasoning,
        advice_requests=advice,
        decided_at=payload.decided_at,
        backdating_reason=payload.backdating_reason,
        backdating_explanation=payload.backdating_explanation,
    )


# ---------------------------------------------------------------------------
# Decisions
# ---------------------------------------------------------------------------


@router.post("/aid", response=AidOut, operation_id="decisions_aid_preview")
def decisions_aid_preview(request, payload: AidIn):
    """Run the decision aid on answers under the pack in force; nothing is written."""
    user = request.auth
    require(user, Action.DECISION_RECORD, DecisionTarget(subject=None))
    pack = selectors.pack_in_force()
    today = clock.today()
    base = {"pack_id": pack.id, "pack_version": pack.version}
    try:
        rec = aid.recommend(pack, payload.answers, as_at=today, agency_type=user.agency.agency_type)
    except aid.IncompleteAnswers as incomplete:
        answered = aid.questions_answered(pack, payload.answers, as_at=today)
        return {
            **base,
            "complete": False,
            "next_question": _question_out(incomplete.question),
            "outcome": None,
            "required_fields": [],
            "explanation": "",
            "answers": {q.id: payload.answers[q.id] for q in answered},
        }
    return {
        **base,
        "complete": True,
        "next_question": None,
        "outcome": rec.outcome,
        "required_fields": list(rec.required_fields),
        "explanation": rec.explanation,
        "answers": rec.answers,
    }


@router.post("", response={201: DecisionOut}, operation_id="decisions_record")
def decisions_record(request, payload: DecisionIn):
    """Record a decision to share or not to share about a child (or anonymised)."""
    user = request.auth
    subject = (
        get_person_for(user, payload.subject, action=Action.PERSON_VIEW)
        if payload.subject
        else None
    )
    require(user, Action.DECISION_RECORD, DecisionTarget(subject=subject))
    decision = services.decision_record(
        actor=user,
        subject=subject,
        anonymised=payload.anonymised,
        draft=_draft(user, payload, subject),
    )
    return Status(201, _decision_out(decision))


@router.get("/departures", response=list[DecisionSummaryOut], operation_id="decisions_departures")
@paginate(LimitOffset)
def decisions_departures(request):
    """Decisions departing from the aid's recommendation that await your review, oldest
    first."""
    return Rows(selectors.decision_departures_awaiting_review(user=request.auth), _summary)


@router.get(
    "/people/{person_id}",
    response=list[DecisionSummaryOut],
    operation_id="decisions_list_for_person",
)
@paginate(LimitOffset)
def decisions_list_for_person(request, person_id: str):
    """Your agency's decisions about a person, newest first, superseded ones included."""
    person = get_person_for(request.auth, person_id, action=Action.PERSON_VIEW)
    return Rows(selectors.decision_list_for_person(user=request.auth, person=person), _summary)


@router.get("/{decision_id}", response=DecisionOut, operation_id="decisions_get")
def decisions_get(request, decision_id: str):
    """One of your agency's decisions, with its reviews and whether it was superseded."""
    decision = get_decision_for(request.auth, decision_id, action=Action.DECISION_VIEW)
    return _decision_out(decision)


@router.post(
    "/{decision_id}/supersede", response={201: DecisionOut}, operation_id="decisions_supersede"
)
def decisions_supersede(request, decision_id: str, payload: SupersedeIn):
    """Correct a decision with a new one; both are kept."""
    user = request.auth
    decision = get_decision_for(user, decision_id, action=Action.DECISION_SUPERSEDE)
    new = services.decision_supersede(
        actor=user, decision=decision, draft=_draft(user, payload, decision.subject)
    )
    return Status(201, _decision_out(new))


@router.post("/{decision_id}/reviews", response={201: ReviewOut}, operation_id="decisions_review")
def decisions_review(request, decision_id: str, payload: ReviewIn):
    """A safeguarding lead reviews a decision that departs from the recommendation."""
    user = request.auth
    decision = get_decision_for(user, decision_id, action=Action.DECISION_REVIEW)
    review = services.decision_review(actor=user, decision=decision, **payload.dict())
    return Status(
        201,
        {
            "id": review.id,
            "reviewed_by": review.reviewed_by_id,
            "reviewed_at": review.reviewed_at,
            "outcome": review.outcome,
            "comments": _text(selectors.review_text(review)),
        },
    )
