"""Pages for flows that cross apps (STYLE §1): the person page, which shows what
people, consent, decisions and exchange each hold about a person, and the withdrawal
of consent, which tells the recipients. Adapters only: parse → fetch through access
→ call selectors or one casework flow → render.
The aid's record step is here too: it may answer the request the aid was started from.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from safeshare.access.actions import Action
from safeshare.access.fetch.people import get_person_for
from safeshare.access.policy import can, person_relation, require
from safeshare.access.rules.decisions import DecisionTarget
from safeshare.access.rules.exchange import ReferralTarget
from safeshare.agencies import selectors as agency_selectors
from safeshare.agencies.backends import signed_in_user
from safeshare.agencies.models import Agency
from safeshare.casework import answering
from safeshare.casework.timeline import person_timeline
from safeshare.casework.withdrawal import consent_withdraw_and_tell
from safeshare.consent.forms import WithdrawForm
from safeshare.consent.models import Consent
from safeshare.consent.selectors import consent_choices, consents_on_file
from safeshare.consent.views.consents import consent_page_context
from safeshare.consent.views.consents import person_section as consent_section
from safeshare.consent.views.posting import submit_form
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
from safeshare.people import selectors


def person_detail(request: HttpRequest, person_id: str) -> HttpResponse:
    """A person's identity, family and the agencies working with them."""
    person = get_person_for(request.user, person_id, action=Action.PERSON_VIEW)
    relationships = list(selectors.relationships_for_person(person=person))
    related = [r.related_person if r.person_id == person.pk else r.person for r in relationships]
    identities = selectors.person_identities(selectors.people_visible_among(request.user, related))
    family = [
        (relationship, other, identities.get(other.pk))
        for relationship, other in zip(relationships, related, strict=True)
    ]
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "identity": selectors.person_identity_for(request.user, person),
            "relation": person_relation(request.user, person),
            "family": family,
            "involvements": list(selectors.involvements_for_person(person=person)),
            "may_decide": can(request.user, Action.DECISION_RECORD, DecisionTarget(subject=person)),
            "may_ask_or_refer": can(
                request.user, Action.REFERRAL_MAKE, ReferralTarget(subject=person)
            ),
            "consent": consent_section(request.user, person),
            "timeline": person_timeline(request.user, person),
        },
    )


@require_http_methods(["GET", "POST"])
def consent_withdraw_page(request: HttpRequest, consent_id: str) -> HttpResponse:
    """Record that consent was withdrawn: no new share may rely on it from then, and each
    agency that received information under it is told (App. 2 Q4)."""
    context = consent_page_context(request, consent_id)
    consent = context["consent"]
    require(request.user, Action.CONSENT_WITHDRAW, consent)
    form = WithdrawForm(request.POST if request.method == "POST" else None)

    actor = signed_in_user(request)

    def write(data: dict[str, Any]) -> str:
        consent_withdraw_and_tell(
            actor=actor,
            consent=consent,
            withdrawn_at=data["withdrawn_at"],
            method=data["method"],
            reasons=data["reasons"],
        )
        return reverse("consent:detail", kwargs={"consent_id": consent.pk})

    done, status = submit_form(request, form, write)
    if done is not None:
        redirected: HttpResponse = done
        return redirected
    context["form"] = form
    return render(request, "consent/withdraw.html", context, status=status)


def _draft(
    data: dict[str, Any],
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
    user = signed_in_user(request)
    agency = user.agency
    if agency is None:  # the access check above admits only members of an agency
        raise PermissionDenied
    today = clock.today()
    on_file = consents_on_file(user, subject) if subject is not None else []
    consents = consent_choices(on_file)
    agencies = list(agency_selectors.agency_list_except(agency))
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
