"""Advice pages: advice put to you and asked by you, asking, and answering (golden
rule 3: the adviser does not see the child unless the asker reveals it)."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from safeshare.access.actions import Action
from safeshare.access.fetch.decisions import get_advice_request_for
from safeshare.access.fetch.people import get_person_for
from safeshare.access.policy import can, require
from safeshare.access.rules.decisions import ADVISER_ROLES, AdviceTarget
from safeshare.agencies.selectors import colleagues_of
from safeshare.core.errors import Forbidden
from safeshare.core.paging import answers_bad_page, paginate
from safeshare.decisions import selectors, services
from safeshare.decisions.forms import (
    AdviceAskForm,
    AdviceGiveForm,
)
from safeshare.people.selectors import (
    person_identities,
)
from safeshare.ui.query import accepts_query

from ._common import _children, _require_case_role

# ---------------------------------------------------------------------------
# Advice
# ---------------------------------------------------------------------------


@accepts_query("awaiting_page", "asked_page")
@answers_bad_page
def advice_list(request: HttpRequest) -> HttpResponse:
    """Advice put to you and awaiting your answer, and advice you asked for, each paged."""
    _require_case_role(request)
    return render(
        request,
        "decisions/advice_list.html",
        {
            "awaiting": paginate(
                request,
                selectors.advice_awaiting_answer(user=request.user),
                param="awaiting_page",
                anchor="awaiting",
            ),
            "asked": paginate(
                request,
                selectors.advice_asked_by(user=request.user),
                param="asked_page",
                anchor="asked",
            ),
            "may_ask": can(request.user, Action.ADVICE_REQUEST, AdviceTarget(subject=None)),
        },
    )


@require_http_methods(["GET", "POST"])
def advice_ask(request: HttpRequest) -> HttpResponse:
    """Ask your safeguarding lead or lead information officer, without naming the child
    unless you choose to (golden rule 3)."""
    user = request.user
    require(user, Action.ADVICE_REQUEST, AdviceTarget(subject=None))
    advisers = [u for u in colleagues_of(user) if u.roles & ADVISER_ROLES]
    form = AdviceAskForm(
        request.POST or None,
        advisers=[(str(u.pk), str(u)) for u in advisers],
        children=_children(user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        subject = (
            get_person_for(user, data["subject"], action=Action.PERSON_VIEW)
            if data["subject"]
            else None
        )
        adviser = next((u for u in advisers if str(u.pk) == data["adviser"]), None)
        try:
            advice = services.advice_request(
                actor=user,
                adviser=adviser,
                subject=subject,
                question=data["question"],
                identity_revealed=data["identity_revealed"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return redirect("decisions:advice_detail", advice_id=advice.pk)
    return render(request, "decisions/advice_ask.html", {"form": form})


@require_http_methods(["GET", "POST"])
def advice_detail(request: HttpRequest, advice_id: str) -> HttpResponse:
    """An advice request: the question, the child only if revealed, and the answer."""
    user = request.user
    advice = get_advice_request_for(user, advice_id, action=Action.ADVICE_VIEW)
    may_answer = can(user, Action.ADVICE_GIVE, advice) and not selectors.advice_answered(advice)
    form = AdviceGiveForm(request.POST or None) if may_answer else None
    if request.method == "POST":
        require(user, Action.ADVICE_GIVE, advice)
        if form is not None and form.is_valid():
            try:
                services.advice_give(actor=user, advice_request=advice, **form.cleaned_data)
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                return redirect("decisions:advice_detail", advice_id=advice.pk)
        elif form is None:
            raise Forbidden()
    subject = selectors.advice_subject_for(user=user, advice=advice)
    subject_name = person_identities([subject])[subject.pk].display_name if subject else None
    advice = selectors.advice_get_detail(advice=advice)
    return render(
        request,
        "decisions/advice_detail.html",
        {
            "advice": advice,
            "text": selectors.advice_text(advice),
            "subject_name": subject_name,
            "response": getattr(advice, "response", None),
            "form": form,
        },
    )
