"""Reads of decisions, advice and protocol packs; case reads start from `visible`.

List selectors use a fixed number of queries whatever their length: related
rows are joined or prefetched, and "superseded" is an annotation.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from safeshare.access.policy import visible
from safeshare.agencies.models import Role, User
from safeshare.core import clock
from safeshare.core.sealed import ErasedText
from safeshare.decisions.models import (
    AdviceRequest,
    AdviceResponse,
    Decision,
    DecisionReview,
    ProtocolPackChoice,
)
from safeshare.decisions.packs import Pack, all_packs, get_pack
from safeshare.people.models import Person

# ---------------------------------------------------------------------------
# Protocol packs (no case content)
# ---------------------------------------------------------------------------


def pack_choice_latest() -> ProtocolPackChoice | None:
    return (
        ProtocolPackChoice.objects.select_related("chosen_by")
        .order_by("-chosen_at", "-created_at")
        .first()
    )


def pack_in_force() -> Pack:
    """The pack the partnership officer chose last, else SAFESHARE_DEFAULT_PACK."""
    chosen = (
        ProtocolPackChoice.objects.order_by("-chosen_at", "-created_at")
        .values_list("pack_id", flat=True)
        .first()
    )
    if chosen is not None and chosen in all_packs():
        return get_pack(chosen)
    return get_pack(settings.SAFESHARE_DEFAULT_PACK)


def pack_choice_list() -> QuerySet[ProtocolPackChoice]:
    """Every choice of pack, newest first (the history of what was in force)."""
    return ProtocolPackChoice.objects.select_related("chosen_by").order_by(
        "-chosen_at", "-created_at"
    )


@dataclass(frozen=True)
class PackSummary:
    pack: Pack
    in_force: bool
    review_overdue: bool


def pack_list(*, on: datetime.date | None = None) -> list[PackSummary]:
    """Every shipped pack, which one is in force and whether its review is overdue."""
    on = on or clock.today()
    current = pack_in_force()
    return [
        PackSummary(pack=p, in_force=p.id == current.id, review_overdue=p.review_overdue(on))
        for p in all_packs().values()
    ]


# ---------------------------------------------------------------------------
# Decisions
# ---------------------------------------------------------------------------


def _decisions(user: Any) -> QuerySet[Decision]:
    return (
        visible(user, Decision.objects.all())
        .select_related("subject", "agency", "decided_by", "supersedes")
        .with_superseded_by()
    )


def decision_list_for_person(*, user: Any, person: Person) -> QuerySet[Decision]:
    """The user's agency's decisions about a person, newest first, superseded ones too."""
    return _decisions(user).filter(subject=person).order_by("-decided_at", "-created_at", "-id")


def decision_list_for_agency(*, user: Any) -> QuerySet[Decision]:
    """The user's agency's decisions, newest first (id breaks ties, for paging)."""
    return _decisions(user).order_by("-decided_at", "-created_at", "-id")


def decision_departures_awaiting_review(*, user: Any) -> QuerySet[Decision]:
    """Decisions departing from the aid's recommendation, not yet reviewed nor corrected,
    that this safeguarding lead may review (not their own)."""
    if not getattr(user, "is_authenticated", False) or not user.has_role(Role.SAFEGUARDING_LEAD):
        return Decision.objects.none()
    reviewed = DecisionReview.objects.filter(decision=OuterRef("pk"))
    return (
        _decisions(user)
        .current()
        .filter(departs_from_recommendation=True)
        .exclude(decided_by=user)
        .exclude(Exists(reviewed))
        .order_by("decided_at", "created_at", "id")
    )


def decision_get_detail(*, decision: Decision) -> Decision:
    """The decision with everything its detail page and API show, in fixed queries."""
    return (
        Decision.objects.select_related(
            "subject", "agency", "decided_by", "supersedes", "consent_given_by"
        )
        .with_superseded_by()
        .prefetch_related(
            "recipient_agencies",
            Prefetch("reviews", queryset=DecisionReview.objects.select_related("reviewed_by")),
            Prefetch(
                "advice_requests",
                queryset=AdviceRequest.objects.select_related(
                    "adviser", "asked_by", "response", "response__given_by"
                ),
            ),
        )
        .get(pk=decision.pk)
    )


def decision_text(decision: Decision) -> dict[str, str | ErasedText | None]:
    """The decision's sealed texts, opened under its subject's key."""

    return {
        "purpose": decision.purpose,
        "rationale": decision.rationale,
        "information_considered": decision.information_considered,
        "more_detrimental_reasoning": decision.more_detrimental_reasoning,
        "backdating_explanation": decision.backdating_explanation,
    }


def review_text(review: DecisionReview) -> str | ErasedText | None:
    return review.comments


# ---------------------------------------------------------------------------
# Advice
# ---------------------------------------------------------------------------


def _advice(user: Any) -> QuerySet[AdviceRequest]:
    return visible(user, AdviceRequest.objects.all()).select_related(
        "subject", "asked_by", "adviser", "response", "response__given_by"
    )


def advice_list(*, user: Any) -> QuerySet[AdviceRequest]:
    """Every advice request the user may see (asked by or put to them)."""
    return visible(user, AdviceRequest.objects.all())


def advice_get_detail(*, advice: AdviceRequest) -> AdviceRequest:
    """The advice request with its response and both people, for its page."""
    return AdviceRequest.objects.select_related("response", "asked_by", "adviser").get(pk=advice.pk)


def advice_awaiting_answer(*, user: Any) -> QuerySet[AdviceRequest]:
    """Advice requests put to this user and not yet answered, oldest first."""
    answered = AdviceResponse.objects.filter(request=OuterRef("pk"))
    return _advice(user).filter(adviser=user).exclude(Exists(answered)).order_by("asked_at", "id")


def advice_asked_by(*, user: Any) -> QuerySet[AdviceRequest]:
    """Advice this user asked for, newest first."""
    return _advice(user).filter(asked_by=user).order_by("-asked_at", "-created_at", "-id")


def advice_subject_for(*, user: User, advice: AdviceRequest) -> Person | None:
    """The child, shown to the adviser only if the asker chose to reveal them (golden rule 3)."""
    if advice.asked_by_id == user.id or advice.identity_revealed:
        return advice.subject
    return None


def advice_text(advice: AdviceRequest) -> dict[str, str | ErasedText | None]:
    response = getattr(advice, "response", None)
    return {
        "question": advice.question,
        "advice": AdviceResponse.advice.open_for(response, advice.subject)
        if response is not None
        else None,
    }


def advice_answered(advice: AdviceRequest) -> bool:
    try:
        return advice.response is not None
    except AdviceResponse.DoesNotExist:
        return False


def advice_available_for_decision(*, user: Any, subject: Person | None) -> QuerySet[AdviceRequest]:
    """Advice this user asked about this child (or anonymously) that a decision may cite."""
    qs = advice_asked_by(user=user)
    return qs.filter(subject=subject) if subject is not None else qs.filter(subject__isnull=True)
