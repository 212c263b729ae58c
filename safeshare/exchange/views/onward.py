"""Pages for asking the source agency before passing a share on, and its answer
(Protocol App. 2 Q6)."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from safeshare.access.actions import Action
from safeshare.access.fetch.decisions import get_own_decision_for
from safeshare.access.fetch.exchange import (
    get_onward_request_for,
    get_share_for,
)
from safeshare.access.policy import can
from safeshare.agencies.selectors import agency_get
from safeshare.core.errors import Forbidden
from safeshare.core.sealed import open_text
from safeshare.exchange import forms, services

from ._common import _decision_aid_url, _decision_choices_for, _other_agencies


@require_http_methods(["GET", "POST"])
def onward_new(request: HttpRequest, share_id: str) -> HttpResponse:
    """A recipient asks the source agency before passing a share on (secondary disclosure)."""
    share = get_share_for(request.user, share_id, action=Action.ONWARD_REQUEST)
    agencies = [(k, v) for k, v in _other_agencies(request) if k != str(share.sender_agency_id)]
    form = forms.OnwardRequestForm(
        request.POST if request.method == "POST" else None, agencies=agencies
    )
    if request.method == "POST" and form.is_valid():
        try:
            onward = services.onward_request(
                actor=request.user,
                share=share,
                proposed_recipient=agency_get(form.cleaned_data["proposed_recipient"]),
                purpose=form.cleaned_data["purpose"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return redirect("exchange:onward_detail", onward_id=onward.pk)
    return render(
        request,
        "exchange/onward_new.html",
        {"form": form, "share": share},
        status=422 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def onward_detail(request: HttpRequest, onward_id: str) -> HttpResponse:
    """The request to pass a share on; the source agency answers with one of its decisions."""
    onward = get_onward_request_for(request.user, onward_id, action=Action.ONWARD_VIEW)
    answer = getattr(onward, "answer", None) if hasattr(onward, "answer") else None
    form = None
    if answer is None and can(request.user, Action.ONWARD_ANSWER, onward):
        choices = _decision_choices_for(request, onward.share.subject)
        form = forms.RequestAnswerForm(
            request.POST if request.method == "POST" else None, decisions=choices
        )
        form.fields["decision"].label = "Which of your agency's decisions answers this?"
        if request.method == "POST" and form.is_valid():
            try:
                decision = get_own_decision_for(
                    request.user, form.cleaned_data["decision"], action=Action.DECISION_VIEW
                )
                services.onward_answer(actor=request.user, onward=onward, decision=decision)
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                return redirect("exchange:onward_detail", onward_id=onward.pk)
    elif request.method == "POST":
        raise Forbidden()
    purpose = open_text(
        onward.share.subject, record_id=onward.pk, field="purpose", blob=onward.purpose_enc
    )
    return render(
        request,
        "exchange/onward_detail.html",
        {
            "onward": onward,
            "purpose": purpose,
            "answer": answer,
            "form": form,
            "decision_aid_url": _decision_aid_url(),
        },
        status=422 if form is not None and form.errors else 200,
    )
