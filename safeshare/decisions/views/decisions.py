"""Decision pages: your agency's decisions, one decision, correcting it, reviewing a
departure from the recommendation, and departures awaiting review.

Adapters only: parse → fetch through access → call one service or selector →
render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from safeshare.access.actions import Action
from safeshare.access.fetch.decisions import get_decision_for
from safeshare.access.fetch.people import get_person_for
from safeshare.access.policy import can
from safeshare.access.rules.decisions import DecisionTarget
from safeshare.access.rules.exchange import ShareSource
from safeshare.agencies.models import User
from safeshare.core.paging import answers_bad_page, paginate
from safeshare.decisions import selectors, services
from safeshare.decisions.flow import flow_start
from safeshare.decisions.forms import (
    ReviewForm,
)
from safeshare.decisions.models import DecisionOutcome
from safeshare.people.selectors import (
    person_identities,
)
from safeshare.ui.query import accepts_query

from ._common import _require_case_role

# ---------------------------------------------------------------------------
# Decisions
# ---------------------------------------------------------------------------


def _may_decide(user: User) -> bool:
    """Whether to offer "Decide whether to share": only to roles that record decisions."""
    return can(user, Action.DECISION_RECORD, DecisionTarget(subject=None))


@accepts_query("page")
@answers_bad_page
def decision_list(request: HttpRequest) -> HttpResponse:
    """Your agency's decisions, newest first, a page at a time."""
    _require_case_role(request)
    paged = paginate(request, selectors.decision_list_for_agency(user=request.user))
    return render(
        request,
        "decisions/list.html",
        {"paged": paged, "title": "Decisions", "may_decide": _may_decide(request.user)},
    )


@accepts_query("page")
@answers_bad_page
def decision_list_for_person(request: HttpRequest, person_id: str) -> HttpResponse:
    """Your agency's decisions about one person, superseded ones included, a page at a time."""
    _require_case_role(request)
    person = get_person_for(request.user, person_id, action=Action.PERSON_VIEW)
    paged = paginate(request, selectors.decision_list_for_person(user=request.user, person=person))
    identity = person_identities([person])[person.pk]
    return render(
        request,
        "decisions/list.html",
        {
            "paged": paged,
            "title": f"Decisions about {identity.display_name}",
            "may_decide": _may_decide(request.user),
        },
    )


def decision_detail(request: HttpRequest, decision_id: str) -> HttpResponse:
    """A decision: pack and version, recommendation and why, departure, reviews, corrections."""
    decision = get_decision_for(request.user, decision_id, action=Action.DECISION_VIEW)
    decision = selectors.decision_get_detail(decision=decision)
    text = selectors.decision_text(decision)
    subject_name = (
        person_identities([decision.subject])[decision.subject.pk].display_name
        if decision.subject
        else None
    )
    reviews = [(r, selectors.review_text(r)) for r in decision.reviews.all()]
    advice = [(a, selectors.advice_text(a)) for a in decision.advice_requests.all()]
    return render(
        request,
        "decisions/detail.html",
        {
            "banners": [str(message) for message in messages.get_messages(request)],
            "decision": decision,
            "text": text,
            "subject_name": subject_name,
            "reviews": reviews,
            "advice": advice,
            "may_supersede": can(request.user, Action.DECISION_SUPERSEDE, decision)
            and not decision.is_superseded,
            "may_review": can(request.user, Action.DECISION_REVIEW, decision)
            and decision.departs_from_recommendation
            and not reviews,
            # The share that carries out a decision to share is built from here.
            "may_share": decision.outcome == DecisionOutcome.SHARE
            and not decision.is_superseded
            and can(request.user, Action.SHARE_SEND, ShareSource(decision=decision)),
        },
    )


@require_POST
def decision_supersede(request: HttpRequest, decision_id: str) -> HttpResponse:
    """Start correcting a decision: the aid runs again for the same child."""
    decision = get_decision_for(request.user, decision_id, action=Action.DECISION_SUPERSEDE)
    flow_start(
        request,
        subject_id=str(decision.subject_id) if decision.subject_id else None,
        answers=dict(decision.answers),
        supersedes_id=str(decision.pk),
    )
    return redirect("decisions:aid_record")


@require_http_methods(["GET", "POST"])
def decision_review(request: HttpRequest, decision_id: str) -> HttpResponse:
    """A safeguarding lead reviews a decision that departs from the recommendation."""
    decision = get_decision_for(request.user, decision_id, action=Action.DECISION_REVIEW)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_review(actor=request.user, decision=decision, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return redirect("decisions:detail", decision_id=decision.pk)
    return render(request, "decisions/review.html", {"form": form, "decision": decision})


@accepts_query("page")
@answers_bad_page
def departures(request: HttpRequest) -> HttpResponse:
    """Decisions that depart from the aid's recommendation, awaiting your review, oldest
    first, a page at a time."""
    _require_case_role(request)
    paged = paginate(request, selectors.decision_departures_awaiting_review(user=request.user))
    return render(request, "decisions/departures.html", {"paged": paged})
