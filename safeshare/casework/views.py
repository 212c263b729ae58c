"""Casework pages: flows that cross apps, each an adapter calling one casework flow.

The decision aid's record step lives here because a decision recorded in a flow
started from an information request answers that request in the same
transaction (`casework.answering`); its URL and name stay the aid's
(`decisions:aid_record`, spliced into the decisions namespace in config/urls.py).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from safeshare.agencies.models import Agency
from safeshare.casework import answering
from safeshare.consent.models import Consent
from safeshare.consent.selectors import consents_on_file
from safeshare.core import clock
from safeshare.decisions import aid
from safeshare.decisions import selectors as decision_selectors
from safeshare.decisions import services as decision_services
from safeshare.decisions.flow import (
    flow_answering,
    flow_end,
    flow_get,
    flow_recommendation,
    flow_require_allowed,
    flow_stop_answering,
    flow_supersedes,
)
from safeshare.decisions.forms import DecisionRecordForm
from safeshare.decisions.models import AdviceRequest
from safeshare.decisions.services import DecisionDraft
from safeshare.people.selectors import person_identities


def _draft(
    data: dict,
    rec: aid.Recommendation,
    *,
    consents: list[Consent],
    agencies: list[Agency],
    advice: list[AdviceRequest],
) -> DecisionDraft:
    """The record form's answers as a draft, its ids resolved among the choices offered."""
    return DecisionDraft(
        answers=rec.answers,
        outcome=data["outcome"],
        purpose=data["purpose"],
        rationale=data["rationale"],
        information_considered=data["information_considered"],
        level_of_need=data.get("level_of_need", ""),
        lawful_basis=data["lawful_basis"],
        special_category_condition=data["special_category_condition"],
        statutory_gateways=data["statutory_gateways"],
        consent_state=data["consent_state"],
        consent=next((c for c in consents if str(c.pk) == data.get("consent_id")), None),
        purpose_code=data["purpose_code"],
        consent_not_sought_reason=data["consent_not_sought_reason"],
        safeguarding_reason=data["safeguarding_reason"],
        recipient_agencies=[a for a in agencies if str(a.pk) in data["recipient_agencies"]],
        more_detrimental_to_child=data.get("more_detrimental_to_child"),
        more_detrimental_reasoning=data.get("more_detrimental_reasoning", ""),
        advice_requests=[a for a in advice if str(a.pk) in data.get("advice_requests", [])],
    )


# Shown with the reason (withdrawn or answered) when the record the aid was started from
# closed while the aid was open.
RECORD_CLOSED = (
    "The request is closed, so your decision will not answer it. "
    "You can still record your decision: check it and select Record decision again."
)


@require_http_methods(["GET", "POST"])
def aid_record(request: HttpRequest) -> HttpResponse:
    """The recommendation with its reasons and the answers (each with "Change"), above the
    record form: share or not share, equally complete. A decision in a flow started from a
    request answers that request in the same transaction."""
    flow = flow_get(request)
    subject = flow_require_allowed(request, flow)
    supersedes = flow_supersedes(request, flow)
    pack, rec = flow_recommendation(request, flow)
    if rec is None:
        return redirect("decisions:aid_answers")
    user = request.user
    agency = user.agency
    today = clock.today()
    on_file = consents_on_file(user, subject) if subject is not None else []
    names = person_identities([c.given_by for c in on_file]) if on_file else {}
    consents = [
        (
            str(c.pk),
            f"{c.get_decision_display()} by {names[c.given_by_id].display_name} on "
            f"{timezone.localtime(c.given_at):%-d %B %Y}",
        )
        for c in on_file
    ]
    agencies = list(Agency.objects.exclude(pk=agency.pk).order_by("name"))
    advice = list(decision_selectors.advice_available_for_decision(user=user, subject=subject))
    form = DecisionRecordForm(
        request.POST or None,
        pack=pack,
        lawful_bases=pack.available("lawful_bases", as_at=today, agency_type=agency.agency_type),
        gateways=pack.available("statutory_gateways", as_at=today),
        consents=consents,
        agencies=[(str(a.pk), a.name) for a in agencies],
        advice=[
            (str(a.pk), f"Asked {timezone.localtime(a.asked_at):%-d %B %Y %H:%M}") for a in advice
        ],
        duty=rec.duty_to_share_in_force,
        level_from_aid=pack.item("levels_of_need", rec.level_of_need or "") is not None,
    )
    answering_ref = flow_answering(flow)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        draft = _draft(data, rec, consents=on_file, agencies=agencies, advice=advice)
        answered = None
        try:
            if supersedes is not None:
                decision = decision_services.decision_supersede(
                    actor=user, decision=supersedes, draft=draft
                )
            elif answering_ref is not None:
                decision, answered = answering.decision_record_answering(
                    actor=user,
                    subject=subject,
                    anonymised=subject is None,
                    answering_kind=answering_ref[0],
                    answering_id=answering_ref[1],
                    draft=draft,
                )
            else:
                decision = decision_services.decision_record(
                    actor=user, subject=subject, anonymised=subject is None, draft=draft
                )
        except answering.RecordClosed as error:
            # Nothing was written; the decision stays recordable, answering nothing.
            flow_stop_answering(request, flow)
            answering_ref = None
            form.add_service_errors(error)
            form.add_error(None, RECORD_CLOSED)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            flow_end(request)
            if answered is None:
                return redirect("decisions:detail", decision_id=decision.pk)
            messages.success(request, answered.message)
            return redirect(answered.next_url or reverse("decisions:detail", args=[decision.pk]))
    rows = [
        (pack.questions[s.question], pack.questions[s.question].option(s.answer)) for s in rec.path
    ]
    return render(
        request,
        "decisions/aid_record.html",
        {
            "form": form,
            "rec": rec,
            "rows": rows,
            "pack": pack,
            "subject": subject,
            "supersedes": supersedes,
            "answering": answering_ref is not None,
        },
        status=422 if form.errors else 200,
    )
