"""Pages for information requests in and out: raising, reading, answering, accepting and
withdrawing them (Protocol 5.2 Timely).

Adapters only: parse → fetch through access → call one service or selector → render.
"""

import uuid

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from safeshare.access.actions import Action, Relation
from safeshare.access.fetch.decisions import get_own_decision_for
from safeshare.access.fetch.exchange import (
    get_request_for,
)
from safeshare.access.fetch.people import get_person_for
from safeshare.access.policy import can, person_relation, require
from safeshare.access.rules.decisions import DecisionTarget
from safeshare.access.rules.exchange import RequestTarget
from safeshare.agencies.models import Agency
from safeshare.agencies.selectors import agency_get
from safeshare.core.errors import Forbidden
from safeshare.core.paging import answers_bad_page, paginate
from safeshare.decisions.flow import ANSWERING_REQUEST, flow_start
from safeshare.exchange import forms, selectors, services
from safeshare.people.identity import read_identity
from safeshare.ui.query import accepts_query

from ._common import _decision_choices_for, _identity, _other_agencies, _require_case_role


@accepts_query("in_page", "out_page", "overdue_page")
@answers_bad_page
def requests(request: HttpRequest) -> HttpResponse:
    """Requests in and out, with their status; overdue ones for both sides. Each list is
    paged on its own (`in_page`, `out_page`, `overdue_page`)."""
    _require_case_role(request)
    return render(
        request,
        "exchange/requests.html",
        {
            "inbox": paginate(
                request, selectors.requests_inbox(request.user), param="in_page", anchor="asked-of"
            ),
            "outbox": paginate(
                request,
                selectors.requests_outbox(request.user),
                param="out_page",
                anchor="asked-by",
            ),
            "overdue": paginate(
                request,
                selectors.requests_overdue(request.user),
                param="overdue_page",
                anchor="overdue",
            ),
            "status": selectors.request_status,
            "labels": selectors.RequestStatus.LABELS,
        },
    )


@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest, person_id: str) -> HttpResponse:
    """Ask another agency about a child your agency works with."""
    subject = get_person_for(request.user, person_id, action=Action.PERSON_VIEW)
    form = forms.RequestRaiseForm(
        request.POST if request.method == "POST" else None,
        agencies=_other_agencies(request),
        legal_bases=selectors.legal_basis_choices(),
    )
    target_agency = None
    if request.method == "POST" and form.is_valid():
        target_agency = agency_get(form.cleaned_data["to_agency"])
    require(
        request.user,
        Action.REQUEST_RAISE,
        RequestTarget(subject=subject, to_agency=target_agency or Agency(id=uuid.uuid4())),
    )
    if target_agency is not None:
        data = form.cleaned_data
        try:
            raised = services.request_raise(
                actor=request.user,
                subject=subject,
                to_agency=target_agency,
                purpose=data["purpose"],
                information_needed=data["information_needed"],
                legal_basis=data["legal_basis"],
                urgency=data["urgency"],
                due_on=data["due_on"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return redirect("exchange:request_detail", request_id=raised.pk)
    return render(
        request,
        "exchange/request_new.html",
        {"form": form, "subject": subject, "identity": read_identity(subject)},
    )


def request_detail(request: HttpRequest, request_id: str) -> HttpResponse:
    """A request, its status and, for the agency asked, how to answer it."""
    found = get_request_for(request.user, request_id, action=Action.REQUEST_VIEW)
    may_answer = can(request.user, Action.REQUEST_ANSWER, found)
    status = selectors.request_status(found)
    answer_form = None
    if may_answer and status in (selectors.RequestStatus.OPEN, selectors.RequestStatus.OVERDUE):
        answer_form = forms.RequestAnswerForm(decisions=_decision_choices(request, found))
    return render(
        request,
        "exchange/request_detail.html",
        _request_context(request, found, answer_form=answer_form, status=status),
    )


def _decision_choices(request: HttpRequest, found) -> list[tuple[str, str]]:
    return _decision_choices_for(request, found.subject)


def _request_context(request: HttpRequest, found, **extra) -> dict:
    response = selectors.request_response(found)
    return {
        "shares": selectors.shares_for_answer(request.user, response),
        "found": found,
        "text": selectors.request_text(found),
        "identity": _identity(request, found.subject),
        "response": response,
        "labels": selectors.RequestStatus.LABELS,
        "may_withdraw": can(request.user, Action.REQUEST_WITHDRAW, found),
        "withdraw_form": forms.RequestWithdrawForm(),
        "accepted": can(request.user, Action.REQUEST_ANSWER, found)
        and person_relation(request.user, found.subject) == Relation.OWN_AGENCY,
        "may_decide": _may_decide_on(request.user, found),
        **extra,
    }


def _may_decide_on(user, found) -> bool:
    """Whether the user may record the decision that answers this request, so may take it
    on and start the aid: a role that records decisions (not a lead information officer).

    Before the request is taken on the child is not yet in the agency's scope
    (taking it on brings them in), so only the role is asked then.
    """
    own = person_relation(user, found.subject) == Relation.OWN_AGENCY
    return can(user, Action.DECISION_RECORD, DecisionTarget(subject=found.subject if own else None))


@require_POST
def request_answer(request: HttpRequest, request_id: str) -> HttpResponse:
    """Answer with one of your agency's recorded decisions about the child."""
    found = get_request_for(request.user, request_id, action=Action.REQUEST_ANSWER)
    form = forms.RequestAnswerForm(request.POST, decisions=_decision_choices(request, found))
    if form.is_valid():
        try:
            decision = get_own_decision_for(
                request.user, form.cleaned_data["decision"], action=Action.DECISION_VIEW
            )
            services.request_answer(actor=request.user, request=found, decision=decision)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return redirect("exchange:request_detail", request_id=found.pk)
    context = _request_context(
        request, found, answer_form=form, status=selectors.request_status(found)
    )
    return render(request, "exchange/request_detail.html", context, status=422)


@require_POST
def request_accept(request: HttpRequest, request_id: str) -> HttpResponse:
    """Take the request on (the child comes into your agency's scope) and start the decision
    aid about the request's child; the decision recorded there answers this request."""
    found = get_request_for(request.user, request_id, action=Action.REQUEST_ANSWER)
    if not _may_decide_on(request.user, found):
        raise Forbidden("You cannot record a decision, so cannot decide on this request.")
    try:
        services.request_accept(actor=request.user, request=found)
    except ValidationError:
        # No longer open: the page shows the status.
        return redirect("exchange:request_detail", request_id=found.pk)
    flow_start(
        request,
        subject_id=str(found.subject_id),
        answering=(ANSWERING_REQUEST, str(found.pk)),
    )
    return redirect("decisions:aid_answers")


@require_POST
def request_withdraw(request: HttpRequest, request_id: str) -> HttpResponse:
    found = get_request_for(request.user, request_id, action=Action.REQUEST_WITHDRAW)
    form = forms.RequestWithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.request_withdraw(
                actor=request.user, request=found, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return redirect("exchange:request_detail", request_id=found.pk)
    context = _request_context(request, found, status=selectors.request_status(found))
    context["withdraw_form"] = form
    return render(request, "exchange/request_detail.html", context, status=422)
